//! Reading one file (CSV in any supported encoding, or Parquet) into a checked table.

use super::DataError;
use super::encoding::{self, BOM, Detected, Encoding};
use super::mapping::Mapping;
use super::report::FileReport;
use super::schema::TableKind;
use super::validate::Validator;
use crate::jobs::Progress;
use crate::lang::Text;
use polars::prelude::*;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;
use std::rc::Rc;

/// One loaded table: the accepted rows with canonical column names, and its report.
#[derive(Debug, Clone)]
pub struct Table {
    /// Which table this is.
    pub kind: TableKind,
    /// Accepted rows. Timestamps are `Datetime(ms)`, 0/1 flags `Boolean`, numbers `Float64`,
    /// identifiers and text `String`.
    pub df: DataFrame,
    /// What happened to every row.
    pub report: FileReport,
}

/// Rows between progress updates and cancel checks (Parquet).
const CHECK_EVERY: u64 = 1 << 14;

/// Reads and checks one file as `kind`.
pub fn load_table(
    path: &Path,
    kind: TableKind,
    mapping: &Mapping,
    progress: &Progress,
) -> Result<Table, DataError> {
    load_columns(path, kind, mapping, None, progress)
}

/// [`load_table`] keeping only the contract columns in `keep` (when given): every column is
/// still checked, so the same rows are accepted and rejected, but the others are not stored,
/// and a Parquet file's other columns are not even read.
pub fn load_columns(
    path: &Path,
    kind: TableKind,
    mapping: &Mapping,
    keep: Option<&[&str]>,
    progress: &Progress,
) -> Result<Table, DataError> {
    let (df, report) = if is_parquet(path) {
        load_parquet(path, kind, mapping, keep, progress)?
    } else if is_workbook(path) {
        super::workbook::load_workbook(path, kind, mapping, keep, progress)?
    } else {
        load_csv(path, kind, mapping, keep, progress)?
    };
    Ok(Table { kind, df, report })
}

pub(super) fn unreadable(path: &Path, e: impl std::fmt::Display) -> DataError {
    DataError::Unreadable {
        file: path.display().to_string(),
        reason: Text::same(e.to_string()),
    }
}

/// Picks the delimiter from the header line: comma unless tabs or semicolons clearly win.
fn sniff_delimiter(first: &[u8]) -> u8 {
    let line = first.split(|&b| b == b'\n').next().unwrap_or(first);
    let count = |d: u8| line.iter().filter(|&&b| b == d).count();
    [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|&d| (count(d), d == b','))
        .unwrap_or(b',')
}

/// Remembers the bytes the CSV reader has taken, so the byte offset where a record starts
/// can be turned into the file's own line number. (The csv crate's own line count is off by
/// one after each CRLF terminator.)
#[derive(Default)]
struct Lines {
    /// Recent chunks: (offset of first byte, bytes).
    chunks: VecDeque<(u64, Vec<u8>)>,
    taken: u64,
    /// Newlines before `cursor` have been counted into `cursor_newlines`.
    cursor: u64,
    cursor_newlines: u64,
}

impl Lines {
    /// The 1-based line of the first content byte at or after `offset` (the reader reports a
    /// record as starting right after the previous terminator's first byte). Offsets must not
    /// decrease between calls; the count carries on from the previous call.
    fn line_at(&mut self, offset: u64) -> u64 {
        while self.chunks.len() > 1 && self.chunks[1].0 <= offset {
            let (start, data) = self.chunks.pop_front().expect("two chunks");
            let end = start + data.len() as u64;
            if self.cursor < end {
                let from = (self.cursor.max(start) - start) as usize;
                self.cursor_newlines += count_newlines(&data[from..]);
                self.cursor = end;
            }
        }
        let mut line = 0;
        for (start, data) in &self.chunks {
            let end = start + data.len() as u64;
            if self.cursor < offset && self.cursor < end {
                let from = (self.cursor.max(*start) - start) as usize;
                let to = (offset.min(end) - start) as usize;
                self.cursor_newlines += count_newlines(&data[from..to]);
                self.cursor = offset.min(end);
            }
            if offset >= end {
                continue;
            }
            let from = (offset.max(*start) - start) as usize;
            for &b in &data[from..] {
                match b {
                    b'\n' => line += 1,
                    b'\r' => {}
                    _ => return self.cursor_newlines + line + 1,
                }
            }
        }
        self.cursor_newlines + line + 1
    }
}

/// The 1-based line of `path` where a record the csv reader placed at byte `offset` starts
/// (the first content byte at or after it: the reader places a record right after the
/// previous terminator's first byte, and its own line count is off by one after each CRLF).
/// Reads the file: for the message about one bad row, not for every row.
pub fn line_at_offset(path: &Path, offset: u64) -> Option<u64> {
    let bytes = std::fs::read(path).ok()?;
    let at = usize::try_from(offset).ok()?.min(bytes.len());
    let blank = bytes[at..]
        .iter()
        .take_while(|b| matches!(b, b'\n' | b'\r'))
        .count();
    Some(count_newlines(&bytes[..at + blank]) + 1)
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// A reader that records what passes through it in a shared [`Lines`].
struct Tracked<R> {
    inner: R,
    lines: Rc<RefCell<Lines>>,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            let mut lines = self.lines.borrow_mut();
            let taken = lines.taken;
            lines.chunks.push_back((taken, buf[..n].to_vec()));
            lines.taken += n as u64;
        }
        Ok(n)
    }
}

/// An open CSV file: the reader positioned after the header, and what was learnt opening it.
struct OpenCsv {
    reader: csv::Reader<Tracked<Box<dyn BufRead + Send>>>,
    lines: Rc<RefCell<Lines>>,
    header: Vec<String>,
    header_bytes: usize,
    detected: Detected,
    /// How the bytes the reader yields become text.
    text: TextMode,
    size: u64,
}

/// How raw CSV fields become text.
#[derive(Clone, Copy)]
enum TextMode {
    /// The file is UTF-8: each record is checked in place.
    Utf8,
    /// The file was transcoded to UTF-8 whole (UTF-16): a U+FFFD marks a bad byte.
    Transcoded,
    /// An ASCII-compatible legacy encoding (GBK, Big5, …): each field is decoded.
    Legacy(Encoding),
}

/// Turns a raw record into text in `out`. Returns the first field whose bytes are not valid in
/// the file's encoding, after filling `out` with a lossy decoding of the row (for the rejects
/// file). `raw` is left empty when its buffer moved into `out`.
fn decode_record(
    mode: TextMode,
    raw: &mut csv::ByteRecord,
    out: &mut csv::StringRecord,
) -> Option<usize> {
    let lossy = |raw: &csv::ByteRecord, out: &mut csv::StringRecord, enc: Encoding| {
        out.clear();
        for field in raw {
            out.push_field(&enc.decoder().decode_without_bom_handling(field).0);
        }
    };
    match mode {
        TextMode::Utf8 | TextMode::Transcoded => {
            match csv::StringRecord::from_byte_record(std::mem::take(raw)) {
                Ok(text) => {
                    *out = text;
                    match mode {
                        TextMode::Transcoded => out.iter().position(|f| f.contains('\u{FFFD}')),
                        _ => None,
                    }
                }
                Err(e) => {
                    let field = e.utf8_error().field();
                    *raw = e.into_byte_record();
                    lossy(raw, out, Encoding::Utf8);
                    Some(field)
                }
            }
        }
        TextMode::Legacy(enc) => {
            out.clear();
            for (i, field) in raw.iter().enumerate() {
                match enc.decode_field(field) {
                    Some(text) => out.push_field(&text),
                    None => {
                        lossy(raw, out, enc);
                        return Some(i);
                    }
                }
            }
            None
        }
    }
}

fn open_csv(path: &Path) -> Result<OpenCsv, DataError> {
    let size = std::fs::metadata(path)
        .map_err(|e| unreadable(path, e))?
        .len();
    let detected = encoding::detect(path).map_err(|e| unreadable(path, e))?;
    let file = std::fs::File::open(path).map_err(|e| unreadable(path, e))?;
    let (mut input, text): (Box<dyn BufRead + Send>, TextMode) = match detected.encoding {
        Encoding::Utf8 | Encoding::Utf8Bom | Encoding::Parquet | Encoding::Workbook => (
            Box::new(BufReader::with_capacity(1 << 16, file)),
            TextMode::Utf8,
        ),
        enc if enc.splits_on_bytes() => (
            Box::new(BufReader::with_capacity(1 << 16, file)),
            TextMode::Legacy(enc),
        ),
        enc => {
            let mut bytes = Vec::with_capacity(size as usize);
            BufReader::new(file)
                .read_to_end(&mut bytes)
                .map_err(|e| unreadable(path, e))?;
            let text = encoding::decode_all(enc, &bytes);
            (
                Box::new(Cursor::new(text.into_bytes())),
                TextMode::Transcoded,
            )
        }
    };
    let peek = input.fill_buf().map_err(|e| unreadable(path, e))?;
    let skip = if peek.starts_with(BOM) { BOM.len() } else { 0 };
    let delimiter = sniff_delimiter(&peek[skip..]);
    input.consume(skip);

    let lines = Rc::new(RefCell::new(Lines::default()));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(1 << 16)
        .from_reader(Tracked {
            inner: input,
            lines: Rc::clone(&lines),
        });
    let mut raw = csv::ByteRecord::new();
    let header_read = reader
        .read_byte_record(&mut raw)
        .map_err(|e| unreadable(path, e))?;
    let header_bytes = raw.as_slice().len();
    let mut record = csv::StringRecord::new();
    decode_record(text, &mut raw, &mut record);
    let header: Vec<String> = record.iter().map(|h| h.trim().to_string()).collect();
    if !header_read || header.iter().all(String::is_empty) {
        return Err(DataError::Empty {
            file: path.display().to_string(),
        });
    }
    Ok(OpenCsv {
        reader,
        lines,
        header,
        header_bytes,
        detected,
        text,
        size,
    })
}

/// The header of a CSV, Parquet or spreadsheet file (of sheet `sheet`, default the first),
/// for the column-mapping dialog.
pub fn read_header(path: &Path, sheet: Option<&str>) -> Result<Vec<String>, DataError> {
    if is_workbook(path) {
        return super::workbook::read_header(path, sheet);
    }
    if is_parquet(path) {
        let file = std::fs::File::open(path).map_err(|e| unreadable(path, e))?;
        let schema = ParquetReader::new(file)
            .schema()
            .map_err(|e| unreadable(path, e))?;
        return Ok(schema.iter_names().map(|n| n.to_string()).collect());
    }
    open_csv(path).map(|o| o.header)
}

/// Peak bytes per byte of a CSV file while it is loaded as a table: `validate` of
/// `sample --users 1000000` (2.8 GB of CSV) peaks at 2.6 GB (0.94×, with repeating text and
/// the events' comments coded); a fifth more for files with fewer repeats.
const CSV_MEMORY_FACTOR: f64 = 1.2;

/// Bytes a loaded Parquet cell takes (a string's view; numbers take half).
const PARQUET_CELL_BYTES: u64 = 16;

/// About how much memory loading `path` (of `size` bytes) takes at its peak, keeping the
/// columns in `keep` when given: [`CSV_MEMORY_FACTOR`] times a CSV's or spreadsheet's size
/// (its kept share of the columns when projected), [`PARQUET_CELL_BYTES`] per kept cell of a
/// Parquet file (whose size, compressed, says little). A file whose header cannot be read is
/// counted whole; loading it reports why.
pub(super) fn memory_estimate(path: &Path, size: u64, keep: Option<&[&str]>) -> u64 {
    let kept = |columns: usize| keep.map_or(columns, |k| k.len().min(columns));
    if is_parquet(path) {
        let Ok(file) = std::fs::File::open(path) else {
            return 0;
        };
        let mut reader = ParquetReader::new(file);
        let columns = reader.schema().map_or(0, |s| s.len());
        let rows = reader.num_rows().unwrap_or(0) as u64;
        return rows * kept(columns) as u64 * PARQUET_CELL_BYTES;
    }
    // Only a projection needs the header (reading it detects the encoding, and transcodes a
    // UTF-16 file whole).
    let share = match keep.map(|_| read_header(path, None)) {
        Some(Ok(h)) if !h.is_empty() => kept(h.len()) as f64 / h.len() as f64,
        _ => 1.0,
    };
    (size as f64 * CSV_MEMORY_FACTOR * share) as u64
}

/// Whether `path` is a spreadsheet (`.xlsx`, `.xlsm`, `.xls`, `.ods`).
pub fn is_workbook(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        super::workbook::EXTENSIONS
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Records per batch handed from the parsing thread to the checking thread.
const BATCH: usize = 8192;

/// One parsed record: its line, its raw bytes and their text, and the first field whose
/// bytes are not valid in the file's encoding.
#[derive(Default)]
struct Slot {
    line: u64,
    raw: csv::ByteRecord,
    record: csv::StringRecord,
    bad_field: Option<usize>,
}

/// A batch of parsed records; batches travel back to the parser to be refilled, so records
/// are allocated once.
#[derive(Default)]
struct Batch {
    slots: Vec<Slot>,
    len: usize,
    /// Bytes of the file parsed so far.
    position: u64,
}

/// Parses on one thread and checks on another, so CSV parsing and line counting overlap with
/// validation. The parser stops as soon as the checker hangs up (cancel or error).
fn load_csv(
    path: &Path,
    kind: TableKind,
    mapping: &Mapping,
    keep: Option<&[&str]>,
    progress: &Progress,
) -> Result<(DataFrame, FileReport), DataError> {
    let (head_tx, head_rx) = std::sync::mpsc::sync_channel(1);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Batch, DataError>>(4);
    let (back_tx, back_rx) = std::sync::mpsc::channel::<Batch>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let OpenCsv {
                mut reader,
                lines,
                header,
                header_bytes,
                detected,
                text,
                size,
            } = match open_csv(path) {
                Ok(open) => open,
                Err(e) => {
                    let _ = head_tx.send(Err(e));
                    return;
                }
            };
            if head_tx
                .send(Ok((header, header_bytes, detected, size)))
                .is_err()
            {
                return;
            }
            let mut done = false;
            while !done {
                let mut batch = back_rx.try_recv().unwrap_or_default();
                batch.len = 0;
                while batch.len < BATCH {
                    if batch.slots.len() == batch.len {
                        batch.slots.push(Slot::default());
                    }
                    let slot = &mut batch.slots[batch.len];
                    if slot.raw.is_empty() {
                        // Take back the buffer that moved into the text record last time.
                        slot.raw = std::mem::take(&mut slot.record).into_byte_record();
                    }
                    match reader.read_byte_record(&mut slot.raw) {
                        Ok(false) => {
                            done = true;
                            break;
                        }
                        Ok(true) => {
                            let offset = slot.raw.position().map_or(0, |p| p.byte());
                            slot.line = lines.borrow_mut().line_at(offset);
                            slot.bad_field = decode_record(text, &mut slot.raw, &mut slot.record);
                        }
                        Err(e) => {
                            let _ = tx.send(Err(unreadable(path, e)));
                            return;
                        }
                    }
                    batch.len += 1;
                }
                batch.position = reader.position().byte();
                if tx.send(Ok(batch)).is_err() {
                    return;
                }
            }
        });
        let (header, header_bytes, detected, size) = head_rx
            .recv()
            .map_err(|_| DataError::Internal(format!("reading {} stopped", path.display())))??;
        let mut rx = rx.into_iter().peekable();
        // Rows estimated from the bytes per row of the first batch (a tenth more): columns
        // then grow without copying themselves over (room never written takes no memory).
        let capacity = match rx.peek() {
            Some(Ok(first)) if first.len == BATCH => {
                let per_row = (first.position.saturating_sub(header_bytes as u64) as f64
                    / BATCH as f64)
                    .max(1.0);
                (size as f64 / per_row * 1.1) as usize
            }
            Some(Ok(first)) => first.len,
            _ => 0,
        }
        .min(1 << 28);
        let mut validator = Validator::new(path, kind, &header, mapping, detected, capacity, keep)?;
        for received in rx {
            let batch = received?;
            for slot in &batch.slots[..batch.len] {
                match slot.bad_field {
                    None => validator.push(slot.line, &slot.record),
                    Some(field) => validator.push_bad_encoding(slot.line, field, &slot.record),
                }
            }
            progress.check().map_err(|_| DataError::Cancelled)?;
            progress.set(batch.position as f32 / size.max(1) as f32);
            // The parser may have finished; then the batch is simply dropped.
            let _ = back_tx.send(batch);
        }
        validator.finish()
    })
}

fn load_parquet(
    path: &Path,
    kind: TableKind,
    mapping: &Mapping,
    keep: Option<&[&str]>,
    progress: &Progress,
) -> Result<(DataFrame, FileReport), DataError> {
    let file = std::fs::File::open(path).map_err(|e| unreadable(path, e))?;
    let mut reader = ParquetReader::new(file);
    let header: Vec<String> = reader
        .schema()
        .map_err(|e| unreadable(path, e))?
        .iter_names()
        .map(|n| n.to_string())
        .collect();
    if header.is_empty() {
        return Err(DataError::Empty {
            file: path.display().to_string(),
        });
    }
    let parquet = Detected {
        encoding: Encoding::Parquet,
        confidence: 1.0,
    };
    let rows = reader.num_rows().unwrap_or(0);
    let mut validator = Validator::new(path, kind, &header, mapping, parquet, rows, keep)?;
    // With a projection only the fields the checks read are read from the file.
    let read: Vec<usize> = match keep {
        Some(_) => {
            let mut fields = validator.fields_read();
            fields.sort_unstable();
            if fields.is_empty() {
                // Every column is a constant: one field still counts the rows.
                fields.push(0);
            }
            fields
        }
        None => (0..header.len()).collect(),
    };
    let df = reader
        .with_projection(Some(read.clone()))
        .finish()
        .map_err(|e| unreadable(path, e))?;
    let mut text: Vec<Option<StringChunked>> = vec![None; header.len()];
    for (&field, c) in read.iter().zip(df.columns()) {
        text[field] = Some(
            c.cast(&DataType::String)
                .and_then(|c| c.str().cloned())
                .map_err(|e| unreadable(path, e))?,
        );
    }
    drop(df);
    let height = text.iter().flatten().map(|c| c.len()).next().unwrap_or(0);
    let mut row = vec![String::new(); text.len()];
    for i in 0..height {
        for (cell, col) in row.iter_mut().zip(&text) {
            cell.clear();
            cell.push_str(col.as_ref().and_then(|c| c.get(i)).unwrap_or(""));
        }
        validator.push(i as u64 + 2, &row);
        if validator.rows_read() % CHECK_EVERY == 0 {
            progress.check().map_err(|_| DataError::Cancelled)?;
            progress.set(i as f32 / height as f32);
        }
    }
    validator.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<u64> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(8)
            .from_reader(Tracked {
                inner: text.as_bytes(),
                lines: Rc::new(RefCell::new(Lines::default())),
            });
        let lines = Rc::clone(&reader.get_ref().lines);
        let mut record = csv::StringRecord::new();
        let mut out = Vec::new();
        while reader.read_record(&mut record).unwrap() {
            out.push(
                lines
                    .borrow_mut()
                    .line_at(record.position().unwrap().byte()),
            );
        }
        out
    }

    #[test]
    fn line_numbers_survive_crlf_blank_lines_and_quoted_newlines() {
        assert_eq!(lines_of("h\na\nb\n"), vec![1, 2, 3]);
        assert_eq!(lines_of("h\r\na\r\nb\r\n"), vec![1, 2, 3]);
        assert_eq!(lines_of("h\r\n\"x\r\ny\"\r\n\r\n\r\nb\r\n"), vec![1, 2, 6]);
        assert_eq!(lines_of("h\n\na,\"long quoted\nfield\"\nb"), vec![1, 3, 5]);
    }

    #[test]
    fn delimiter_sniffing() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a;b;c"), b';');
        assert_eq!(sniff_delimiter(b"user_id\n1"), b',');
    }
}
