//! Top-k lists for many learners at once and their CSV export.

use super::interactions::Interactions;
use super::model::{Fitted, GroupPopularity, Recommendation, recommend_for};
use crate::jobs::{Cancelled, Progress};
use crate::lang::Text;
use rayon::prelude::*;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The top `k` for each learner in `users` (indices), in parallel.
pub fn recommend_all(
    model: &Fitted,
    fallback: &GroupPopularity,
    it: &Interactions,
    users: &[usize],
    k: usize,
    progress: &Progress,
) -> Result<Vec<Vec<Recommendation>>, Cancelled> {
    let done = AtomicUsize::new(0);
    users
        .par_iter()
        .map(|&u| {
            let d = done.fetch_add(1, Ordering::Relaxed);
            if d.is_multiple_of(1024) {
                progress.check()?;
                progress.set(d as f32 / users.len().max(1) as f32);
            }
            Ok(recommend_for(
                model,
                fallback,
                &it.matrix,
                &it.owned[u],
                u,
                k,
            ))
        })
        .collect()
}

/// Writes `user_id,rank,course_id,title,category,price,score,reason` rows; learner ids are
/// pseudonymised when `salt` is given. Rows are formatted in parallel, a wave of learners at a
/// time, and written in order.
pub fn write_recommendations(
    path: &Path,
    it: &Interactions,
    users: &[usize],
    recs: &[Vec<Recommendation>],
    salt: Option<&str>,
) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    out.write_all(b"user_id,rank,course_id,title,category,price,score,reason\n")?;
    let c = &it.catalog;
    let format = |block: (&[usize], &[Vec<Recommendation>])| -> std::io::Result<Vec<u8>> {
        let mut w = crate::safe_csv::SafeCsv::from_writer(Vec::new());
        for (&u, list) in block.0.iter().zip(block.1) {
            let id = crate::privacy::written_id(&it.users[u], salt);
            for (rank, r) in list.iter().enumerate() {
                let i = r.item as usize;
                w.write_record([
                    id.as_str(),
                    &(rank + 1).to_string(),
                    &c.ids[i],
                    &c.titles[i],
                    &c.categories[i],
                    &c.prices[i].map_or(String::new(), |p| p.to_string()),
                    &format!("{:.4}", r.score),
                    &r.reason.bilingual(c),
                ])?;
            }
        }
        w.into_inner()
    };
    const BLOCK: usize = 2048;
    for (wave_users, wave_recs) in users.chunks(BLOCK * 32).zip(recs.chunks(BLOCK * 32)) {
        let parts: Vec<Vec<u8>> = wave_users
            .par_chunks(BLOCK)
            .zip(wave_recs.par_chunks(BLOCK))
            .map(format)
            .collect::<std::io::Result<_>>()?;
        for p in parts {
            out.write_all(&p)?;
        }
    }
    out.flush()
}

/// Segment labels by learner id from a `user_id,segment[,label]` file (as written by
/// `segment --out`); without a `label` column a learner's label is "segment N".
pub fn read_segments(path: &Path) -> crate::error::Result<ahash::AHashMap<String, Text>> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| {
        crate::error::Error::input(
            format!("{}：{e}", path.display()),
            format!("{}: {e}", path.display()),
        )
    })?;
    let header = rdr
        .headers()
        .map_err(|e| {
            crate::error::Error::input(
                format!("{}：第 1 行：{e}", path.display()),
                format!("{}: line 1: {e}", path.display()),
            )
        })?
        .clone();
    let col = |n: &str| header.iter().position(|h| h.trim() == n);
    let (Some(uc), Some(sc)) = (col("user_id"), col("segment")) else {
        return Err(crate::error::Error::input(
            format!(
                "{}：第 1 行：需要 `user_id` 和 `segment` 列",
                path.display()
            ),
            format!(
                "{}: line 1: needs columns `user_id` and `segment`",
                path.display()
            ),
        ));
    };
    let lc = col("label");
    let mut labels = ahash::AHashMap::new();
    for (n, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| {
            crate::error::Error::input(
                format!("{}：第 {} 行：{e}", path.display(), n + 2),
                format!("{}: line {}: {e}", path.display(), n + 2),
            )
        })?;
        let (Some(u), Some(s)) = (rec.get(uc), rec.get(sc)) else {
            continue;
        };
        let label = lc
            .and_then(|c| rec.get(c))
            .filter(|l| !l.is_empty())
            .map_or_else(|| format!("segment {}", s.trim()), str::to_string);
        labels.insert(u.trim().to_string(), Text::same(label));
    }
    Ok(labels)
}
