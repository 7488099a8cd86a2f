//! No import cycles outside the web layer: `observability` is a leaf the
//! others call (commands, the maintainer, the pools), so it names none of
//! them; they hand it plain values (names, counts, durations, outcome labels)
//! or implement its small traits (`FailureKind`, `PoolGauges`).

use crate::layering::sources;

/// The crate modules a line of code names through `crate::` (a path or a
/// `crate::{a, b::c}` group), comments left out.
fn crate_modules(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or_default();
    let mut found = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let names = match rest.strip_prefix('{') {
            Some(group) => group.split('}').next().unwrap_or_default().to_owned(),
            None => rest.to_owned(),
        };
        for item in names.split(',') {
            let module: String = item
                .trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !module.is_empty() {
                found.push(module);
            }
        }
    }
    found
}

/// The lines of `dir`'s sources that name any of `forbidden` (top-level crate
/// modules), as "file:line: text".
fn naming(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in sources(dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if crate_modules(line)
                .iter()
                .any(|m| forbidden.contains(&m.as_str()))
            {
                let name = file.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
                found.push(format!("{}:{}: {}", name.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn observability_names_no_command_read_model_db_or_web_type() {
    let found = naming("observability", &["commands", "read_models", "db", "web"]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn the_scan_sees_paths_and_groups_but_not_comments() {
    assert_eq!(crate_modules("use crate::db::Pools;"), ["db"]);
    assert_eq!(
        crate_modules("use crate::{commands::CommandError, read_models};"),
        ["commands", "read_models"]
    );
    assert_eq!(
        crate_modules("fn f(p: &crate::db::Pools) {} // crate::web"),
        ["db"]
    );
    assert!(crate_modules("// crate::commands").is_empty());
}
