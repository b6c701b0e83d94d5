//! Reading and checking input: the data contract, encodings, column mappings, row-by-row
//! validation, whole datasets with orphan checks, and the sample-data generator.

pub mod cells;
pub mod columns;
pub mod dataset;
pub mod encoding;
pub mod load;
pub mod mapping;
pub mod report;
pub mod sample;
pub mod schema;
pub mod summary;
pub mod validate;
pub mod workbook;

pub use dataset::{Dataset, find_table_file, load_dataset, load_tables};
pub use encoding::Encoding;
pub use load::{Table, load_table};
pub use mapping::Mapping;
pub use report::{FileReport, RejectedRow};
pub use schema::TableKind;

/// Why input could not be read. Every variant names the file (and the column or line where
/// there is one), so the message alone tells the user what to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    /// A required column is neither in the header nor mapped.
    #[error("{file}: line 1: required column `{column}` of the {table} table not found ({detail})")]
    MissingColumn {
        /// The file.
        file: String,
        /// The table it was read as.
        table: TableKind,
        /// The canonical column that is missing.
        column: String,
        /// What was found instead and how to map it.
        detail: String,
    },
    /// The file has no header line.
    #[error("{file}: the file is empty (no header line)")]
    Empty {
        /// The file.
        file: String,
    },
    /// The file cannot be opened or parsed at all.
    #[error("{file}: cannot be read: {reason}")]
    Unreadable {
        /// The file.
        file: String,
        /// The underlying error.
        reason: String,
    },
    /// A column mapping entry or file is malformed.
    #[error("column mapping: {0}")]
    BadMapping(String),
    /// A table an analysis needs has no usable rows.
    #[error("{file}: {detail}")]
    NothingAccepted {
        /// The file (or the folder).
        file: String,
        /// What was found, with the most common reason rows were rejected.
        detail: String,
    },
    /// Two header cells name the same column (also when they differ only by case, spaces
    /// or punctuation).
    #[error("{file}: line 1: columns {first} and {second} are both `{name}`; rename or drop one")]
    DuplicateHeader {
        /// The file.
        file: String,
        /// The normalised name.
        name: String,
        /// 1-based positions of the two cells.
        first: usize,
        /// The second position.
        second: usize,
    },
    /// A folder holds none of the tables.
    #[error(
        "{0}: no input files found (expected users, courses, events, impressions or experiments as .csv or .parquet)"
    )]
    NoFiles(String),
    /// The user cancelled the load.
    #[error("cancelled")]
    Cancelled,
    /// A bug: this should not happen on any input.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<crate::jobs::Cancelled> for DataError {
    fn from(_: crate::jobs::Cancelled) -> Self {
        DataError::Cancelled
    }
}
