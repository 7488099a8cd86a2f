//! The stock ledger on the product page: every movement newest first with
//! its signed quantity, reason, who and order; keyset pages that neither skip
//! nor repeat a movement; a kind filter that the next page keeps; bad query
//! parameters ignored with a note; a reason shown as text, never as markup.

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::{TestApp, ctx};
use crate::support::html::row_with;
use crate::support::inputs;
use crate::support::pages_http::{get, post, staff_client};
use orderdesk::commands::{adjust_stock::adjust_stock, receive_stock::receive_stock};
use orderdesk::commands::{mark_paid::mark_paid, ship_order::ship_order};
use orderdesk::domain::OrderId;

/// The ledger section of a product page (up to the history after it).
fn ledger(page: &str) -> &str {
    let start = page.find(r#"id="ledger""#).expect("a stock ledger section");
    let rest = &page[start..];
    rest.find("<h2>History</h2>")
        .map_or(rest, |end| &rest[..end])
}

/// The ledger's body rows, each as its cells' text.
fn rows(page: &str) -> Vec<Vec<String>> {
    let body = ledger(page)
        .split_once("<tbody>")
        .and_then(|(_, b)| b.split_once("</tbody>"))
        .map_or("", |(b, _)| b);
    body.split("<tr>")
        .skip(1)
        .filter_map(|row| row_with(&format!("<tr>{row}"), "<td"))
        .filter(|cells| cells.len() == 7) // not the "no movements" line
        .collect()
}

/// The reasons column (the fifth) of the ledger's rows, top to bottom.
fn reasons(page: &str) -> Vec<String> {
    rows(page).into_iter().map(|r| r[4].clone()).collect()
}

/// The href of the ledger link whose text is `label`, `&` decoded, without
/// its fragment (a browser keeps that to itself).
fn link(page: &str, label: &str) -> Option<String> {
    let before = ledger(page).split(&format!("\">{label}</a>")).next()?;
    if before.len() == ledger(page).len() {
        return None;
    }
    let href = before.rsplit("href=\"").next()?;
    let href = href.replace("&#38;", "&").replace("&amp;", "&");
    Some(href.split('#').next().unwrap_or_default().to_owned())
}

async fn receipts(app: &TestApp, product: i64, notes: impl IntoIterator<Item = String>) {
    for note in notes {
        let input = inputs::receipt(product, 1, &note);
        receive_stock(&mut *app.conn().await, input, &ctx())
            .await
            .unwrap();
    }
}

async fn page_of(client: &Client, uri: &str) -> String {
    let (status, page) = get(client, uri).await;
    assert_eq!(status, Status::Ok, "{uri}: {page}");
    page
}

#[tokio::test]
async fn the_ledger_lists_each_movement_newest_first_with_its_sign_reason_who_and_order() {
    let app = TestApp::spawn().await;
    let tee = app.product("TEE-1", "19.99", 0).await;
    receipts(&app, tee, ["PO 7".to_owned()]).await;
    let ada = app.customer("ada@example.com").await;
    let order = app.place(ada, &[("TEE-1", 1)]).await.unwrap().id;
    mark_paid(&mut *app.conn().await, OrderId(order), &ctx())
        .await
        .unwrap();
    ship_order(&mut *app.conn().await, OrderId(order), &ctx())
        .await
        .unwrap();
    let client = staff_client(&app).await;
    // Adjusted by the signed-in clerk, through the page's own form.
    let adjusted = post(
        &client,
        &format!("/products/{tee}/stock/adjust"),
        &[("quantity", "5"), ("reason", "found in the back")],
    )
    .await;
    assert_eq!(adjusted.status(), Status::SeeOther);
    app.refresh().await;

    let page = page_of(&client, &format!("/products/{tee}")).await;

    let rows = rows(&page);
    let kinds: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        kinds,
        ["adjustment", "shipment", "reservation", "receipt"],
        "{page}"
    );
    // Kind, quantity, what it changed, reason, order, who.
    assert_eq!(
        rows[0][1..],
        [
            "adjustment",
            "+5",
            "on hand +5",
            "found in the back",
            "—",
            "clerk"
        ]
    );
    let number = format!("#{order}");
    assert_eq!(
        rows[1][1..],
        [
            "shipment",
            "-1",
            "on hand -1, reserved -1",
            "—",
            &number,
            "system:test"
        ]
    );
    assert_eq!(
        rows[2][1..],
        [
            "reservation",
            "+1",
            "reserved +1",
            "—",
            &number,
            "system:test"
        ]
    );
    assert_eq!(
        rows[3][1..],
        ["receipt", "+1", "on hand +1", "PO 7", "—", "system:test"]
    );
    let shipment = row_with(ledger(&page), "<td>shipment</td>").unwrap();
    assert_eq!(shipment[5], number);
    assert!(
        ledger(&page).contains(&format!(r#"<a href="/orders/{order}">#{order}</a>"#)),
        "the order is a link: {page}"
    );
    // Everything is shown, and the page says so.
    assert!(page.contains("(up to date)"), "{page}");
    assert!(link(&page, "Older movements »").is_none());

    // A movement the ledger has not caught up with yet: the page says a
    // change is pending and shows the ledger as it stands.
    receipts(&app, tee, ["PO 8".to_owned()]).await;
    let page = page_of(&client, &format!("/products/{tee}")).await;
    assert!(page.contains("1 change pending"), "{page}");
    assert_eq!(reasons(&page)[0], "found in the back");
}

#[tokio::test]
async fn pages_follow_each_other_across_the_boundary_without_skipping_or_repeating() {
    let app = TestApp::spawn().await;
    let tee = app.product("TEE-1", "19.99", 0).await;
    receipts(&app, tee, (1..=27).map(|n| format!("R{n:02}"))).await;
    app.refresh().await;
    let client = staff_client(&app).await;

    let first = page_of(&client, &format!("/products/{tee}?size=25")).await;
    let next = link(&first, "Older movements »").expect("a link to older movements");
    // A movement arriving meanwhile is newer than the cursor: not on the next page.
    receipts(&app, tee, ["R28".to_owned()]).await;
    app.refresh().await;
    let second = page_of(&client, &next).await;

    let want_first: Vec<String> = (3..=27).rev().map(|n| format!("R{n:02}")).collect();
    assert_eq!(reasons(&first), want_first);
    assert_eq!(reasons(&second), ["R02", "R01"]);
    assert!(
        next.contains("size=25") && next.contains("before="),
        "{next}"
    );
    assert!(link(&second, "Older movements »").is_none(), "{second}");
    let newest = link(&second, "« Newest movements").expect("a way back to the newest");
    let again = page_of(&client, &newest).await;
    assert_eq!(reasons(&again)[..2], ["R28", "R27"]);
}

#[tokio::test]
async fn the_kind_filter_shows_one_kind_and_the_next_page_keeps_it() {
    let app = TestApp::spawn().await;
    let tee = app.product("TEE-1", "19.99", 0).await;
    receipts(&app, tee, ["in".to_owned()]).await;
    for n in 1..=26 {
        let input = inputs::adjustment(tee, "1", &format!("A{n:02}"));
        adjust_stock(&mut *app.conn().await, input, &ctx())
            .await
            .unwrap();
    }
    receipts(&app, tee, ["in again".to_owned()]).await;
    app.refresh().await;
    let client = staff_client(&app).await;

    let first = page_of(&client, &format!("/products/{tee}?kind=adjustment&size=25")).await;
    let next = link(&first, "Older movements »").expect("a next page of adjustments");
    let second = page_of(&client, &next).await;
    let receipts_only = page_of(&client, &format!("/products/{tee}?kind=receipt")).await;

    let kinds =
        |page: &str| -> Vec<String> { rows(page).into_iter().map(|r| r[1].clone()).collect() };
    assert_eq!(kinds(&first), vec!["adjustment"; 25]);
    assert_eq!(reasons(&first)[0], "A26");
    assert!(next.contains("kind=adjustment"), "{next}");
    assert_eq!(reasons(&second), ["A01"]);
    assert_eq!(reasons(&receipts_only), ["in again", "in"]);
    assert!(
        first.contains(r#"<option value="adjustment" selected>"#),
        "the form shows the kind in use: {first}"
    );
}

#[tokio::test]
async fn bad_ledger_parameters_are_ignored_with_a_note_never_an_error() {
    let app = TestApp::spawn().await;
    let tee = app.product("TEE-1", "19.99", 0).await;
    receipts(&app, tee, ["PO 7".to_owned()]).await;
    app.refresh().await;
    let client = staff_client(&app).await;

    for (query, note) in [
        ("kind=bogus", "“bogus” is not a kind of stock movement"),
        ("before=garbage", "page position was not understood"),
        (
            "before=-8000000000000000000_1",
            "page position was not understood",
        ),
        (
            "before=99999999999999999999_1",
            "page position was not understood",
        ),
        ("before=1_0", "page position was not understood"),
    ] {
        let page = page_of(&client, &format!("/products/{tee}?{query}")).await;
        assert!(page.contains(note), "{query}: {page}");
        assert_eq!(
            reasons(&page),
            ["PO 7"],
            "{query}: the newest of every kind"
        );
    }
    // Markup in an ignored value is shown as text.
    let page = page_of(&client, &format!("/products/{tee}?kind=%3Cb%3Ex")).await;
    assert!(!page.contains("<b>x"), "{page}");
    // A size not offered is the default; a cursor before everything is an
    // empty page, said so.
    let page = page_of(&client, &format!("/products/{tee}?size=abc&kind=")).await;
    assert_eq!(reasons(&page), ["PO 7"]);
    let page = page_of(&client, &format!("/products/{tee}?before=1_1")).await;
    assert!(rows(&page).is_empty());
    assert!(
        page.contains("No movements yet before this point."),
        "{page}"
    );
}

#[tokio::test]
async fn a_reason_with_markup_is_shown_as_text() {
    let app = TestApp::spawn().await;
    let tee = app.product("TEE-1", "19.99", 3).await;
    let reason = r#"<script>alert("x")</script> & <b>broken</b>"#;
    let input = inputs::adjustment(tee, "-1", reason);
    adjust_stock(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap();
    app.refresh().await;
    let client = staff_client(&app).await;

    let page = page_of(&client, &format!("/products/{tee}")).await;

    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<b>broken"), "{page}");
    assert!(
        ledger(&page)
            .contains("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#60;b&#62;"),
        "{page}"
    );
}
