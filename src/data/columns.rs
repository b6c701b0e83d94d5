//! Typed access to the columns of loaded tables (absent or mistyped columns read as `None`).

use polars::prelude::*;

/// A text column as loaded: plain strings, or (for values that repeat, such as a learner's id
/// on each of their events) a code per row into the column's distinct values, four bytes a
/// row instead of sixteen. Reads the same either way.
#[derive(Clone, Copy)]
pub enum TextColumn<'a> {
    /// One string per row.
    Plain(&'a StringChunked),
    /// One code per row into the distinct values.
    Coded(&'a Categorical32Chunked),
}

impl<'a> TextColumn<'a> {
    /// The column's text, if it holds text.
    pub fn of(column: &'a Column) -> Option<TextColumn<'a>> {
        match column.dtype() {
            DataType::String => column.str().ok().map(TextColumn::Plain),
            DataType::Categorical(..) | DataType::Enum(..) => {
                column.cat32().ok().map(TextColumn::Coded)
            }
            _ => None,
        }
    }

    /// Rows.
    pub fn len(&self) -> usize {
        match self {
            TextColumn::Plain(c) => c.len(),
            TextColumn::Coded(c) => c.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Missing values.
    pub fn null_count(&self) -> usize {
        match self {
            TextColumn::Plain(c) => c.null_count(),
            TextColumn::Coded(c) => c.physical().null_count(),
        }
    }

    /// Row `i`'s text (`None` when missing or out of range).
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match *self {
            TextColumn::Plain(c) => c.get(i),
            TextColumn::Coded(c) => c
                .physical()
                .get(i)
                .and_then(|code| c.get_mapping().cat_to_str(code)),
        }
    }

    /// Every row's text in order.
    pub fn iter(self) -> impl Iterator<Item = Option<&'a str>> + 'a {
        let (plain, coded) = match self {
            TextColumn::Plain(c) => (Some(c.iter()), None),
            TextColumn::Coded(c) => (None, Some(c.iter_str())),
        };
        plain
            .into_iter()
            .flatten()
            .chain(coded.into_iter().flatten())
    }
}

/// A text column.
pub fn str_col<'a>(df: &'a DataFrame, name: &str) -> Option<TextColumn<'a>> {
    df.column(name).ok().and_then(TextColumn::of)
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
