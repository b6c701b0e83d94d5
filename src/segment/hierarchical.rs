//! Hierarchical clustering with Ward linkage on weighted points. Large inputs are first
//! reduced to k-means micro-centroids weighted by their sizes, so the n × n distance matrix
//! never exists for a million learners; the tree is built over the centroids.

use serde::Serialize;

/// One merge of the tree, as in scipy's linkage matrix: clusters `a` and `b` (leaves are
/// `0..m`, the i-th merge creates cluster `m + i`) join at `height` into `size` points.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize)]
pub struct Merge {
    /// First cluster.
    pub a: usize,
    /// Second cluster.
    pub b: usize,
    /// Ward distance: √(2 · increase in within-cluster sum of squares).
    pub height: f64,
    /// Total weight of the new cluster.
    pub size: f64,
}

/// Ward agglomeration of `points` with `weights`; returns the m − 1 merges in order.
/// Squared Ward distances are kept in a matrix and updated by the Lance–Williams formula, so a
/// merge costs O(m) updates after an O(m²) search.
pub fn ward(points: &[Vec<f64>], weights: &[f64]) -> Vec<Merge> {
    let m = points.len();
    let mut dist = vec![vec![0.0f64; m]; m];
    for i in 0..m {
        for j in (i + 1)..m {
            let d2: f64 = points[i]
                .iter()
                .zip(&points[j])
                .map(|(x, y)| (x - y) * (x - y))
                .sum();
            let w = 2.0 * weights[i] * weights[j] / (weights[i] + weights[j]);
            dist[i][j] = w * d2;
            dist[j][i] = w * d2;
        }
    }
    let mut weight: Vec<f64> = weights.to_vec();
    let mut id: Vec<usize> = (0..m).collect();
    let mut alive: Vec<bool> = vec![true; m];
    let mut merges = Vec::with_capacity(m.saturating_sub(1));
    for step in 0..m.saturating_sub(1) {
        let mut best = (0, 0, f64::INFINITY);
        for i in (0..m).filter(|&i| alive[i]) {
            for j in ((i + 1)..m).filter(|&j| alive[j]) {
                if dist[i][j] < best.2 {
                    best = (i, j, dist[i][j]);
                }
            }
        }
        let (i, j, d_ij) = best;
        let (wi, wj) = (weight[i], weight[j]);
        for l in (0..m).filter(|&l| alive[l] && l != i && l != j) {
            let wl = weight[l];
            let d = ((wi + wl) * dist[i][l] + (wj + wl) * dist[j][l] - wl * d_ij) / (wi + wj + wl);
            dist[i][l] = d;
            dist[l][i] = d;
        }
        merges.push(Merge {
            a: id[i].min(id[j]),
            b: id[i].max(id[j]),
            height: d_ij.max(0.0).sqrt(),
            size: wi + wj,
        });
        weight[i] = wi + wj;
        id[i] = m + step;
        alive[j] = false;
    }
    merges
}

/// Cuts the tree into `k` clusters: the cluster (0..k) of each leaf, numbered by first leaf.
pub fn cut(merges: &[Merge], leaves: usize, k: usize) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..leaves + merges.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let keep = leaves.saturating_sub(k.max(1));
    for (i, m) in merges.iter().take(keep).enumerate() {
        let node = leaves + i;
        let (ra, rb) = (find(&mut parent, m.a), find(&mut parent, m.b));
        parent[ra] = node;
        parent[rb] = node;
    }
    let mut label_of_root = std::collections::HashMap::new();
    (0..leaves)
        .map(|leaf| {
            let root = find(&mut parent, leaf);
            let next = label_of_root.len();
            *label_of_root.entry(root).or_insert(next)
        })
        .collect()
}

/// The lines of a dendrogram of `merges` (as [`ward`] returns them) cut to its top `leaves`
/// clusters: each merge is two vertical lines up from its children and one across, as
/// `[[x, height], [x, height]]` pairs; leaves sit at x = 0, 1, 2, … in tree order.
pub fn dendrogram_lines(merges: &[Merge], leaves: usize) -> Vec<[[f64; 2]; 2]> {
    let m = merges.len() + 1;
    let shown_from = merges.len().saturating_sub(leaves.saturating_sub(1));
    let mut lines = Vec::new();
    let mut next_x = 0.0;
    // Returns (x, height) of a node, drawing below it.
    fn walk(
        node: usize,
        m: usize,
        merges: &[Merge],
        shown_from: usize,
        next_x: &mut f64,
        out: &mut Vec<[[f64; 2]; 2]>,
    ) -> (f64, f64) {
        if node < m || node - m < shown_from {
            let x = *next_x;
            *next_x += 1.0;
            let height = if node < m {
                0.0
            } else {
                merges[node - m].height
            };
            return (x, height);
        }
        let merge = merges[node - m];
        let (xa, ha) = walk(merge.a, m, merges, shown_from, next_x, out);
        let (xb, hb) = walk(merge.b, m, merges, shown_from, next_x, out);
        let h = merge.height;
        out.push([[xa, ha], [xa, h]]);
        out.push([[xb, hb], [xb, h]]);
        out.push([[xa, h], [xb, h]]);
        ((xa + xb) / 2.0, h)
    }
    if !merges.is_empty() {
        walk(
            m + merges.len() - 1,
            m,
            merges,
            shown_from,
            &mut next_x,
            &mut lines,
        );
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dendrogram_cut_to_three_leaves_draws_two_merges() {
        // Four points: 0 and 1 merge first (node 4), then 2 and 3 (node 5), then both (node 6).
        let merges = [
            Merge {
                a: 0,
                b: 1,
                height: 1.0,
                size: 2.0,
            },
            Merge {
                a: 2,
                b: 3,
                height: 2.0,
                size: 2.0,
            },
            Merge {
                a: 4,
                b: 5,
                height: 5.0,
                size: 4.0,
            },
        ];
        let lines = dendrogram_lines(&merges, 3);
        assert_eq!(lines.len(), 6, "two merges, three lines each");
        // Node 4 is a leaf of the cut at its own height; node 5 joins leaves 1 and 2.
        assert_eq!(lines[0], [[1.0, 0.0], [1.0, 2.0]]);
        assert_eq!(lines[5], [[0.0, 5.0], [1.5, 5.0]]);
        assert_eq!(dendrogram_lines(&merges, 10).len(), 9);
        assert!(dendrogram_lines(&[], 3).is_empty());
    }

    #[test]
    fn two_tight_pairs_merge_first_and_cut_into_two() {
        let pts = vec![vec![0.0], vec![0.1], vec![10.0], vec![10.2]];
        let merges = ward(&pts, &[1.0; 4]);
        assert_eq!((merges[0].a, merges[0].b), (0, 1));
        assert_eq!((merges[1].a, merges[1].b), (2, 3));
        // scipy: linkage([[0],[0.1],[10],[10.2]], "ward") heights 0.1, 0.2, 14.2128463
        assert!((merges[0].height - 0.1).abs() < 1e-12);
        assert!((merges[1].height - 0.2).abs() < 1e-12);
        assert!(
            (merges[2].height - 14.2128463).abs() < 1e-7,
            "{}",
            merges[2].height
        );
        assert_eq!(cut(&merges, 4, 2), vec![0, 0, 1, 1]);
        assert_eq!(cut(&merges, 4, 4), vec![0, 1, 2, 3]);
    }
}
