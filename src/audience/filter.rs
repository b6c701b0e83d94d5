//! Filters on learner fields, as a marketer types them: `p_alive < 0.3 and interest:编程 > 0.4`.
//!
//! A filter is conditions joined by `and` (or `且`, `&&`); each condition is a field, an
//! operator (`<`, `<=`, `>`, `>=`, `=`, `!=`) and a value. Numbers compare as numbers; text
//! fields (attributes such as `occupation`, `rfm_segment`, `segment`) take `=` and `!=`.
//! A learner without a value for a field (e.g. `p_alive` of someone who never bought) does
//! not match a condition on it.

use super::fields::{Column, LearnerFields};
use crate::error::Error;
use crate::lang::Text;

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=` or `==`
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Lt => ord == Less,
            Op::Le => ord != Greater,
            Op::Gt => ord == Greater,
            Op::Ge => ord != Less,
            Op::Eq => ord == Equal,
            Op::Ne => ord != Equal,
        }
    }
}

/// One condition of a filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The field, as typed.
    pub field: String,
    /// The comparison.
    pub op: Op,
    /// The value, as typed (quotes removed).
    pub value: String,
    /// Column (in characters, from 1) where the condition starts in the filter text.
    pub column: usize,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    /// The text it was parsed from.
    pub text: String,
    /// Its conditions, all of which must hold.
    pub conditions: Vec<Condition>,
}

const OPERATORS: [(&str, Op); 7] = [
    ("<=", Op::Le),
    (">=", Op::Ge),
    ("!=", Op::Ne),
    ("==", Op::Eq),
    ("<", Op::Lt),
    (">", Op::Gt),
    ("=", Op::Eq),
];

fn bad(text: &str, byte: usize, message: Text) -> Error {
    let column = text[..byte].chars().count() + 1;
    Error::input(
        format!("筛选条件第 {column} 个字符处：{}", message.zh),
        format!("filter, column {column}: {}", message.en),
    )
}

/// The byte ranges of the conditions of `text`, split at `and`, `且` and `&&`.
fn parts(text: &str) -> Vec<(usize, usize)> {
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let joiner = if rest
            .get(..5)
            .is_some_and(|s| s.eq_ignore_ascii_case(" and "))
        {
            Some(5)
        } else if rest.starts_with("且") {
            Some("且".len())
        } else if rest.starts_with("&&") {
            Some(2)
        } else {
            None
        };
        match joiner {
            Some(n) => {
                cuts.push((i, i + n));
                i += n;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (a, b) in cuts {
        out.push((start, a));
        start = b;
    }
    out.push((start, text.len()));
    out
}

/// Parses `text` into a filter; an error names the column where the fault is.
pub fn parse(text: &str) -> Result<Filter, Error> {
    let mut conditions = Vec::new();
    for (a, b) in parts(text) {
        let part = &text[a..b];
        let lead = part.len() - part.trim_start().len();
        let start = a + lead;
        let part = part.trim();
        if part.is_empty() {
            return Err(bad(
                text,
                start,
                Text::new(
                    "缺少条件（例如 `p_alive < 0.3`）",
                    "a condition is missing (e.g. `p_alive < 0.3`)",
                ),
            ));
        }
        let Some((at, op_text, op)) = part.char_indices().find_map(|(i, _)| {
            OPERATORS
                .iter()
                .find(|(s, _)| part[i..].starts_with(s))
                .map(|(s, op)| (i, *s, *op))
        }) else {
            return Err(bad(
                text,
                start,
                Text::pair(
                    format!("`{part}` 没有比较符（<、<=、>、>=、=、!=）"),
                    format!("`{part}` has no comparison (<, <=, >, >=, =, !=)"),
                ),
            ));
        };
        let field = part[..at].trim();
        let value = part[at + op_text.len()..]
            .trim()
            .trim_matches(|c| c == '"' || c == '\'' || c == '“' || c == '”');
        if field.is_empty() {
            return Err(bad(
                text,
                start,
                Text::new(
                    "比较符前缺少字段名",
                    "a field name is missing before the comparison",
                ),
            ));
        }
        if value.is_empty() {
            return Err(bad(
                text,
                start + at + op_text.len(),
                Text::pair(
                    format!("`{op_text}` 后缺少值"),
                    format!("a value is missing after `{op_text}`"),
                ),
            ));
        }
        conditions.push(Condition {
            field: field.to_string(),
            op,
            value: value.to_string(),
            column: text[..start].chars().count() + 1,
        });
    }
    Ok(Filter {
        text: text.to_string(),
        conditions,
    })
}

impl Filter {
    /// Which learners (rows of `fields`) match every condition.
    pub fn matches(&self, fields: &LearnerFields) -> Result<Vec<bool>, Error> {
        let mut keep = vec![true; fields.len()];
        for c in &self.conditions {
            let at = |m: Text| {
                Error::input(
                    format!("筛选条件第 {} 个字符处：{}", c.column, m.zh),
                    format!("filter, column {}: {}", c.column, m.en),
                )
            };
            let column = fields.column(&c.field).map_err(at)?;
            match column {
                Column::Number(values) => {
                    let Some(x) = crate::data::cells::parse_number(&c.value) else {
                        return Err(at(Text::pair(
                            format!("`{}` 是数值字段；`{}` 不是数字", c.field, c.value),
                            format!(
                                "`{}` is a number field; `{}` is not a number",
                                c.field, c.value
                            ),
                        )));
                    };
                    for (k, v) in keep.iter_mut().zip(values) {
                        *k &= v.is_some_and(|v| c.op.holds(v.total_cmp(&x)));
                    }
                }
                Column::Text(values) => {
                    if !matches!(c.op, Op::Eq | Op::Ne) {
                        return Err(at(Text::pair(
                            format!("`{}` 是文本字段：请用 = 或 !=", c.field),
                            format!("`{}` is a text field: use = or !=", c.field),
                        )));
                    }
                    for (k, v) in keep.iter_mut().zip(values) {
                        *k &= v.as_ref().is_some_and(|names| {
                            let same = names.iter().any(|n| n == &c.value);
                            same == (c.op == Op::Eq)
                        });
                    }
                }
            }
        }
        Ok(keep)
    }
}
