//! The read side: one file per page or read model. Queries read only the
//! `read` schema, through the read pool (read-only connections acting as
//! `orderdesk_reader`), and return typed, page-shaped rows together with the
//! freshness of the views they read. They never read a write table and never
//! import `commands`.

pub mod address;
pub mod customers;
pub mod dashboard;
pub mod documents;
pub mod freshness;
pub mod history;
pub mod imports;
pub mod keyset;
pub mod lookup;
pub mod notes;
pub mod order_detail;
pub mod order_entry;
pub mod order_money;
pub mod orders;
pub mod pricing;
pub mod printables;
pub mod products;
pub mod read_model_status;
pub mod reports;
pub mod shop;
pub mod stock_ledger;

pub use freshness::Freshness;

/// The longest search text a query uses; the web layer cuts longer text
/// (with a note) and [`contains_pattern`] never uses more.
pub const MAX_SEARCH_CHARS: usize = 200;

/// The search text as every query uses it: trimmed, and cut to
/// [`MAX_SEARCH_CHARS`] characters (the one bound on search text; the web
/// layer's `search_text` cuts with it too, adding only the note), with no
/// space left at the end of a cut.
pub fn bounded_search(text: &str) -> String {
    let cut: String = text.trim().chars().take(MAX_SEARCH_CHARS).collect();
    cut.trim_end().to_owned()
}

/// Escapes `%`, `_` and `\` for a `LIKE` pattern and wraps it in `%…%`,
/// lower-cased to match the views' `search_text`; the text is
/// [`bounded_search`] first.
pub(crate) fn contains_pattern(text: &str) -> String {
    let text = bounded_search(text);
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars().flat_map(char::to_lowercase) {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(super::contains_pattern(" Ada_50% "), "%ada\\_50\\%%");
    }

    #[test]
    fn search_text_is_trimmed_and_cut_at_the_one_bound() {
        let long = format!("  {}é  ", "a".repeat(super::MAX_SEARCH_CHARS));
        let bounded = super::bounded_search(&long);
        assert_eq!(bounded.chars().count(), super::MAX_SEARCH_CHARS);
        assert!(bounded.chars().all(|c| c == 'a'));
        assert_eq!(super::bounded_search(" Ada "), "Ada");
        // A cut that ends on a space keeps no space at its end.
        let spaced = format!("{} b", "a".repeat(super::MAX_SEARCH_CHARS - 1));
        assert_eq!(
            super::bounded_search(&spaced),
            "a".repeat(super::MAX_SEARCH_CHARS - 1)
        );
        assert_eq!(
            super::contains_pattern(&long).chars().count(),
            super::MAX_SEARCH_CHARS + 2
        );
    }
}
