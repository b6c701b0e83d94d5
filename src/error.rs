//! The analyses' error type: what the user can fix (their data or settings), what they asked
//! for (cancel), and what is our fault. The faces map it once: the command line to exit codes
//! 2 and 1, the window to its status line.

use crate::data::DataError;
use crate::jobs::Cancelled;
use crate::lang::{Bilingual, Text};

/// Why an analysis stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A table could not be read or used.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The data or the settings cannot serve this analysis; the message, in both languages,
    /// says why and what to change. `Display` writes the English.
    #[error("{}", .0.en)]
    Input(Text),
    /// The user cancelled the work.
    #[error("cancelled")]
    Cancelled,
    /// A failure that is not the input's fault.
    #[error("{0}")]
    Internal(String),
}

/// What kind of failure an [`Error`] is, for exit codes and colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The user's data or settings.
    Input,
    /// Cancelled on request.
    Cancelled,
    /// Not the input's fault.
    Internal,
}

impl Error {
    /// An input error, written in Chinese and in English.
    pub fn input(zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Input(Text::pair(zh, en))
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Data(DataError::Cancelled) | Error::Cancelled => ErrorKind::Cancelled,
            Error::Data(DataError::Internal(_)) | Error::Internal(_) => ErrorKind::Internal,
            Error::Data(_) | Error::Input(_) => ErrorKind::Input,
        }
    }

    /// An input error with `place` (a file or setting) in front of its message.
    pub fn at(self, place: impl std::fmt::Display) -> Error {
        match self {
            Error::Input(m) => {
                Error::input(format!("{place}：{}", m.zh), format!("{place}: {}", m.en))
            }
            e => e,
        }
    }

    /// The message in both languages (`Display` is its English).
    pub fn text(&self) -> Text {
        match self {
            Error::Data(e) => e.text(),
            Error::Input(m) => m.clone(),
            Error::Cancelled => Text::new("已取消", "cancelled"),
            Error::Internal(m) => Text::pair(format!("内部错误：{m}"), m.clone()),
        }
    }
}

impl Bilingual for Error {
    fn text(&self) -> Text {
        Error::text(self)
    }
}

impl From<Cancelled> for Error {
    fn from(_: Cancelled) -> Self {
        Error::Cancelled
    }
}

impl From<crate::segment::SegmentError> for Error {
    fn from(e: crate::segment::SegmentError) -> Self {
        match e {
            crate::segment::SegmentError::Cancelled => Error::Cancelled,
            e => Error::Input(e.text()),
        }
    }
}

impl From<crate::experiments::AbError> for Error {
    fn from(e: crate::experiments::AbError) -> Self {
        Error::Input(e.text())
    }
}

/// The result of an analysis.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn an_input_error_reads_in_either_language_and_displays_english() {
        let e = Error::input("需要 events.csv", "needs events.csv").at("data");
        assert_eq!(e.text().get(Lang::Zh), "data：需要 events.csv");
        assert_eq!(e.text().get(Lang::En), "data: needs events.csv");
        assert_eq!(e.to_string(), "data: needs events.csv");
        assert_eq!(e.kind(), ErrorKind::Input);
    }

    #[test]
    fn data_cancelled_and_internal_errors_have_chinese_too() {
        let e = Error::from(DataError::Empty {
            file: "users.csv".into(),
        });
        assert_eq!(e.text().get(Lang::Zh), "users.csv：文件为空（没有表头行）");
        assert_eq!(
            e.to_string(),
            "users.csv: the file is empty (no header line)"
        );
        assert_eq!(Error::Cancelled.text().get(Lang::Zh), "已取消");
        let e = Error::Internal("boom".into());
        assert_eq!(e.text().get(Lang::Zh), "内部错误：boom");
        assert_eq!(e.to_string(), "boom");
    }
}
