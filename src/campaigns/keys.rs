//! The cross keys of every learner (`occupation=学生`, `age_band=25-34`, …), held as each
//! distinct key once and each learner's keys as indexes into them: a few bytes a learner
//! where a list of strings took about 300 MB at a million learners. Saved as each learner's
//! list of keys, the format saved projects have always used.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Each learner's cross keys.
#[derive(Debug, Clone, Default)]
pub struct LearnerKeys {
    /// Distinct keys, in first-seen order.
    names: Vec<String>,
    /// `keys[start[l]..start[l + 1]]` are learner `l`'s.
    start: Vec<u32>,
    keys: Vec<u32>,
}

impl LearnerKeys {
    /// The keys of `n` learners, learner by learner: `keys_of(l, push)` calls `push` with
    /// each key of learner `l`, in order.
    pub fn build(n: usize, mut keys_of: impl FnMut(usize, &mut dyn FnMut(&str))) -> LearnerKeys {
        let mut out = LearnerKeys {
            start: Vec::with_capacity(n + 1),
            ..LearnerKeys::default()
        };
        let mut index: ahash::AHashMap<String, u32> = ahash::AHashMap::new();
        out.start.push(0);
        for l in 0..n {
            keys_of(l, &mut |key| {
                let id = match index.get(key) {
                    Some(&id) => id,
                    None => {
                        let id = out.names.len() as u32;
                        out.names.push(key.to_string());
                        index.insert(key.to_string(), id);
                        id
                    }
                };
                out.keys.push(id);
            });
            out.start.push(out.keys.len() as u32);
        }
        out
    }

    /// Learner `l`'s keys, in order (none for a learner beyond those known).
    pub fn of(&self, l: usize) -> impl Iterator<Item = &str> + '_ {
        let range = match (self.start.get(l), self.start.get(l + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        };
        self.keys[range]
            .iter()
            .map(|&k| self.names[k as usize].as_str())
    }

    /// Number of learners.
    pub fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// Whether no learner is known.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Serialize for LearnerKeys {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((0..self.len()).map(|l| self.of(l).collect::<Vec<_>>()))
    }
}

impl<'de> Deserialize<'de> for LearnerKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let lists = Vec::<Vec<String>>::deserialize(deserializer)?;
        Ok(LearnerKeys::build(lists.len(), |l, push| {
            for key in &lists[l] {
                push(key);
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_and_save_as_lists_of_strings() {
        let lists = [
            vec!["occupation=学生", "age_band=<25"],
            vec![],
            vec!["occupation=学生", "city=北京"],
        ];
        let keys = LearnerKeys::build(3, |l, push| lists[l].iter().for_each(|k| push(k)));
        assert_eq!(keys.names.len(), 3);
        for (l, list) in lists.iter().enumerate() {
            assert_eq!(keys.of(l).collect::<Vec<_>>(), *list);
        }
        assert_eq!(keys.of(7).count(), 0);
        let json = serde_json::to_string(&keys).unwrap();
        assert_eq!(
            json,
            r#"[["occupation=学生","age_band=<25"],[],["occupation=学生","city=北京"]]"#
        );
        let back: LearnerKeys = serde_json::from_str(&json).unwrap();
        assert_eq!(back.of(2).collect::<Vec<_>>(), lists[2]);
    }
}
