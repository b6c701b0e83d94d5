//! Row-by-row checking of one table: each row is accepted into typed column builders or
//! rejected with a reason, so `accepted + rejected == rows read` holds by construction.

use super::DataError;
use super::cells::{TsError, parse_binary, parse_number, parse_timestamp};
use super::encoding::Detected;
use super::mapping::{Mapping, Source};
use super::report::{FileReport, RejectedRow};
use super::schema::{
    ColumnKind, ColumnSpec, EVENT_NAMES, TableKind, canonical_event, header_matches, is_pii_header,
    normalise_header,
};
use crate::lang::Text;
use crate::privacy::{MASK, looks_like_pii, mask_pii};
use ahash::AHashMap;
use polars::prelude::*;
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

/// The fields of one input row, however they were read.
pub trait RowFields {
    /// Number of fields.
    fn count(&self) -> usize;
    /// Field `i` (`i < count()`).
    fn field(&self, i: usize) -> &str;

    /// The row re-joined with commas for the rejects file: the fields at `masked` (personal
    /// data by header) replaced by `***`, and personal data inside any other field masked.
    fn raw(&self, masked: &[usize]) -> String {
        (0..self.count())
            .map(|i| {
                if masked.contains(&i) {
                    Cow::Borrowed(MASK)
                } else {
                    free_text(self.field(i))
                }
            })
            .collect::<Vec<Cow<str>>>()
            .join(",")
    }
}

impl RowFields for csv::StringRecord {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> &str {
        &self[i]
    }
}

impl RowFields for Vec<String> {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> &str {
        &self[i]
    }
}

enum Target {
    /// Checked but not kept (a column the analysis does not read).
    Skip,
    Str(StringChunkedBuilder),
    /// Text whose values repeat: a code per row into the distinct values.
    Coded(Coder),
    F64(PrimitiveChunkedBuilder<Float64Type>),
    Bool(BooleanChunkedBuilder),
    Ts(PrimitiveChunkedBuilder<Int64Type>),
}

/// Builds a coded text column: each distinct value is kept once, each row holds its code.
struct Coder {
    categories: Arc<Categories>,
    mapping: Arc<CategoricalMapping>,
    codes: PrimitiveChunkedBuilder<UInt32Type>,
}

impl Coder {
    fn new(name: PlSmallStr, capacity: usize) -> Coder {
        let categories = Categories::random(name.clone(), CategoricalPhysical::U32);
        Coder {
            mapping: categories.mapping(),
            categories,
            codes: PrimitiveChunkedBuilder::new(name, capacity),
        }
    }

    fn append(&mut self, value: &str) -> PolarsResult<()> {
        self.codes.append_value(self.mapping.insert_cat(value)?);
        Ok(())
    }

    fn finish(self) -> Column {
        let dtype = DataType::Categorical(self.categories, self.mapping);
        Categorical32Chunked::from_cats_and_dtype(self.codes.finish(), dtype).into_column()
    }
}

impl Target {
    fn new(table: TableKind, spec: ColumnSpec, capacity: usize) -> Target {
        let name = PlSmallStr::from(spec.name);
        match spec.kind {
            ColumnKind::Id | ColumnKind::Text | ColumnKind::Event if spec.is_coded(table) => {
                Target::Coded(Coder::new(name, capacity))
            }
            ColumnKind::Id | ColumnKind::Text | ColumnKind::Event => {
                Target::Str(StringChunkedBuilder::new(name, capacity))
            }
            ColumnKind::NonNegative | ColumnKind::Number | ColumnKind::Age | ColumnKind::Rating => {
                Target::F64(PrimitiveChunkedBuilder::new(name, capacity))
            }
            ColumnKind::Binary => Target::Bool(BooleanChunkedBuilder::new(name, capacity)),
            ColumnKind::Timestamp => Target::Ts(PrimitiveChunkedBuilder::new(name, capacity)),
        }
    }

    fn finish(self) -> PolarsResult<Option<Column>> {
        Ok(Some(match self {
            Target::Skip => return Ok(None),
            Target::Str(b) => b.finish().into_column(),
            Target::Coded(c) => c.finish(),
            Target::F64(b) => b.finish().into_column(),
            Target::Bool(b) => b.finish().into_column(),
            Target::Ts(b) => b
                .finish()
                .into_column()
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?,
        }))
    }
}

enum SlotSource {
    Field(usize),
    Constant(String),
}

struct Slot {
    spec: ColumnSpec,
    source: SlotSource,
    target: Target,
}

/// A checked cell, waiting for the rest of its row.
#[derive(Clone, Copy)]
enum Cell {
    Null,
    Text,
    Event(&'static str),
    Num(f64),
    Flag(bool),
    Ms(i64),
}

struct Extra {
    field: usize,
    name: String,
    target: StringChunkedBuilder,
    sampled: u32,
    pii_like: u32,
}

/// How many non-empty values of an extra column are looked at for personal data.
const PII_SAMPLE: u32 = 200;

/// Extra attribute columns kept at most; further ones are reported as ignored, so a file with
/// thousands of columns cannot make profiling crawl.
pub const MAX_EXTRA_COLUMNS: usize = 100;

/// The longest field accepted, in bytes; a longer one rejects its row as `too_long`.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// A rejected row is kept for the report up to this many characters.
const MAX_RAW_CHARS: usize = 2000;

/// A field with more line breaks than this is a quote that was never closed (a comment has a
/// few lines, not a file's worth): its row is rejected as `unclosed_quote`.
pub const MAX_FIELD_LINES: usize = 50;

/// The largest magnitude a number may have (money, seconds, minutes): beyond it a value is
/// a typo or an overflow, never a price, and it would turn sums into infinities.
pub const MAX_MAGNITUDE: f64 = 1e9;

/// Checks the rows of one file against its table's contract and collects the accepted ones.
pub struct Validator {
    slots: Vec<Slot>,
    extras: Vec<Extra>,
    /// Fields holding personal data (by header), masked in rejected rows.
    masked: Vec<usize>,
    width: usize,
    /// Normalised header names, naming columns that are not in the contract.
    header: Vec<String>,
    unique: Option<(usize, AHashMap<String, u64>)>,
    day_origin: Option<i64>,
    /// Times after this are rejected (a year from now).
    latest_ms: i64,
    cells: Vec<Cell>,
    report: FileReport,
    /// Why a coded column could not take a value (more distinct values than codes).
    failure: Option<PolarsError>,
}

impl Validator {
    /// Resolves the header against the contract and the mapping. A required column that is
    /// neither found nor mapped is an error naming the file and the column. With `keep`, only
    /// the contract columns it names are stored (every column is still checked, so the same
    /// rows are accepted and rejected) and extra columns are ignored.
    pub fn new(
        path: &Path,
        kind: TableKind,
        header: &[String],
        mapping: &Mapping,
        detected: Detected,
        capacity: usize,
        keep: Option<&[&str]>,
    ) -> Result<Validator, DataError> {
        let file = path.display().to_string();
        let norm: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
        let mut seen: AHashMap<&str, usize> = AHashMap::new();
        for (i, n) in norm.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
            if let Some(&first) = seen.get(n.as_str()) {
                return Err(DataError::DuplicateHeader {
                    file,
                    name: n.clone(),
                    first: first + 1,
                    second: i + 1,
                });
            }
            seen.insert(n, i);
        }
        let mut used = vec![false; header.len()];
        let mut report = FileReport::new(path, kind, detected);
        let mut slots = Vec::new();
        for spec in kind.columns() {
            let source = match mapping.source(kind, spec.name) {
                Some(Source::Constant(v)) => {
                    Some((SlotSource::Constant(v.clone()), format!("={v}")))
                }
                Some(Source::Column(h)) => {
                    let wanted = normalise_header(&h);
                    let i = norm.iter().position(|n| *n == wanted).ok_or_else(|| {
                        DataError::MissingColumn {
                            file: file.clone(),
                            table: kind,
                            column: spec.name.to_string(),
                            detail: Text::pair(
                                format!(
                                    "映射要从 `{h}` 读取，但它不是表头；表头为：{}",
                                    header_list(header)
                                ),
                                format!(
                                    "the mapping reads it from `{h}`, which is not a header; headers are: {}",
                                    header_list(header)
                                ),
                            ),
                        }
                    })?;
                    Some((SlotSource::Field(i), header[i].clone()))
                }
                // A header that is the column's own name wins over one of its other names.
                None => (0..norm.len())
                    .find(|&i| !used[i] && norm[i] == spec.name)
                    .or_else(|| {
                        (0..norm.len()).find(|&i| !used[i] && header_matches(&header[i], spec.name))
                    })
                    .map(|i| (SlotSource::Field(i), header[i].clone())),
            };
            match source {
                Some((source, label)) => {
                    if let SlotSource::Field(i) = source {
                        used[i] = true;
                    }
                    report.columns.insert(spec.name.to_string(), label);
                    slots.push(Slot {
                        spec: *spec,
                        source,
                        target: if keep.is_some_and(|k| !k.contains(&spec.name)) {
                            Target::Skip
                        } else {
                            Target::new(kind, *spec, capacity)
                        },
                    });
                }
                None if spec.required => {
                    return Err(DataError::MissingColumn {
                        file,
                        table: kind,
                        column: spec.name.to_string(),
                        detail: Text::pair(
                            format!(
                                "表头为：{}；请用 --map {}=HEADER 映射其中一列",
                                header_list(header),
                                spec.name
                            ),
                            format!(
                                "headers are: {}; map one with --map {}=HEADER",
                                header_list(header),
                                spec.name
                            ),
                        ),
                    });
                }
                None => {}
            }
        }
        let mut extras = Vec::new();
        let mut masked = Vec::new();
        for (i, h) in header.iter().enumerate().filter(|(i, _)| !used[*i]) {
            if h.trim().is_empty() {
                continue;
            }
            if is_pii_header(h) {
                report.pii_columns.push(h.clone());
                masked.push(i);
            } else if keep.is_none()
                && kind.keeps_extra_columns()
                && extras.len() < MAX_EXTRA_COLUMNS
                // A contract column read from another header (by the mapping) keeps its name.
                && !slots.iter().any(|s| s.spec.name == norm[i])
            {
                extras.push(Extra {
                    field: i,
                    name: norm[i].clone(),
                    target: StringChunkedBuilder::new(PlSmallStr::from(norm[i].as_str()), capacity),
                    sampled: 0,
                    pii_like: 0,
                });
            } else {
                report.ignored_columns.push(h.clone());
            }
        }
        let unique = kind
            .unique_key()
            .and_then(|key| slots.iter().position(|s| s.spec.name == key))
            .map(|slot| (slot, AHashMap::new()));
        Ok(Validator {
            cells: vec![Cell::Null; slots.len()],
            header: norm,
            slots,
            extras,
            masked,
            width: header.len(),
            unique,
            day_origin: mapping.day_origin_ms()?,
            latest_ms: latest_plausible_ms(),
            report,
            failure: None,
        })
    }

    /// The input fields the checks read (contract columns found in the header).
    pub fn fields_read(&self) -> Vec<usize> {
        self.slots
            .iter()
            .filter_map(|s| match s.source {
                SlotSource::Field(i) => Some(i),
                SlotSource::Constant(_) => None,
            })
            .collect()
    }

    fn value<'a, R: RowFields>(source: &'a SlotSource, row: &'a R) -> &'a str {
        match source {
            SlotSource::Field(i) => trimmed(row.field(*i)),
            SlotSource::Constant(v) => v,
        }
    }

    /// Checks one row and keeps or rejects it. `line` is where the row starts in the file.
    pub fn push<R: RowFields>(&mut self, line: u64, row: &R) {
        self.report.rows_read += 1;
        for extra in &mut self.extras {
            if extra.sampled < PII_SAMPLE && extra.field < row.count() {
                let v = trimmed(row.field(extra.field));
                if !v.is_empty() {
                    extra.sampled += 1;
                    extra.pii_like += u32::from(looks_like_pii(v));
                }
            }
        }
        let breaks = |i: usize| row.field(i).bytes().filter(|&b| b == b'\n').count();
        if let Some(i) = (0..row.count())
            .find(|&i| row.field(i).len() > MAX_FIELD_LINES && breaks(i) > MAX_FIELD_LINES)
        {
            let column = self.column_name(i);
            let breaks = breaks(i);
            let message = format!(
                "{column} holds {breaks} line breaks: a quote opened on line {line} is probably \
                 never closed, so the {breaks} lines after it were read as this one field"
            );
            self.reject(line, Some(column), "unclosed_quote", message, row);
            return;
        }
        if row.count() != self.width {
            let message = format!(
                "expected {} fields as in the header, found {}",
                self.width,
                row.count()
            );
            self.reject(line, None, "field_count", message, row);
            return;
        }
        if let Some(i) = (0..row.count()).find(|&i| row.field(i).len() > MAX_FIELD_BYTES) {
            let column = self.column_name(i);
            let message = format!(
                "{column} is {} KB long; fields are limited to {} KB",
                row.field(i).len() / 1024,
                MAX_FIELD_BYTES / 1024
            );
            self.reject(line, Some(column), "too_long", message, row);
            return;
        }
        for i in 0..self.slots.len() {
            let slot = &self.slots[i];
            let raw = Self::value(&slot.source, row);
            match check(slot.spec, raw, self.day_origin, self.latest_ms) {
                Ok(cell) => self.cells[i] = cell,
                Err((reason, message)) => {
                    let column = Some(slot.spec.name.to_string());
                    self.reject(line, column, reason, message, row);
                    return;
                }
            }
        }
        if let Some((slot, seen)) = &mut self.unique {
            let id = Self::value(&self.slots[*slot].source, row);
            if let Some(first) = seen.get(id) {
                let name = self.slots[*slot].spec.name;
                let message = format!("{name} `{id}` repeats the row on line {first}");
                self.reject(line, Some(name.to_string()), "duplicate_id", message, row);
                return;
            }
            seen.insert(id.to_string(), line);
        }
        for (slot, cell) in self.slots.iter_mut().zip(&self.cells) {
            match (&mut slot.target, *cell) {
                (Target::Skip, _) => {}
                (Target::Str(b), Cell::Text) => {
                    b.append_value(text_value(slot.spec, Self::value(&slot.source, row)))
                }
                (Target::Str(b), Cell::Event(e)) => b.append_value(e),
                (Target::Str(b), _) => b.append_null(),
                (Target::Coded(c), Cell::Text) => {
                    let value = text_value(slot.spec, Self::value(&slot.source, row));
                    if let Err(e) = c.append(&value) {
                        self.failure.get_or_insert(e);
                    }
                }
                (Target::Coded(c), Cell::Event(event)) => {
                    if let Err(e) = c.append(event) {
                        self.failure.get_or_insert(e);
                    }
                }
                (Target::Coded(c), _) => c.codes.append_null(),
                (Target::F64(b), Cell::Num(v)) => b.append_value(v),
                (Target::F64(b), _) => b.append_null(),
                (Target::Bool(b), Cell::Flag(v)) => b.append_value(v),
                (Target::Bool(b), _) => b.append_null(),
                (Target::Ts(b), Cell::Ms(v)) => b.append_value(v),
                (Target::Ts(b), _) => b.append_null(),
            }
        }
        for extra in &mut self.extras {
            let v = trimmed(row.field(extra.field));
            if v.is_empty() {
                extra.target.append_null();
            } else {
                extra.target.append_value(free_text(v));
            }
        }
        self.report.accepted += 1;
    }

    fn reject<R: RowFields>(
        &mut self,
        line: u64,
        column: Option<String>,
        reason: &str,
        message: String,
        row: &R,
    ) {
        self.report.reject(RejectedRow {
            line,
            column,
            reason: reason.to_string(),
            message: free_text(&message).into_owned(),
            raw: super::cells::shortened(&row.raw(&self.masked), MAX_RAW_CHARS),
        });
    }

    /// The canonical name of field `field` (its header for a column outside the contract).
    fn column_name(&self, field: usize) -> String {
        self.slots
            .iter()
            .find(|s| matches!(s.source, SlotSource::Field(i) if i == field))
            .map(|s| s.spec.name.to_string())
            .or_else(|| self.header.get(field).cloned())
            .unwrap_or_else(|| format!("field {}", field + 1))
    }

    /// Rejects a row whose field `field` holds bytes that are not valid in the file's
    /// encoding (`bad_encoding:<column>`); `row` is its lossy decoding, for the rejects file.
    pub fn push_bad_encoding<R: RowFields>(&mut self, line: u64, field: usize, row: &R) {
        self.report.rows_read += 1;
        let column = self.column_name(field);
        let message = format!(
            "{column} holds bytes that are not valid {} text",
            self.report.encoding
        );
        self.reject(line, Some(column), "bad_encoding", message, row);
    }

    /// Rows read so far.
    pub fn rows_read(&self) -> u64 {
        self.report.rows_read
    }

    /// Builds the table of accepted rows. Extra columns whose values look like personal data
    /// (mobile numbers, e-mail addresses, ID numbers) are flagged and left out.
    pub fn finish(mut self) -> Result<(DataFrame, FileReport), DataError> {
        let height = self.report.accepted as usize;
        let mut columns = Vec::with_capacity(self.slots.len() + self.extras.len());
        let to_err = |e: PolarsError| DataError::Internal(e.to_string());
        if let Some(e) = self.failure {
            return Err(to_err(e));
        }
        for slot in self.slots {
            columns.extend(slot.target.finish().map_err(to_err)?);
        }
        for extra in self.extras {
            if extra.sampled >= 10 && extra.pii_like * 2 >= extra.sampled {
                self.report.pii_columns.push(extra.name);
            } else {
                self.report.extra_columns.push(extra.name);
                columns.push(extra.target.finish().into_column());
            }
        }
        let df = DataFrame::new(height, columns).map_err(to_err)?;
        Ok((df, self.report))
    }
}

/// `cell` without surrounding whitespace, as `str::trim`; a cell that starts and ends with a
/// printable ASCII character (nearly every cell) is returned as is without decoding its ends.
fn trimmed(cell: &str) -> &str {
    let b = cell.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// An accepted text cell as stored: identifiers as given, free text with personal data
/// inside it masked.
fn text_value(spec: ColumnSpec, raw: &str) -> Cow<'_, str> {
    match spec.kind {
        ColumnKind::Text => free_text(raw),
        _ => raw.into(),
    }
}

/// Free text as stored: control characters and terminal escape sequences removed, personal
/// data masked.
fn free_text(raw: &str) -> Cow<'_, str> {
    match strip_controls(raw) {
        Cow::Borrowed(clean) => mask_pii(clean),
        Cow::Owned(clean) => Cow::Owned(mask_pii(&clean).into_owned()),
    }
}

/// `text` without control characters (NUL, escape, …; tabs and line breaks kept) and without
/// terminal escape sequences (`ESC [ … letter`), which would garble a terminal or a report.
pub fn strip_controls(text: &str) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte.
            for d in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&d) {
                    break;
                }
            }
        } else if !bad(c) {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The header cells for a message: control characters removed, long cells and long lists
/// cut, so a binary file or a huge header cannot flood the terminal.
fn header_list(header: &[String]) -> String {
    const SHOWN: usize = 20;
    const CELL: usize = 40;
    let mut cells: Vec<String> = header
        .iter()
        .take(SHOWN)
        .map(|h| super::cells::shortened(&strip_controls(h), CELL))
        .collect();
    if header.len() > SHOWN {
        cells.push(format!("… ({} columns in all)", header.len()));
    }
    cells.join(", ")
}

/// Whether a date is written `NN/NN/YYYY` (or with `-` or `.`), which reads as day/month in
/// some countries and month/day in others.
fn day_first_or_month_first(raw: &str) -> bool {
    let parts: Vec<&str> = raw.split(['/', '-', '.']).collect();
    parts.len() >= 3
        && parts[0].len() <= 2
        && parts[1].len() <= 2
        && parts[2]
            .get(..4)
            .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
        && parts[..2]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The latest plausible time in any table: a year from now.
fn latest_plausible_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    now + 366 * super::cells::MS_PER_DAY
}

type CellError = (&'static str, String);

/// Checks one cell against its column's kind.
fn check(
    spec: ColumnSpec,
    raw: &str,
    day_origin: Option<i64>,
    latest_ms: i64,
) -> Result<Cell, CellError> {
    let name = spec.name;
    if raw.is_empty() {
        return if spec.required {
            Err(("missing_value", format!("{name} is empty")))
        } else {
            Ok(Cell::Null)
        };
    }
    let number = || {
        let v = parse_number(raw)
            .ok_or_else(|| ("wrong_type", format!("{name} `{raw}` is not a number")))?;
        if v.abs() > MAX_MAGNITUDE {
            return Err((
                "out_of_range",
                format!("{name} `{raw}` is beyond ±1,000,000,000"),
            ));
        }
        Ok(v)
    };
    match spec.kind {
        ColumnKind::Id if raw.chars().any(char::is_control) => Err((
            "control_character",
            format!("{name} holds a control character"),
        )),
        ColumnKind::Id | ColumnKind::Text => Ok(Cell::Text),
        ColumnKind::Event => canonical_event(raw).map(Cell::Event).ok_or_else(|| {
            (
                "unknown_event",
                format!("event `{raw}` is not one of {}", EVENT_NAMES.join(", ")),
            )
        }),
        ColumnKind::Number => number().map(Cell::Num),
        ColumnKind::NonNegative => match number()? {
            v if v < 0.0 => Err(("negative", format!("{name} `{raw}` is negative"))),
            v => Ok(Cell::Num(v)),
        },
        ColumnKind::Age => match number()? {
            v if !(0.0..=120.0).contains(&v) => {
                Err(("out_of_range", format!("{name} `{raw}` is outside 0..120")))
            }
            v => Ok(Cell::Num(v)),
        },
        ColumnKind::Rating => match number()? {
            v if !(1.0..=5.0).contains(&v) => {
                Err(("out_of_range", format!("{name} `{raw}` is outside 1..5")))
            }
            v => Ok(Cell::Num(v)),
        },
        ColumnKind::Binary => parse_binary(raw)
            .map(Cell::Flag)
            .ok_or_else(|| ("not_binary", format!("{name} `{raw}` is not 0 or 1"))),
        ColumnKind::Timestamp => match parse_timestamp(raw, day_origin) {
            Ok(ms) if !(0..=latest_ms).contains(&ms) => Err((
                "out_of_range",
                format!("{name} `{raw}` is before 1970 or more than a year from now"),
            )),
            Ok(ms) => Ok(Cell::Ms(ms)),
            Err(TsError::Unparseable) if day_first_or_month_first(raw) => Err((
                "bad_timestamp",
                format!(
                    "{name} `{raw}` could be day/month or month/day; write dates year first \
                     (2025-03-04)"
                ),
            )),
            Err(TsError::Unparseable) => Err((
                "bad_timestamp",
                format!("{name} `{raw}` is not an ISO 8601 date/datetime or Unix seconds"),
            )),
            Err(TsError::RelativeDays) => Err((
                "bad_timestamp",
                format!(
                    "{name} `{raw}` is a day count relative to some start date, not a date; \
                     set day_origin in the mapping to read it as days after that date"
                ),
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::trimmed;

    #[test]
    fn trimming_cells_agrees_with_str_trim() {
        for cell in [
            "",
            " ",
            "abc",
            " a b ",
            "\tx\r",
            "中文",
            "\u{3000}中\u{3000}",
            "a\u{3000}",
            "\u{a0}1",
        ] {
            assert_eq!(trimmed(cell), cell.trim(), "{cell}");
        }
    }
}
