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

pub use dataset::{
    Dataset, Projection, find_table_file, load_dataset, load_projected, load_tables,
};
pub use encoding::Encoding;
pub use load::{Table, load_columns, load_table};
pub use mapping::Mapping;
pub use report::{FileReport, RejectedRow};
pub use schema::TableKind;

use crate::lang::{Bilingual, Text};

/// Why input could not be read. Every variant names the file (and the column or line where
/// there is one), so the message alone tells the user what to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    /// A required column is neither in the header nor mapped.
    #[error(
        "{file}: line 1: required column `{column}` of the {table} table not found ({})",
        .detail.en
    )]
    MissingColumn {
        /// The file.
        file: String,
        /// The table it was read as.
        table: TableKind,
        /// The canonical column that is missing.
        column: String,
        /// What was found instead and how to map it.
        detail: Text,
    },
    /// The file has no header line.
    #[error("{file}: the file is empty (no header line)")]
    Empty {
        /// The file.
        file: String,
    },
    /// The file cannot be opened or parsed at all.
    #[error("{file}: cannot be read: {}", .reason.en)]
    Unreadable {
        /// The file.
        file: String,
        /// The underlying error.
        reason: Text,
    },
    /// A column mapping entry or file is malformed.
    #[error("column mapping: {}", .0.en)]
    BadMapping(Text),
    /// A table an analysis needs has no usable rows.
    #[error("{file}: {}", .detail.en)]
    NothingAccepted {
        /// The file (or the folder).
        file: String,
        /// What was found, with the most common reason rows were rejected.
        detail: Text,
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
    /// The tables would not fit in the memory the machine has free.
    #[error(
        "{dir}: loading these tables takes about {} of memory and {} is free; close other programs, open fewer tables, or compute learner features in a database (persona-lab profile --emit-sql) and segment those (segment --features)",
        crate::memory::human(*.need),
        crate::memory::human(*.available)
    )]
    TooLarge {
        /// The folder.
        dir: String,
        /// Bytes the load is estimated to take.
        need: u64,
        /// Bytes free.
        available: u64,
    },
    /// The user cancelled the load.
    #[error("cancelled")]
    Cancelled,
    /// A bug: this should not happen on any input.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DataError {
    /// The message in both languages (`Display` is its English). File, column and table
    /// names and values from the data read the same in both.
    pub fn text(&self) -> Text {
        let zh = match self {
            DataError::MissingColumn {
                file,
                table,
                column,
                detail,
            } => format!(
                "{file}：第 1 行：未找到 {table} 表的必需列 `{column}`（{}）",
                detail.zh
            ),
            DataError::Empty { file } => format!("{file}：文件为空（没有表头行）"),
            DataError::Unreadable { file, reason } => format!("{file}：无法读取：{}", reason.zh),
            DataError::BadMapping(m) => format!("列映射：{}", m.zh),
            DataError::NothingAccepted { file, detail } => format!("{file}：{}", detail.zh),
            DataError::DuplicateHeader {
                file,
                name,
                first,
                second,
            } => format!(
                "{file}：第 1 行：第 {first} 列和第 {second} 列都是 `{name}`；请重命名或删除其中一列"
            ),
            DataError::NoFiles(dir) => format!(
                "{dir}：未找到输入文件（应为 .csv 或 .parquet 格式的 users、courses、events、impressions 或 experiments）"
            ),
            DataError::TooLarge {
                dir,
                need,
                available,
            } => format!(
                "{dir}：加载这些数据表约需 {} 内存，而当前可用 {}；请关闭其他程序、少打开几张表，或在数据库中计算学员特征（persona-lab profile --emit-sql）再对其分群（segment --features）",
                crate::memory::human(*need),
                crate::memory::human(*available)
            ),
            DataError::Cancelled => "已取消".to_string(),
            DataError::Internal(m) => format!("内部错误：{m}"),
        };
        Text::pair(zh, self.to_string())
    }
}

impl Bilingual for DataError {
    fn text(&self) -> Text {
        DataError::text(self)
    }
}

impl From<crate::jobs::Cancelled> for DataError {
    fn from(_: crate::jobs::Cancelled) -> Self {
        DataError::Cancelled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn a_data_error_reads_in_chinese_with_its_line_and_column() {
        let e = DataError::DuplicateHeader {
            file: "users.csv".into(),
            name: "user_id".into(),
            first: 1,
            second: 3,
        };
        assert_eq!(
            e.text().get(Lang::Zh),
            "users.csv：第 1 行：第 1 列和第 3 列都是 `user_id`；请重命名或删除其中一列"
        );
        assert_eq!(
            e.text().get(Lang::En),
            "users.csv: line 1: columns 1 and 3 are both `user_id`; rename or drop one"
        );
        let e = DataError::MissingColumn {
            file: "events.csv".into(),
            table: TableKind::Events,
            column: "event".into(),
            detail: Text::new("表头为：a, b", "headers are: a, b"),
        };
        assert_eq!(
            e.to_string(),
            "events.csv: line 1: required column `event` of the events table not found (headers are: a, b)"
        );
        assert_eq!(
            e.text().get(Lang::Zh),
            "events.csv：第 1 行：未找到 events 表的必需列 `event`（表头为：a, b）"
        );
    }

    #[test]
    fn a_broken_mapping_file_names_its_line_in_both_languages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mapping.json");
        std::fs::write(&path, "{\n  \"columns\": oops\n}\n").unwrap();
        let e = Mapping::load(&path).unwrap_err();
        let file = path.display();
        let zh = e.text().get(Lang::Zh).to_string();
        assert!(
            zh.starts_with(&format!("列映射：{file}：第 2 行第 ")),
            "{zh}"
        );
        let en = e.to_string();
        assert!(
            en.starts_with(&format!("column mapping: {file}: line 2, column ")),
            "{en}"
        );
        assert_eq!(e.text().get(Lang::En), en);
    }
}
