//! PlaceOrder's money: what an order with discounts, a shipping charge and
//! products at several rates stores (orders, order_lines, order_taxes, the
//! event) is exactly what the one pricing function, `Basket::totals`,
//! computes, and a later change of a rate leaves it so; bad money input is
//! refused beside its field and writes nothing; the storms hold with
//! discounts and shipping.

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::Arc;

use orderdesk::commands::CommandError;
use orderdesk::commands::adjust_stock::adjust_stock;
use orderdesk::commands::archive_tax_rate::{ArchiveTaxRate, archive_tax_rate};
use orderdesk::commands::change_shop_settings::{
    ChangeShopSettings, change_shop_settings, current,
};
use orderdesk::commands::create_product::create_product;
use orderdesk::commands::create_tax_rate::{TaxRateDetails, create_tax_rate};
use orderdesk::commands::order_money::ShippingCharge;
use orderdesk::commands::place_order::{PlaceOrder, place_order};
use orderdesk::commands::receive_stock::receive_stock;
use orderdesk::commands::update_tax_rate::{UpdateTaxRate, update_tax_rate};
use orderdesk::domain::totals::{Amount, Basket, Discount, Line, OrderTotals, Pricing, Shipping};
use orderdesk::domain::{Percent, Sku, TaxRateId, TaxRateName};
use serde_json::{Value, json};

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

/// A shop with a Standard (20 %) and a Reduced (5 %) rate, and three
/// products, created in this order (so their lines are priced in it):
/// BOOK 12.99 at 5 %, LAMP 39.99 at 20 %, MUG 7.25 at 20 %.
struct Shop {
    app: TestApp,
    customer: i64,
    standard: TaxRateId,
    reduced: TaxRateId,
}

const BOOK: (&str, i64, u32) = ("BOOK", 1299, 5);
const LAMP: (&str, i64, u32) = ("LAMP", 3999, 20);
const MUG: (&str, i64, u32) = ("MUG", 725, 20);

async fn rate(app: &TestApp, name: &str, percent: u32) -> TaxRateId {
    let details = TaxRateDetails {
        name: TaxRateName::parse(name).unwrap(),
        rate: Percent::whole(percent).unwrap(),
    };
    TaxRateId(
        create_tax_rate(&mut *app.conn().await, details, &ctx())
            .await
            .unwrap()
            .id,
    )
}

async fn shop(app: TestApp, include_tax: bool) -> Shop {
    let standard = rate(&app, "Standard", 20).await;
    let reduced = rate(&app, "Reduced", 5).await;
    for (sku, cents, percent) in [BOOK, LAMP, MUG] {
        let mut input = inputs::product(sku, sku, &format!("{}.{:02}", cents / 100, cents % 100));
        input.details.tax_rate = Some(if percent == 5 { reduced } else { standard });
        let id = create_product(&mut *app.conn().await, input, &ctx())
            .await
            .unwrap()
            .id;
        receive_stock(&mut *app.conn().await, inputs::receipt(id, 100, ""), &ctx())
            .await
            .unwrap();
    }
    if include_tax {
        let (mut settings, version) = current(&mut *app.conn().await).await.unwrap();
        settings.prices_include_tax = true;
        let change = ChangeShopSettings {
            expected_version: version,
            settings,
        };
        change_shop_settings(&mut *app.conn().await, change, &ctx())
            .await
            .unwrap();
    }
    let customer = app.customer("ada@example.com").await;
    Shop {
        app,
        customer,
        standard,
        reduced,
    }
}

fn sku(s: &str) -> Sku {
    Sku::parse(s).unwrap()
}

fn amount(minor: i64) -> Amount {
    Amount::new(minor).unwrap()
}

fn percent(p: u32) -> Discount {
    Discount::Percent(Percent::whole(p).unwrap())
}

/// 2 BOOK with 2.50 off, 1 LAMP with 10 % off, 3 MUG; 5.00 off the order;
/// 4.99 shipping at the standard rate.
fn priced_order(shop: &Shop) -> PlaceOrder {
    let mut input = inputs::order(shop.customer, &[("BOOK", 2), ("LAMP", 1), ("MUG", 3)]);
    input.line_discounts = BTreeMap::from([
        (sku("BOOK"), Discount::Amount(amount(250))),
        (sku("LAMP"), percent(10)),
    ]);
    input.order_discount = Some(Discount::Amount(amount(500)));
    input.shipping_charge = Some(ShippingCharge {
        amount: amount(499),
        tax_rate_id: shop.standard,
    });
    input
}

/// The same order as the pricing function sees it.
fn expected(pricing: Pricing) -> OrderTotals {
    let line = |(_, cents, rate): (&str, i64, u32), qty: u32, discount| Line {
        unit_price: amount(cents),
        quantity: NonZeroU32::new(qty).unwrap(),
        tax_rate: Percent::whole(rate).unwrap(),
        discount,
    };
    Basket {
        pricing,
        lines: vec![
            line(BOOK, 2, Some(Discount::Amount(amount(250)))),
            line(LAMP, 1, Some(percent(10))),
            line(MUG, 3, None),
        ],
        order_discount: Some(Discount::Amount(amount(500))),
        shipping: Some(Shipping {
            charge: amount(499),
            tax_rate: Percent::whole(20).unwrap(),
            free_from: None,
        }),
    }
    .totals()
    .unwrap()
}

/// What the order, its lines and its taxes store, as JSON arrays.
async fn stored(app: &TestApp, id: i64) -> (Value, Value, Value) {
    let order = app
        .json(&format!(
            "SELECT jsonb_build_array(pricing, subtotal_cents, line_discounts_cents, \
             order_discount_cents, discount_total_cents, shipping_cents, shipping_net_cents, \
             shipping_tax_cents, net_total_cents, tax_total_cents, grand_total_cents) \
             FROM orders WHERE id = {id}"
        ))
        .await;
    let lines = app
        .json(&format!(
            "SELECT jsonb_agg(jsonb_build_array(tax_rate_ppm, subtotal_cents, \
             line_discount_cents, order_discount_cents, net_cents, tax_cents, total_cents) \
             ORDER BY line_no) FROM order_lines WHERE order_id = {id}"
        ))
        .await;
    let taxes = app
        .json(&format!(
            "SELECT jsonb_agg(jsonb_build_array(rate_ppm, net_cents, tax_cents, gross_cents) \
             ORDER BY rate_ppm) FROM order_taxes WHERE order_id = {id}"
        ))
        .await;
    (order, lines, taxes)
}

fn figures(t: &OrderTotals, pricing: &str) -> (Value, Value, Value) {
    let s = t.shipping_amounts.unwrap();
    let order = json!([
        pricing,
        t.subtotal,
        t.line_discounts,
        t.order_discount,
        t.discount_total,
        t.shipping,
        s.net,
        s.tax,
        t.net_total,
        t.tax_total,
        t.grand_total
    ]);
    let lines = t
        .lines
        .iter()
        .map(|l| {
            json!([
                l.tax_rate.ppm(),
                l.subtotal,
                l.line_discount,
                l.order_discount,
                l.net,
                l.tax,
                l.total
            ])
        })
        .collect();
    let taxes = t
        .taxes
        .iter()
        .map(|x| json!([x.rate.ppm(), x.net, x.tax, x.gross]))
        .collect();
    (order, Value::Array(lines), Value::Array(taxes))
}

async fn stores_what_the_pricing_function_computes(include_tax: bool) {
    let shop = shop(TestApp::spawn().await, include_tax).await;
    let (pricing, name) = if include_tax {
        (Pricing::TaxInclusive, "tax_inclusive")
    } else {
        (Pricing::TaxExclusive, "tax_exclusive")
    };
    let want = expected(pricing);

    let ack = place_order(&mut *shop.app.conn().await, priced_order(&shop), &ctx())
        .await
        .unwrap();

    assert_eq!(stored(&shop.app, ack.id).await, figures(&want, name));
    // Two rates, each once; the discounts as entered are kept.
    assert_eq!(want.taxes.len(), 2);
    assert!(want.discount_total > 0 && want.order_discount == 500);
    let entered = shop
        .app
        .json(&format!(
            "SELECT jsonb_agg(jsonb_build_array(discount_kind, discount_value) ORDER BY line_no) \
             FROM order_lines WHERE order_id = {}",
            ack.id
        ))
        .await;
    assert_eq!(
        entered,
        json!([["amount", 250], ["percent", 100_000], [null, null]])
    );
    let event = shop
        .app
        .json(&format!(
            "SELECT payload -> 'money' FROM events WHERE event_type = 'order_placed' \
             AND aggregate_id = {}",
            ack.id
        ))
        .await;
    assert_eq!(event["grand_total_cents"], json!(want.grand_total));
    assert_eq!(event["tax_total_cents"], json!(want.tax_total));
    assert_eq!(event["shipping"]["tax_rate_id"], json!(shop.standard.get()));
}

#[tokio::test]
async fn an_order_priced_excluding_tax_stores_exactly_what_basket_totals_computes() {
    stores_what_the_pricing_function_computes(false).await;
}

#[tokio::test]
async fn an_order_priced_including_tax_stores_exactly_what_basket_totals_computes() {
    stores_what_the_pricing_function_computes(true).await;
}

#[tokio::test]
async fn changing_a_rate_later_never_changes_an_order_already_placed_at_it() {
    let shop = shop(TestApp::spawn().await, false).await;
    let id = place_order(&mut *shop.app.conn().await, priced_order(&shop), &ctx())
        .await
        .unwrap()
        .id;
    let placed = stored(&shop.app, id).await;
    let version = format!("SELECT version FROM orders WHERE id = {id}");
    let version_before = shop.app.scalar(&version).await;

    let update = UpdateTaxRate {
        tax_rate_id: shop.standard,
        expected_version: 1,
        details: TaxRateDetails {
            name: TaxRateName::parse("Standard").unwrap(),
            rate: Percent::whole(21).unwrap(),
        },
    };
    update_tax_rate(&mut *shop.app.conn().await, update, &ctx())
        .await
        .unwrap();

    // The rate did change: an order placed now is priced at 21 %.
    let later = place_order(
        &mut *shop.app.conn().await,
        inputs::order(shop.customer, &[("LAMP", 1)]),
        &ctx(),
    )
    .await
    .unwrap()
    .id;
    let later_rate = format!("SELECT tax_rate_ppm FROM order_lines WHERE order_id = {later}");
    assert_eq!(shop.app.scalar(&later_rate).await, 210_000);
    // The first order's lines, taxes per rate and totals are as placed, at 20 %.
    assert_eq!(stored(&shop.app, id).await, placed);
    assert_eq!(
        placed,
        figures(&expected(Pricing::TaxExclusive), "tax_exclusive")
    );
    assert_eq!(placed.2[1][0], json!(200_000), "{placed:?}");
    assert_eq!(shop.app.scalar(&version).await, version_before);
}

#[tokio::test]
async fn a_percentage_order_discount_is_split_pro_rata_and_its_shares_sum_to_it() {
    let shop = shop(TestApp::spawn().await, false).await;
    let mut input = inputs::order(shop.customer, &[("BOOK", 1), ("LAMP", 1), ("MUG", 1)]);
    input.order_discount = Some(percent(15));

    let id = place_order(&mut *shop.app.conn().await, input, &ctx())
        .await
        .unwrap()
        .id;

    // 15 % of 12.99 + 39.99 + 7.25 = 60.23 is 9.0345, rounded once: 9.03.
    let order = format!("SELECT order_discount_cents FROM orders WHERE id = {id}");
    assert_eq!(shop.app.scalar(&order).await, 903);
    let shares = format!("SELECT sum(order_discount_cents) FROM order_lines WHERE order_id = {id}");
    assert_eq!(shop.app.scalar(&shares).await, 903);
    // LAMP's exact share is 599.57…: its floor, as the two units left over
    // go to the larger remainders (BOOK's .75, MUG's .69).
    let lamp = format!(
        "SELECT l.order_discount_cents FROM order_lines l JOIN products p ON p.id = l.product_id \
         WHERE l.order_id = {id} AND p.sku = 'LAMP'"
    );
    assert_eq!(shop.app.scalar(&lamp).await, 599);
}

/// `input` is refused with an error on `field`, and nothing is written.
async fn refused_beside(shop: &Shop, input: PlaceOrder, field: &str) {
    let before = shop.app.snapshot().await;
    let taxes = shop.app.scalar("SELECT count(*) FROM order_taxes").await;

    let err = place_order(&mut *shop.app.conn().await, input, &ctx())
        .await
        .unwrap_err();

    assert!(
        matches!(&err, CommandError::Invalid(e) if e.get(field).is_some()),
        "expected an error on {field}: {err:?}"
    );
    assert_eq!(shop.app.snapshot().await, before);
    assert_eq!(
        shop.app.scalar("SELECT count(*) FROM order_taxes").await,
        taxes
    );
}

#[tokio::test]
async fn bad_money_input_is_refused_beside_its_field_and_writes_nothing() {
    let shop = shop(TestApp::spawn().await, false).await;

    // A line discount above the line's value (2 × 12.99 = 25.98).
    let mut input = priced_order(&shop);
    input
        .line_discounts
        .insert(sku("BOOK"), Discount::Amount(amount(2599)));
    refused_beside(&shop, input, "lines").await;

    // An order discount above the lines after their discounts.
    let mut input = priced_order(&shop);
    input.order_discount = Some(Discount::Amount(amount(1_000_000)));
    refused_beside(&shop, input, "order_discount").await;

    // A discount for a SKU the order has no line of.
    let mut input = priced_order(&shop);
    input.line_discounts.insert(sku("MUG2"), percent(5));
    refused_beside(&shop, input, "lines").await;

    // An unknown shipping rate.
    let mut input = priced_order(&shop);
    input.shipping_charge = Some(ShippingCharge {
        amount: amount(499),
        tax_rate_id: TaxRateId(9_999),
    });
    refused_beside(&shop, input, "shipping_tax_rate").await;

    // An archived shipping rate (BOOK keeps it: products may).
    let archive = ArchiveTaxRate {
        tax_rate_id: shop.reduced,
        expected_version: 1,
    };
    archive_tax_rate(&mut *shop.app.conn().await, archive, &ctx())
        .await
        .unwrap();
    let mut input = priced_order(&shop);
    input.shipping_charge = Some(ShippingCharge {
        amount: amount(499),
        tax_rate_id: shop.reduced,
    });
    refused_beside(&shop, input, "shipping_tax_rate").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_discounted_orders_with_shipping_for_ten_units_reserve_ten_priced_alike() {
    let shop = Arc::new(shop(TestApp::spawn().await, false).await);
    // Ten BOOK on hand.
    let book = shop
        .app
        .scalar("SELECT id FROM products WHERE sku = 'BOOK'")
        .await;
    let adjust = inputs::adjustment(book, "-90", "a storm of ten");
    adjust_stock(&mut *shop.app.conn().await, adjust, &ctx())
        .await
        .unwrap();

    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let shop = Arc::clone(&shop);
            tokio::spawn(async move {
                let mut input = inputs::order(shop.customer, &[("BOOK", 1)]);
                input.line_discounts = BTreeMap::from([(sku("BOOK"), percent(10))]);
                input.order_discount = Some(Discount::Amount(amount(100)));
                input.shipping_charge = Some(ShippingCharge {
                    amount: amount(499),
                    tax_rate_id: shop.standard,
                });
                place_order(&mut *shop.app.conn().await, input, &ctx()).await
            })
        })
        .collect();
    let mut placed = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => placed += 1,
            Err(CommandError::InsufficientStock(_)) => {}
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }

    assert_eq!(placed, 10);
    // 12.99 − 1.30 − 1.00 = 10.69 at 5 % (0.53) + 4.99 at 20 % (1.00) = 17.21.
    let want = Basket {
        pricing: Pricing::TaxExclusive,
        lines: vec![Line {
            unit_price: amount(1299),
            quantity: NonZeroU32::MIN,
            tax_rate: Percent::whole(5).unwrap(),
            discount: Some(percent(10)),
        }],
        order_discount: Some(Discount::Amount(amount(100))),
        shipping: Some(Shipping {
            charge: amount(499),
            tax_rate: Percent::whole(20).unwrap(),
            free_from: None,
        }),
    }
    .totals()
    .unwrap();
    assert_eq!(want.grand_total, 1721);
    let alike = format!(
        "SELECT count(*) FROM orders WHERE grand_total_cents = {} AND tax_total_cents = {}",
        want.grand_total, want.tax_total
    );
    assert_eq!(shop.app.scalar(&alike).await, 10);
    assert_eq!(
        shop.app.scalar("SELECT count(*) FROM order_taxes").await,
        20
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_discounted_order_with_shipping_replayed_ten_times_at_once_is_one_order() {
    let shop = Arc::new(shop(TestApp::spawn().await, false).await);
    let input = priced_order(&shop);

    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let shop = Arc::clone(&shop);
            let input = input.clone();
            tokio::spawn(
                async move { place_order(&mut *shop.app.conn().await, input, &ctx()).await },
            )
        })
        .collect();
    let acks: Vec<_> = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap().unwrap())
        .collect();

    assert!(acks.iter().all(|a| a.id == acks[0].id));
    assert_eq!(acks.iter().filter(|a| !a.replayed).count(), 1);
    assert_eq!(shop.app.scalar("SELECT count(*) FROM orders").await, 1);
    assert_eq!(shop.app.scalar("SELECT count(*) FROM order_taxes").await, 2);
    // The same key with another discount is a conflict, not a second order.
    let mut other = input.clone();
    other.order_discount = Some(percent(50));
    let err = place_order(&mut *shop.app.conn().await, other, &ctx())
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::Conflict(_)), "{err:?}");
    assert_eq!(shop.app.scalar("SELECT count(*) FROM orders").await, 1);
}
