//! Bandit weights: each variant's probability of being best under Beta posteriors, the
//! Thompson-sampling traffic split they imply, and a replay of an experiment's own outcomes
//! under equal and Thompson-sampling allocation.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use serde::Serialize;
use statrs::distribution::{Beta, Continuous, ContinuousCDF};

/// Simpson intervals over each variant's posterior range (mean ± 14 sd).
const INTERVALS: usize = 4000;

/// Simpson intervals for the allocations inside [`replay`].
const REPLAY_INTERVALS: usize = 200;

/// The share of traffic every variant keeps under Thompson sampling, so no arm stops learning.
pub const MIN_SHARE: f64 = 0.01;

/// P(variant k has the highest conversion rate) for every variant, with `arms` as (users,
/// conversions) and rates under Beta(1 + x, 1 + n − x) posteriors: the integral of
/// pdf_k(t) · Π_{j≠k} cdf_j(t), by composite Simpson over variant k's own posterior range
/// (mean ± 14 sd), where all its mass lies. Agrees with scipy's adaptive quadrature to 1e-7
/// (`tests/experiments_oracle.rs`).
pub fn p_best(arms: &[(u64, u64)]) -> Vec<f64> {
    p_best_simpson(arms, INTERVALS)
}

/// [`p_best`] with `intervals` Simpson intervals (even).
fn p_best_simpson(arms: &[(u64, u64)], intervals: usize) -> Vec<f64> {
    let posteriors: Vec<Beta> = arms
        .iter()
        .map(|&(n, x)| {
            let x = x.min(n) as f64;
            Beta::new(1.0 + x, 1.0 + n as f64 - x).expect("shapes of at least 1")
        })
        .collect();
    (0..posteriors.len())
        .map(|k| {
            let post = &posteriors[k];
            let (a, b) = (post.shape_a(), post.shape_b());
            let mean = a / (a + b);
            let sd = (a * b / ((a + b).powi(2) * (a + b + 1.0))).sqrt();
            let (lo, hi) = ((mean - 14.0 * sd).max(0.0), (mean + 14.0 * sd).min(1.0));
            let h = (hi - lo) / intervals as f64;
            let f = |t: f64| {
                let mut v = post.pdf(t);
                for (j, other) in posteriors.iter().enumerate() {
                    if j != k && v > 0.0 {
                        v *= other.cdf(t);
                    }
                }
                v
            };
            let mut sum = f(lo) + f(hi);
            for i in 1..intervals {
                let weight = if i % 2 == 1 { 4.0 } else { 2.0 };
                sum += weight * f(lo + i as f64 * h);
            }
            (sum * h / 3.0).clamp(0.0, 1.0)
        })
        .collect()
}

/// The traffic split Thompson sampling sets: every variant keeps `min_share`, and the rest
/// is shared in proportion to the probability of being best.
pub fn thompson_split(p_best: &[f64], min_share: f64) -> Vec<f64> {
    let k = p_best.len() as f64;
    let floor = min_share.clamp(0.0, 1.0 / k.max(1.0));
    let total: f64 = p_best.iter().sum();
    p_best
        .iter()
        .map(|p| {
            let share = if total > 0.0 { p / total } else { 1.0 / k };
            floor + (1.0 - k * floor) * share
        })
        .collect()
}

/// `total` users shared out in proportion to `shares` exactly (largest remainders first), so
/// the replay sees as many users as the experiment had.
fn apportion(total: u64, shares: &[f64]) -> Vec<u64> {
    let sum: f64 = shares.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let exact: Vec<f64> = shares.iter().map(|s| total as f64 * s / sum).collect();
    let mut counts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    let mut left = total.saturating_sub(counts.iter().sum());
    for &i in order.iter().cycle().take(shares.len() * 2) {
        if left == 0 {
            break;
        }
        counts[i] += 1;
        left -= 1;
    }
    counts
}

/// An experiment's own outcomes replayed under two allocations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replay {
    /// Users replayed (the experiment's total).
    pub users: u64,
    /// Batches in which traffic was reallocated.
    pub batches: usize,
    /// Mean conversions with an equal split.
    pub equal_conversions: f64,
    /// Mean conversions with Thompson sampling (reallocated after every batch).
    pub thompson_conversions: f64,
    /// Conversions if every user had seen the best variant (by observed rate).
    pub best_conversions: f64,
    /// Mean share of traffic per variant and batch under Thompson sampling
    /// (`shares[batch][variant]`).
    pub shares: Vec<Vec<f64>>,
}

impl Replay {
    /// Conversions lost against always showing the best variant, with an equal split.
    pub fn equal_regret(&self) -> f64 {
        self.best_conversions - self.equal_conversions
    }

    /// The same with Thompson sampling.
    pub fn thompson_regret(&self) -> f64 {
        self.best_conversions - self.thompson_conversions
    }
}

/// Replays an experiment: its users arrive in `batches` equal batches and convert at each
/// variant's observed rate; the equal split gives every variant the same share, Thompson
/// sampling the [`thompson_split`] of what it has seen so far. Averaged over `runs` seeded
/// runs.
pub fn replay(arms: &[(u64, u64)], batches: usize, runs: u64, seed: u64) -> Replay {
    let k = arms.len().max(1);
    let users: u64 = arms.iter().map(|a| a.0).sum();
    let rates: Vec<f64> = arms
        .iter()
        .map(|&(n, x)| {
            if n == 0 {
                0.0
            } else {
                x.min(n) as f64 / n as f64
            }
        })
        .collect();
    let best = rates.iter().copied().fold(0.0, f64::max);
    let batches = batches.max(1);
    let mut shares = vec![vec![0.0; k]; batches];
    let mut thompson = 0.0;
    for run in 0..runs.max(1) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(run));
        let mut seen = vec![(0u64, 0u64); k];
        for (b, batch_shares) in shares.iter_mut().enumerate() {
            // A coarser integral is plenty for a simulation's allocation.
            let split = thompson_split(&p_best_simpson(&seen, REPLAY_INTERVALS), MIN_SHARE);
            let batch_users =
                users * (b as u64 + 1) / batches as u64 - users * b as u64 / batches as u64;
            for (i, (share, n)) in split.iter().zip(apportion(batch_users, &split)).enumerate() {
                batch_shares[i] += share / runs.max(1) as f64;
                let x = Binomial::new(n, rates[i]).map_or(0, |b| b.sample(&mut rng));
                seen[i].0 += n;
                seen[i].1 += x;
                thompson += x as f64 / runs.max(1) as f64;
            }
        }
    }
    Replay {
        users,
        batches,
        equal_conversions: users as f64 * rates.iter().sum::<f64>() / k as f64,
        thompson_conversions: thompson,
        best_conversions: users as f64 * best,
        shares,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportioning_gives_out_every_user() {
        assert_eq!(apportion(10, &[0.5, 0.5]), vec![5, 5]);
        assert_eq!(apportion(1, &[0.5, 0.5]).iter().sum::<u64>(), 1);
        assert_eq!(apportion(7, &[0.01, 0.01, 0.98]), vec![0, 0, 7]);
        let r = replay(&[(15, 3), (15, 5)], 20, 3, 1);
        assert_eq!(r.users, 30);
    }
}
