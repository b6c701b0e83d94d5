//! A categorical attribute of every learner (city, occupation, device, …), held as its
//! distinct values once and a code per learner: four bytes a learner where a string takes
//! forty, which at a million learners is the difference between 24 MB and 240 MB an attribute.

use crate::data::columns::TextColumn;

/// Code of a learner without a value.
const MISSING: u32 = u32::MAX;

/// One categorical attribute of the first learners of a table.
#[derive(Debug, Clone, Default)]
pub struct Attribute {
    /// Column name.
    pub name: String,
    /// Distinct values held by at least one learner, sorted.
    pub levels: Vec<String>,
    /// Each learner's index into `levels`, [`MISSING`] when the learner has none.
    codes: Vec<u32>,
}

impl Attribute {
    /// The values of the first `n` rows of `column` (fewer when it has fewer rows).
    pub fn of_column(name: &str, column: TextColumn, n: usize) -> Attribute {
        let mut levels: Vec<&str> = column.value_counts().into_iter().map(|(v, _)| v).collect();
        levels.sort_unstable();
        let index: ahash::AHashMap<&str, u32> = levels
            .iter()
            .enumerate()
            .map(|(i, &v)| (v, i as u32))
            .collect();
        // A coded column's distinct values may include one no row holds: it has no level.
        let mut codes = column.map_each(|v| index.get(v).copied().unwrap_or(MISSING), MISSING);
        codes.truncate(n);
        // Only the levels the first `n` rows hold.
        let mut used = vec![false; levels.len()];
        for &c in codes.iter().filter(|&&c| c != MISSING) {
            used[c as usize] = true;
        }
        let mut renumber = vec![MISSING; levels.len()];
        let mut kept = Vec::new();
        for (i, level) in levels.into_iter().enumerate().filter(|&(i, _)| used[i]) {
            renumber[i] = kept.len() as u32;
            kept.push(level.to_string());
        }
        for c in codes.iter_mut().filter(|c| **c != MISSING) {
            *c = renumber[*c as usize];
        }
        Attribute {
            name: name.to_string(),
            levels: kept,
            codes,
        }
    }

    /// Learner `i`'s level (an index into [`Attribute::levels`]), if they have a value.
    pub fn level(&self, i: usize) -> Option<usize> {
        self.codes
            .get(i)
            .filter(|&&c| c != MISSING)
            .map(|&c| c as usize)
    }

    /// Learner `i`'s value, if they have one.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.level(i).map(|l| self.levels[l].as_str())
    }

    /// Every learner's value, in learner order.
    pub fn values(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.codes.len()).map(|i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn values_read_back_as_given_and_levels_are_those_held() {
        let values = [Some("北京"), None, Some("上海"), Some("北京"), Some("深圳")];
        let column =
            StringChunked::from_iter_options("city".into(), values.iter().copied()).into_column();
        let a = Attribute::of_column("city", TextColumn::of(&column).unwrap(), 4);
        assert_eq!(
            a.values().collect::<Vec<_>>(),
            vec![Some("北京"), None, Some("上海"), Some("北京")]
        );
        // 深圳 is only on the fifth row, beyond the four learners.
        assert_eq!(a.levels, vec!["上海", "北京"]);
        assert_eq!(a.level(3), Some(1));
        assert_eq!(a.get(9), None);
    }

    #[test]
    fn a_coded_value_no_row_holds_is_no_level() {
        // The distinct values of a coded column may include one no row holds (a column
        // filtered after loading keeps every value it had).
        let categories = Categories::random("city".into(), CategoricalPhysical::U32);
        let mapping = categories.mapping();
        let codes: UInt32Chunked = [Some("北京"), None, Some("上海")]
            .iter()
            .map(|v| v.map(|s| mapping.insert_cat(s).unwrap()))
            .collect();
        mapping.insert_cat("深圳").unwrap();
        let dtype = DataType::Categorical(categories, mapping);
        let column =
            Categorical32Chunked::from_cats_and_dtype(codes.with_name("city".into()), dtype)
                .into_column();
        let a = Attribute::of_column("city", TextColumn::of(&column).unwrap(), 3);
        assert_eq!(a.levels, vec!["上海", "北京"]);
        assert_eq!(
            a.values().collect::<Vec<_>>(),
            vec![Some("北京"), None, Some("上海")]
        );
    }
}
