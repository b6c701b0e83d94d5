//! Neural next-course models: a recurrent encoder (`gru`, GRU4Rec-style), a convolutional one
//! (`caser`) and their multi-task fusion (`fusion`), trained on next-course prediction with
//! early stopping on each learner's latest training course. A fitted model keeps every
//! learner's vector and its network, so a learner's list can follow new events without
//! retraining ([`Recommender::score_history`]).

pub mod network;
mod train;

use super::Sequences;
use crate::jobs::Progress;
use crate::lang::Text;
use crate::math::Csr;
use crate::recommendations::params::{Params, typed};
use crate::recommendations::reason::Reason;
use crate::recommendations::recommender::{Family, FitInput, Knob, ModelSpec, Recommender};
use candle_core::IndexOp;
pub use network::Architecture;
use network::{Batch, Network, strength_level};
use serde::Serialize;
pub use train::TrainingReport;

/// A fitted neural sequence model.
#[derive(Debug, Clone)]
pub struct Neural {
    network: Network,
    dim: usize,
    max_len: usize,
    /// Each training learner's latest steps (course, strength level), oldest first.
    histories: Vec<Vec<(u32, u32)>>,
    /// Each training learner's vector (`dim` numbers each).
    user_vectors: Vec<f32>,
    item_vectors: Vec<f32>,
    bias: Vec<f32>,
    /// How training went.
    pub report: TrainingReport,
}

/// Why training or using a network failed: the framework's message.
fn internal(e: candle_core::Error) -> crate::error::Error {
    crate::error::Error::Internal(format!("neural network: {e}"))
}

impl Neural {
    /// Trains `architecture` on the learners' sequences.
    pub fn fit(
        input: &FitInput<'_>,
        architecture: Architecture,
        progress: &Progress,
    ) -> crate::error::Result<Neural> {
        let sequences = Sequences::of_input(input, architecture.name())?;
        train::fit(input, &sequences, architecture, progress)
    }

    fn from_network(
        network: Network,
        steps: &[Vec<(u32, u32)>],
        report: TrainingReport,
    ) -> crate::error::Result<Neural> {
        let shape = network.shape;
        let histories: Vec<Vec<(u32, u32)>> = steps
            .iter()
            .map(|s| s[s.len().saturating_sub(shape.max_len)..].to_vec())
            .collect();
        let mut user_vectors = vec![0f32; histories.len() * shape.dim];
        for (chunk, out) in histories
            .chunks(256)
            .zip(user_vectors.chunks_mut(256 * shape.dim))
        {
            let refs: Vec<&[(u32, u32)]> = chunk.iter().map(Vec::as_slice).collect();
            let v = last_vectors(&network, &refs).map_err(internal)?;
            for (r, s) in chunk.iter().enumerate() {
                if !s.is_empty() {
                    out[r * shape.dim..(r + 1) * shape.dim]
                        .copy_from_slice(&v[r * shape.dim..(r + 1) * shape.dim]);
                }
            }
        }
        let (item_vectors, bias) = network.output().map_err(internal)?;
        Ok(Neural {
            dim: shape.dim,
            max_len: shape.max_len,
            network,
            histories,
            user_vectors,
            item_vectors,
            bias,
            report,
        })
    }

    /// Softmax scores of every course for a learner vector (positive; zero only when far
    /// below the best).
    fn scores_for(&self, v: &[f32], out: &mut [f32]) {
        for (j, o) in out.iter_mut().enumerate() {
            *o = logit(&self.item_vectors, &self.bias, v, j);
        }
        let top = out.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        for o in out.iter_mut() {
            *o = (*o - top).exp();
        }
    }

    /// Saves the network's weights (safetensors).
    pub fn save(&self, path: &std::path::Path) -> crate::error::Result<()> {
        train::save(&self.network, path)
    }

    /// Loads weights saved by [`Neural::save`] and computes the learner vectors of `input`.
    pub fn load(path: &std::path::Path, input: &FitInput<'_>) -> crate::error::Result<Neural> {
        let network = train::load(path)?;
        let sequences = Sequences::of_input(input, network.shape.architecture.name())?;
        Neural::from_network(network, &steps_of(&sequences), TrainingReport::default())
    }
}

/// The score of course `j` for learner vector `v`: its output bias plus `v` · its embedding
/// (`items` holds one embedding of `v.len()` numbers per course).
fn logit(items: &[f32], bias: &[f32], v: &[f32], j: usize) -> f32 {
    let d = v.len();
    bias[j]
        + v.iter()
            .zip(&items[j * d..(j + 1) * d])
            .map(|(a, b)| a * b)
            .sum::<f32>()
}

/// Every learner's steps: (course, strength level).
fn steps_of(sequences: &Sequences) -> Vec<Vec<(u32, u32)>> {
    sequences
        .items
        .iter()
        .zip(&sequences.strengths)
        .map(|(items, ws)| {
            items
                .iter()
                .zip(ws)
                .map(|(&i, &w)| (i, strength_level(w)))
                .collect()
        })
        .collect()
}

/// The learner vector after each sequence (`dim` numbers per sequence).
fn last_vectors(network: &Network, sequences: &[&[(u32, u32)]]) -> candle_core::Result<Vec<f32>> {
    let shape = network.shape;
    let batch = Batch::new(sequences, shape.max_len, shape.items as u32)?;
    let h = network.encode(&batch.ids, &batch.levels, &batch.mask, None)?;
    let t = h.dim(1)?;
    h.i((.., t - 1, ..))?.flatten_all()?.to_vec1()
}

impl Recommender for Neural {
    fn score(&self, _train: &Csr, u: usize, out: &mut [f32]) {
        match self.histories.get(u).filter(|h| !h.is_empty()) {
            Some(_) => {
                let v = &self.user_vectors[u * self.dim..(u + 1) * self.dim];
                self.scores_for(v, out);
            }
            None => out.fill(0.0),
        }
    }

    fn save(&self, path: &std::path::Path) -> crate::error::Result<bool> {
        Neural::save(self, path)?;
        Ok(true)
    }

    fn score_history(&self, history: &[(u32, f32)], out: &mut [f32]) -> bool {
        let steps: Vec<(u32, u32)> = history
            .iter()
            .filter(|s| (s.0 as usize) < self.bias.len())
            .map(|&(i, w)| (i, strength_level(w)))
            .collect();
        if steps.is_empty() {
            out.fill(0.0);
            return true;
        }
        let steps = &steps[steps.len().saturating_sub(self.max_len)..];
        match last_vectors(&self.network, &[steps]) {
            Ok(v) => self.scores_for(&v, out),
            Err(_) => out.fill(0.0),
        }
        true
    }

    /// The learner's latest courses whose removal lowers a recommendation most (occlusion over
    /// the last five).
    fn reasons(&self, _train: &Csr, u: usize, items: &[u32], _owned: &[u32]) -> Vec<Reason> {
        let Some(history) = self.histories.get(u).filter(|h| !h.is_empty()) else {
            return vec![Reason::Popular; items.len()];
        };
        let recent: Vec<usize> = (history.len().saturating_sub(5)..history.len()).collect();
        let mut variants: Vec<Vec<(u32, u32)>> = vec![history.clone()];
        for &k in &recent {
            let mut v = history.clone();
            v.remove(k);
            variants.push(v);
        }
        let refs: Vec<&[(u32, u32)]> = variants.iter().map(Vec::as_slice).collect();
        let Ok(vectors) = last_vectors(&self.network, &refs) else {
            return vec![Reason::Popular; items.len()];
        };
        let score = |v: usize, item: u32| {
            let row = &vectors[v * self.dim..(v + 1) * self.dim];
            logit(&self.item_vectors, &self.bias, row, item as usize)
        };
        items
            .iter()
            .map(|&item| {
                let full = score(0, item);
                let mut drops: Vec<(f32, u32)> = recent
                    .iter()
                    .enumerate()
                    .map(|(n, &k)| (full - score(n + 1, item), history[k].0))
                    .filter(|d| d.0 > 0.0 && d.1 != item)
                    .collect();
                drops.sort_by(|a, b| b.0.total_cmp(&a.0));
                let cited: Vec<u32> = drops.iter().take(2).map(|d| d.1).collect();
                if cited.is_empty() {
                    Reason::Recent(vec![history[history.len() - 1].0])
                } else {
                    Reason::Recent(cited)
                }
            })
            .collect()
    }
}

impl Architecture {
    /// The model's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Architecture::Gru => "gru",
            Architecture::Caser => "caser",
            Architecture::Fusion => "fusion",
        }
    }
}

fn load(
    path: &std::path::Path,
    input: &FitInput<'_>,
) -> crate::error::Result<Box<dyn Recommender>> {
    Ok(Box::new(Neural::load(path, input)?))
}

const KNOBS: &[Knob] = &[
    Knob {
        label: Text::new("向量维度", "Dimension"),
        min: 8.0,
        max: 256.0,
        whole: true,
        get: |p| p.sequence.dim as f64,
        set: |p, v| p.sequence.dim = v as usize,
    },
    Knob {
        label: Text::new("最多训练轮数", "Max epochs"),
        min: 1.0,
        max: 200.0,
        whole: true,
        get: |p| p.sequence.epochs as f64,
        set: |p, v| p.sequence.epochs = v as usize,
    },
    Knob {
        label: Text::new("读取最近课程数", "Recent courses read"),
        min: 2.0,
        max: 200.0,
        whole: true,
        get: |p| p.sequence.max_len as f64,
        set: |p, v| p.sequence.max_len = v as usize,
    },
];

fn settings(p: &Params) -> serde_json::Value {
    let q = &p.sequence;
    serde_json::json!({
        "dim": q.dim,
        "max_len": q.max_len,
        "window": q.window,
        "epochs": q.epochs,
        "patience": q.patience,
        "learning_rate": typed(q.learning_rate),
        "dropout": typed(q.dropout),
        "aux_weight": typed(q.aux_weight),
        "seed": q.seed,
    })
}

/// The recurrent model's registration.
pub const GRU: ModelSpec = ModelSpec {
    name: "gru",
    family: Family::Sequence,
    load: Some(load),
    label: Text::new("下一门课 (GRU 循环网络)", "Next course (GRU)"),
    about: Text::new(
        "循环神经网络（GRU4Rec 式）读学员最近的学习序列（课程与行为强弱），预测下一门课。需要学习时间；在后台训练，验证集不再提升即停止。",
        "Recurrent network (GRU4Rec-style) reading the learner's recent sequence (courses and how strongly they engaged) to predict the next course. Needs event times; trains in the background and stops when validation stops improving.",
    ),
    knobs: KNOBS,
    fit: |input: &FitInput<'_>, progress: &Progress| {
        Ok(Box::new(Neural::fit(input, Architecture::Gru, progress)?))
    },
    settings,
    grid: |_: &Params| Vec::new(),
};

/// The convolutional model's registration.
pub const CASER: ModelSpec = ModelSpec {
    name: "caser",
    family: Family::Sequence,
    load: Some(load),
    label: Text::new("下一门课 (Caser 卷积网络)", "Next course (Caser CNN)"),
    about: Text::new(
        "卷积网络（Caser 式）：不同高度的横向卷积核在最近几门课上取最大值，纵向卷积核加权汇总，预测下一门课。需要学习时间。",
        "Convolutional network (Caser-style): horizontal filters of every height max-pooled over the latest courses plus vertical filters, predicting the next course. Needs event times.",
    ),
    knobs: KNOBS,
    fit: |input: &FitInput<'_>, progress: &Progress| {
        Ok(Box::new(Neural::fit(input, Architecture::Caser, progress)?))
    },
    settings,
    grid: |_: &Params| Vec::new(),
};

/// The fused multi-task model's registration.
pub const FUSION: ModelSpec = ModelSpec {
    name: "fusion",
    family: Family::Sequence,
    load: Some(load),
    label: Text::new("下一门课 (融合多任务)", "Next course (fusion)"),
    about: Text::new(
        "共享课程向量，循环与卷积两个编码器由学习到的门控融合成一个学员向量；多任务训练：预测下一门课，并辅助预测下一门课的类别。需要学习时间。",
        "Shared course embeddings; the recurrent and convolutional encoders fused by a learned gate into one learner vector, trained multi-task: the next course, and the next course's category as an auxiliary task. Needs event times.",
    ),
    knobs: KNOBS,
    fit: |input: &FitInput<'_>, progress: &Progress| {
        Ok(Box::new(Neural::fit(
            input,
            Architecture::Fusion,
            progress,
        )?))
    },
    settings,
    grid: |_: &Params| Vec::new(),
};

/// Learning curve of one epoch.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Epoch {
    /// Mean training loss (next-course cross-entropy, plus the auxiliary task's).
    pub loss: f64,
    /// NDCG@10 on each validation learner's latest training course.
    pub validation_ndcg: f64,
}
