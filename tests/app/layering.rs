//! The layers, checked on the source: the write side and the read side never
//! import each other, and nothing below the web layer knows Rocket or
//! `crate::web`. (One crate keeps these as a test rather than a compile
//! error; docs/ARCHITECTURE.md says why the crate is not split.)

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/<dir>` (or the file `src/<dir>` itself).
pub fn sources(dir: &str) -> Vec<PathBuf> {
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
fn the_imports_are_write_side_and_know_neither_the_read_side_nor_the_web() {
    let found = offending(
        "imports",
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

#[test]
fn nothing_outside_the_web_layer_knows_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let source = path.is_dir() || path.extension().is_some_and(|e| e == "rs");
        if name == "web" || name == "lib.rs" || !source {
            continue;
        }
        let found = offending(&name, &["crate::web", "orderdesk::web"]);
        assert_eq!(found, Vec::<String>::new(), "{name}");
    }
}

#[test]
fn the_web_layer_s_folders_point_one_way() {
    // pages → shell, guards; guards → fairings' request id only; the shell
    // and the fairings know no page; no page reaches into a fairing.
    let rules: [(&str, &[&str]); 4] = [
        ("web/pages", &["web::fairings"]),
        ("web/shell", &["web::pages", "web::fairings"]),
        ("web/guards", &["web::pages"]),
        ("web/fairings", &["web::pages", "web::shell"]),
    ];
    for (dir, forbidden) in rules {
        assert_eq!(offending(dir, forbidden), Vec::<String>::new(), "{dir}");
    }
}

#[test]
fn the_guards_have_no_import_cycle() {
    // Which server a request reads from is a leaf; the session look-up uses
    // it, the connection guards use both, and nothing goes back.
    let leaf = offending("web/guards/read_order.rs", &["super::", "crate::web"]);
    assert_eq!(leaf, Vec::<String>::new());
    let user = offending(
        "web/guards/user.rs",
        &["connections", "with_session", "ReadConn", "WriteConn"],
    );
    assert_eq!(user, Vec::<String>::new());
}

/// The `path = "..."` of every `#[template(...)]` in `text`.
fn template_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[template(") {
        rest = &rest[at..];
        let attribute = &rest[..rest.find(")]").unwrap_or(rest.len())];
        if let Some(start) = attribute.find("path = \"") {
            let value = &attribute[start + 8..];
            paths.push(value[..value.find('"').unwrap()].to_owned());
        }
        rest = &rest[1..];
    }
    paths
}

#[test]
fn every_page_that_renders_has_its_template_in_the_same_place() {
    // pages/<resource>/<action>.rs renders templates/<resource>/<action>.html
    // (or several under templates/<resource>/<action>/); a page answering
    // with an error page may use errors/.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pages = manifest.join("src/web/pages");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for file in sources("web/pages") {
        let place = file.strip_prefix(&pages).unwrap().with_extension("");
        let place = place.to_str().unwrap().replace('\\', "/");
        let text = std::fs::read_to_string(&file).unwrap();
        for path in template_paths(&text) {
            checked += 1;
            let mirrors = path == format!("{place}.html")
                || path.starts_with(&format!("{place}/"))
                || path.starts_with("errors/");
            if !mirrors || !manifest.join("templates").join(&path).is_file() {
                wrong.push(format!("src/web/pages/{place}.rs renders {path}"));
            }
        }
    }
    assert!(checked > 15, "the scan found only {checked} templates");
    assert_eq!(wrong, Vec::<String>::new());
}

#[test]
fn the_template_check_finds_a_misplaced_template() {
    let text = "#[derive(Template)]\n#[template(\n    path = \"orders/detail.html\"\n)]\nstruct P;";
    assert_eq!(template_paths(text), vec!["orders/detail.html".to_owned()]);
}
