//! EditOrder: quantities raised and lowered, lines added and removed, stock
//! moved by exactly the difference, totals as `Basket::totals` computes
//! them, the refusals (inactive products, no lines left, shipped or
//! cancelled orders, a stale version, a shortage) writing nothing, a double
//! submit applied once, and a paid order's balance after an edit.

use std::num::NonZeroU32;

use orderdesk::commands::edit_order::{EditOrder, edit_order};
use orderdesk::commands::order_money::ShippingCharge;
use orderdesk::commands::ship_order::ship_order;
use orderdesk::commands::{Ack, CommandError};
use orderdesk::domain::totals::{Amount, Basket, Discount, Line, Pricing, Shipping};
use orderdesk::domain::{OrderId, Percent, Sku, TaxRateId};
use serde_json::json;

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

async fn edit(app: &TestApp, input: EditOrder) -> Result<Ack, CommandError> {
    edit_order(&mut *app.conn().await, input, &ctx()).await
}

/// The newest `order_edited` payload of the order.
async fn last_edit(app: &TestApp, order: i64) -> serde_json::Value {
    app.json(&format!(
        "SELECT payload FROM events WHERE aggregate_id = {order} \
         AND event_type = 'order_edited' ORDER BY id DESC LIMIT 1"
    ))
    .await
}

fn lines_error(e: &CommandError) -> String {
    match e {
        CommandError::Invalid(f) => f.get("lines").or(f.get("form")).unwrap_or("").to_owned(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn raising_a_quantity_reserves_the_difference_and_reprices_the_order() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10.00", 10).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;

    let ack = edit(&app, inputs::edit(order, 1, &[("TEE", 3)]))
        .await
        .unwrap();

    assert_eq!((ack.version, ack.replayed), (Some(2), false));
    assert_eq!(app.stock(tee).await, (10, 3));
    assert_eq!(
        app.scalar(&format!(
            "SELECT grand_total_cents FROM orders WHERE id = {order}"
        ))
        .await,
        3000
    );
    let movements = app
        .json(&format!(
            "SELECT jsonb_agg(jsonb_build_array(kind, quantity) ORDER BY id) \
             FROM stock_movements WHERE order_id = {order}"
        ))
        .await;
    assert_eq!(movements, json!([["reservation", 2], ["reservation", 1]]));
    let p = last_edit(&app, order).await;
    assert_eq!(p["schema_version"], 1);
    assert_eq!(
        (&p["old_total_cents"], &p["new_total_cents"]),
        (&json!(2000), &json!(3000))
    );
    assert_eq!(p["lines"][0]["change"], "changed");
    assert_eq!(
        (
            &p["lines"][0]["old_quantity"],
            &p["lines"][0]["new_quantity"]
        ),
        (&json!(2), &json!(3))
    );
    assert_eq!(p["shipping_address_changed"], false);
    assert_eq!(app.scalar("SELECT count(*) FROM order_edits").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn quantity_0_or_a_left_out_line_removes_it_and_a_new_sku_is_added() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10.00", 10).await;
    let mug = app.product("MUG", "5.00", 10).await;
    let cap = app.product("CAP", "7.50", 10).await;
    let order = app.place(ada, &[("TEE", 2), ("MUG", 1)]).await.unwrap().id;

    // TEE at 0 and MUG left out: both removed; CAP added.
    edit(&app, inputs::edit(order, 1, &[("TEE", 0), ("CAP", 2)]))
        .await
        .unwrap();

    assert_eq!(app.stock(tee).await, (10, 0));
    assert_eq!(app.stock(mug).await, (10, 0));
    assert_eq!(app.stock(cap).await, (10, 2));
    let lines = app
        .json(&format!(
            "SELECT jsonb_agg(jsonb_build_array(line_no, product_id, quantity)) \
             FROM order_lines WHERE order_id = {order}"
        ))
        .await;
    assert_eq!(lines, json!([[1, cap, 2]]));
    let p = last_edit(&app, order).await;
    let kinds: Vec<_> = p["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["sku"].as_str().unwrap().to_owned(),
                l["change"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("TEE".into(), "removed".into()),
            ("MUG".into(), "removed".into()),
            ("CAP".into(), "added".into())
        ]
    );
    assert_eq!(
        (&p["old_total_cents"], &p["new_total_cents"]),
        (&json!(2500), &json!(1500))
    );
    // The stock ledger equals the stock: received − reserved by movements.
    let reserved = app
        .scalar(&format!(
            "SELECT sum(quantity) FROM stock_movements WHERE product_id = {tee} \
             AND kind IN ('reservation', 'release')"
        ))
        .await;
    assert_eq!(reserved, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_inactive_products_line_may_be_kept_or_lowered_but_not_raised_or_added() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let mug = app.product("MUG", "5.00", 10).await;
    let old = app.product("OLD", "3.00", 10).await;
    let order = app.place(ada, &[("MUG", 2)]).await.unwrap().id;
    app.exec(&format!(
        "UPDATE products SET active = false WHERE id IN ({mug}, {old})"
    ))
    .await;
    let before = app.snapshot().await;

    let raised = edit(&app, inputs::edit(order, 1, &[("MUG", 3)]))
        .await
        .unwrap_err();
    assert!(lines_error(&raised).contains("MUG"), "{raised:?}");
    assert!(lines_error(&raised).contains("not raised"), "{raised:?}");
    let added = edit(&app, inputs::edit(order, 1, &[("MUG", 2), ("OLD", 1)]))
        .await
        .unwrap_err();
    assert!(lines_error(&added).contains("OLD"), "{added:?}");
    assert_eq!(app.snapshot().await, before, "nothing written");

    edit(&app, inputs::edit(order, 1, &[("MUG", 1)]))
        .await
        .unwrap();
    assert_eq!(app.stock(mug).await, (10, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_leaving_no_lines_is_refused_saying_cancel_instead() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let before = app.snapshot().await;

    let e = edit(&app, inputs::edit(order, 1, &[("TEE", 0)]))
        .await
        .unwrap_err();

    assert!(
        lines_error(&e).contains("cancel the order instead"),
        "{e:?}"
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn shipped_and_cancelled_orders_are_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let shipped = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    app.mark_paid(shipped).await;
    ship_order(&mut *app.conn().await, OrderId(shipped), &ctx())
        .await
        .unwrap();
    let cancelled = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    orderdesk::commands::cancel_order::cancel_order(
        &mut *app.conn().await,
        inputs::cancel(cancelled, "customer changed their mind"),
        &ctx(),
    )
    .await
    .unwrap();
    let before = app.snapshot().await;

    let e = edit(&app, inputs::edit(shipped, 2, &[("TEE", 2)]))
        .await
        .unwrap_err();
    assert!(lines_error(&e).contains("that is a return"), "{e:?}");
    let e = edit(&app, inputs::edit(cancelled, 2, &[("TEE", 2)]))
        .await
        .unwrap_err();
    assert!(lines_error(&e).contains("cancelled"), "{e:?}");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_version_is_a_conflict_naming_what_the_order_holds_now() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    edit(&app, inputs::edit(order, 1, &[("TEE", 4)]))
        .await
        .unwrap();
    let before = app.snapshot().await;

    let e = edit(&app, inputs::edit(order, 1, &[("TEE", 3)]))
        .await
        .unwrap_err();

    let CommandError::Conflict(c) = e else {
        panic!("expected a conflict: {e:?}")
    };
    assert_eq!(c.current_version, Some(2));
    assert_eq!(c.changes, vec![("Lines".to_owned(), "TEE × 4".to_owned())]);
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conflict_names_a_colleagues_new_address_and_line_discount_too() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let mut colleague = inputs::edit(order, 1, &[("TEE", 2)]);
    colleague.shipping = orderdesk::commands::place_order::AddressChoice::New {
        address: inputs::address("Ada Tester", "9 Office Park", "Town", "GB"),
        save_to_book: false,
        label: orderdesk::domain::AddressLabel::default(),
    };
    colleague.line_discounts.insert(
        orderdesk::domain::Sku::parse("TEE").unwrap(),
        orderdesk::domain::totals::Discount::parse("10%", 2)
            .unwrap()
            .unwrap(),
    );
    edit(&app, colleague).await.unwrap();

    let e = edit(&app, inputs::edit(order, 1, &[("TEE", 2)]))
        .await
        .unwrap_err();

    let CommandError::Conflict(c) = e else {
        panic!("expected a conflict: {e:?}")
    };
    let names: Vec<&str> = c.changes.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Line discounts", "Ship to"], "{:?}", c.changes);
    assert_eq!(c.changes[0].1, "TEE: 10%");
    assert!(c.changes[1].1.contains("9 Office Park"), "{:?}", c.changes);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_payment_does_not_make_an_open_edit_conflict() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let deposit = crate::commands::payments::payment(order, 500, false);
    orderdesk::commands::record_payment::record_payment(&mut *app.conn().await, deposit, &ctx())
        .await
        .unwrap();

    edit(&app, inputs::edit(order, 1, &[("TEE", 3)]))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_double_submit_applies_once_and_both_get_the_same_answer() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let ada = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10.00", 10).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let input = inputs::edit(order, 1, &[("TEE", 5)]);

    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (app, input) = (app.clone(), input.clone());
            tokio::spawn(async move { edit(&app, input).await })
        })
        .collect();
    let mut acks = Vec::new();
    for t in tasks {
        acks.push(t.await.unwrap().unwrap());
    }

    assert!(
        acks.iter()
            .all(|a| (a.version, a.event_id) == (acks[0].version, acks[0].event_id))
    );
    assert_eq!(acks.iter().filter(|a| !a.replayed).count(), 1);
    assert_eq!(app.stock(tee).await, (10, 5));
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE event_type = 'order_edited'")
            .await,
        1
    );
    let mut other = inputs::edit(order, 2, &[("TEE", 1)]);
    other.idempotency_key = input.idempotency_key.clone();
    assert!(matches!(
        edit(&app, other).await,
        Err(CommandError::Conflict(_))
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_raise_beyond_the_stock_is_a_shortage_naming_the_sku_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 3).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let before = app.snapshot().await;

    let e = edit(&app, inputs::edit(order, 1, &[("TEE", 5)]))
        .await
        .unwrap_err();

    let CommandError::InsufficientStock(s) = e else {
        panic!("expected a shortage: {e:?}")
    };
    assert_eq!(
        (s[0].sku.as_str(), s[0].requested, s[0].available),
        ("TEE", 3, 1)
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stored_totals_are_basket_totals_of_the_new_lines_kept_lines_at_their_price() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10.00", 10).await;
    app.product("MUG", "5.00", 10).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    // The catalogue price moves after the order was placed: the kept line keeps 10.00.
    app.exec(&format!(
        "UPDATE products SET price_cents = 1200 WHERE id = {tee}"
    ))
    .await;
    let zero = app
        .scalar("SELECT id FROM tax_rates WHERE name = 'Zero'")
        .await;
    let mut input = inputs::edit(order, 1, &[("TEE", 3), ("MUG", 1)]);
    let ten = Discount::Percent(Percent::from_ppm(100_000).unwrap());
    input.line_discounts.insert(Sku::parse("TEE").unwrap(), ten);
    input.order_discount = Some(Discount::Amount(Amount::new(100).unwrap()));
    input.shipping_charge = Some(ShippingCharge {
        amount: Amount::new(495).unwrap(),
        tax_rate_id: TaxRateId(zero),
    });

    edit(&app, input).await.unwrap();

    let line = |price, qty, discount| Line {
        unit_price: Amount::new(price).unwrap(),
        quantity: NonZeroU32::new(qty).unwrap(),
        tax_rate: Percent::ZERO,
        discount,
    };
    let expected = Basket {
        pricing: Pricing::TaxExclusive,
        lines: vec![line(1000, 3, Some(ten)), line(500, 1, None)],
        order_discount: Some(Discount::Amount(Amount::new(100).unwrap())),
        shipping: Some(Shipping {
            charge: Amount::new(495).unwrap(),
            tax_rate: Percent::ZERO,
            free_from: None,
        }),
    }
    .totals()
    .unwrap();
    let stored = app
        .json(&format!(
            "SELECT jsonb_build_array(subtotal_cents, discount_total_cents, shipping_cents, \
             grand_total_cents) FROM orders WHERE id = {order}"
        ))
        .await;
    assert_eq!(
        stored,
        json!([
            expected.subtotal,
            expected.discount_total,
            expected.shipping,
            expected.grand_total
        ])
    );
    let nets = app
        .json(&format!(
            "SELECT jsonb_agg(net_cents ORDER BY line_no) FROM order_lines WHERE order_id = {order}"
        ))
        .await;
    let expected_nets: Vec<i64> = expected.lines.iter().map(|l| l.net).collect();
    assert_eq!(nets, json!(expected_nets));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_paid_order_raised_owes_a_balance_and_lowered_has_an_amount_to_refund() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    app.mark_paid(order).await;
    let sql = format!(
        "SELECT jsonb_build_array(payment_status, grand_total_cents - paid_cents + refunded_cents, \
         paid_cents) FROM orders WHERE id = {order}"
    );

    // Paying moved no version: the order is still at its first.
    edit(&app, inputs::edit(order, 1, &[("TEE", 3)]))
        .await
        .unwrap();
    assert_eq!(app.json(&sql).await, json!(["partly_paid", 1000, 2000]));
    assert_eq!(last_edit(&app, order).await["net_paid_cents"], 2000);

    edit(&app, inputs::edit(order, 2, &[("TEE", 1)]))
        .await
        .unwrap();
    assert_eq!(app.json(&sql).await, json!(["overpaid", -1000, 2000]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_address_replaces_the_orders_copy_and_says_so() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let mut input = inputs::edit(order, 1, &[("TEE", 2)]);
    input.shipping = orderdesk::commands::place_order::AddressChoice::New {
        address: inputs::address("Ada Tester", "9 Office Park", "Town", "GB"),
        save_to_book: false,
        label: orderdesk::domain::AddressLabel::default(),
    };

    edit(&app, input).await.unwrap();

    let line1 = app
        .json(&format!(
            "SELECT to_jsonb(line1) FROM order_addresses \
             WHERE order_id = {order} AND role = 'shipping'"
        ))
        .await;
    assert_eq!(line1, "9 Office Park");
    let p = last_edit(&app, order).await;
    assert_eq!(
        (&p["shipping_address_changed"], &p["lines"]),
        (&json!(true), &json!([]))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invoiced_order_edited_gets_a_credit_note_in_full_and_a_new_invoice() {
    use orderdesk::commands::issue_invoice::{IssueInvoice, issue_invoice};
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let issue = IssueInvoice {
        order_id: OrderId(order),
    };
    issue_invoice(&mut *app.conn().await, issue, &ctx())
        .await
        .unwrap();

    let ack = edit(&app, inputs::edit(order, 1, &[("TEE", 3)]))
        .await
        .unwrap();

    let documents = app
        .json(&format!(
            "SELECT jsonb_agg(jsonb_build_array(kind, grand_total_cents) ORDER BY id) \
             FROM invoices WHERE order_id = {order}"
        ))
        .await;
    assert_eq!(
        documents,
        json!([["invoice", 2000], ["credit_note", 2000], ["invoice", 3000]])
    );
    let events = app
        .json(&format!(
            "SELECT jsonb_agg(event_type ORDER BY id) FROM events WHERE aggregate_id = {order} \
             AND aggregate_type = 'order' AND id > (SELECT min(id) FROM events \
             WHERE aggregate_id = {order} AND event_type = 'invoice_issued')"
        ))
        .await;
    assert_eq!(
        events,
        json!(["order_edited", "credit_note_issued", "invoice_issued"])
    );
    let newest = app
        .scalar(&format!(
            "SELECT max(id) FROM events WHERE aggregate_id = {order} AND aggregate_type = 'order'"
        ))
        .await;
    assert_eq!(ack.event_id, newest, "the page waits for the new invoice");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_of_an_order_without_an_invoice_issues_none() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;

    edit(&app, inputs::edit(order, 1, &[("TEE", 1)]))
        .await
        .unwrap();

    let documents = app
        .scalar(&format!(
            "SELECT count(*) FROM invoices WHERE order_id = {order}"
        ))
        .await;
    assert_eq!(documents, 0);
}
