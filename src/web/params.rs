//! Parameters shared by list and detail pages: query strings for links that
//! keep a list's filters, and page sizes. (Ids from the path: `PathId`.)

use rocket::http::RawStr;

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
    fn only_offered_page_sizes_are_used() {
        assert_eq!(page_size(Some("100")), 100);
        assert_eq!(page_size(Some("100000")), 50);
        assert_eq!(page_size(None), 50);
    }
}
