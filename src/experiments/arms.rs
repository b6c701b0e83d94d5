//! The rows of one experiment, grouped by variant, as read from the experiments table.

use super::error::AbError;
use crate::data::columns::TextColumn;
use crate::lang::Text;
use polars::prelude::*;
use std::collections::BTreeMap;

/// The rows of one variant.
#[derive(Debug, Default)]
pub(crate) struct Arm {
    pub name: String,
    pub converted: Vec<bool>,
    pub revenue: Vec<f64>,
    pub pre: Vec<Option<f64>>,
    pub ts: Vec<Option<i64>>,
}

pub(crate) fn column<'a>(df: &'a DataFrame, name: &str) -> Option<&'a Column> {
    df.column(name).ok()
}

/// The experiment names in a table, sorted.
pub fn experiment_names(df: &DataFrame) -> Vec<String> {
    let Some(ca) = column(df, "experiment").and_then(TextColumn::of) else {
        return Vec::new();
    };
    let mut names: Vec<String> = ca.iter().flatten().map(str::to_string).collect();
    names.sort();
    names.dedup();
    names
}

pub(crate) fn arms(df: &DataFrame, experiment: &str) -> Result<Vec<Arm>, AbError> {
    let text = |name: &str| {
        column(df, name).and_then(TextColumn::of).ok_or_else(|| {
            AbError::Column(Text::pair(
                format!("缺少列 `{name}`"),
                format!("column `{name}` missing"),
            ))
        })
    };
    let exp = text("experiment")?;
    let variant = text("variant")?;
    let converted = column(df, "converted")
        .and_then(|c| c.bool().ok())
        .ok_or_else(|| {
            AbError::Column(Text::new(
                "缺少列 `converted`",
                "column `converted` missing",
            ))
        })?;
    let f64_col = |name: &str| column(df, name).and_then(|c| c.f64().ok());
    let revenue = f64_col("revenue");
    let pre = f64_col("pre_revenue");
    let ts = column(df, "ts").and_then(|c| c.cast(&DataType::Int64).ok());
    let ts = ts.as_ref().and_then(|c| c.i64().ok());
    let mut by_name: BTreeMap<&str, Arm> = BTreeMap::new();
    for i in 0..df.height() {
        if exp.get(i) != Some(experiment) {
            continue;
        }
        let Some(v) = variant.get(i) else { continue };
        let arm = by_name.entry(v).or_insert_with(|| Arm {
            name: v.to_string(),
            ..Arm::default()
        });
        arm.converted.push(converted.get(i).unwrap_or(false));
        arm.revenue
            .push(revenue.and_then(|r| r.get(i)).unwrap_or(0.0));
        arm.pre.push(pre.and_then(|p| p.get(i)));
        arm.ts.push(ts.and_then(|t| t.get(i)));
    }
    Ok(by_name.into_values().collect())
}
