//! Settings of every recommender, checked in one place.

use super::interactions::Strengths;
use crate::lang::Text;
use serde::{Deserialize, Serialize};

/// ALS settings. The default λ = 20 is far above `implicit`'s 0.05: on MovieLens 100K it
/// lifts P@10 from 0.29 to 0.37 and on the sample's small catalogue it is the difference
/// between losing to and beating popularity (see the README's benchmark section).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AlsParams {
    /// Latent factors.
    pub factors: usize,
    /// L2 regularisation λ.
    pub reg: f32,
    /// Sweeps over learners and courses.
    pub iterations: usize,
    /// Confidence slope α.
    pub alpha: f32,
    /// Seed of the initial factors.
    pub seed: u64,
}

impl Default for AlsParams {
    fn default() -> Self {
        AlsParams {
            factors: 64,
            reg: 20.0,
            iterations: 15,
            alpha: 1.0,
            seed: 42,
        }
    }
}

/// Settings of the neural sequence models (`gru`, `caser`, `fusion`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SequenceParams {
    /// Size of course embeddings and of the learner vector.
    pub dim: usize,
    /// Latest courses the encoders read.
    pub max_len: usize,
    /// Courses the convolutional encoder's filters span (Caser's L).
    pub window: usize,
    /// Most passes over the training sequences (early stopping usually ends sooner).
    pub epochs: usize,
    /// Epochs without a better validation NDCG before training stops.
    pub patience: usize,
    /// Adam's learning rate.
    pub learning_rate: f32,
    /// Share of embedding and encoder units dropped while training.
    pub dropout: f32,
    /// Weight of the fusion model's auxiliary task (the next course's category).
    pub aux_weight: f32,
    /// Seed of the initial weights, the batches and dropout.
    pub seed: u64,
}

impl Default for SequenceParams {
    fn default() -> Self {
        SequenceParams {
            dim: 64,
            max_len: 50,
            window: 5,
            epochs: 30,
            patience: 4,
            learning_rate: 0.005,
            dropout: 0.2,
            aux_weight: 0.3,
            seed: 42,
        }
    }
}

/// Settings of every model (each uses its own).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Item-kNN neighbourhood size.
    pub item_neighbours: usize,
    /// User-kNN neighbourhood size.
    pub user_neighbours: usize,
    /// Shrinkage in the cosine denominator of both kNN models.
    pub shrink: f32,
    /// ALS settings.
    pub als: AlsParams,
    /// EASE regularisation λ.
    pub lambda: f32,
    /// Content-similarity neighbourhood size.
    pub content_neighbours: usize,
    /// Groups smaller than this use global popularity.
    pub min_group: usize,
    /// How strongly each event counts.
    pub strengths: Strengths,
    /// The neural sequence models' settings.
    #[serde(default)]
    pub sequence: SequenceParams,
}

impl Params {
    /// Checks every setting is a usable number (finite, in range); the message names the
    /// setting and its range.
    pub fn check(&self) -> crate::error::Result<()> {
        // Each setting is named (Chinese, English).
        let count = |(zh, en): (&str, &str), v: usize, max: usize| {
            if (1..=max).contains(&v) {
                Ok(())
            } else {
                Err(crate::error::Error::input(
                    format!("{zh} {v}：须为 1 到 {max}"),
                    format!("{en} {v}: must be from 1 to {max}"),
                ))
            }
        };
        let number = |(zh, en): (&str, &str), v: f32, lo: f32, positive: bool| {
            if v.is_finite() && v >= lo && (!positive || v > 0.0) {
                Ok(())
            } else {
                Err(crate::error::Error::input(
                    format!(
                        "{zh} {v}：须为{} {lo} 的数",
                        if positive { "大于" } else { "不小于" }
                    ),
                    format!(
                        "{en} {v}: must be a number {} {lo}",
                        if positive { "above" } else { "of at least" }
                    ),
                ))
            }
        };
        count(("近邻数", "neighbours"), self.item_neighbours, 10_000)?;
        count(
            ("用户近邻数", "user neighbours"),
            self.user_neighbours,
            10_000,
        )?;
        count(
            ("内容近邻数", "content neighbours"),
            self.content_neighbours,
            10_000,
        )?;
        count(("因子数", "factors"), self.als.factors, 1024)?;
        count(("迭代次数", "iterations"), self.als.iterations.max(1), 1000)?;
        number(("收缩系数", "shrink"), self.shrink, 0.0, false)?;
        number(("正则化系数", "reg"), self.als.reg, 0.0, false)?;
        number(("alpha", "alpha"), self.als.alpha, 0.0, false)?;
        number(("lambda", "lambda"), self.lambda, 0.0, true)?;
        let q = &self.sequence;
        count(("维度", "dimension"), q.dim, 1024)?;
        count(("序列长度", "sequence length"), q.max_len, 1000)?;
        count(("窗口", "window"), q.window, 50)?;
        count(("训练轮数", "epochs"), q.epochs, 1000)?;
        count(("早停耐心", "patience"), q.patience, 1000)?;
        number(("学习率", "learning rate"), q.learning_rate, 0.0, true)?;
        number(("辅助损失权重", "aux weight"), q.aux_weight, 0.0, false)?;
        if !(0.0..0.95).contains(&q.dropout) {
            return Err(crate::error::Error::input(
                format!("dropout {}：须为 0 到 0.95", q.dropout),
                format!("dropout {}: must be from 0 to 0.95", q.dropout),
            ));
        }
        Ok(())
    }
}

impl Default for Params {
    fn default() -> Self {
        Params {
            item_neighbours: 20,
            user_neighbours: 50,
            shrink: 0.0,
            als: AlsParams::default(),
            lambda: 250.0,
            content_neighbours: 20,
            min_group: 20,
            strengths: Strengths::default(),
            sequence: SequenceParams::default(),
        }
    }
}

/// The label of every neighbourhood-size control.
pub const NEIGHBOURS: Text = Text::new("近邻数", "Neighbours");

/// Readable value of an `f32` setting (the decimals it was typed as).
pub fn typed(v: f32) -> f64 {
    (f64::from(v) * 1e6).round() / 1e6
}
