//! CSV output that is safe to open in a spreadsheet. Every CSV the program writes goes through
//! [`SafeCsv`], which neutralises cells a spreadsheet would run as a formula (OWASP's rule for
//! CSV injection): a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
//! leading `'`, so Excel and WPS show it as text. Cells that are plain numbers (`-0.25`,
//! `+3`) are left as they are: a spreadsheet reads them as numbers, never as formulas.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// The cell as it may safely be written: unchanged, or with a leading `'` when a spreadsheet
/// would read it as a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if risky && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Whether a cell is one signed decimal number (digits, one optional point, an optional
/// exponent), which a spreadsheet reads as a value and never as a formula.
fn is_plain_number(cell: &str) -> bool {
    let body = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => {
            (digits(a) || a.is_empty()) && (digits(b) || b.is_empty()) && a.len() + b.len() > 0
        }
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// A CSV writer whose every cell passes through [`neutralise`].
pub struct SafeCsv<W: Write> {
    inner: csv::Writer<W>,
}

impl SafeCsv<File> {
    /// Creates (or truncates) the file at `path`.
    pub fn create(path: &Path) -> io::Result<SafeCsv<File>> {
        Ok(SafeCsv {
            inner: csv::Writer::from_path(path)?,
        })
    }
}

impl<W: Write> SafeCsv<W> {
    /// Writes into `w`.
    pub fn from_writer(w: W) -> SafeCsv<W> {
        SafeCsv {
            inner: csv::Writer::from_writer(w),
        }
    }

    /// Writes one record, each cell neutralised.
    pub fn write_record<I, T>(&mut self, record: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for cell in record {
            self.inner
                .write_field(neutralise(cell.as_ref()).as_bytes())?;
        }
        self.inner.write_record(None::<&[u8]>)?;
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(self) -> io::Result<W> {
        self.inner.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\",\"点我\")"),
            "'=HYPERLINK(\"http://x\",\"点我\")"
        );
        for risky in [
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\r=1",
            "-",
            "=",
            "-cmd|' /C calc'!A0",
        ] {
            assert!(neutralise(risky).starts_with('\''), "{risky}");
        }
        for safe in [
            "-0.25",
            "+3",
            "-1e-5",
            "12",
            "Python入门",
            "",
            "a=b",
            "-.5",
            "1.5E+3",
        ] {
            assert_eq!(neutralise(safe), safe);
        }
    }

    #[test]
    fn writer_quotes_and_neutralises() {
        let mut w = SafeCsv::from_writer(Vec::new());
        w.write_record(["=1+1", "a,b", "-4.5"]).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text, "'=1+1,\"a,b\",-4.5\n");
    }
}
