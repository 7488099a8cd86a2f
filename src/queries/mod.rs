//! The read side: one file per page or read model. Queries read only the
//! `read` schema, through the read pool (read-only connections acting as
//! `orderdesk_reader`), and return typed, page-shaped rows together with the
//! freshness of the views they read. They never read a write table and never
//! import `commands`.

pub mod customers;
pub mod dashboard;
pub mod freshness;
pub mod history;
pub mod keyset;
pub mod lookup;
pub mod order_detail;
pub mod order_entry;
pub mod orders;
pub mod printables;
pub mod products;
pub mod read_model_status;
pub mod reports;

pub use freshness::Freshness;

/// The longest search text a query uses; the web layer cuts longer text
/// (with a note) and [`contains_pattern`] never uses more.
pub const MAX_SEARCH_CHARS: usize = 200;

/// Escapes `%`, `_` and `\` for a `LIKE` pattern and wraps it in `%…%`,
/// lower-cased to match the views' `search_text`; at most
/// [`MAX_SEARCH_CHARS`] characters of `text` are used.
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text
        .trim()
        .chars()
        .take(MAX_SEARCH_CHARS)
        .flat_map(char::to_lowercase)
    {
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
