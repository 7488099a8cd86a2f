//! Revenue is net sales everywhere: orders priced with discounts, shipping
//! and tax feed Σ their lines' net (after discounts, before tax and
//! shipping) to daily_sales, the product and customer models, incrementally
//! and by definition alike; order_summaries shows the stored money.

use std::collections::BTreeMap;

use orderdesk::commands::cancel_order::cancel_order;
use orderdesk::commands::create_product::create_product;
use orderdesk::commands::create_tax_rate::{TaxRateDetails, create_tax_rate};
use orderdesk::commands::order_money::ShippingCharge;
use orderdesk::commands::place_order::place_order;
use orderdesk::commands::receive_stock::receive_stock;
use orderdesk::domain::totals::{Amount, Discount};
use orderdesk::domain::{Percent, Sku, TaxRateId, TaxRateName};
use orderdesk::read_models::{catalog, verify};

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

async fn assert_exact(app: &TestApp, step: &str) {
    let models: Vec<_> = catalog::live().collect();
    let drifts = verify::verify(&mut *app.conn().await, &models, false)
        .await
        .unwrap();
    for d in drifts {
        assert!(d.ok(), "after {step}: {} differs at {:?}", d.name, d.keys);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn discounted_orders_with_shipping_count_their_net_sales_and_models_stay_exact() {
    let app = TestApp::spawn().await;
    let details = TaxRateDetails {
        name: TaxRateName::parse("Standard").unwrap(),
        rate: Percent::whole(20).unwrap(),
    };
    let standard = TaxRateId(
        create_tax_rate(&mut *app.conn().await, details, &ctx())
            .await
            .unwrap()
            .id,
    );
    for (sku, price) in [("TEE", "10.00"), ("MUG", "7.25")] {
        let mut input = inputs::product(sku, sku, price);
        input.details.tax_rate = Some(standard);
        let id = create_product(&mut *app.conn().await, input, &ctx())
            .await
            .unwrap()
            .id;
        receive_stock(&mut *app.conn().await, inputs::receipt(id, 20, ""), &ctx())
            .await
            .unwrap();
    }
    let customer = app.customer("ada@example.com").await;
    let mut ids = Vec::new();
    for n in 1..=2 {
        let mut input = inputs::order(customer, &[("TEE", n), ("MUG", 1)]);
        input.line_discounts = BTreeMap::from([(
            Sku::parse("TEE").unwrap(),
            Discount::Percent(Percent::whole(10).unwrap()),
        )]);
        input.order_discount = Amount::new(50).map(Discount::Amount);
        input.shipping_charge = Some(ShippingCharge {
            amount: Amount::new(499).unwrap(),
            tax_rate_id: standard,
        });
        ids.push(
            place_order(&mut *app.conn().await, input, &ctx())
                .await
                .unwrap()
                .id,
        );
    }
    app.catch_up().await;
    assert_exact(&app, "placing").await;

    let net = "SELECT coalesce(sum(net_cents), 0) FROM order_lines l \
               JOIN orders o ON o.id = l.order_id WHERE o.fulfilment_status <> 'cancelled'";
    let net_sales = app.scalar(net).await;
    // TEE 10.00 − 10 % and MUG 7.25, less 0.50 each: 15.75 + 24.75.
    assert_eq!(net_sales, 1575 + 2475);
    let revenue = "SELECT sum(revenue_cents) FROM read.daily_sales";
    assert_eq!(app.scalar(revenue).await, net_sales);
    let by_product = "SELECT sum(revenue_cents) FROM read.product_sales_daily";
    assert_eq!(app.scalar(by_product).await, net_sales);
    let value = format!(
        "SELECT lifetime_value_cents FROM read.customer_stats WHERE customer_id = {customer}"
    );
    // The lifetime value is what was paid (nothing yet), not net sales.
    assert_eq!(app.scalar(&value).await, 0);
    let shown = format!(
        "SELECT count(*) FROM read.order_summaries s JOIN orders o ON o.id = s.id \
         WHERE s.total_cents = o.grand_total_cents AND s.tax_total_cents = o.tax_total_cents \
           AND s.shipping_cents = 499 AND s.discount_total_cents = o.discount_total_cents \
           AND (s.money ->> 'grand_total_cents')::bigint = o.grand_total_cents \
           AND jsonb_array_length(s.money -> 'taxes') = 1 \
           AND s.id = ANY ('{{{},{}}}')",
        ids[0], ids[1]
    );
    assert_eq!(app.scalar(&shown).await, 2);

    cancel_order(
        &mut *app.conn().await,
        inputs::cancel(ids[0], "changed their mind"),
        &ctx(),
    )
    .await
    .unwrap();
    app.catch_up().await;
    assert_exact(&app, "cancelling").await;
    assert_eq!(app.scalar(revenue).await, 2475);
    assert_eq!(app.scalar(&value).await, 0);
}
