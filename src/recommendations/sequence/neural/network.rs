//! The neural encoders, written on candle: course and event-strength embeddings, a GRU over the
//! sequence (F_RNN, GRU4Rec-style), a Caser-style convolution over the latest courses
//! (F_CNN(x) = max_k [W_k * x + b_k]: horizontal filters of every height, max-pooled, plus
//! vertical filters), and a learned gate fusing both into one learner vector. Scores are the
//! learner vector against the (shared) course embeddings.

use candle_core::{DType, Device, IndexOp, Tensor, Var};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Which encoder turns a sequence into a learner vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Architecture {
    /// Recurrent (GRU).
    Gru,
    /// Convolutional (Caser).
    Caser,
    /// Both, fused by a learned gate, trained with an auxiliary task.
    Fusion,
}

/// Strength levels an event enters with (0 is padding).
pub const STRENGTH_LEVELS: usize = 5;
/// Horizontal filters per height in the convolutional encoder.
const HORIZONTAL: usize = 16;
/// Vertical filters in the convolutional encoder.
const VERTICAL: usize = 4;

/// The strength level of an event weight: 1 (view-like) to 4 (purchase- or completion-like).
pub fn strength_level(w: f32) -> u32 {
    match w {
        w if w <= 1.0 => 1,
        w if w <= 2.0 => 2,
        w if w <= 4.0 => 3,
        _ => 4,
    }
}

/// The shape of a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// The encoder.
    pub architecture: Architecture,
    /// Courses (the padding index is this).
    pub items: usize,
    /// Embedding size.
    pub dim: usize,
    /// Latest courses read.
    pub max_len: usize,
    /// Courses a convolution spans.
    pub window: usize,
    /// Categories of the auxiliary task (0: none).
    pub categories: usize,
}

/// A network's weights, by name.
#[derive(Clone)]
pub struct Network {
    /// Its shape.
    pub shape: Shape,
    vars: Vec<(String, Var)>,
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Network")
            .field("shape", &self.shape)
            .field("weights", &self.vars.len())
            .finish()
    }
}

fn uniform(rng: &mut ChaCha8Rng, shape: &[usize], bound: f32) -> candle_core::Result<Tensor> {
    let n: usize = shape.iter().product();
    let values: Vec<f32> = (0..n).map(|_| rng.gen_range(-bound..=bound)).collect();
    Tensor::from_vec(values, shape, &Device::Cpu)
}

/// A dropout mask: each unit kept with probability `1 − p` and scaled by `1 / (1 − p)`.
pub fn dropout(x: &Tensor, p: f32, rng: &mut ChaCha8Rng) -> candle_core::Result<Tensor> {
    if p <= 0.0 {
        return Ok(x.clone());
    }
    let keep = 1.0 / (1.0 - p);
    let n = x.elem_count();
    let mask: Vec<f32> = (0..n)
        .map(|_| {
            if rng.gen_bool(f64::from(p)) {
                0.0
            } else {
                keep
            }
        })
        .collect();
    x.mul(&Tensor::from_vec(mask, x.shape(), &Device::Cpu)?)
}

impl Network {
    /// A network with seeded initial weights.
    pub fn new(shape: Shape, rng: &mut ChaCha8Rng) -> candle_core::Result<Network> {
        let d = shape.dim;
        let mut vars: Vec<(String, Var)> = Vec::new();
        let mut add = |name: String, t: Tensor| -> candle_core::Result<()> {
            vars.push((name, Var::from_tensor(&t)?));
            Ok(())
        };
        let emb = 1.0 / (d as f32).sqrt();
        add("item".into(), uniform(rng, &[shape.items + 1, d], emb)?)?;
        add("strength".into(), uniform(rng, &[STRENGTH_LEVELS, d], emb)?)?;
        add(
            "out_bias".into(),
            Tensor::zeros(shape.items, DType::F32, &Device::Cpu)?,
        )?;
        let hidden = 1.0 / (d as f32).sqrt();
        if shape.architecture != Architecture::Caser {
            add("gru.w".into(), uniform(rng, &[d, 3 * d], hidden)?)?;
            add("gru.u".into(), uniform(rng, &[d, 3 * d], hidden)?)?;
            add(
                "gru.b".into(),
                Tensor::zeros(3 * d, DType::F32, &Device::Cpu)?,
            )?;
        }
        if shape.architecture != Architecture::Gru {
            let l = shape.window;
            for h in 1..=l {
                let fan = (h * d) as f32;
                add(
                    format!("caser.h{h}"),
                    uniform(rng, &[h * d, HORIZONTAL], 1.0 / fan.sqrt())?,
                )?;
                add(
                    format!("caser.h{h}.b"),
                    Tensor::zeros(HORIZONTAL, DType::F32, &Device::Cpu)?,
                )?;
            }
            add(
                "caser.v".into(),
                uniform(rng, &[l, VERTICAL], 1.0 / (l as f32).sqrt())?,
            )?;
            let width = HORIZONTAL * l + VERTICAL * d;
            add(
                "caser.fc".into(),
                uniform(rng, &[width, d], 1.0 / (width as f32).sqrt())?,
            )?;
            add(
                "caser.fc.b".into(),
                Tensor::zeros(d, DType::F32, &Device::Cpu)?,
            )?;
        }
        if shape.architecture == Architecture::Fusion {
            add(
                "gate".into(),
                uniform(rng, &[2 * d, d], 1.0 / (2.0 * d as f32).sqrt())?,
            )?;
            add("gate.b".into(), Tensor::zeros(d, DType::F32, &Device::Cpu)?)?;
            if shape.categories > 1 {
                add(
                    "category".into(),
                    uniform(rng, &[d, shape.categories], hidden)?,
                )?;
                add(
                    "category.b".into(),
                    Tensor::zeros(shape.categories, DType::F32, &Device::Cpu)?,
                )?;
            }
        }
        Ok(Network { shape, vars })
    }

    fn get(&self, name: &str) -> &Tensor {
        self.vars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_tensor())
            .unwrap_or_else(|| panic!("the network has no weight `{name}`"))
    }

    /// The trainable weights.
    pub fn vars(&self) -> Vec<Var> {
        self.vars.iter().map(|(_, v)| v.clone()).collect()
    }

    /// A copy of every weight, by name.
    pub fn snapshot(&self) -> candle_core::Result<Vec<(String, Tensor)>> {
        self.vars
            .iter()
            .map(|(n, v)| Ok((n.clone(), v.as_tensor().copy()?)))
            .collect()
    }

    /// Sets every weight from a snapshot (names must match).
    pub fn restore(&self, weights: &[(String, Tensor)]) -> candle_core::Result<()> {
        for (name, var) in &self.vars {
            let t = weights
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t)
                .ok_or_else(|| candle_core::Error::Msg(format!("no weight `{name}`")))?;
            var.set(t)?;
        }
        Ok(())
    }

    /// Learner vectors at every position of a batch: `ids` and `levels` are `[B, T]` (u32,
    /// padding on the left), `mask` `[B, T, 1]` (1 for real steps). With `rng`, dropout
    /// `p` applies (training).
    pub fn encode(
        &self,
        ids: &Tensor,
        levels: &Tensor,
        mask: &Tensor,
        train: Option<(&mut ChaCha8Rng, f32)>,
    ) -> candle_core::Result<Tensor> {
        let (b, t) = ids.dims2()?;
        let d = self.shape.dim;
        let x = self
            .get("item")
            .index_select(&ids.flatten_all()?, 0)?
            .add(
                &self
                    .get("strength")
                    .index_select(&levels.flatten_all()?, 0)?,
            )?
            .reshape((b, t, d))?;
        let (x, mut rng) = match train {
            Some((rng, p)) => (dropout(&x, p, rng)?, Some((rng, p))),
            None => (x, None),
        };
        let h = match self.shape.architecture {
            Architecture::Gru => self.gru(&x, mask)?,
            Architecture::Caser => self.caser(&x)?,
            Architecture::Fusion => {
                let h = self.gru(&x, mask)?;
                let z = self.caser(&x)?;
                let both = Tensor::cat(&[&h, &z], 2)?.reshape((b * t, 2 * d))?;
                let g = candle_nn::ops::sigmoid(
                    &both
                        .matmul(self.get("gate"))?
                        .broadcast_add(self.get("gate.b"))?,
                )?
                .reshape((b, t, d))?;
                z.add(&g.mul(&h.sub(&z)?)?)?
            }
        };
        match rng.as_mut() {
            Some((rng, p)) => dropout(&h, *p, rng),
            None => Ok(h),
        }
    }

    fn gru(&self, x: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        let (b, t, d) = x.dims3()?;
        let xp = x
            .reshape((b * t, d))?
            .matmul(self.get("gru.w"))?
            .broadcast_add(self.get("gru.b"))?
            .reshape((b, t, 3 * d))?;
        let u = self.get("gru.u");
        let mut h = Tensor::zeros((b, d), DType::F32, &Device::Cpu)?;
        let mut outs = Vec::with_capacity(t);
        for step in 0..t {
            let xt = xp.i((.., step, ..))?;
            let hp = h.matmul(u)?;
            let r = candle_nn::ops::sigmoid(&xt.narrow(1, 0, d)?.add(&hp.narrow(1, 0, d)?)?)?;
            let z = candle_nn::ops::sigmoid(&xt.narrow(1, d, d)?.add(&hp.narrow(1, d, d)?)?)?;
            let n = xt
                .narrow(1, 2 * d, d)?
                .add(&r.mul(&hp.narrow(1, 2 * d, d)?)?)?
                .tanh()?;
            let next = n.add(&z.mul(&h.sub(&n)?)?)?;
            let m = mask.i((.., step, ..))?;
            h = h.add(&next.sub(&h)?.broadcast_mul(&m)?)?;
            outs.push(h.clone());
        }
        Tensor::stack(&outs, 1)
    }

    fn caser(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (b, t, d) = x.dims3()?;
        let l = self.shape.window;
        let n = b * t;
        let padded = Tensor::cat(
            &[&Tensor::zeros((b, l - 1, d), DType::F32, &Device::Cpu)?, x],
            1,
        )?;
        let windows: Vec<Tensor> = (0..l)
            .map(|k| padded.narrow(1, k, t))
            .collect::<candle_core::Result<_>>()?;
        // [N, L, d]: the latest L courses at every position, oldest first.
        let e = Tensor::stack(&windows, 2)?.reshape((n, l, d))?;
        let mut features = Vec::with_capacity(l + 1);
        for h in 1..=l {
            let slices: Vec<Tensor> = (0..=l - h)
                .map(|o| e.narrow(1, o, h)?.reshape((n, 1, h * d)))
                .collect::<candle_core::Result<_>>()?;
            let conv = Tensor::cat(&slices, 1)?
                .broadcast_matmul(self.get(&format!("caser.h{h}")))?
                .broadcast_add(self.get(&format!("caser.h{h}.b")))?
                .relu()?;
            features.push(conv.max(1)?);
        }
        let vertical = e
            .transpose(1, 2)?
            .broadcast_matmul(self.get("caser.v"))?
            .reshape((n, d * VERTICAL))?;
        features.push(vertical);
        Tensor::cat(&features, 1)?
            .matmul(self.get("caser.fc"))?
            .broadcast_add(self.get("caser.fc.b"))?
            .relu()?
            .reshape((b, t, d))
    }

    /// Scores of every course for learner vectors `h` (`[N, d]`).
    pub fn logits(&self, h: &Tensor) -> candle_core::Result<Tensor> {
        let items = self.get("item").narrow(0, 0, self.shape.items)?;
        h.matmul(&items.t()?)?.broadcast_add(self.get("out_bias"))
    }

    /// Scores of every category for learner vectors `h`, when the network has that task.
    pub fn category_logits(&self, h: &Tensor) -> candle_core::Result<Option<Tensor>> {
        if self.shape.architecture != Architecture::Fusion || self.shape.categories < 2 {
            return Ok(None);
        }
        Ok(Some(
            h.matmul(self.get("category"))?
                .broadcast_add(self.get("category.b"))?,
        ))
    }

    /// The course embeddings and output biases, as plain numbers (course-major).
    pub fn output(&self) -> candle_core::Result<(Vec<f32>, Vec<f32>)> {
        let items = self.get("item").narrow(0, 0, self.shape.items)?;
        Ok((
            items.flatten_all()?.to_vec1()?,
            self.get("out_bias").to_vec1()?,
        ))
    }
}

/// A batch of sequences, left-padded to the longest of `max_len`.
pub struct Batch {
    /// Course ids `[B, T]`.
    pub ids: Tensor,
    /// Strength levels `[B, T]`.
    pub levels: Tensor,
    /// 1 for real steps, 0 for padding, `[B, T, 1]`.
    pub mask: Tensor,
}

impl Batch {
    /// The last `max_len` steps of each sequence (course, strength level).
    pub fn new(
        sequences: &[&[(u32, u32)]],
        max_len: usize,
        pad: u32,
    ) -> candle_core::Result<Batch> {
        let t = sequences
            .iter()
            .map(|s| s.len().min(max_len))
            .max()
            .unwrap_or(1)
            .max(1);
        let b = sequences.len();
        let mut ids = vec![pad; b * t];
        let mut levels = vec![0u32; b * t];
        let mut mask = vec![0f32; b * t];
        for (r, s) in sequences.iter().enumerate() {
            let s = &s[s.len().saturating_sub(t)..];
            let start = t - s.len();
            for (k, &(item, level)) in s.iter().enumerate() {
                ids[r * t + start + k] = item;
                levels[r * t + start + k] = level;
                mask[r * t + start + k] = 1.0;
            }
        }
        Ok(Batch {
            ids: Tensor::from_vec(ids, (b, t), &Device::Cpu)?,
            levels: Tensor::from_vec(levels, (b, t), &Device::Cpu)?,
            mask: Tensor::from_vec(mask, (b, t, 1), &Device::Cpu)?,
        })
    }
}
