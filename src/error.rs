//! The analyses' error type: what the user can fix (their data or settings), what they asked
//! for (cancel), and what is our fault. The faces map it once: the command line to exit codes
//! 2 and 1, the window to its status line.

use crate::data::DataError;
use crate::jobs::Cancelled;

/// Why an analysis stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A table could not be read or used.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The data or the settings cannot serve this analysis; the message says why and what to
    /// change.
    #[error("{0}")]
    Input(String),
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
            Error::Input(m) => Error::Input(format!("{place}: {m}")),
            e => e,
        }
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
            e => Error::Input(e.to_string()),
        }
    }
}

impl From<crate::experiments::AbError> for Error {
    fn from(e: crate::experiments::AbError) -> Self {
        Error::Input(e.to_string())
    }
}

/// The result of an analysis.
pub type Result<T> = std::result::Result<T, Error>;
