//! Argument checks done before any work: every number in range, with the allowed range in
//! the message, and every output path writable without destroying an input.

use super::CliError;
use std::path::{Path, PathBuf};

/// A count from `min` to `max` (inclusive).
pub(super) fn count(name: &str, value: usize, min: usize, max: usize) -> Result<usize, CliError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(CliError::Input(format!(
            "--{name} {value}: must be from {min} to {max}"
        )))
    }
}

/// A finite number in `lo..=hi`.
pub(super) fn number(name: &str, value: f64, lo: f64, hi: f64) -> Result<f64, CliError> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(value)
    } else {
        Err(CliError::Input(format!(
            "--{name} {value}: must be a number from {lo} to {hi}"
        )))
    }
}

/// A probability strictly between 0 and 1 (a significance level, a rate, a share).
pub(super) fn open_unit(name: &str, value: f64) -> Result<f64, CliError> {
    if value.is_finite() && value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(CliError::Input(format!(
            "--{name} {value}: must be strictly between 0 and 1"
        )))
    }
}

/// A pseudonymisation salt: an empty one would make pseudonyms reversible by hashing ids.
/// A date argument (`YYYY-MM-DD`, or any timestamp the data accepts) as milliseconds since
/// the epoch; `flag` names it in the message.
pub(super) fn date(flag: &str, value: &str) -> Result<i64, CliError> {
    crate::data::cells::parse_timestamp(value, None)
        .map_err(|_| CliError::Input(format!("--{flag}: `{value}` is not a date (YYYY-MM-DD)")))
}

pub(super) fn salt(value: Option<&str>) -> Result<Option<&str>, CliError> {
    match value {
        Some(s) if s.trim().is_empty() => Err(CliError::Input(
            "--pseudonymise: the salt is empty; anyone could rebuild the pseudonyms by hashing \
             ids, so give a secret word"
                .into(),
        )),
        other => Ok(other),
    }
}

/// Where a command may write `path` (see [`crate::output::check_output`]).
pub(super) fn output(path: &Path, inputs: &[PathBuf]) -> Result<(), CliError> {
    crate::output::check_output(path, inputs).map_err(CliError::Input)
}

/// The files a dataset folder would be read from (every table that is present, and the saved
/// mapping), for [`output`].
pub(super) fn dataset_files(dir: &Path, mapping: &crate::data::Mapping) -> Vec<PathBuf> {
    let mut files = vec![dir.join(crate::data::mapping::MAPPING_FILE)];
    let mut merged = crate::data::Mapping::load(&files[0]).unwrap_or_default();
    merged.merge(mapping.clone());
    files.extend(
        crate::data::TableKind::ALL
            .iter()
            .filter_map(|&k| crate::data::find_table_file(dir, k, &merged).ok().flatten()),
    );
    files
}

/// Writes `path` through `write` (see [`crate::output::write_atomically`]); a failure is
/// the user's environment (missing folder, full disk, permissions), so bad input.
pub(super) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), CliError> {
    crate::output::write_atomically(path, write)
        .map_err(|e| CliError::Input(format!("{}: cannot write: {e}", path.display())))
}
