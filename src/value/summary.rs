//! Buyers' purchase summaries computed outside Persona Lab, for data too big to load: the
//! query that computes them in a database from the `events` table (`clv --emit-sql`), and
//! reading the table it returns (`clv --features`). The columns are those of `lifetimes`'
//! `calibration_and_holdout_data` (in days), plus the last calibration day:
//! `user_id, frequency_cal, recency_cal, T_cal, monetary_value_cal, frequency_holdout,
//! duration_holdout, calibration_end`. `lifetimes`' plain summary names (`frequency`,
//! `recency`, `T`, `monetary_value`) are read too; without the holdout columns there is no
//! holdout check.

use super::purchases::{Buyer, Purchases};
use crate::data::cells::MS_PER_DAY;
use crate::error::Error;
use crate::profile::sql::Dialect;
use std::fmt::Write;
use std::path::Path;

/// The query computing every buyer's summary from a table `events` of the data contract
/// (`user_id`, `event`, `ts`, `amount`), exactly as [`super::summarise_purchases`] does:
/// purchase days are UTC calendar days, a day's spend is the sum of its purchases,
/// calibration ends on `until_day` (days since 1970-01-01; default the day of the last timed
/// event) and the holdout runs `horizon_days` after it, up to the last event.
pub fn summary_sql(dialect: Dialect, until_day: Option<i64>, horizon_days: u32) -> String {
    let until = until_day.map_or("MAX(day)".to_string(), |d| d.to_string());
    let mut s = String::new();
    s.push_str(
        "-- Persona Lab buyer summaries for learner value (persona-lab clv --features), from\n\
         -- the events table: lifetimes' calibration_and_holdout_data columns (days) and the\n\
         -- last calibration day. Timestamps are read as UTC.\n",
    );
    let _ = write!(
        s,
        "WITH timed AS (\n  SELECT user_id, event, CAST(amount AS DOUBLE) AS amount,\n    \
         CAST(FLOOR({} / {MS_PER_DAY}.0) AS BIGINT) AS day\n  FROM events\n  \
         WHERE ts IS NOT NULL AND user_id IS NOT NULL\n),\n",
        dialect.ms("ts")
    );
    let _ = write!(
        s,
        "bounds AS (\n  SELECT {until} AS until_day, LEAST({until} + {horizon_days}, MAX(day)) AS holdout_end\n  \
         FROM timed\n),\n"
    );
    s.push_str(
        "purchase_days AS (\n  SELECT user_id, day, SUM(COALESCE(amount, 0)) AS spend\n  \
         FROM timed WHERE event = 'purchase'\n  GROUP BY user_id, day\n),\n\
         calibration AS (\n  SELECT p.user_id, p.day, p.spend,\n    \
         ROW_NUMBER() OVER (PARTITION BY p.user_id ORDER BY p.day) AS nth\n  \
         FROM purchase_days p CROSS JOIN bounds b\n  WHERE p.day <= b.until_day\n),\n\
         buyers AS (\n  SELECT user_id, COUNT(*) - 1 AS frequency_cal,\n    \
         MAX(day) - MIN(day) AS recency_cal, MIN(day) AS first_day,\n    \
         SUM(CASE WHEN nth > 1 THEN spend ELSE 0 END) AS repeat_spend\n  \
         FROM calibration GROUP BY user_id\n),\n\
         holdout AS (\n  SELECT p.user_id, COUNT(*) AS frequency_holdout\n  \
         FROM purchase_days p CROSS JOIN bounds b\n  \
         WHERE p.day > b.until_day AND p.day <= b.holdout_end\n  GROUP BY p.user_id\n)\n",
    );
    let _ = write!(
        s,
        "SELECT c.user_id, c.frequency_cal, c.recency_cal, b.until_day - c.first_day AS T_cal,\n  \
         CASE WHEN c.frequency_cal > 0 THEN c.repeat_spend / c.frequency_cal ELSE 0.0 END \
         AS monetary_value_cal,\n  COALESCE(h.frequency_holdout, 0) AS frequency_holdout,\n  \
         GREATEST(b.holdout_end - b.until_day, 0) AS duration_holdout,\n  \
         {} AS calibration_end\n\
         FROM buyers c CROSS JOIN bounds b LEFT JOIN holdout h ON h.user_id = c.user_id\n\
         ORDER BY c.user_id\n",
        dialect.date_of_day("b.until_day")
    );
    s
}

/// The names a column of the summary table may have (the calibration one first).
const FREQUENCY: &[&str] = &["frequency_cal", "frequency"];
const RECENCY: &[&str] = &["recency_cal", "recency"];
const AGE: &[&str] = &["T_cal", "T"];
const SPEND: &[&str] = &["monetary_value_cal", "monetary_value"];
const HOLDOUT: &[&str] = &["frequency_holdout"];
const DURATION: &[&str] = &["duration_holdout"];
const END: &[&str] = &["calibration_end"];

/// Reads a table of buyers' summaries (CSV, the columns of [`summary_sql`]'s result; the
/// first column is the learner id) as the purchases learner value is estimated from. Every
/// number is checked: counts and days are whole and not negative, recency is at most T and 0
/// without repeat days, spend is a finite amount not below 0, and every row has the same
/// calibration end and holdout length; a bad cell names its line and column. Learners without
/// a purchase are not in such a table, so none are counted.
pub fn read_summary(path: &Path) -> Result<Purchases, Error> {
    let file = path.display().to_string();
    let bad = |line: u64, what: String| {
        Error::input(
            format!("{file}：第 {line} 行：{what}"),
            format!("{file}: line {line}: {what}"),
        )
    };
    // The line of a record from its byte offset (looked up only for a message).
    let line_of = |offset: u64, i: usize| {
        crate::data::load::line_at_offset(path, offset).unwrap_or(i as u64 + 2)
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| {
            Error::input(
                format!("{file}：无法读取：{e}"),
                format!("{file}: cannot be read: {e}"),
            )
        })?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let optional = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| header.iter().position(|h| h == n))
    };
    let required = |names: &[&str]| {
        optional(names).ok_or_else(|| {
            bad(
                1,
                format!(
                    "column `{}` not found (expected the columns of `persona-lab clv --emit-sql`)",
                    names[0]
                ),
            )
        })
    };
    let (frequency, recency, age) = (required(FREQUENCY)?, required(RECENCY)?, required(AGE)?);
    let (spend, end) = (required(SPEND)?, required(END)?);
    let (holdout, duration) = (optional(HOLDOUT), optional(DURATION));
    let mut buyers = Vec::new();
    let mut until_day = None;
    let mut holdout_days = None;
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(i as u64 + 2, e.to_string()))?;
        let offset = record.position().map_or(0, |p| p.byte());
        let bad = |what: String| bad(line_of(offset, i), what);
        if record.len() != header.len() {
            return Err(bad(format!(
                "expected {} fields, found {}",
                header.len(),
                record.len()
            )));
        }
        let cell = |at: usize| record[at].trim();
        let not = |at: usize, what: &str| {
            bad(format!(
                "column {}: `{}` is not {what}",
                header[at],
                cell(at)
            ))
        };
        let whole = |at: usize| -> Result<u32, Error> {
            crate::data::cells::parse_number(cell(at))
                .filter(|v| *v >= 0.0 && v.fract() == 0.0 && *v <= f64::from(u32::MAX))
                .map(|v| v as u32)
                .ok_or_else(|| not(at, "a whole number at least 0"))
        };
        let id = cell(0);
        if id.is_empty() {
            return Err(not(0, "a learner id"));
        }
        let (f, r, t) = (whole(frequency)?, whole(recency)?, whole(age)?);
        if r > t || (f == 0 && r > 0) {
            return Err(bad(format!(
                "recency {r} must be at most T {t}, and 0 when frequency is 0 (frequency {f})"
            )));
        }
        let money = crate::data::cells::parse_number(cell(spend))
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| not(spend, "an amount at least 0"))?;
        let day = crate::data::cells::parse_timestamp(cell(end), None)
            .map(|ms| ms.div_euclid(MS_PER_DAY))
            .map_err(|_| not(end, "a date (YYYY-MM-DD)"))?;
        if *until_day.get_or_insert(day) != day {
            return Err(not(end, "the calibration end of the rows above"));
        }
        if let Some(at) = duration {
            let d = whole(at)?;
            if *holdout_days.get_or_insert(d) != d {
                return Err(not(at, "the holdout length of the rows above"));
            }
        }
        buyers.push(Buyer {
            user_id: id.to_string(),
            frequency: f,
            recency_days: i64::from(r),
            age_days: i64::from(t),
            spend: money,
            holdout_days: holdout.map(whole).transpose()?.unwrap_or(0),
        });
    }
    let until_day = until_day
        .ok_or_else(|| Error::input(format!("{file}：没有购买者"), format!("{file}: no buyers")))?;
    Ok(Purchases {
        buyers,
        until_day,
        // Without the holdout's purchase counts there is nothing to check against.
        holdout_days: holdout.and(holdout_days).unwrap_or(0),
        without_purchase: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "user_id,frequency_cal,recency_cal,T_cal,monetary_value_cal,\
                          frequency_holdout,duration_holdout,calibration_end\n";

    fn read(body: &str) -> Result<Purchases, Error> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.csv");
        std::fs::write(&path, format!("{HEADER}{body}")).unwrap();
        read_summary(&path)
    }

    #[test]
    fn a_summary_table_reads_as_the_buyers_it_lists() {
        let p = read("a,2,30,60,12.5,1,90,1997-09-30\nb,0,0,10,0.0,0,90,1997-09-30\n").unwrap();
        assert_eq!(p.buyers.len(), 2);
        assert_eq!(
            (
                p.buyers[0].frequency,
                p.buyers[0].recency_days,
                p.buyers[0].age_days
            ),
            (2, 30, 60)
        );
        assert_eq!(p.buyers[0].holdout_days, 1);
        assert_eq!(p.holdout_days, 90);
        assert_eq!(
            crate::data::cells::format_date(p.until_day * MS_PER_DAY),
            "1997-09-30"
        );
    }

    #[test]
    fn a_bad_cell_names_its_line_and_column() {
        let message = |body: &str| read(body).unwrap_err().to_string();
        let m = message("a,2,30,60,12.5,1,90,1997-09-30\nb,-1,0,10,0,0,90,1997-09-30\n");
        assert!(m.contains("line 3") && m.contains("frequency_cal"), "{m}");
        let m = message("a,2,70,60,12.5,1,90,1997-09-30\n");
        assert!(m.contains("line 2") && m.contains("at most T"), "{m}");
        let m = message("a,2,30,60,-5,1,90,1997-09-30\n");
        assert!(m.contains("monetary_value_cal"), "{m}");
        let m = message("a,2,30,60,5,1,90,1997-09-30\nb,1,3,9,5,0,90,1997-10-01\n");
        assert!(m.contains("line 3") && m.contains("calibration_end"), "{m}");
        // Windows line ends (as Python's csv module writes them) keep the line right.
        let crlf = "a,2,30,60,5,1,90,1997-09-30\r\nb,x,3,9,5,0,90,1997-09-30\r\n";
        let m = message(crlf);
        assert!(m.contains("line 3") && m.contains("frequency_cal"), "{m}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plain.csv");
        std::fs::write(
            &path,
            "user_id,frequency,recency,T,monetary_value\na,1,2,3,4\n",
        )
        .unwrap();
        let m = read_summary(&path).unwrap_err().to_string();
        assert!(m.contains("line 1") && m.contains("calibration_end"), "{m}");
    }

    #[test]
    fn each_dialect_writes_its_own_time_functions() {
        let duck = summary_sql(Dialect::DuckDb, None, 90);
        assert!(duck.contains("epoch_ms(CAST(ts AS TIMESTAMP))") && duck.contains("MAX(day) + 90"));
        let spark = summary_sql(Dialect::Spark, Some(10_000), 30);
        assert!(
            spark.contains("unix_millis(")
                && spark.contains("date_add(")
                && spark.contains("10000 + 30")
        );
    }
}
