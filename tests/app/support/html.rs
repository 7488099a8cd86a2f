//! Reading the pages' markup in assertions: the cells of the table row that
//! holds a given mark (a link, a SKU, an event type), as text. An assertion on
//! a cell cannot pass because the same words appear elsewhere on the page
//! (the signed-in user in the layout, another row's amount ending the same).
//! Our templates write plain `<tr>`/`<td>` markup, so a scan is enough.

/// The text of each cell (`<td>` or `<th>`) of the first row containing
/// `mark` in its markup; `None` if no row does.
pub fn row_with(page: &str, mark: &str) -> Option<Vec<String>> {
    page.split("<tr")
        .skip(1)
        .map(|rest| rest.split("</tr>").next().unwrap_or(rest))
        .find(|row| row.contains(mark))
        .map(cells)
}

/// The text of the `<dd>` that follows the `<dt>` reading `term` (a
/// definition list's figure, e.g. "Lifetime value"); `None` if there is none.
pub fn definition(page: &str, term: &str) -> Option<String> {
    let after = page.split_once(&format!("<dt>{term}</dt>"))?.1;
    let dd = after.trim_start().strip_prefix("<dd")?;
    let inner = dd.split_once('>')?.1;
    Some(text(inner.split("</dd>").next().unwrap_or(inner)))
}

/// The text of the element carrying `id="{id}"`, up to the first closing
/// tag of its name (so not for an element holding one of its own kind);
/// `None` if no element has that id.
pub fn by_id(page: &str, id: &str) -> Option<String> {
    let (before, after) = page.split_once(&format!("id=\"{id}\""))?;
    let tag = before.rsplit_once('<')?.1;
    let name = tag.split_whitespace().next()?;
    let inner = after.split_once('>')?.1;
    Some(text(inner.split(&format!("</{name}>")).next()?))
}

/// The cells of one row's markup, as text.
fn cells(row: &str) -> Vec<String> {
    row.split("<t")
        .skip(1)
        .filter(|cell| cell.starts_with('d') || cell.starts_with('h'))
        .map(|cell| {
            let inner = cell.split_once('>').map_or("", |(_, rest)| rest);
            let inner = inner.split("</t").next().unwrap_or(inner);
            text(inner)
        })
        .collect()
}

/// Markup without its tags, whitespace collapsed, `&amp;` and friends decoded.
fn text(markup: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in markup.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[test]
fn a_row_is_found_by_its_mark_and_read_cell_by_cell() {
    let page = r#"<table><thead><tr><th scope="col">SKU</th><th>Total</th></tr></thead>
        <tr><td><a href="/products/1">MUG-1</a></td><td class="num">$19.00</td></tr>
        <tr><td><a href="/products/2">TEE &amp; CO</a></td><td class="num"><strong>$9.00</strong></td></tr></table>"#;
    assert_eq!(
        row_with(page, r#"href="/products/2""#),
        Some(vec!["TEE & CO".to_owned(), "$9.00".to_owned()])
    );
    assert_eq!(
        row_with(page, "scope=\"col\""),
        Some(vec!["SKU".to_owned(), "Total".to_owned()])
    );
    assert_eq!(row_with(page, "/products/3"), None);
}

#[test]
fn a_definition_is_read_after_its_term() {
    let page = "<dl><dt>Orders</dt><dd>2</dd>\n<dt>Lifetime value</dt> <dd class=\"num\"><b>$30.00</b></dd></dl>";
    assert_eq!(definition(page, "Orders").as_deref(), Some("2"));
    assert_eq!(
        definition(page, "Lifetime value").as_deref(),
        Some("$30.00")
    );
    assert_eq!(definition(page, "Average order"), None);
}

#[test]
fn an_element_is_read_by_its_id() {
    let page = "<p>Other</p><p class=\"hint\" id=\"def\">Revenue is <strong>net sales</strong>: \
                the refund&#x27;s date.</p><p>After</p>";
    assert_eq!(
        by_id(page, "def").as_deref(),
        Some("Revenue is net sales: the refund's date.")
    );
    assert_eq!(by_id(page, "none"), None);
}
