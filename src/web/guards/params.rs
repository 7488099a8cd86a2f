//! Parameters shared by list and detail pages: query strings for links that
//! keep a list's filters, page sizes and search text. (Ids from the path: `PathId`.)

use rocket::http::RawStr;

use crate::queries::{MAX_SEARCH_CHARS, bounded_search};

/// Search text as the queries use it ([`bounded_search`], the one bound:
/// trimmed and cut to [`MAX_SEARCH_CHARS`] characters, since every search
/// ends in `LIKE '%…%'` and its length is work for the database); a cut comes
/// back with the note to show, never as an error.
pub fn search_text(raw: &str) -> (String, Option<String>) {
    let cut = raw.trim().chars().count() > MAX_SEARCH_CHARS;
    let note = cut
        .then(|| format!("only the first {MAX_SEARCH_CHARS} characters of the search were used"));
    (bounded_search(raw), note)
}

/// `k1=v1&k2=v2`, percent-encoded; pairs with an empty value are left out.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", RawStr::new(v).percent_encode()))
        .collect::<Vec<_>>()
        .join("&")
}

/// The page size a list shows: 25, 50 or 100 as asked, else 50.
pub fn page_size(raw: Option<&str>) -> i64 {
    match raw.map(str::trim) {
        Some("25") => 25,
        Some("100") => 100,
        _ => 50,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_and_empty_ones_dropped() {
        assert_eq!(
            query_string(&[("q", "a&b =c"), ("low", ""), ("size", "25")]),
            "q=a%26b%20%3Dc&size=25"
        );
    }

    #[test]
    fn search_text_is_trimmed_and_cut_with_a_note() {
        assert_eq!(search_text("  ada "), ("ada".to_owned(), None));
        let (cut, note) = search_text(&"é".repeat(5000));
        assert_eq!(cut, "é".repeat(200));
        assert_eq!(
            note.as_deref(),
            Some("only the first 200 characters of the search were used")
        );
    }

    #[test]
    fn only_offered_page_sizes_are_used() {
        assert_eq!(page_size(Some("100")), 100);
        assert_eq!(page_size(Some("100000")), 50);
        assert_eq!(page_size(None), 50);
    }
}
