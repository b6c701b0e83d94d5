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

/// Where a command may write `path`: its folder exists, it is not a folder itself, and it is
/// none of the files the command reads (`inputs`). An existing file is replaced whole (see
/// [`write_atomically`]).
pub(super) fn output(path: &Path, inputs: &[PathBuf]) -> Result<(), CliError> {
    let bad = |why: &str| CliError::Input(format!("{}: cannot write here: {why}", path.display()));
    if path.is_dir() {
        return Err(bad("it is a folder; give a file name"));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(bad("its folder does not exist"));
    }
    let name = path.file_name().ok_or_else(|| bad("no file name"))?;
    let real = parent
        .canonicalize()
        .map_err(|e| bad(&e.to_string()))?
        .join(name);
    if inputs
        .iter()
        .filter_map(|i| i.canonicalize().ok())
        .any(|i| i == real)
    {
        return Err(bad("it is an input of this command; write somewhere else"));
    }
    if real.metadata().is_ok_and(|m| m.permissions().readonly()) {
        return Err(bad("the file is read-only"));
    }
    Ok(())
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

/// Writes through `write` into a temporary file beside `path`, then renames it over `path`:
/// a failed or cancelled run never leaves half a file, and an existing file is replaced
/// whole.
pub(super) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), CliError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.partial"));
    let fail =
        |e: std::io::Error| CliError::Input(format!("{}: cannot write: {e}", path.display()));
    if let Err(e) = write(&temp) {
        let _ = std::fs::remove_file(&temp);
        return Err(fail(e));
    }
    std::fs::rename(&temp, path).map_err(fail)
}
