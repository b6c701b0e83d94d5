//! Spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.ods`) read as tables with `calamine`: the first
//! sheet (or the one the mapping names), its first used row as the header, every later row
//! checked like a CSV row, with the sheet's own row number as the line.

use super::cells::{MS_PER_DAY, format_timestamp};
use super::encoding::{Detected, Encoding};
use super::load::unreadable;
use super::validate::Validator;
use super::{DataError, FileReport, Mapping, TableKind};
use crate::jobs::Progress;
use crate::lang::Text;
use calamine::{Data, Range, Reader, open_workbook_auto};
use polars::prelude::DataFrame;
use std::path::Path;

/// File extensions read as spreadsheets.
pub const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// Days from Excel's day 0 (1899-12-30, the 1900 date system) to 1970-01-01.
const EXCEL_EPOCH_DAYS: f64 = 25_569.0;

/// The sheet to read: the one `sheet` names, else the first.
fn sheet(path: &Path, sheet: Option<&str>) -> Result<Range<Data>, DataError> {
    let mut book = open_workbook_auto(path).map_err(|e| unreadable(path, e))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(DataError::BadMapping(Text::pair(
                format!(
                    "{}：没有工作表 `{s}`；工作表有：{}",
                    path.display(),
                    names.join(", ")
                ),
                format!(
                    "{}: no sheet `{s}`; sheets are: {}",
                    path.display(),
                    names.join(", ")
                ),
            )));
        }
        None => names.first().cloned().ok_or_else(|| DataError::Empty {
            file: path.display().to_string(),
        })?,
    };
    book.worksheet_range(&name).map_err(|e| unreadable(path, e))
}

/// A cell as the text a CSV export of it would hold: whole numbers without `.0`, dates and
/// times as ISO text, errors (`#N/A`) as written so that checks name them.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => u8::from(*b).to_string(),
        Data::DateTime(d) => {
            let ms = ((d.as_f64() - EXCEL_EPOCH_DAYS) * MS_PER_DAY as f64).round() as i64;
            let text = format_timestamp(ms);
            // A date without a time of day reads as a date.
            match text.strip_suffix(" 00:00:00") {
                Some(date) => date.to_string(),
                None => text,
            }
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The names of a spreadsheet's sheets, in order.
pub fn sheet_names(path: &Path) -> Result<Vec<String>, DataError> {
    let book = open_workbook_auto(path).map_err(|e| unreadable(path, e))?;
    Ok(book.sheet_names())
}

/// The header row of a spreadsheet's sheet `sheet` (default: the first).
pub fn read_header(path: &Path, sheet_name: Option<&str>) -> Result<Vec<String>, DataError> {
    let range = sheet(path, sheet_name)?;
    Ok(range
        .rows()
        .next()
        .map(|r| r.iter().map(cell_text).collect())
        .unwrap_or_default())
}

/// Loads one table from a spreadsheet.
pub fn load_workbook(
    path: &Path,
    kind: TableKind,
    mapping: &Mapping,
    keep: Option<&[&str]>,
    progress: &Progress,
) -> Result<(DataFrame, FileReport), DataError> {
    let range = sheet(path, mapping.sheet.as_deref())?;
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let mut rows = range.rows();
    let header: Vec<String> = match rows.next() {
        Some(r) => r.iter().map(cell_text).collect(),
        None => {
            return Err(DataError::Empty {
                file: path.display().to_string(),
            });
        }
    };
    let height = range.height().saturating_sub(1);
    let workbook = Detected {
        encoding: Encoding::Workbook,
        confidence: 1.0,
    };
    let mut validator = Validator::new(path, kind, &header, mapping, workbook, height, keep)?;
    for (i, r) in rows.enumerate() {
        let row: Vec<String> = r.iter().map(cell_text).collect();
        // Sheet rows count from 1; the header is the first used row.
        validator.push(first_row + i as u64 + 2, &row);
        if i % 16_384 == 0 {
            progress.check().map_err(|_| DataError::Cancelled)?;
            progress.set(i as f32 / height.max(1) as f32);
        }
    }
    validator.finish()
}
