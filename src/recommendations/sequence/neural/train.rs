//! Training a sequence network: windows of every learner's sequence predict each next course
//! (full softmax over the catalogue), Adam, dropout, and early stopping on NDCG@10 of each
//! validation learner's latest training course; the best epoch's weights are kept.

use super::network::{Architecture, Batch, Network, Shape};
use super::{Epoch, Neural, internal, last_vectors, logit, steps_of};
use crate::jobs::Progress;
use crate::recommendations::recommender::FitInput;
use crate::recommendations::sequence::Sequences;
use candle_core::{Device, Tensor};
use candle_nn::Optimizer;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Sequences per training batch.
const BATCH: usize = 128;
/// Validation learners at most (a seeded sample above).
const VALIDATION: usize = 3_000;
/// Cutoff of the validation NDCG.
const K: usize = 10;

/// How training went.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TrainingReport {
    /// One entry per epoch run.
    pub epochs: Vec<Epoch>,
    /// The epoch whose weights were kept (1-based; 0 when none ran).
    pub best_epoch: usize,
    /// Learners whose latest training course was held out for early stopping.
    pub validation_users: usize,
}

/// One training example: a window of a sequence; each step predicts the next.
struct Window {
    steps: Vec<(u32, u32)>,
}

/// Windows of at most `max_len + 1` steps covering every transition of `s` once.
fn windows(s: &[(u32, u32)], max_len: usize, out: &mut Vec<Window>) {
    let mut end = s.len();
    while end >= 2 {
        let start = end.saturating_sub(max_len + 1);
        out.push(Window {
            steps: s[start..end].to_vec(),
        });
        if start == 0 {
            break;
        }
        end = start + 1;
    }
}

pub(super) fn fit(
    input: &FitInput<'_>,
    sequences: &Sequences,
    architecture: Architecture,
    progress: &Progress,
) -> crate::error::Result<Neural> {
    let q = input.params.sequence;
    let items = input.train.n_cols;
    let steps = steps_of(sequences);
    // The auxiliary task: the next course's category, when there are several.
    let mut names: Vec<&str> = input
        .catalog
        .categories
        .iter()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    names.dedup();
    let category: Vec<u32> = input
        .catalog
        .categories
        .iter()
        .map(|c| names.binary_search(&c.as_str()).unwrap_or(0) as u32)
        .collect();
    let categories = if names.len() > 1 && category.len() == items {
        names.len()
    } else {
        0
    };
    let shape = Shape {
        architecture,
        items,
        dim: q.dim,
        max_len: q.max_len,
        window: q.window.min(q.max_len).max(1),
        categories,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(q.seed);
    // Validation: each learner's latest training course (learners with three or more).
    let mut candidates: Vec<usize> = (0..steps.len()).filter(|&u| steps[u].len() >= 3).collect();
    candidates.shuffle(&mut rng);
    candidates.truncate(VALIDATION);
    candidates.sort_unstable();
    let mut held = vec![false; steps.len()];
    for &u in &candidates {
        held[u] = true;
    }
    let mut examples = Vec::new();
    for (u, s) in steps.iter().enumerate() {
        let s = if held[u] { &s[..s.len() - 1] } else { &s[..] };
        windows(s, q.max_len, &mut examples);
    }
    if examples.is_empty() {
        return Err(crate::error::Error::input(
            format!(
                "{}：没有学员按顺序学过两门课程，无从学习",
                architecture.name()
            ),
            format!(
                "{}: no learner has two courses in order to learn from",
                architecture.name()
            ),
        ));
    }
    let network = Network::new(shape, &mut rng).map_err(internal)?;
    let mut optimizer = candle_nn::AdamW::new(
        network.vars(),
        candle_nn::ParamsAdamW {
            lr: f64::from(q.learning_rate),
            weight_decay: 0.0,
            ..Default::default()
        },
    )
    .map_err(internal)?;
    let mut report = TrainingReport {
        validation_users: candidates.len(),
        ..TrainingReport::default()
    };
    let mut best: Option<(f64, Vec<(String, Tensor)>)> = None;
    let label = architecture.name().to_uppercase();
    for epoch in 1..=q.epochs {
        examples.shuffle(&mut rng);
        let mut total = 0.0;
        let mut batches = 0usize;
        for chunk in examples.chunks(BATCH) {
            progress.check()?;
            let loss = batch_loss(
                &network,
                chunk,
                &category,
                (&mut rng, q.dropout),
                q.aux_weight,
            )
            .map_err(internal)?;
            total += f64::from(loss.to_scalar::<f32>().map_err(internal)?);
            batches += 1;
            optimizer.backward_step(&loss).map_err(internal)?;
        }
        let ndcg = if candidates.is_empty() {
            0.0
        } else {
            validation_ndcg(&network, &steps, &candidates).map_err(internal)?
        };
        let loss = total / batches.max(1) as f64;
        report.epochs.push(Epoch {
            loss,
            validation_ndcg: ndcg,
        });
        progress.set_stage(crate::lang::Text::pair(
            format!("{label}：第 {epoch} 轮，损失 {loss:.3}，验证 NDCG {ndcg:.3}"),
            format!("{label}: epoch {epoch}, loss {loss:.3}, validation NDCG {ndcg:.3}"),
        ));
        progress.set(epoch as f32 / q.epochs as f32);
        if best.as_ref().is_none_or(|b| ndcg > b.0) {
            best = Some((ndcg, network.snapshot().map_err(internal)?));
            report.best_epoch = epoch;
        } else if epoch - report.best_epoch >= q.patience {
            break;
        }
    }
    if let Some((_, weights)) = &best {
        network.restore(weights).map_err(internal)?;
    }
    Neural::from_network(network, &steps, report)
}

/// The mean next-course loss of a batch (plus the auxiliary task's, weighted).
fn batch_loss(
    network: &Network,
    chunk: &[Window],
    category: &[u32],
    train: (&mut ChaCha8Rng, f32),
    aux_weight: f32,
) -> candle_core::Result<Tensor> {
    let shape = network.shape;
    let pad = shape.items as u32;
    let inputs: Vec<&[(u32, u32)]> = chunk
        .iter()
        .map(|w| &w.steps[..w.steps.len() - 1])
        .collect();
    let batch = Batch::new(&inputs, shape.max_len, pad)?;
    let (b, t) = batch.ids.dims2()?;
    // Positions (row-major in [B, T]) with a next course, and that course.
    let mut positions = Vec::new();
    let mut targets = Vec::new();
    for (r, w) in chunk.iter().enumerate() {
        let n = w.steps.len() - 1;
        let start = t - n;
        for k in 0..n {
            positions.push((r * t + start + k) as u32);
            targets.push(w.steps[k + 1].0);
        }
    }
    let h = network
        .encode(&batch.ids, &batch.levels, &batch.mask, Some(train))?
        .reshape((b * t, shape.dim))?;
    let positions = Tensor::from_vec(positions, targets.len(), &Device::Cpu)?;
    let h = h.index_select(&positions, 0)?;
    let next = Tensor::from_vec(targets.clone(), targets.len(), &Device::Cpu)?;
    let mut loss = candle_nn::loss::cross_entropy(&network.logits(&h)?, &next)?;
    if let Some(logits) = network.category_logits(&h)?
        && aux_weight > 0.0
    {
        let cats: Vec<u32> = targets.iter().map(|&i| category[i as usize]).collect();
        let cats = Tensor::from_vec(cats, targets.len(), &Device::Cpu)?;
        let aux = candle_nn::loss::cross_entropy(&logits, &cats)?;
        loss = loss.add(&aux.affine(f64::from(aux_weight), 0.0)?)?;
    }
    Ok(loss)
}

/// NDCG@10 of each validation learner's latest training course, ranked among the courses not
/// earlier in their sequence.
fn validation_ndcg(
    network: &Network,
    steps: &[Vec<(u32, u32)>],
    users: &[usize],
) -> candle_core::Result<f64> {
    let shape = network.shape;
    let (items, bias) = network.output()?;
    let d = shape.dim;
    let mut total = 0.0;
    for chunk in users.chunks(256) {
        let inputs: Vec<&[(u32, u32)]> = chunk
            .iter()
            .map(|&u| &steps[u][..steps[u].len() - 1])
            .collect();
        let vectors = last_vectors(network, &inputs)?;
        for (r, &u) in chunk.iter().enumerate() {
            let v = &vectors[r * d..(r + 1) * d];
            let s = &steps[u];
            let target = s[s.len() - 1].0;
            let score = |j: usize| logit(&items, &bias, v, j);
            let mut seen: Vec<u32> = s[..s.len() - 1].iter().map(|x| x.0).collect();
            seen.sort_unstable();
            let t = score(target as usize);
            let rank = (0..shape.items)
                .filter(|&j| j != target as usize && seen.binary_search(&(j as u32)).is_err())
                .filter(|&j| {
                    let sj = score(j);
                    sj > t || (sj == t && j < target as usize)
                })
                .count();
            if rank < K {
                total += 1.0 / ((rank + 2) as f64).log2();
            }
        }
    }
    Ok(total / users.len().max(1) as f64)
}

pub(super) fn save(network: &Network, path: &std::path::Path) -> crate::error::Result<()> {
    let mut tensors: std::collections::HashMap<String, Tensor> =
        network.snapshot().map_err(internal)?.into_iter().collect();
    let s = network.shape;
    let arch = match s.architecture {
        Architecture::Gru => 0usize,
        Architecture::Caser => 1,
        Architecture::Fusion => 2,
    };
    let shape = [arch, s.items, s.dim, s.max_len, s.window, s.categories].map(|v| v as u32);
    tensors.insert(
        "shape".into(),
        Tensor::from_vec(shape.to_vec(), 6, &Device::Cpu).map_err(internal)?,
    );
    candle_core::safetensors::save(&tensors, path).map_err(|e| {
        crate::error::Error::input(
            format!("{}：{e}", path.display()),
            format!("{}: {e}", path.display()),
        )
    })
}

pub(super) fn load(path: &std::path::Path) -> crate::error::Result<Network> {
    let bad = |e: &dyn std::fmt::Display| {
        crate::error::Error::input(
            format!("{}：不是已保存的序列模型：{e}", path.display()),
            format!("{}: not a saved sequence model: {e}", path.display()),
        )
    };
    let tensors = candle_core::safetensors::load(path, &Device::Cpu).map_err(|e| bad(&e))?;
    let shape = tensors
        .get("shape")
        .ok_or_else(|| bad(&"no shape"))?
        .to_vec1::<u32>()
        .map_err(|e| bad(&e))?;
    let [arch, items, dim, max_len, window, categories] = shape[..] else {
        return Err(bad(&"a shape of six numbers"));
    };
    let architecture = match arch {
        0 => Architecture::Gru,
        1 => Architecture::Caser,
        2 => Architecture::Fusion,
        _ => return Err(bad(&"an unknown architecture")),
    };
    let shape = Shape {
        architecture,
        items: items as usize,
        dim: dim as usize,
        max_len: max_len as usize,
        window: window as usize,
        categories: categories as usize,
    };
    let network = Network::new(shape, &mut ChaCha8Rng::seed_from_u64(0)).map_err(|e| bad(&e))?;
    let weights: Vec<(String, Tensor)> =
        tensors.into_iter().filter(|(n, _)| n != "shape").collect();
    network.restore(&weights).map_err(|e| bad(&e))?;
    Ok(network)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_every_transition_once() {
        let s: Vec<(u32, u32)> = (0..12).map(|i| (i, 1)).collect();
        let mut out = Vec::new();
        windows(&s, 4, &mut out);
        let mut transitions: Vec<(u32, u32)> = out
            .iter()
            .flat_map(|w| w.steps.windows(2).map(|p| (p[0].0, p[1].0)))
            .collect();
        transitions.sort_unstable();
        let want: Vec<(u32, u32)> = (0..11).map(|i| (i, i + 1)).collect();
        assert_eq!(transitions, want);
        assert!(out.iter().all(|w| w.steps.len() <= 5));
    }
}
