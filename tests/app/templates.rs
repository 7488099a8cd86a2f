//! The templates, checked on their text: every posting form carries the CSRF
//! field and the paused-state controls through the shared macros (one CSRF
//! field macro, forms disabled from the layout's state rather than by
//! rewriting HTML), and no template is left behind by a moved or removed page
//! (`layering.rs` checks the other direction: every page's template exists
//! where the page is).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::layering::sources;

/// Every `.html` file under `templates/`, as its path below `templates/`.
fn templates() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut found = Vec::new();
    let mut dirs: Vec<PathBuf> = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let name = path.strip_prefix(&root).unwrap().to_str().unwrap();
                let text = std::fs::read_to_string(&path).unwrap();
                found.push((name.replace('\\', "/"), text));
            }
        }
    }
    assert!(found.len() > 30, "only {} templates found", found.len());
    found
}

/// The posting forms in `text` that lack the CSRF macro or the paused-state
/// controls, as "line: what is missing".
fn unguarded_forms(text: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    for (at, _) in text.match_indices("<form") {
        let tag = &text[at..text[at..].find('>').map_or(text.len(), |e| at + e)];
        if !tag.contains(r#"method="post""#) {
            continue;
        }
        let body = &text[at..text[at..].find("</form>").map_or(text.len(), |e| at + e)];
        let line = text[..at].matches('\n').count() + 1;
        for (needed, what) in [
            ("{% call forms::csrf(", "the forms::csrf macro"),
            ("{% call forms::controls(", "forms::controls"),
        ] {
            if !body.contains(needed) {
                wrong.push(format!("{line}: no {what}"));
            }
        }
    }
    wrong
}

#[test]
fn every_posting_form_uses_the_csrf_macro_and_the_paused_controls() {
    let mut wrong = Vec::new();
    let mut forms = 0;
    for (name, text) in templates() {
        forms += text.matches(r#"method="post""#).count();
        for problem in unguarded_forms(&text) {
            wrong.push(format!("templates/{name}:{problem}"));
        }
        // The field itself is written once, in the macro.
        if name != "partials/forms.html" && text.contains(r#"name="csrf_token""#) {
            wrong.push(format!("templates/{name}: a hand-written CSRF field"));
        }
    }
    assert!(forms > 30, "the scan found only {forms} posting forms");
    assert_eq!(wrong, Vec::<String>::new());
}

#[test]
fn the_form_check_finds_a_form_without_the_macros() {
    let bare = "<p>\n<form method=\"post\" action=\"/x\">\n<input type=\"hidden\" \
                name=\"csrf_token\" value=\"{{ t }}\"><button>Go</button></form>";
    assert_eq!(
        unguarded_forms(bare),
        ["2: no the forms::csrf macro", "2: no forms::controls"]
    );
    let good = "<form method=\"post\">{% call forms::controls(p) %}\
                {% call forms::csrf(t) %}{% endcall %}{% endcall %}</form>\
                <form method=\"get\"></form>";
    assert!(unguarded_forms(good).is_empty());
}

/// The templates a template includes, imports or extends.
fn reached_from(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for keyword in ["include", "import", "extends"] {
        for (at, _) in text.match_indices(&format!("{keyword} \"")) {
            let rest = &text[at + keyword.len() + 2..];
            found.push(rest[..rest.find('"').unwrap_or(0)].to_owned());
        }
    }
    found
}

#[test]
fn every_template_is_rendered_by_a_page_or_used_by_another_template() {
    let mut used = BTreeSet::new();
    for file in sources("") {
        let text = std::fs::read_to_string(&file).unwrap();
        for (at, _) in text.match_indices("#[template(") {
            let attribute = &text[at..text[at..].find(")]").map_or(text.len(), |e| at + e)];
            if let Some(start) = attribute.find("path = \"") {
                let value = &attribute[start + 8..];
                used.insert(value[..value.find('"').unwrap()].to_owned());
            }
        }
    }
    let all = templates();
    for (_, text) in &all {
        used.extend(reached_from(text));
    }
    let unused: Vec<_> = all
        .iter()
        .map(|(name, _)| name.clone())
        .filter(|name| !used.contains(name))
        .collect();
    assert_eq!(unused, Vec::<String>::new());
}
