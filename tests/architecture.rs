//! The engine has no face: no module outside `src/app` (the window), `src/cli` (the command
//! line) and `src/main.rs` names the window's or the command line's crates or modules. The
//! faces call the engine; the engine never calls them.

use std::path::{Path, PathBuf};

/// What the engine must not name: the window's and the command line's crates and modules.
const FORBIDDEN: &[&str] = &["egui", "eframe", "rfd", "clap", "crate::app", "crate::cli"];

/// The faces, which may.
const FACES: &[&str] = &["app", "cli", "main.rs"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether `word` occurs in `code` as a whole path segment (not inside a longer name).
fn names(code: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(word).any(|(i, _)| {
        let before = code[..i].chars().next_back();
        let after = code[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

#[test]
fn no_engine_module_names_the_window_or_the_command_line() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        if FACES.contains(&first.as_ref()) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in FORBIDDEN {
                if names(code, word) {
                    found.push(format!("src/{}:{}: {word}", rel.display(), n + 1));
                }
            }
        }
    }
    assert!(files.len() > 40, "the source tree was not found");
    assert!(
        found.is_empty(),
        "the engine names a face:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_a_forbidden_import() {
    assert!(names("use egui::Ui;", "egui"));
    assert!(names("    crate::cli::run()", "crate::cli"));
    assert!(!names("use crate::client::x;", "crate::cli"));
    assert!(!names("let eguix = 1;", "egui"));
}
