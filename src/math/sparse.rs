//! Compressed sparse rows: the learner × course interaction matrix and its transpose.

/// A sparse matrix in compressed-row form with `f32` weights; column indices are sorted and
/// unique within each row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Csr {
    /// Number of columns.
    pub n_cols: usize,
    /// Row `r` holds entries `indptr[r]..indptr[r + 1]`.
    pub indptr: Vec<usize>,
    /// Column of each entry.
    pub indices: Vec<u32>,
    /// Weight of each entry.
    pub data: Vec<f32>,
}

impl Csr {
    /// Builds a matrix from `(row, column, weight)` entries; repeated cells keep the largest
    /// weight.
    pub fn from_entries(n_rows: usize, n_cols: usize, mut entries: Vec<(u32, u32, f32)>) -> Csr {
        entries.sort_unstable_by_key(|e| (e.0, e.1));
        let mut m = Csr {
            n_cols,
            indptr: vec![0; n_rows + 1],
            indices: Vec::with_capacity(entries.len()),
            data: Vec::with_capacity(entries.len()),
        };
        let mut last: Option<(u32, u32)> = None;
        for (r, c, w) in entries {
            if last == Some((r, c)) {
                let d = m.data.last_mut().expect("an entry was pushed");
                *d = d.max(w);
                continue;
            }
            last = Some((r, c));
            m.indices.push(c);
            m.data.push(w);
            m.indptr[r as usize + 1] += 1;
        }
        for r in 0..n_rows {
            m.indptr[r + 1] += m.indptr[r];
        }
        m
    }

    /// A matrix from (row, column, value) entries, duplicates summed.
    pub fn sum_entries(n_rows: usize, n_cols: usize, mut entries: Vec<(u32, u32, f32)>) -> Csr {
        entries.sort_unstable_by_key(|e| (e.0, e.1));
        let mut merged: Vec<(u32, u32, f32)> = Vec::with_capacity(entries.len());
        for (r, c, w) in entries {
            match merged.last_mut() {
                Some(last) if (last.0, last.1) == (r, c) => last.2 += w,
                _ => merged.push((r, c, w)),
            }
        }
        Csr::from_entries(n_rows, n_cols, merged)
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.indptr.len().saturating_sub(1)
    }

    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// The columns and weights of row `r`.
    pub fn row(&self, r: usize) -> (&[u32], &[f32]) {
        let span = self.indptr[r]..self.indptr[r + 1];
        (&self.indices[span.clone()], &self.data[span])
    }

    /// Number of entries in row `r`.
    pub fn row_len(&self, r: usize) -> usize {
        self.indptr[r + 1] - self.indptr[r]
    }

    /// The transpose (columns become rows).
    pub fn transpose(&self) -> Csr {
        let mut counts = vec![0usize; self.n_cols + 1];
        for &c in &self.indices {
            counts[c as usize + 1] += 1;
        }
        for c in 0..self.n_cols {
            counts[c + 1] += counts[c];
        }
        let mut next = counts.clone();
        let mut indices = vec![0u32; self.nnz()];
        let mut data = vec![0f32; self.nnz()];
        for r in 0..self.n_rows() {
            let (cols, ws) = self.row(r);
            for (&c, &w) in cols.iter().zip(ws) {
                let at = next[c as usize];
                indices[at] = r as u32;
                data[at] = w;
                next[c as usize] += 1;
            }
        }
        Csr {
            n_cols: self.n_rows(),
            indptr: counts,
            indices,
            data,
        }
    }

    /// The Euclidean norm of every row.
    pub fn row_norms(&self) -> Vec<f32> {
        (0..self.n_rows())
            .map(|r| self.row(r).1.iter().map(|w| w * w).sum::<f32>().sqrt())
            .collect()
    }

    /// A matrix of the given rows, in the given order.
    pub fn select_rows(&self, rows: &[usize]) -> Csr {
        let mut m = Csr {
            n_cols: self.n_cols,
            indptr: Vec::with_capacity(rows.len() + 1),
            indices: Vec::new(),
            data: Vec::new(),
        };
        m.indptr.push(0);
        for &r in rows {
            let (c, v) = self.row(r);
            m.indices.extend_from_slice(c);
            m.data.extend_from_slice(v);
            m.indptr.push(m.indices.len());
        }
        m
    }
}

/// The `k` best `(index, score)` pairs, best first (ties: lower index first), skipping the
/// indices in the sorted slice `exclude` and scores that are not finite. One pass keeping a
/// sorted buffer of `k`, so the cost is one comparison for most items.
pub fn top_k(scores: &[f32], exclude: &[u32], k: usize) -> Vec<(u32, f32)> {
    let mut best: Vec<(u32, f32)> = Vec::with_capacity(k + 1);
    if k == 0 {
        return best;
    }
    let mut ex = exclude.iter().peekable();
    for (j, &s) in scores.iter().enumerate() {
        while ex.next_if(|&&e| (e as usize) < j).is_some() {}
        if ex.peek().is_some_and(|&&e| e as usize == j) || !s.is_finite() {
            continue;
        }
        // Equal scores keep the earlier index ahead, so a later item must be strictly better.
        if best.len() == k && s <= best[k - 1].1 {
            continue;
        }
        let at = best.partition_point(|&(_, b)| b >= s);
        best.insert(at, (j as u32, s));
        best.truncate(k);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_merge_and_transpose() {
        let m = Csr::from_entries(
            3,
            4,
            vec![(2, 1, 1.0), (0, 3, 2.0), (0, 3, 5.0), (0, 0, 1.0)],
        );
        assert_eq!(m.row(0), (&[0u32, 3][..], &[1.0f32, 5.0][..]));
        assert_eq!(m.row_len(1), 0);
        let t = m.transpose();
        assert_eq!(t.n_rows(), 4);
        assert_eq!(t.row(3), (&[0u32][..], &[5.0f32][..]));
        assert_eq!(t.row(1), (&[2u32][..], &[1.0f32][..]));
        assert_eq!(t.transpose(), m);
    }

    #[test]
    fn top_k_skips_excluded_and_breaks_ties_by_index() {
        let s = [0.5, 0.9, 0.9, f32::NAN, 0.1, 0.7];
        assert_eq!(top_k(&s, &[1], 3), vec![(2, 0.9), (5, 0.7), (0, 0.5)]);
        assert_eq!(top_k(&s, &[], 10).len(), 5);
    }
}
