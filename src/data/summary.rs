//! Per-column summaries of a loaded table: type, missing share, distinct count, range and a
//! small histogram, as shown in the Data tab.

use super::columns::TextColumn;
use polars::prelude::*;
use serde::Serialize;

/// Bins of the small histogram.
pub const BINS: usize = 12;

/// The summary of one column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnSummary {
    /// Column name.
    pub name: String,
    /// Polars type, e.g. `str`, `f64`, `datetime[ms]`.
    pub dtype: String,
    /// Share of missing values, 0..=1.
    pub missing: f64,
    /// Number of distinct non-missing values.
    pub distinct: usize,
    /// Smallest value, formatted.
    pub min: Option<String>,
    /// Largest value, formatted.
    pub max: Option<String>,
    /// Counts over equal-width bins (numbers, timestamps), or of the most frequent values
    /// (text, up to [`BINS`]).
    pub histogram: Vec<(String, u64)>,
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// Summarises every column of a frame.
pub fn summarise(df: &DataFrame) -> Vec<ColumnSummary> {
    df.columns().iter().map(summarise_column).collect()
}

fn summarise_column(c: &Column) -> ColumnSummary {
    let n = c.len().max(1) as f64;
    let mut summary = ColumnSummary {
        name: c.name().to_string(),
        dtype: c.dtype().to_string(),
        missing: c.null_count() as f64 / n,
        distinct: 0,
        min: None,
        max: None,
        histogram: Vec::new(),
    };
    // Text reads the same whether stored plainly or coded.
    if let Some(text) = TextColumn::of(c) {
        let mut top = text.value_counts();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        summary.dtype = DataType::String.to_string();
        summary.distinct = top.len();
        summary.min = top.iter().map(|t| t.0).min().map(str::to_string);
        summary.max = top.iter().map(|t| t.0).max().map(str::to_string);
        summary.histogram = top
            .into_iter()
            .take(BINS)
            .map(|(v, c)| (v.to_string(), c))
            .collect();
        return summary;
    }
    let s = c.as_materialized_series();
    summary.distinct = s.drop_nulls().n_unique().unwrap_or(0);
    match s.dtype() {
        DataType::Boolean => {
            if let Ok(ca) = s.bool() {
                let ones = ca.sum().unwrap_or(0) as u64;
                let total = (ca.len() - ca.null_count()) as u64;
                summary.min = Some("0".into());
                summary.max = Some("1".into());
                summary.histogram = vec![("0".into(), total - ones), ("1".into(), ones)];
            }
        }
        dt => {
            let is_time = matches!(dt, DataType::Datetime(..));
            let Ok(values) = s.cast(&DataType::Float64) else {
                return summary;
            };
            let Ok(ca) = values.f64() else {
                return summary;
            };
            let (lo, hi) = match (ca.min(), ca.max()) {
                (Some(lo), Some(hi)) => (lo, hi),
                _ => return summary,
            };
            let label = |v: f64| {
                if is_time {
                    crate::data::cells::format_timestamp(v as i64)[..10].to_string()
                } else {
                    fmt_num(v)
                }
            };
            summary.min = Some(label(lo));
            summary.max = Some(label(hi));
            let width = ((hi - lo) / BINS as f64).max(f64::MIN_POSITIVE);
            let mut counts = vec![0u64; BINS];
            for v in ca.iter().flatten() {
                counts[(((v - lo) / width) as usize).min(BINS - 1)] += 1;
            }
            summary.histogram = counts
                .into_iter()
                .enumerate()
                .map(|(i, c)| (label(lo + width * i as f64), c))
                .collect();
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_numbers_text_and_missing() {
        let df = df!(
            "price" => [Some(0.0), Some(10.0), None, Some(20.0)],
            "city" => [Some("北京"), Some("上海"), Some("北京"), None],
        )
        .unwrap();
        let s = summarise(&df);
        assert_eq!(s[0].missing, 0.25);
        assert_eq!(s[0].distinct, 3);
        assert_eq!(s[0].min.as_deref(), Some("0"));
        assert_eq!(s[0].max.as_deref(), Some("20"));
        assert_eq!(s[0].histogram.iter().map(|h| h.1).sum::<u64>(), 3);
        assert_eq!(s[1].histogram[0], ("北京".to_string(), 2));
    }
}
