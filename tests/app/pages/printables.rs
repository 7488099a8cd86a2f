//! Printables: packing slips (one order or several), invoices and the pick
//! list, with the shop's name and address from the settings.

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::{TestApp, ctx};

const SHOP: &[(&str, &str)] = &[
    ("shop_name", "Bits & Bobs"),
    ("shop_address", "3 Mill Lane\nLeeds LS1 4AB"),
];

async fn get(client: &Client, uri: &str) -> (Status, String) {
    let r = client.get(uri.to_owned()).dispatch().await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

/// Orders: #a (2 TEE + 1 MUG) and #b (3 TEE) paid, #c (1 MUG) placed, #d (1 MUG) shipped.
async fn orders(app: &TestApp) -> [i64; 4] {
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 20).await;
    app.product("MUG", "7.50", 20).await;
    let a = app
        .place(customer, &[("TEE", 2), ("MUG", 1)])
        .await
        .unwrap()
        .id;
    let b = app.place(customer, &[("TEE", 3)]).await.unwrap().id;
    let c = app.place(customer, &[("MUG", 1)]).await.unwrap().id;
    let d = app.place(customer, &[("MUG", 1)]).await.unwrap().id;
    let mut conn = app.conn().await;
    for id in [a, b, d] {
        orderdesk::commands::mark_paid::mark_paid(
            &mut conn,
            orderdesk::domain::OrderId(id),
            &ctx(),
        )
        .await
        .unwrap();
    }
    orderdesk::commands::ship_order::ship_order(&mut conn, orderdesk::domain::OrderId(d), &ctx())
        .await
        .unwrap();
    drop(conn);
    app.refresh().await;
    [a, b, c, d]
}

#[tokio::test]
async fn a_packing_slip_has_the_shop_the_address_and_the_lines_without_prices() {
    let app = TestApp::spawn().await;
    let [a, ..] = orders(&app).await;
    let (client, _) = app.signed_in_with("viewer", SHOP).await;

    let (status, slip) = get(&client, &format!("/orders/{a}/slip")).await;

    assert_eq!(status, Status::Ok);
    assert!(
        slip.contains(r#"<p class="shop-name">Bits &#38; Bobs</p>"#),
        "{slip}"
    );
    assert!(
        slip.contains(
            r#"<p class="shop-line">3 Mill Lane</p><p class="shop-line">Leeds LS1 4AB</p>"#
        )
    );
    assert!(slip.contains(&format!(
        r#"<h2 id="slip-{a}">Packing slip · Order #{a}</h2>"#
    )));
    assert!(
        slip.contains(
            r#"<p class="postal">Ada Tester<br>1 High Street<br>Town<br>United Kingdom</p>"#
        ),
        "{slip}"
    );
    assert!(
        slip.contains(r#"<td><code>MUG</code></td><td>Product MUG</td><td class="num">1</td>"#)
    );
    assert!(
        slip.contains(r#"<td><code>TEE</code></td><td>Product TEE</td><td class="num">2</td>"#)
    );
    assert!(slip.contains(r#"<th scope="row" colspan="3">Items</th><td class="num">3</td>"#));
    assert!(!slip.contains('$'), "a packing slip shows no prices");
}

#[tokio::test]
async fn several_orders_print_as_one_sheet_each_and_missing_ones_are_named() {
    let app = TestApp::spawn().await;
    let [a, b, ..] = orders(&app).await;
    let (client, _) = app.signed_in_with("clerk", SHOP).await;

    let (status, slips) = get(&client, &format!("/orders/slips?ids={b},{a},999999")).await;
    let (bad, _) = get(&client, "/orders/slips?ids=1,x").await;
    let (none, _) = get(&client, "/orders/slips?ids=").await;
    let (unknown, _) = get(&client, "/orders/slips?ids=999999").await;

    assert_eq!(status, Status::Ok);
    assert_eq!(slips.matches(r#"<article class="sheet""#).count(), 2);
    let (first, second) = (
        slips.find(&format!(r#"id="slip-{a}""#)).unwrap(),
        slips.find(&format!(r#"id="slip-{b}""#)).unwrap(),
    );
    assert!(first < second, "ascending order numbers");
    assert!(slips.contains("Not printed (not in the order list yet, or no such order): #999999"));
    assert_eq!(bad, Status::UnprocessableEntity);
    assert_eq!(none, Status::UnprocessableEntity);
    assert_eq!(unknown, Status::NotFound);
}

#[tokio::test]
async fn an_invoice_prices_each_line_in_the_shops_currency() {
    let app = TestApp::spawn().await;
    let [a, ..] = orders(&app).await;
    let (client, _) = app.signed_in_with("clerk", SHOP).await;

    let (status, invoice) = get(&client, &format!("/orders/{a}/invoice")).await;
    let (missing, _) = get(&client, "/orders/999999/invoice").await;

    assert_eq!(status, Status::Ok);
    assert!(invoice.contains(r#"<td><code>TEE</code></td><td>Product TEE</td><td class="num">2</td><td class="num">$10.00</td><td class="num">$20.00</td>"#), "{invoice}");
    assert!(invoice.contains(r#"<td><code>MUG</code></td><td>Product MUG</td><td class="num">1</td><td class="num">$7.50</td><td class="num">$7.50</td>"#));
    assert!(invoice.contains(r#"Grand total</th><td class="num"><strong>$27.50</strong>"#));
    assert!(
        invoice
            .contains("<p><strong>Customer ada@example.com</strong> &lt;ada@example.com&gt;</p>")
    );
    assert_eq!(missing, Status::NotFound);
}

#[tokio::test]
async fn the_pick_list_sums_paid_unshipped_orders_per_product() {
    let app = TestApp::spawn().await;
    let [a, b, ..] = orders(&app).await;
    let (client, _) = app.signed_in_with("clerk", SHOP).await;

    let (status, list) = get(&client, "/orders/pick-list").await;

    assert_eq!(status, Status::Ok);
    assert!(list.contains("2 orders · 6 units"), "{list}");
    assert!(list.contains(&format!(
        r#"<td><code>MUG</code></td><td>Product MUG</td><td class="num"><strong>1</strong></td>
      <td>#{a}&nbsp;×&nbsp;1</td>"#
    )));
    assert!(list.contains(&format!(
        r#"<td><code>TEE</code></td><td>Product TEE</td><td class="num"><strong>5</strong></td>
      <td>#{a}&nbsp;×&nbsp;2, #{b}&nbsp;×&nbsp;3</td>"#
    )));
    assert_eq!(list.matches(r#"<span class="tick""#).count(), 2);
}

#[tokio::test]
async fn an_empty_pick_list_says_there_is_nothing_to_pick() {
    let app = TestApp::spawn().await;
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;

    let (status, list) = get(&client, "/orders/pick-list").await;

    assert_eq!(status, Status::Ok);
    assert!(list.contains("Nothing to pick: no order is paid and waiting to ship."));
    assert!(list.contains("0 orders · 0 units"));
}
