//! The profile features as one SQL query over the contract tables (`users`, `courses`,
//! `events`), for data that lives in a warehouse: DuckDB or Spark computes the same numbers
//! as [`super::learner_table`] next to the events, and `segment --features` clusters the
//! result. What the query needs of the small tables (the categories in courses order, the
//! attribute levels one-hot encoded) is read from them here and written into it as literals,
//! so the query's columns are exactly the profile's features, in the profile's order.

use super::features::{Block, CHEAP_PRICE, LearnerTable};
use crate::data::cells::MS_PER_DAY;
use std::fmt::Write;

/// An SQL dialect the query can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// DuckDB.
    DuckDb,
    /// Spark SQL (3.1 or later; session time zone UTC).
    Spark,
}

impl std::str::FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "duckdb" => Ok(Dialect::DuckDb),
            "spark" => Ok(Dialect::Spark),
            _ => Err(format!("`{s}` is not a dialect; use duckdb or spark")),
        }
    }
}

impl Dialect {
    /// A quoted identifier.
    fn name(self, id: &str) -> String {
        match self {
            Dialect::DuckDb => format!("\"{}\"", id.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", id.replace('`', "``")),
        }
    }

    /// A string literal.
    fn text(self, s: &str) -> String {
        match self {
            Dialect::DuckDb => format!("'{}'", s.replace('\'', "''")),
            Dialect::Spark => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        }
    }

    /// Milliseconds since 1970 (UTC) of a timestamp or date expression.
    pub(crate) fn ms(self, expr: &str) -> String {
        match self {
            Dialect::DuckDb => format!("epoch_ms(CAST({expr} AS TIMESTAMP))"),
            Dialect::Spark => format!("unix_millis(CAST({expr} AS TIMESTAMP))"),
        }
    }

    /// The date of an integer expression counting days since 1970-01-01.
    pub(crate) fn date_of_day(self, expr: &str) -> String {
        match self {
            Dialect::DuckDb => format!("CAST(DATE '1970-01-01' + CAST({expr} AS INTEGER) AS DATE)"),
            Dialect::Spark => format!("date_add(DATE '1970-01-01', CAST({expr} AS INT))"),
        }
    }
}

/// The columns of the per-learner aggregate (besides the category counts).
const PER_LEARNER: [&str; 14] = [
    "n_events",
    "active_days",
    "last_ms",
    "purchases",
    "enrolls",
    "completes",
    "paid",
    "watch_sec",
    "ratio_sum",
    "ratio_n",
    "cheap",
    "price_sum",
    "price_n",
    "categorised",
];

/// What the query is written for: the tables present and the features they give.
#[derive(Debug, Clone)]
pub struct FeatureQuery {
    /// Whether a `users` table lists the learners (else they are the learners of `events`).
    pub users: bool,
    /// Whether a `courses` table gives categories and prices.
    pub courses: bool,
    /// Whether `events` has the optional `amount` and `watch_sec` columns.
    pub amount: bool,
    /// See `amount`.
    pub watch: bool,
    /// Whether `users` has `age` and `signup_date`.
    pub age: bool,
    /// See `age`.
    pub signup: bool,
    /// Course categories in the order of `courses`.
    pub categories: Vec<String>,
    /// One-hot attributes: column and level, in feature order.
    pub levels: Vec<(String, String)>,
}

impl FeatureQuery {
    /// The query for the tables `table` was built from (its events need not be loaded: only
    /// the categories and attribute levels are read from it), with `events_columns` the
    /// columns of the events table.
    pub fn of(
        table: &LearnerTable,
        users: bool,
        courses: bool,
        events_columns: &[String],
    ) -> FeatureQuery {
        let has = |name: &str| table.features.iter().any(|f| f.name == name);
        let levels = table
            .features
            .iter()
            .filter(|f| f.block == Block::Attributes && f.name != "age")
            .filter_map(|f| {
                let column = &table
                    .attributes
                    .iter()
                    .find(|a| f.name.starts_with(&format!("{}=", a.name)))?
                    .name;
                Some((column.clone(), f.name[column.len() + 1..].to_string()))
            })
            .collect();
        FeatureQuery {
            users,
            courses,
            amount: events_columns.iter().any(|c| c == "amount"),
            watch: events_columns.iter().any(|c| c == "watch_sec"),
            age: has("age"),
            signup: has("days_since_signup"),
            categories: table.categories.clone(),
            levels,
        }
    }

    /// The feature names the query's columns carry after `user_id`, in order (those of
    /// [`super::learner_table`] on the same tables).
    pub fn features(&self) -> Vec<String> {
        self.columns(Dialect::DuckDb)
            .into_iter()
            .map(|(_, name)| name)
            .collect()
    }

    /// Every feature column of the final select: its expression over `joined` in `dialect`,
    /// and its name. The one list both the query and [`FeatureQuery::features`] are made of.
    fn columns(&self, dialect: Dialect) -> Vec<(String, String)> {
        let day = MS_PER_DAY;
        let d = |e: &str| format!("CAST({e} AS DOUBLE)");
        let z = |e: &str| format!("COALESCE({e}, 0)");
        // `num / den`, or `empty` when there is nothing to divide by (as `features::ratio`).
        let ratio = |num: &str, den: &str, empty: &str| {
            let den = d(&z(den));
            format!(
                "CASE WHEN {den} > 0 THEN {} / {den} ELSE {empty} END",
                d(&z(num))
            )
        };
        let mut out: Vec<(String, String)> = self
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    ratio(&format!("c{i}"), "categorised", "0.0"),
                    format!("interest:{c}"),
                )
            })
            .collect();
        let mut push = |expr: String, name: &str| out.push((expr, name.to_string()));
        push(ratio("ratio_sum", "ratio_n", "1.0"), "paid_vs_list");
        push(
            format!("LN(1 + {})", ratio("price_sum", "price_n", "0.0")),
            "log_mean_list_price",
        );
        push(ratio("cheap", "purchases", "0.0"), "cheap_share");
        push(
            d("COALESCE(days_inactive, GREATEST(COALESCE(MAX(days_inactive) OVER (), 0), 0))"),
            "recency_days",
        );
        push(
            format!("LN(1 + {})", d(&z("purchases + enrolls"))),
            "log_frequency",
        );
        push(
            format!("LN(1 + GREATEST({}, 0))", d(&z("paid"))),
            "log_monetary",
        );
        push(
            format!("LN(1 + {})", d(&z("active_days"))),
            "log_active_days",
        );
        push(
            ratio("n_events", "active_days", "0.0"),
            "events_per_active_day",
        );
        push(
            format!("LN(1 + {} / 3600.0)", d(&z("watch_sec"))),
            "log_watch_hours",
        );
        push(
            format!("LEAST({}, 1.0)", ratio("completes", "enrolls", "0.0")),
            "completion_rate",
        );
        if self.age {
            push(d("COALESCE(age, AVG(age) OVER (), 0)"), "age");
        }
        if self.signup {
            push(
                d(&format!(
                    "COALESCE(GREATEST(end_day - FLOOR(signup_ms / {day}.0), 0), 0)"
                )),
                "days_since_signup",
            );
        }
        for (column, level) in &self.levels {
            push(
                format!(
                    "CASE WHEN {} = {} THEN 1.0 ELSE 0.0 END",
                    dialect.name(column),
                    dialect.text(level)
                ),
                &format!("{column}={level}"),
            );
        }
        out
    }

    /// The query in `dialect`: one row per learner, `user_id` then every feature.
    pub fn sql(&self, dialect: Dialect) -> String {
        let q = |id: &str| dialect.name(id);
        let day = MS_PER_DAY;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "-- Persona Lab learner profile features ({} features), from the contract tables",
            self.features().len()
        );
        let _ = writeln!(
            s,
            "-- users, courses and events. Timestamps are read as UTC."
        );
        s.push_str("WITH learners AS (\n");
        if self.users {
            let mut cols = vec!["user_id".to_string()];
            if self.age {
                cols.push("age".into());
            }
            if self.signup {
                cols.push(format!("{} AS signup_ms", dialect.ms("signup_date")));
            }
            let attrs: Vec<&String> = {
                let mut a: Vec<&String> = self.levels.iter().map(|(c, _)| c).collect();
                a.dedup();
                a
            };
            cols.extend(attrs.iter().map(|c| q(c)));
            let _ = writeln!(s, "  SELECT {} FROM users", cols.join(", "));
        } else {
            s.push_str("  SELECT DISTINCT user_id FROM events WHERE user_id IS NOT NULL\n");
        }
        s.push_str("),\nev AS (\n");
        let optional = |present: bool, column: &str| {
            if present {
                format!("CAST(e.{column} AS DOUBLE)")
            } else {
                "CAST(NULL AS DOUBLE)".into()
            }
        };
        let _ = writeln!(
            s,
            "  SELECT e.user_id, e.event, {} AS amount, {} AS watch_sec,\n    {} AS ms, \
             c.category, CAST(c.price AS DOUBLE) AS price",
            optional(self.amount, "amount"),
            optional(self.watch, "watch_sec"),
            dialect.ms("e.ts")
        );
        let courses = if self.courses {
            "courses"
        } else {
            "(SELECT CAST(NULL AS STRING) AS course_id, CAST(NULL AS STRING) AS category, \
             CAST(NULL AS DOUBLE) AS price)"
        };
        let _ = writeln!(
            s,
            "  FROM events e LEFT JOIN {courses} c ON e.course_id = c.course_id"
        );
        s.push_str("  WHERE e.user_id IN (SELECT user_id FROM learners)\n),\n");
        s.push_str("per_learner AS (\n  SELECT user_id,\n");
        s.push_str("    COUNT(*) AS n_events,\n");
        let _ = writeln!(
            s,
            "    COUNT(DISTINCT FLOOR(ms / {day}.0)) AS active_days,\n    MAX(ms) AS last_ms,"
        );
        for (name, kind) in [
            ("purchases", "purchase"),
            ("enrolls", "enroll"),
            ("completes", "complete"),
        ] {
            let _ = writeln!(
                s,
                "    SUM(CASE WHEN event = '{kind}' THEN 1 ELSE 0 END) AS {name},"
            );
        }
        s.push_str(
            "    SUM(CASE WHEN event = 'purchase' THEN COALESCE(amount, 0) \
             WHEN event = 'refund' THEN -COALESCE(amount, 0) ELSE 0 END) AS paid,\n",
        );
        s.push_str("    SUM(COALESCE(watch_sec, 0)) AS watch_sec,\n");
        s.push_str(
            "    SUM(CASE WHEN event = 'purchase' AND amount IS NOT NULL AND price > 0 \
             THEN amount / price END) AS ratio_sum,\n",
        );
        s.push_str(
            "    COUNT(CASE WHEN event = 'purchase' AND amount IS NOT NULL AND price > 0 \
             THEN 1 END) AS ratio_n,\n",
        );
        let _ = writeln!(
            s,
            "    SUM(CASE WHEN event = 'purchase' AND price <= {CHEAP_PRICE:.1} THEN 1 ELSE 0 END) AS cheap,"
        );
        s.push_str("    SUM(price) AS price_sum,\n    COUNT(price) AS price_n,\n");
        s.push_str("    COUNT(category) AS categorised");
        for (i, c) in self.categories.iter().enumerate() {
            let _ = write!(
                s,
                ",\n    SUM(CASE WHEN category = {} THEN 1 ELSE 0 END) AS c{i}",
                dialect.text(c)
            );
        }
        s.push_str("\n  FROM ev GROUP BY user_id\n),\n");
        let last_signup = if self.signup {
            "(SELECT MAX(signup_ms) FROM learners)"
        } else {
            "NULL"
        };
        let _ = writeln!(
            s,
            "ends AS (\n  SELECT COALESCE(FLOOR(GREATEST((SELECT MAX(ms) FROM ev), {last_signup}) \
             / {day}.0) + 1, 0) AS end_day\n),"
        );
        s.push_str("joined AS (\n  SELECT l.*, ends.end_day,\n    ");
        s.push_str(&PER_LEARNER.map(|c| format!("p.{c}")).join(", "));
        for i in 0..self.categories.len() {
            let _ = write!(s, ", p.c{i}");
        }
        s.push_str(",\n");
        let signup_inactive = if self.signup {
            format!("GREATEST(ends.end_day - FLOOR(l.signup_ms / {day}.0), 0)")
        } else {
            "NULL".into()
        };
        let _ = writeln!(
            s,
            "    CASE WHEN p.last_ms IS NOT NULL THEN ends.end_day - FLOOR(p.last_ms / {day}.0) \
             ELSE {signup_inactive} END AS days_inactive"
        );
        s.push_str(
            "  FROM learners l LEFT JOIN per_learner p ON l.user_id = p.user_id CROSS JOIN ends\n)\n",
        );
        s.push_str("SELECT user_id");
        for (expr, name) in self.columns(dialect) {
            let _ = write!(s, ",\n  {expr} AS {}", q(&name));
        }
        s.push_str("\nFROM joined\n");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query() -> FeatureQuery {
        FeatureQuery {
            users: true,
            courses: true,
            amount: true,
            watch: false,
            age: false,
            signup: true,
            categories: vec!["编程".into(), "it's".into()],
            levels: vec![("city".into(), "O'Hare".into())],
        }
    }

    #[test]
    fn each_dialect_quotes_names_and_text_its_own_way() {
        let spark = query().sql(Dialect::Spark);
        assert!(spark.contains("AS `interest:编程`") && spark.contains("'it\\'s'"));
        assert!(spark.contains("unix_millis(CAST(e.ts AS TIMESTAMP))"));
        let duck = query().sql(Dialect::DuckDb);
        assert!(duck.contains("AS \"city=O'Hare\"") && duck.contains("'O''Hare'"));
        assert!(duck.contains("CAST(NULL AS DOUBLE) AS watch_sec"));
        assert_eq!("Spark".parse::<Dialect>(), Ok(Dialect::Spark));
        assert!("oracle".parse::<Dialect>().is_err());
    }

    #[test]
    fn the_columns_are_the_profile_features_in_order() {
        let names = query().features();
        assert_eq!(names[0], "interest:编程");
        assert_eq!(names.last().unwrap(), "city=O'Hare");
        assert!(names.iter().all(|n| Block::of_feature(n).is_some()));
    }
}
