//! The read side: one file per page or read model. Queries read only the
//! `read` schema, through the read pool (read-only connections acting as
//! `orderdesk_reader`), and return typed, page-shaped rows together with the
//! freshness of the views they read. They never read a write table and never
//! import `commands`.

pub mod customers;
pub mod dashboard;
pub mod freshness;
pub mod history;
pub mod lookup;
pub mod order_detail;
pub mod order_entry;
pub mod orders;
pub mod printables;
pub mod products;
pub mod read_model_status;
pub mod reports;

pub use freshness::Freshness;

/// Escapes `%`, `_` and `\` for a `LIKE` pattern and wraps it in `%…%`,
/// lower-cased to match the views' `search_text`.
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.trim().to_lowercase().chars() {
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
}
