//! Parsing and checking single cells: numbers, 0/1 flags and timestamps.

/// Milliseconds in a day.
pub const MS_PER_DAY: i64 = 86_400_000;

/// Why a timestamp cell was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TsError {
    /// Not a date, datetime or Unix time.
    Unparseable,
    /// A small integer: a day count relative to some start, not a date.
    RelativeDays,
}

/// Parses an ISO 8601 date or datetime (`2025-03-04`, `2025-03-04 08:05:09`,
/// `2025-03-04T08:05:09.250+08:00`, also with `/` separators as Excel writes them) or Unix
/// seconds (13 digits: milliseconds), returning milliseconds since the Unix epoch.
///
/// A naive datetime is kept as written (wall-clock time); one with an offset is converted to
/// UTC. A small integer (|v| < 10^8, before March 1973 as Unix seconds) is a day count
/// relative to some start: with `day_origin` (ms) it becomes that many days after the origin,
/// without it is refused as [`TsError::RelativeDays`].
pub fn parse_timestamp(s: &str, day_origin: Option<i64>) -> Result<i64, TsError> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(TsError::Unparseable);
    }
    let numeric = b
        .iter()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || (i == 0 && *c == b'-' && b.len() > 1));
    if numeric {
        let v: i64 = s.parse().map_err(|_| TsError::Unparseable)?;
        if v.checked_abs().is_some_and(|a| a < 100_000_000) {
            return match day_origin {
                Some(origin) => v
                    .checked_mul(MS_PER_DAY)
                    .and_then(|d| origin.checked_add(d))
                    .ok_or(TsError::Unparseable),
                None => Err(TsError::RelativeDays),
            };
        }
        if b.len() >= 13 {
            return Ok(v);
        }
        return v.checked_mul(1000).ok_or(TsError::Unparseable);
    }
    parse_iso(b).ok_or(TsError::Unparseable)
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.i;
        let mut v = 0i64;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            v = v * 10 + i64::from(self.b[self.i] - b'0');
            self.i += 1;
        }
        (self.i - start >= min).then_some(v)
    }

    fn eat(&mut self, options: &[u8]) -> Option<u8> {
        let c = *self.b.get(self.i)?;
        options.contains(&c).then(|| {
            self.i += 1;
            c
        })
    }

    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

fn parse_iso(b: &[u8]) -> Option<i64> {
    let mut c = Cursor { b, i: 0 };
    let year = c.digits(4, 4)?;
    let sep = c.eat(b"-/.")?;
    let month = c.digits(1, 2)?;
    c.eat(&[sep])?;
    let day = c.digits(1, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) * MS_PER_DAY;
    if c.done() {
        return Some(ms);
    }
    c.eat(b"T ")?;
    let hour = c.digits(1, 2)?;
    c.eat(b":")?;
    let minute = c.digits(2, 2)?;
    let mut second = 0;
    let mut millis = 0;
    if c.eat(b":").is_some() {
        second = c.digits(2, 2)?;
        if c.eat(b".,").is_some() {
            let start = c.i;
            let frac = c.digits(1, 9)?;
            let width = c.i - start;
            millis = if width >= 3 {
                frac / 10i64.pow((width - 3) as u32)
            } else {
                frac * 10i64.pow((3 - width) as u32)
            };
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    ms += ((hour * 60 + minute) * 60 + second) * 1000 + millis;
    if c.done() {
        return Some(ms);
    }
    if c.eat(b"Z").is_some() {
        return c.done().then_some(ms);
    }
    let sign = if c.eat(b"+-")? == b'+' { 1 } else { -1 };
    let oh = c.digits(2, 2)?;
    c.eat(b":");
    let om = c.digits(2, 2)?;
    if !c.done() || oh > 23 || om > 59 {
        return None;
    }
    Some(ms - sign * (oh * 60 + om) * 60_000)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats milliseconds since the epoch as its calendar date, `YYYY-MM-DD`.
pub fn format_date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Formats milliseconds since the epoch as `YYYY-MM-DD HH:MM:SS`.
pub fn format_timestamp(ms: i64) -> String {
    let days = ms.div_euclid(MS_PER_DAY);
    let secs = ms.rem_euclid(MS_PER_DAY) / 1000;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The calendar date of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Parses a finite number; thousands separators and a leading currency sign are not accepted.
pub fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// `text` cut to `max` characters, with `…` when cut.
pub fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Parses a 0/1 flag (`true`/`false` also accepted).
pub fn parse_binary(s: &str) -> Option<bool> {
    match s.trim() {
        "1" | "1.0" | "true" | "TRUE" | "True" => Some(true),
        "0" | "0.0" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = MS_PER_DAY;

    #[test]
    fn parses_dates_datetimes_and_unix_time() {
        let d = days_from_civil(2025, 3, 4) * DAY;
        assert_eq!(parse_timestamp("2025-03-04", None), Ok(d));
        assert_eq!(parse_timestamp("2025/3/4", None), Ok(d));
        assert_eq!(
            parse_timestamp("2025-03-04 08:05:09", None),
            Ok(d + (8 * 3600 + 5 * 60 + 9) * 1000)
        );
        assert_eq!(
            parse_timestamp("2025-03-04T08:05:09.25+08:00", None),
            Ok(d + 9 * 1000 + 5 * 60_000 + 250)
        );
        assert_eq!(
            parse_timestamp("2025-03-04T08:05Z", None),
            Ok(d + 8 * 3_600_000 + 300_000)
        );
        assert_eq!(parse_timestamp("1741046400", None), Ok(1_741_046_400_000));
        assert_eq!(
            parse_timestamp("1741046400123", None),
            Ok(1_741_046_400_123)
        );
    }

    #[test]
    fn refuses_bad_dates_and_relative_days() {
        for bad in [
            "2025-02-30",
            "2025-13-01",
            "yesterday",
            "2025-03-04 25:00",
            "",
            "2025-03-04x",
        ] {
            assert_eq!(
                parse_timestamp(bad, None),
                Err(TsError::Unparseable),
                "{bad}"
            );
        }
        assert_eq!(parse_timestamp("-159", None), Err(TsError::RelativeDays));
        // Extreme values never wrap around into plausible dates.
        assert!(parse_timestamp("-9223372036854775808", None).is_ok_and(|ms| ms < 0));
        assert_eq!(
            parse_timestamp("99999999", Some(i64::MAX)),
            Err(TsError::Unparseable)
        );
        let origin = days_from_civil(2013, 10, 1) * DAY;
        assert_eq!(parse_timestamp("-1", Some(origin)), Ok(origin - DAY));
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 59, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(format_timestamp(0), "1970-01-01 00:00:00");
    }
}
