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

    /// `f` of every row's text (`missing` where there is none), computed once per distinct
    /// value of a coded column and in parallel over the rows of a plain one.
    pub fn map_each<T: Copy + Send + Sync>(
        &self,
        f: impl Fn(&str) -> T + Sync,
        missing: T,
    ) -> Vec<T> {
        use rayon::prelude::*;
        match *self {
            TextColumn::Plain(c) => (0..c.len())
                .into_par_iter()
                .with_min_len(1 << 14)
                .map(|i| c.get(i).map_or(missing, &f))
                .collect(),
            TextColumn::Coded(c) => {
                let mapping = c.get_mapping();
                let of_code: Vec<T> = (0..mapping.num_cats_upper_bound())
                    .map(|code| mapping.cat_to_str(code as u32).map_or(missing, &f))
                    .collect();
                c.physical()
                    .iter()
                    .map(|code| {
                        code.and_then(|k| of_code.get(k as usize).copied())
                            .unwrap_or(missing)
                    })
                    .collect()
            }
        }
    }

    /// Each distinct value with the rows holding it (missing values left out), in no
    /// particular order. A coded column counts its codes and names each once.
    pub fn value_counts(&self) -> Vec<(&'a str, u64)> {
        match *self {
            TextColumn::Plain(c) => {
                let mut counts: ahash::AHashMap<&'a str, u64> = ahash::AHashMap::new();
                for v in c.iter().flatten() {
                    *counts.entry(v).or_default() += 1;
                }
                counts.into_iter().collect()
            }
            TextColumn::Coded(c) => {
                let mapping = c.get_mapping();
                let mut counts = vec![0u64; mapping.num_cats_upper_bound()];
                for code in c.physical().iter().flatten() {
                    if let Some(n) = counts.get_mut(code as usize) {
                        *n += 1;
                    }
                }
                counts
                    .into_iter()
                    .enumerate()
                    .filter(|&(_, n)| n > 0)
                    .filter_map(|(code, n)| mapping.cat_to_str(code as u32).map(|v| (v, n)))
                    .collect()
            }
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

/// `f` of every row's text in column `name` of `df`, `missing` where there is none (in every
/// row when the column is absent or not text); see [`TextColumn::map_each`].
pub fn map_text<T: Copy + Send + Sync>(
    df: &DataFrame,
    name: &str,
    f: impl Fn(&str) -> T + Sync,
    missing: T,
) -> Vec<T> {
    str_col(df, name).map_or_else(|| vec![missing; df.height()], |c| c.map_each(f, missing))
}

/// Each row's value of a column that may be absent: an absent column reads as missing in
/// every row, however many rows the other columns have.
pub fn each_row<V>(
    column: Option<impl Iterator<Item = Option<V>>>,
) -> impl Iterator<Item = Option<V>> {
    column
        .into_iter()
        .flatten()
        .chain(std::iter::repeat_with(|| None))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The same values stored plainly and coded (codes given in first-seen order, as the
    /// loader gives them).
    fn both(values: &[Option<&str>]) -> (Column, Column) {
        let plain = StringChunked::from_iter_options("v".into(), values.iter().copied());
        let categories = Categories::random("v".into(), CategoricalPhysical::U32);
        let mapping = categories.mapping();
        let codes: UInt32Chunked = values
            .iter()
            .map(|v| v.map(|s| mapping.insert_cat(s).unwrap()))
            .collect();
        let dtype = DataType::Categorical(categories, mapping);
        let coded = Categorical32Chunked::from_cats_and_dtype(codes.with_name("v".into()), dtype);
        (plain.into_column(), coded.into_column())
    }

    #[test]
    fn coded_and_plain_text_map_and_count_alike() {
        let values = [
            Some("北京"),
            None,
            Some("上海"),
            Some("北京"),
            Some(""),
            Some("北京"),
        ];
        let (plain, coded) = both(&values);
        let (plain, coded) = (
            TextColumn::of(&plain).unwrap(),
            TextColumn::of(&coded).unwrap(),
        );
        assert!(matches!(coded, TextColumn::Coded(_)));
        let length = |s: &str| s.chars().count() as i32;
        let expected = vec![2, -1, 2, 2, 0, 2];
        assert_eq!(plain.map_each(length, -1), expected);
        assert_eq!(coded.map_each(length, -1), expected);
        fn sorted(mut v: Vec<(&str, u64)>) -> Vec<(&str, u64)> {
            v.sort();
            v
        }
        let expected = vec![("", 1), ("上海", 1), ("北京", 3)];
        assert_eq!(sorted(plain.value_counts()), expected);
        assert_eq!(sorted(coded.value_counts()), expected);
    }
}
