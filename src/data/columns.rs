//! Typed access to the columns of loaded tables (absent or mistyped columns read as `None`).

use polars::prelude::*;

/// A text column.
pub fn str_col<'a>(df: &'a DataFrame, name: &str) -> Option<&'a StringChunked> {
    df.column(name).ok().and_then(|c| c.str().ok())
}

/// A floating-point column.
pub fn f64_col(df: &DataFrame, name: &str) -> Option<Float64Chunked> {
    df.column(name).ok().and_then(|c| c.f64().ok().cloned())
}

/// A timestamp column as milliseconds since the Unix epoch.
pub fn ms_col(df: &DataFrame, name: &str) -> Option<Int64Chunked> {
    let c = df.column(name).ok()?.cast(&DataType::Int64).ok()?;
    c.i64().ok().cloned()
}

/// A 0/1 column (read as booleans).
pub fn bool_col<'a>(df: &'a DataFrame, name: &str) -> Option<&'a BooleanChunked> {
    df.column(name).ok().and_then(|c| c.bool().ok())
}
