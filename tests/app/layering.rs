//! The layers, checked on the source: the write side and the read side never
//! import each other, and nothing below the web layer knows Rocket or
//! `crate::web`. (One crate keeps these as a test rather than a compile
//! error; docs/ARCHITECTURE.md says why the crate is not split.)

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/<dir>` (or the file `src/<dir>` itself).
fn sources(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    if root.is_file() {
        return vec![root];
    }
    let mut files = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(!files.is_empty(), "no sources under {dir}");
    files
}

/// The lines of `dir`'s sources that name any of `forbidden` in code (not in
/// a comment), as "file:line: text".
fn offending(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in sources(dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if forbidden.iter().any(|f| code.contains(f)) {
                let name = file.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
                found.push(format!("{}:{}: {}", name.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_write_side_knows_neither_the_read_side_nor_the_web() {
    let found = offending(
        "commands",
        &["crate::queries", "crate::web", "rocket::", "askama"],
    );
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn the_read_side_knows_neither_the_write_side_nor_the_web() {
    let found = offending(
        "queries",
        &["crate::commands", "crate::web", "rocket::", "askama"],
    );
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn nothing_below_the_web_layer_knows_rocket_or_the_web() {
    for dir in [
        "domain",
        "read_models",
        "db",
        "security",
        "seed",
        "error.rs",
    ] {
        let found = offending(dir, &["crate::web", "rocket::", "use rocket"]);
        assert_eq!(found, Vec::<String>::new(), "{dir}");
    }
}

#[test]
fn the_check_finds_what_it_looks_for() {
    // The scan itself: the web layer does import Rocket.
    assert!(!offending("web", &["use rocket"]).is_empty());
}
