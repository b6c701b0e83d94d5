//! Writing output files without losing anything: a path is checked before work starts (its
//! folder exists, it is not a folder, it is none of the files the run reads), and the file is
//! written beside its destination and renamed over it, so an existing output is replaced
//! whole and a failed run never leaves half a file. The window and the command line both
//! write through here.

use std::path::{Path, PathBuf};

/// Why `path` cannot be written, if it cannot: its folder is missing, it is a folder, it is a
/// file the run reads (`inputs`), or it is read-only.
pub fn check_output(path: &Path, inputs: &[PathBuf]) -> Result<(), String> {
    let bad = |why: &str| format!("{}: cannot write here: {why}", path.display());
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
        return Err(bad("it is an input of this run; write somewhere else"));
    }
    if real.metadata().is_ok_and(|m| m.permissions().readonly()) {
        return Err(bad("the file is read-only"));
    }
    Ok(())
}

/// Writes through `write` into a temporary file beside `path`, then renames it over `path`.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.partial"));
    if let Err(e) = write(&temp) {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    std::fs::rename(&temp, path)
}
