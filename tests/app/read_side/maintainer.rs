//! The maintainer: after every kind of event each live model equals its
//! definition and exactly the expected rows changed; out-of-order commits,
//! competing maintainers, a killed batch and a bounded batch are applied
//! exactly once.

use std::collections::{BTreeMap, BTreeSet};

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use orderdesk::commands::adjust_stock::adjust_stock;
use orderdesk::commands::cancel_order::cancel_order;
use orderdesk::commands::create_product::ProductDetails;
use orderdesk::commands::mark_delivered::mark_delivered;
use orderdesk::commands::mark_paid::mark_paid;
use orderdesk::commands::ship_order::ship_order;
use orderdesk::commands::update_customer::{UpdateCustomer, update_customer};
use orderdesk::commands::update_product::{UpdateProduct, update_product};
use orderdesk::domain::{Money, Name};
use orderdesk::queries::freshness;
use orderdesk::read_models::maintainer::{self, BatchOutcome};
use orderdesk::read_models::{ReadModelName, Trigger, catalog, verify};

use crate::support::helpers::{TestApp, ctx};

#[derive(QueryableByName)]
struct KeyedRow {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Text)]
    row: String,
}

/// Every live model's rows, by model and key.
type Contents = BTreeMap<&'static str, BTreeMap<String, String>>;

pub(super) async fn contents(app: &TestApp) -> Contents {
    let mut out = Contents::new();
    for model in catalog::live() {
        let key: Vec<String> = model.key.iter().map(|k| format!("'{k}', t.{k}")).collect();
        let rows: Vec<KeyedRow> = diesel::sql_query(format!(
            "SELECT jsonb_build_object({})::text AS key, row_to_json(t)::text AS row FROM read.{} t",
            key.join(", "),
            model.name
        ))
        .load(&mut *app.conn().await)
        .await
        .unwrap();
        out.insert(
            model.name.as_str(),
            rows.into_iter().map(|r| (r.key, r.row)).collect(),
        );
    }
    out
}

/// The keys whose rows differ between two contents, per model (models
/// without changes left out).
pub(super) fn changed(
    before: &Contents,
    after: &Contents,
) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (model, rows) in after {
        let old = &before[model];
        let keys: BTreeSet<String> = rows
            .keys()
            .chain(old.keys())
            .filter(|k| rows.get(*k) != old.get(*k))
            .cloned()
            .collect();
        if !keys.is_empty() {
            out.insert(*model, keys);
        }
    }
    out
}

pub(super) async fn assert_exact(app: &TestApp, step: &str) {
    let models: Vec<_> = catalog::live().collect();
    let drifts = verify::verify(&mut *app.conn().await, &models, false)
        .await
        .unwrap();
    for d in drifts {
        assert!(d.ok(), "after {step}: {} differs at {:?}", d.name, d.keys);
    }
}

/// Runs `step`, catches up, checks every model against its definition and
/// returns the keys that changed.
pub(super) async fn step<F: std::future::Future<Output = ()>>(
    app: &TestApp,
    name: &str,
    action: F,
) -> BTreeMap<&'static str, BTreeSet<String>> {
    let before = contents(app).await;
    action.await;
    app.catch_up().await;
    assert_exact(app, name).await;
    changed(&before, &contents(app).await)
}

pub(super) fn keys(
    pairs: &[(&'static str, &[String])],
) -> BTreeMap<&'static str, BTreeSet<String>> {
    pairs
        .iter()
        .map(|(m, ks)| (*m, ks.iter().cloned().collect()))
        .collect()
}

pub(super) fn id(name: &str, v: i64) -> String {
    format!("{{\"{name}\": {v}}}")
}

pub(super) fn text(name: &str, v: &str) -> String {
    format!("{{\"{name}\": \"{v}\"}}")
}

/// The stock ledger's keys of the movements `filter` picks (SQL over
/// `stock_movements`), e.g. `order_id = 7 AND kind = 'shipment'`.
pub(super) async fn movements(app: &TestApp, filter: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let ids: Vec<Id> = diesel::sql_query(format!(
        "SELECT id FROM stock_movements WHERE {filter} ORDER BY id"
    ))
    .load(&mut *app.conn().await)
    .await
    .unwrap();
    assert!(!ids.is_empty(), "no movement where {filter}");
    ids.into_iter().map(|m| id("id", m.id)).collect()
}

pub(super) async fn today(app: &TestApp) -> String {
    #[derive(QueryableByName)]
    struct D {
        #[diesel(sql_type = Text)]
        d: String,
    }
    let d: D = diesel::sql_query("SELECT (now() AT TIME ZONE 'UTC')::date::text AS d")
        .get_result(&mut *app.conn().await)
        .await
        .unwrap();
    d.d
}

#[tokio::test(flavor = "multi_thread")]
#[expect(clippy::too_many_lines, reason = "one scripted scenario, step by step")]
async fn every_event_type_changes_exactly_the_expected_rows_and_leaves_every_model_exact() {
    let app = TestApp::spawn().await;
    app.catch_up().await;
    let day = today(&app).await;
    let c = ctx();

    let mut ada = 0;
    let changes = step(&app, "a registration", async {
        ada = app.customer("ada@example.com").await;
    })
    .await;
    assert_eq!(
        changes,
        keys(&[("customer_stats", &[id("customer_id", ada)])])
    );

    let mut tee = 0;
    let changes = step(&app, "a new product with stock", async {
        tee = app.product("TEE", "10.00", 10).await;
    })
    .await;
    // At or under its low-stock threshold, the new product shows on the dashboard.
    let receipt = movements(&app, &format!("product_id = {tee} AND kind = 'receipt'")).await;
    assert_eq!(
        changes,
        keys(&[
            ("inventory_status", &[id("product_id", tee)]),
            ("stock_ledger", &receipt),
            ("dashboard", &[text("day", &day)]),
        ])
    );

    let mut a = 0;
    let changes = step(&app, "an order", async {
        a = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    })
    .await;
    let tee_day = format!("{{\"day\": \"{day}\", \"product_id\": {tee}}}");
    let dash = text("day", &day);
    assert_eq!(
        changes,
        keys(&[
            ("order_summaries", &[id("id", a)]),
            (
                "order_status_counts",
                &[text("fulfilment_status", "unfulfilled")]
            ),
            ("daily_sales", &[text("day", &day)]),
            ("product_sales_daily", std::slice::from_ref(&tee_day)),
            ("inventory_status", &[id("product_id", tee)]),
            ("customer_stats", &[id("customer_id", ada)]),
            (
                "stock_ledger",
                &movements(&app, &format!("order_id = {a}")).await
            ),
            ("product_sales_30d", &[id("product_id", tee)]),
            ("dashboard", std::slice::from_ref(&dash)),
        ])
    );

    let changes = step(&app, "a payment", async {
        mark_paid(&mut *app.conn().await, orderdesk::domain::OrderId(a), &c)
            .await
            .unwrap();
    })
    .await;
    // Mark paid records the balance (payment_recorded only): the order stays
    // unfulfilled, its count's balance due moves; the customer's lifetime
    // value is what was paid; the dashboard's awaiting payment and to ship.
    assert_eq!(
        changes,
        keys(&[
            ("order_summaries", &[id("id", a)]),
            (
                "order_status_counts",
                &[text("fulfilment_status", "unfulfilled")]
            ),
            ("customer_stats", &[id("customer_id", ada)]),
            ("dashboard", std::slice::from_ref(&dash)),
        ])
    );

    let changes = step(&app, "a shipment", async {
        ship_order(&mut *app.conn().await, orderdesk::domain::OrderId(a), &c)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(
        changes,
        keys(&[
            ("order_summaries", &[id("id", a)]),
            (
                "order_status_counts",
                &[
                    text("fulfilment_status", "shipped"),
                    text("fulfilment_status", "unfulfilled")
                ]
            ),
            ("inventory_status", &[id("product_id", tee)]),
            (
                "stock_ledger",
                &movements(&app, &format!("order_id = {a} AND kind = 'shipment'")).await
            ),
            ("dashboard", std::slice::from_ref(&dash)),
        ])
    );

    let mut b = 0;
    step(&app, "a second order", async {
        b = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    })
    .await;
    let changes = step(&app, "a cancellation", async {
        let input = crate::support::inputs::cancel(b, "changed mind");
        cancel_order(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(
        changes,
        keys(&[
            ("order_summaries", &[id("id", b)]),
            (
                "order_status_counts",
                &[
                    text("fulfilment_status", "cancelled"),
                    text("fulfilment_status", "unfulfilled")
                ]
            ),
            ("daily_sales", &[text("day", &day)]),
            ("product_sales_daily", std::slice::from_ref(&tee_day)),
            ("inventory_status", &[id("product_id", tee)]),
            ("customer_stats", &[id("customer_id", ada)]),
            (
                "stock_ledger",
                &movements(&app, &format!("order_id = {b} AND kind = 'release'")).await
            ),
            ("product_sales_30d", &[id("product_id", tee)]),
            ("dashboard", std::slice::from_ref(&dash)),
        ])
    );

    let changes = step(&app, "a customer rename", async {
        let details = crate::support::inputs::customer("ada@example.com", "Ada King", "");
        let input = UpdateCustomer {
            customer_id: orderdesk::domain::CustomerId(ada),
            expected_version: 1,
            details,
        };
        update_customer(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(
        changes,
        keys(&[
            ("order_summaries", &[id("id", a), id("id", b)]),
            ("customer_stats", &[id("customer_id", ada)]),
            ("dashboard", std::slice::from_ref(&dash)),
        ])
    );

    let changes = step(&app, "a product rename", async {
        let details = ProductDetails {
            name: Name::parse("Tee, organic").unwrap(),
            description: String::new(),
            price: Money::parse("10.00").unwrap(),
            active: true,
            low_stock_threshold: orderdesk::domain::StockLevel::default_threshold(),
            tax_rate: None,
        };
        let input = UpdateProduct {
            product_id: orderdesk::domain::ProductId(tee),
            expected_version: 1,
            details,
        };
        update_product(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(
        changes,
        keys(&[
            ("order_summaries", &[id("id", a), id("id", b)]),
            ("inventory_status", &[id("product_id", tee)]),
            ("dashboard", std::slice::from_ref(&dash)),
        ])
    );

    let changes = step(&app, "a stock adjustment", async {
        let input = crate::support::inputs::adjustment(tee, "-1", "damaged");
        adjust_stock(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
    })
    .await;
    // TEE is low on stock: the dashboard's low-stock list shows what is left.
    let adjusted = movements(&app, &format!("product_id = {tee} AND kind = 'adjustment'")).await;
    assert_eq!(
        changes,
        keys(&[
            ("inventory_status", &[id("product_id", tee)]),
            ("stock_ledger", &adjusted),
            ("dashboard", std::slice::from_ref(&dash)),
        ])
    );

    let changes = step(&app, "a delivery", async {
        mark_delivered(&mut *app.conn().await, orderdesk::domain::OrderId(a), &c)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(
        changes,
        keys(&[
            ("order_summaries", &[id("id", a)]),
            (
                "order_status_counts",
                &[
                    text("fulfilment_status", "delivered"),
                    text("fulfilment_status", "shipped")
                ]
            ),
            ("dashboard", std::slice::from_ref(&dash)),
        ])
    );
    assert_eq!(
        app.scalar(
            "SELECT orders FROM read.order_status_counts WHERE fulfilment_status = 'delivered'"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT units_sold FROM read.inventory_status")
            .await,
        2
    );
    // Every movement is in the ledger once, as recorded: receipt, two
    // reservations, a shipment, a release, an adjustment.
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM read.stock_ledger l JOIN stock_movements m USING (id) \
             WHERE (l.product_id, l.kind, l.quantity, l.reason, l.order_id, l.actor, l.occurred_at) \
                   IS NOT DISTINCT FROM \
                   (m.product_id, m.kind, m.quantity, m.reason, m.order_id, m.actor, m.occurred_at)"
        )
        .await,
        6
    );
}

/// Issue 24: payment_recorded, payment_refunded and payment_voided each
/// change the order's row (its sums, state and payments list), the balance
/// due of its status, the customer's lifetime value and the dashboard's
/// "awaiting payment", and leave every model exact.
#[tokio::test(flavor = "multi_thread")]
async fn payment_events_change_the_order_its_status_counts_customer_and_dashboard() {
    use orderdesk::commands::record_payment::record_payment;
    use orderdesk::commands::refund_payment::{RefundPayment, refund_payment};
    use orderdesk::commands::void_payment::{VoidPayment, void_payment};
    use orderdesk::domain::{IdempotencyKey, Money, OrderId, PaymentMethod};

    let app = TestApp::spawn().await;
    let c = ctx();
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let a = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    app.catch_up().await;
    let dash = text("day", &today(&app).await);
    let unfulfilled = [text("fulfilment_status", "unfulfilled")];
    let expected = keys(&[
        ("order_summaries", &[id("id", a)]),
        ("order_status_counts", &unfulfilled),
        ("customer_stats", &[id("customer_id", ada)]),
        ("dashboard", std::slice::from_ref(&dash)),
    ]);

    let changes = step(&app, "a deposit", async {
        let input = crate::commands::payments::payment(a, 500, false);
        record_payment(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(changes, expected);
    let mut refund = 0;
    let changes = step(&app, "a refund", async {
        let input = RefundPayment {
            order_id: OrderId(a),
            key: IdempotencyKey::generate(),
            amount: Money::from_minor(200).unwrap(),
            method: PaymentMethod::Cash,
            reference: None,
            received_on: None,
        };
        refund = refund_payment(&mut *app.conn().await, input, &c)
            .await
            .unwrap()
            .id;
    })
    .await;
    assert_eq!(changes, expected);
    let row = app
        .json(&format!(
            "SELECT to_jsonb(o) FROM read.order_summaries o WHERE id = {a}"
        ))
        .await;
    assert_eq!(
        (
            &row["paid_cents"],
            &row["refunded_cents"],
            &row["balance_due_cents"],
            &row["payment_status"]
        ),
        (
            &serde_json::json!(500),
            &serde_json::json!(200),
            &serde_json::json!(1700),
            &serde_json::json!("partly_refunded")
        )
    );
    let changes = step(&app, "a void", async {
        let input = VoidPayment {
            order_id: OrderId(a),
            payment_id: refund,
            key: IdempotencyKey::generate(),
            reason: None,
        };
        void_payment(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(changes, expected);
    assert_eq!(
        app.scalar(&format!(
            "SELECT jsonb_array_length(payments) FROM read.order_summaries WHERE id = {a}"
        ))
        .await,
        3
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT lifetime_value_cents FROM read.customer_stats WHERE customer_id = {ada}"
        ))
        .await,
        500
    );
    assert_eq!(
        app.scalar("SELECT awaiting_payment_cents FROM read.dashboard")
            .await,
        1500
    );
    assert_eq!(
        app.scalar("SELECT awaiting_payment_orders FROM read.dashboard")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
#[expect(clippy::too_many_lines, reason = "one scripted scenario, step by step")]
async fn tax_rate_and_settings_events_change_exactly_their_rows_and_a_rates_products() {
    use orderdesk::commands::archive_tax_rate::{ArchiveTaxRate, archive_tax_rate};
    use orderdesk::commands::change_shop_settings::{
        ChangeShopSettings, ShopSettings, change_shop_settings,
    };
    use orderdesk::commands::create_tax_rate::{TaxRateDetails, create_tax_rate};
    use orderdesk::commands::update_tax_rate::{UpdateTaxRate, update_tax_rate};
    use orderdesk::domain::{Percent, TaxRateId, TaxRateName};

    let app = TestApp::spawn().await;
    let tee = app.product("TEE", "10.00", 5).await;
    let mug = app.product("MUG", "7.50", 5).await;
    app.catch_up().await;
    let c = ctx();
    let details = |name: &str, percent: &str| TaxRateDetails {
        name: TaxRateName::parse(name).unwrap(),
        rate: Percent::parse(percent).unwrap(),
    };

    let mut standard = 0;
    let changes = step(&app, "a new rate", async {
        standard = create_tax_rate(&mut *app.conn().await, details("Standard", "20"), &c)
            .await
            .unwrap()
            .id;
    })
    .await;
    assert_eq!(changes, keys(&[("tax_rates", &[id("id", standard)])]));

    // TEE moves to Standard; MUG keeps Zero.
    let changes = step(&app, "a product's rate", async {
        let mut details = crate::support::inputs::product("TEE", "Tee", "10.00").details;
        details.tax_rate = Some(TaxRateId(standard));
        let input = UpdateProduct {
            product_id: orderdesk::domain::ProductId(tee),
            expected_version: 1,
            details,
        };
        update_product(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
    })
    .await;
    assert!(changes["inventory_status"].contains(&id("product_id", tee)));
    assert!(!changes.contains_key("tax_rates"));

    // A rate's edit shows on its products, and only on them.
    let changes = step(&app, "a rate's edit", async {
        let input = UpdateTaxRate {
            tax_rate_id: TaxRateId(standard),
            expected_version: 1,
            details: details("Standard VAT", "21"),
        };
        update_tax_rate(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(
        changes,
        keys(&[
            ("inventory_status", &[id("product_id", tee)]),
            ("tax_rates", &[id("id", standard)]),
        ])
    );
    let shown = format!(
        "SELECT count(*) FROM read.inventory_status WHERE product_id = {tee} \
         AND tax_rate_name = 'Standard VAT' AND tax_rate_ppm = 210000"
    );
    assert_eq!(app.scalar(&shown).await, 1);
    let zero = format!("SELECT tax_rate_ppm FROM read.inventory_status WHERE product_id = {mug}");
    assert_eq!(app.scalar(&zero).await, 0);

    let changes = step(&app, "a settings change", async {
        let input = ChangeShopSettings {
            expected_version: 1,
            settings: ShopSettings {
                prices_include_tax: true,
                tax_id: None,
                ship_on_account: true,
                invoice_on_payment: false,
                default_tax_rate: TaxRateId(standard),
            },
        };
        change_shop_settings(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
    })
    .await;
    // "Ship on account" turned on: the dashboard's "to ship" rule moves too.
    assert_eq!(
        changes,
        keys(&[
            ("shop_settings", &["{\"id\": true}".to_owned()]),
            ("dashboard", &[text("day", &today(&app).await)]),
        ])
    );

    let mut reduced = 0;
    step(&app, "another rate", async {
        reduced = create_tax_rate(&mut *app.conn().await, details("Reduced", "5"), &c)
            .await
            .unwrap()
            .id;
    })
    .await;
    let changes = step(&app, "an archiving", async {
        let input = ArchiveTaxRate {
            tax_rate_id: TaxRateId(reduced),
            expected_version: 1,
        };
        archive_tax_rate(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(changes, keys(&[("tax_rates", &[id("id", reduced)])]));
    let archived =
        format!("SELECT count(*) FROM read.tax_rates WHERE id = {reduced} AND NOT active");
    assert_eq!(app.scalar(&archived).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
#[expect(clippy::too_many_lines, reason = "one scripted scenario, step by step")]
async fn address_book_events_change_only_the_customers_row_and_orders_keep_their_copy() {
    use orderdesk::commands::edit_address::{EditAddress, edit_address};
    use orderdesk::commands::place_order::{AddressChoice, place_order};
    use orderdesk::commands::remove_address::{RemoveAddress, remove_address};
    use orderdesk::commands::set_default_address::{SetDefaultAddress, set_default_address};
    use orderdesk::domain::{AddressId, AddressLabel, AddressRole, CustomerId};

    use crate::support::inputs;

    let app = TestApp::spawn().await;
    let c = ctx();
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    app.catch_up().await;
    let customer = || keys(&[("customer_stats", &[id("customer_id", ada)])]);

    let mut home = 0;
    let changes = step(&app, "an address added", async {
        home = app.address(ada, "Home", "1 Home Road").await;
    })
    .await;
    assert_eq!(changes, customer());

    let mut order = 0;
    step(&app, "an order to the book's address", async {
        let mut input = inputs::order(ada, &[("TEE", 1)]);
        input.shipping = AddressChoice::Book(AddressId(home));
        order = place_order(&mut *app.conn().await, input, &c)
            .await
            .unwrap()
            .id;
    })
    .await;

    let changes = step(&app, "an address edited", async {
        let input = EditAddress {
            customer_id: CustomerId(ada),
            address_id: AddressId(home),
            expected_version: 1,
            label: AddressLabel::parse("Home").unwrap(),
            address: inputs::address("Ada Tester", "2 Moved Road", "Town", "GB"),
        };
        edit_address(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(changes, customer(), "the order keeps its own copy");
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM read.order_summaries WHERE id = {order} \
             AND shipping->>'line1' = '1 Home Road'"
        ))
        .await,
        1
    );

    let mut work = 0;
    step(&app, "a second address", async {
        work = app.address(ada, "Work", "3 Work Road").await;
    })
    .await;
    let changes = step(&app, "a default set", async {
        let input = SetDefaultAddress {
            customer_id: CustomerId(ada),
            address_id: AddressId(work),
            role: AddressRole::Shipping,
        };
        set_default_address(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(changes, customer());
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM read.customer_stats, jsonb_array_elements(addresses) a \
             WHERE customer_id = {ada} AND (a->>'id')::bigint = {work} \
             AND (a->>'default_shipping')::boolean AND NOT (a->>'default_billing')::boolean"
        ))
        .await,
        1
    );

    let changes = step(&app, "an address removed", async {
        let input = RemoveAddress {
            customer_id: CustomerId(ada),
            address_id: AddressId(home),
            expected_version: 2,
        };
        // Home is still the billing default: refused, nothing changes.
        assert!(
            remove_address(&mut *app.conn().await, input, &c)
                .await
                .is_err()
        );
        let input = SetDefaultAddress {
            customer_id: CustomerId(ada),
            address_id: AddressId(work),
            role: AddressRole::Billing,
        };
        set_default_address(&mut *app.conn().await, input, &c)
            .await
            .unwrap();
        remove_address(&mut *app.conn().await, input_remove(ada, home), &c)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(changes, customer());
    assert_eq!(
        app.scalar(&format!(
            "SELECT jsonb_array_length(addresses) FROM read.customer_stats WHERE customer_id = {ada}"
        ))
        .await,
        1
    );
}

fn input_remove(customer: i64, address: i64) -> orderdesk::commands::remove_address::RemoveAddress {
    orderdesk::commands::remove_address::RemoveAddress {
        customer_id: orderdesk::domain::CustomerId(customer),
        address_id: orderdesk::domain::AddressId(address),
        expected_version: 2,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transaction_that_commits_after_a_later_one_is_applied_exactly_once() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 10).await;
    app.catch_up().await;
    // An early transaction takes its id and holds it open …
    let mut early = AsyncPgConnection::establish(&app.db.url).await.unwrap();
    diesel::sql_query("BEGIN")
        .execute(&mut early)
        .await
        .unwrap();
    diesel::sql_query(format!(
        "UPDATE customers SET name = 'Ada Early', version = version + 1 WHERE id = {ada}"
    ))
    .execute(&mut early)
    .await
    .unwrap();
    diesel::sql_query(format!(
        "INSERT INTO events (aggregate_type, aggregate_id, event_type, actor) VALUES ('customer', {ada}, 'customer_updated', 'test')"
    ))
    .execute(&mut early)
    .await
    .unwrap();
    // … while a later one commits and is applied.
    let order = app.place(ada, &[("TEE", 1)]).await.unwrap();
    app.catch_up().await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM read.order_summaries WHERE customer_name = 'Ada Early'")
            .await,
        0
    );

    diesel::sql_query("COMMIT")
        .execute(&mut early)
        .await
        .unwrap();
    let first = app.catch_up().await;
    let second = app.catch_up().await;

    assert_eq!(first.events, 1, "the late commit is picked up once");
    assert_eq!(second.events, 0, "and never again");
    let renamed = format!(
        "SELECT count(*) FROM read.order_summaries WHERE id = {} AND customer_name = 'Ada Early'",
        order.id
    );
    assert_eq!(app.scalar(&renamed).await, 1);
    assert_eq!(
        app.scalar(
            "SELECT orders FROM read.order_status_counts WHERE fulfilment_status = 'unfulfilled'"
        )
        .await,
        1
    );
    assert_exact(&app, "the late commit").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn maintainers_running_at_once_never_apply_a_change_twice() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 500).await;
    for _ in 0..40 {
        app.place(ada, &[("TEE", 1)]).await.unwrap();
    }

    let runs: Vec<_> = (0..6)
        .map(|_| {
            let app = std::sync::Arc::clone(&app);
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                for _ in 0..5 {
                    outcomes
                        .push(maintainer::batch(&mut *app.conn().await, Trigger::Manual, 7).await);
                }
                outcomes
            })
        })
        .collect();
    let outcomes: Vec<BatchOutcome> = futures_util::future::join_all(runs)
        .await
        .into_iter()
        .flat_map(Result::unwrap)
        .collect();
    app.catch_up().await;

    assert!(
        outcomes
            .iter()
            .all(|o| !matches!(o, BatchOutcome::Failed(_))),
        "{outcomes:?}"
    );
    let applied_events: i64 = outcomes
        .iter()
        .map(|o| match o {
            BatchOutcome::Applied { applied, .. } => applied.events,
            _ => 0,
        })
        .sum();
    assert_eq!(
        applied_events, 43,
        "registration, product, stock and 40 orders, once each"
    );
    assert_eq!(
        app.scalar(
            "SELECT orders FROM read.order_status_counts WHERE fulfilment_status = 'unfulfilled'"
        )
        .await,
        40
    );
    assert_eq!(
        app.scalar("SELECT units_sold FROM read.inventory_status")
            .await,
        40
    );
    assert_eq!(app.scalar("SELECT orders FROM read.daily_sales").await, 40);
    assert_exact(&app, "competing maintainers").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_whose_connection_is_killed_leaves_nothing_and_the_next_one_resumes() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 100).await;
    app.catch_up().await;
    for _ in 0..5 {
        app.place(ada, &[("TEE", 2)]).await.unwrap();
    }
    let before = contents(&app).await;
    // The victim runs its batch with a lock held on a live model, so it
    // stalls mid-batch, after its first changes, until it is killed.
    let mut blocker = AsyncPgConnection::establish(&app.db.url).await.unwrap();
    diesel::sql_query("BEGIN")
        .execute(&mut blocker)
        .await
        .unwrap();
    diesel::sql_query("LOCK TABLE read.customer_stats IN EXCLUSIVE MODE")
        .execute(&mut blocker)
        .await
        .unwrap();
    let url = app.db.url.clone();
    let victim = tokio::spawn(async move {
        let mut conn = AsyncPgConnection::establish(&url).await.unwrap();
        diesel::sql_query("SET application_name = 'victim'")
            .execute(&mut conn)
            .await
            .unwrap();
        maintainer::batch(&mut conn, Trigger::Manual, 100).await
    });
    let waiting = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'victim' AND wait_event_type = 'Lock'";
    for _ in 0..200 {
        if app.scalar(waiting).await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(
        app.scalar(waiting).await,
        1,
        "the victim is stuck mid-batch"
    );
    app.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim'",
    )
    .await;
    let outcome = victim.await.unwrap();
    diesel::sql_query("ROLLBACK")
        .execute(&mut blocker)
        .await
        .unwrap();

    assert!(matches!(outcome, BatchOutcome::Failed(_)), "{outcome:?}");
    assert_eq!(
        contents(&app).await,
        before,
        "nothing of the killed batch remains"
    );
    let resumed = app.catch_up().await;
    assert_eq!((resumed.events, resumed.orders), (5, 5));
    assert_eq!(
        app.scalar("SELECT units_sold FROM read.inventory_status")
            .await,
        10
    );
    assert_exact(&app, "the resumed batch").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_takes_at_most_its_bound_and_carries_the_rest_over_honestly() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 100).await;
    app.catch_up().await;
    let mut acks = Vec::new();
    for _ in 0..10 {
        acks.push(app.place(ada, &[("TEE", 1)]).await.unwrap());
    }

    let first = maintainer::batch(&mut *app.conn().await, Trigger::Manual, 4).await;
    let mut read = app.read_conn().await;
    let first_seen =
        freshness::has_caught_up(&mut read, ReadModelName::OrderSummaries, acks[0].event_id)
            .await
            .unwrap();
    let last_seen =
        freshness::has_caught_up(&mut read, ReadModelName::OrderSummaries, acks[9].event_id)
            .await
            .unwrap();
    let pending = freshness::of(&mut read, &[ReadModelName::OrderSummaries])
        .await
        .unwrap()[0]
        .pending;

    let BatchOutcome::Applied { applied, .. } = first else {
        panic!("{first:?}")
    };
    assert_eq!(
        (applied.events, applied.orders, applied.carried),
        (10, 4, 6)
    );
    assert!(
        first_seen && !last_seen,
        "the oldest orders first, the rest not yet claimed as seen"
    );
    assert_eq!(pending, 6);
    assert_eq!(
        app.scalar("SELECT count(*) FROM read.order_summaries")
            .await,
        4
    );
    let rest = app.catch_up().await;
    assert_eq!((rest.events, rest.orders, rest.carried), (0, 6, 0));
    assert!(
        freshness::has_caught_up(&mut read, ReadModelName::OrderSummaries, acks[9].event_id)
            .await
            .unwrap()
    );
    assert_exact(&app, "the carried keys").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_finds_rows_corrupted_on_purpose_and_repair_fixes_exactly_them() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let bob = app.customer("bob@example.com").await;
    app.product("TEE", "10", 100).await;
    let a = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    app.place(bob, &[("TEE", 3)]).await.unwrap();
    app.catch_up().await;
    app.exec(&format!(
        "UPDATE read.order_summaries SET total_cents = 1 WHERE id = {a}"
    ))
    .await;
    app.exec(&format!(
        "DELETE FROM read.customer_stats WHERE customer_id = {bob}"
    ))
    .await;
    app.exec("UPDATE read.order_status_counts SET orders = 99 WHERE fulfilment_status = 'shipped'")
        .await;
    // The ledger: order a's reservation rewritten (as if its reason had
    // changed), and a movement that never happened.
    let reservation = app
        .scalar(&format!(
            "SELECT id FROM stock_movements WHERE order_id = {a}"
        ))
        .await;
    app.exec(&format!(
        "INSERT INTO read.stock_ledger SELECT id + 1000, product_id, kind, quantity, reason, \
             order_id, actor, occurred_at FROM read.stock_ledger WHERE id = {reservation}"
    ))
    .await;
    app.exec(&format!(
        "UPDATE read.stock_ledger SET reason = 'edited' WHERE id = {reservation}"
    ))
    .await;
    // The shop's records: a rate's percentage edited, the settings row lost.
    app.exec("UPDATE read.tax_rates SET rate_ppm = 1 WHERE id = 1")
        .await;
    app.exec("DELETE FROM read.shop_settings").await;
    let untouched = app
        .scalar(&format!(
            "SELECT xmin::text::bigint FROM read.customer_stats WHERE customer_id = {ada}"
        ))
        .await;
    let models: Vec<_> = catalog::live().collect();

    let found = verify::verify(&mut *app.conn().await, &models, false)
        .await
        .unwrap();
    let repaired = verify::verify(&mut *app.conn().await, &models, true)
        .await
        .unwrap();
    let after = verify::verify(&mut *app.conn().await, &models, false)
        .await
        .unwrap();

    let drift = |all: &[verify::Drift]| -> Vec<(&str, i64, i64, Vec<String>)> {
        all.iter()
            .filter(|d| !d.ok())
            .map(|d| (d.name.as_str(), d.missing, d.unexpected, d.keys.clone()))
            .collect()
    };
    assert_eq!(
        drift(&found),
        vec![
            ("order_summaries", 1, 1, vec![id("id", a)]),
            (
                "order_status_counts",
                1,
                1,
                vec![text("fulfilment_status", "shipped")]
            ),
            ("customer_stats", 1, 0, vec![id("customer_id", bob)]),
            (
                "stock_ledger",
                1,
                2,
                // As text, in order: {"id": 1002} before {"id": 2}.
                vec![id("id", reservation + 1000), id("id", reservation)]
            ),
            ("tax_rates", 1, 1, vec![id("id", 1)]),
            ("shop_settings", 1, 0, vec!["{\"id\": true}".to_owned()]),
            // Built from the models above, the dashboard's definition sees
            // the corrupted order total and "shipped" count as well.
            ("dashboard", 1, 1, vec![text("day", &today(&app).await)]),
        ]
    );
    // Repair goes in catalog order: once the models below it are repaired,
    // the dashboard equals its definition again.
    assert_eq!(drift(&found)[..6], drift(&repaired)[..]);
    assert!(repaired.iter().all(|d| d.ok() || d.repaired));
    assert!(after.iter().all(verify::Drift::ok), "{after:?}");
    assert_eq!(
        app.scalar(&format!(
            "SELECT xmin::text::bigint FROM read.customer_stats WHERE customer_id = {ada}"
        ))
        .await,
        untouched,
        "rows that did not differ were not rewritten"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM read_model_live WHERE last_verify_diffs = 0")
            .await,
        13
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rebuild_swaps_in_an_identical_table_and_the_maintainer_goes_on_from_it() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 100).await;
    app.place(ada, &[("TEE", 2)]).await.unwrap();
    app.catch_up().await;
    let before = contents(&app).await;
    // One change pending when the rebuild starts: it must be in the result.
    let late = app.place(ada, &[("TEE", 1)]).await.unwrap();
    let model = catalog::find("product_sales_daily").unwrap();

    let mut steps = Vec::new();
    let rebuilt =
        orderdesk::read_models::rebuild::rebuild(&mut *app.conn().await, &[model], &mut |s| {
            steps.push(s);
        })
        .await
        .unwrap();
    app.place(ada, &[("TEE", 4)]).await.unwrap();
    app.catch_up().await;

    assert_eq!(rebuilt.len(), 1);
    assert_ne!(contents(&app).await, before);
    assert!(steps.iter().any(|s| s.contains("swapping in")), "{steps:?}");
    assert_eq!(
        app.scalar("SELECT units FROM read.product_sales_daily")
            .await,
        7
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM pg_indexes WHERE tablename = 'product_sales_daily'")
            .await,
        2
    );
    let mut read = app.read_conn().await;
    assert!(
        freshness::has_caught_up(&mut read, ReadModelName::ProductSalesDaily, late.event_id)
            .await
            .unwrap()
    );
    assert_eq!(
        diesel::sql_query("SELECT * FROM product_sales_daily")
            .execute(&mut *read)
            .await
            .unwrap(),
        1
    );
    assert_exact(&app, "a rebuild").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_drifted_ledger_row_is_replaced_when_its_order_moves_not_met_by_its_unique_index() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10", 5).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    app.catch_up().await;
    // The reservation's row now names another order and product: out of
    // the order's scope by its columns, in it by its id.
    let reservation = app
        .scalar(&format!(
            "SELECT id FROM stock_movements WHERE order_id = {order}"
        ))
        .await;
    app.exec(&format!(
        "UPDATE read.stock_ledger SET order_id = {order} + 100, product_id = {tee} + 100 \
         WHERE id = {reservation}"
    ))
    .await;

    app.mark_paid(order).await;
    ship_order(
        &mut *app.conn().await,
        orderdesk::domain::OrderId(order),
        &ctx(),
    )
    .await
    .unwrap();
    app.catch_up().await;

    assert_exact(&app, "the order's shipment").await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM read.stock_ledger WHERE order_id = {order} AND product_id = {tee}"
        ))
        .await,
        2,
        "the reservation, restored, and the shipment"
    );
}

#[tokio::test]
async fn note_events_change_only_their_notes_and_their_records_search_text() {
    use orderdesk::commands::add_note::{AddNote, add_note};
    use orderdesk::commands::remove_note::{RemoveNote, remove_note};
    use orderdesk::domain::{CustomerId, IdempotencyKey, NoteBody, NoteSubject, OrderId};

    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let order = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    app.catch_up().await;
    let admin = app.user("root", "admin").await;
    let c = orderdesk::commands::CommandContext::new(orderdesk::domain::Actor::user(admin, "root"));
    let write = |subject, text: &'static str| AddNote {
        subject,
        body: NoteBody::parse(text).unwrap(),
        idempotency_key: IdempotencyKey::generate(),
    };

    let on_order = NoteSubject::Order(OrderId(order));
    let mut note = 0;
    let changes = step(&app, "a note on an order", async {
        note = add_note(&mut *app.conn().await, write(on_order, "Gift wrap"), &c)
            .await
            .unwrap()
            .id;
    })
    .await;
    assert_eq!(
        changes,
        keys(&[
            ("order_summaries", &[id("id", order)]),
            ("notes", &[id("id", note)])
        ])
    );
    let search = format!(
        "SELECT count(*) FROM read.order_summaries WHERE id = {order} AND search_text LIKE '%gift wrap%'"
    );
    assert_eq!(app.scalar(&search).await, 1);

    let on_customer = NoteSubject::Customer(CustomerId(ada));
    let mut other = 0;
    let changes = step(&app, "a note on a customer", async {
        other = add_note(&mut *app.conn().await, write(on_customer, "VIP"), &c)
            .await
            .unwrap()
            .id;
    })
    .await;
    assert_eq!(
        changes,
        keys(&[
            ("customer_stats", &[id("customer_id", ada)]),
            ("notes", &[id("id", other)])
        ])
    );

    let changes = step(&app, "an order's note removed", async {
        remove_note(
            &mut *app.conn().await,
            RemoveNote {
                subject: on_order,
                note_id: note,
            },
            &c,
        )
        .await
        .unwrap();
    })
    .await;
    assert_eq!(
        changes,
        keys(&[
            ("order_summaries", &[id("id", order)]),
            ("notes", &[id("id", note)])
        ])
    );
    assert_eq!(app.scalar(&search).await, 0);
    assert_eq!(app.scalar("SELECT count(*) FROM read.notes").await, 1);

    let changes = step(&app, "a customer's note removed", async {
        remove_note(
            &mut *app.conn().await,
            RemoveNote {
                subject: on_customer,
                note_id: other,
            },
            &c,
        )
        .await
        .unwrap();
    })
    .await;
    assert_eq!(
        changes,
        keys(&[
            ("customer_stats", &[id("customer_id", ada)]),
            ("notes", &[id("id", other)])
        ])
    );
}

#[tokio::test]
async fn verify_finds_a_corrupted_or_lost_note_and_repair_fixes_exactly_it() {
    use orderdesk::commands::add_note::{AddNote, add_note};
    use orderdesk::domain::{CustomerId, IdempotencyKey, NoteBody, NoteSubject};

    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let mut ids = Vec::new();
    for text in ["One", "Two"] {
        let input = AddNote {
            subject: NoteSubject::Customer(CustomerId(ada)),
            body: NoteBody::parse(text).unwrap(),
            idempotency_key: IdempotencyKey::generate(),
        };
        ids.push(
            add_note(&mut *app.conn().await, input, &ctx())
                .await
                .unwrap()
                .id,
        );
    }
    app.catch_up().await;
    app.exec(&format!(
        "UPDATE read.notes SET body = 'edited' WHERE id = {}",
        ids[0]
    ))
    .await;
    app.exec(&format!("DELETE FROM read.notes WHERE id = {}", ids[1]))
        .await;
    let notes = [catalog::get(ReadModelName::Notes)];

    let found = verify::verify(&mut *app.conn().await, &notes, true)
        .await
        .unwrap();
    assert!(!found[0].ok());
    assert!(
        found[0].repaired && !found[0].keys.is_empty(),
        "{:?}",
        found[0].keys
    );
    let again = verify::verify(&mut *app.conn().await, &notes, false)
        .await
        .unwrap();
    assert!(again[0].ok(), "{:?}", again[0].keys);
    assert_eq!(
        app.scalar("SELECT count(*) FROM read.notes WHERE body <> 'edited'")
            .await,
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn document_events_change_only_the_orders_documents_and_verify_repairs_them() {
    use diesel_async::AsyncConnection as _;
    use orderdesk::commands::credit_note::credit_in_transaction;
    use orderdesk::commands::issue_invoice::{IssueInvoice, issue_invoice};
    use orderdesk::domain::OrderId;

    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    app.catch_up().await;
    let c = ctx();

    let mut invoice = 0;
    let changes = step(&app, "an invoice issued", async {
        let input = IssueInvoice {
            order_id: OrderId(order),
        };
        invoice = issue_invoice(&mut *app.conn().await, input, &c)
            .await
            .unwrap()
            .id;
    })
    .await;
    assert_eq!(changes, keys(&[("order_documents", &[id("id", invoice)])]));

    let mut credit = 0;
    let changes = step(&app, "a credit note issued", async {
        let mut conn = app.conn().await;
        credit = conn
            .transaction(async |conn| credit_in_transaction(conn, OrderId(order), &c).await)
            .await
            .unwrap()
            .expect("an invoice stands")
            .id;
    })
    .await;
    assert_eq!(
        changes,
        keys(&[("order_documents", &[id("id", invoice), id("id", credit)])])
    );
    let credited = format!(
        "SELECT count(*) FROM read.order_documents WHERE id = {invoice} AND credited_by_number LIKE 'CN-%'"
    );
    assert_eq!(app.scalar(&credited).await, 1);

    let model = catalog::get(ReadModelName::OrderDocuments);
    orderdesk::read_models::rebuild::rebuild(&mut *app.conn().await, &[model], &mut |_| {})
        .await
        .unwrap();
    assert_exact(&app, "a rebuild of the documents").await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM read.order_documents")
            .await,
        2
    );
    let indexes = "SELECT count(*) FROM pg_indexes WHERE tablename = 'order_documents'";
    assert_eq!(app.scalar(indexes).await, 3);

    app.exec(&format!(
        "UPDATE read.order_documents SET grand_total_cents = 1 WHERE id = {invoice}"
    ))
    .await;
    app.exec(&format!(
        "DELETE FROM read.order_documents WHERE id = {credit}"
    ))
    .await;
    let documents = [catalog::get(ReadModelName::OrderDocuments)];
    let found = verify::verify(&mut *app.conn().await, &documents, true)
        .await
        .unwrap();
    assert!(!found[0].ok() && found[0].repaired, "{:?}", found[0].keys);
    let again = verify::verify(&mut *app.conn().await, &documents, false)
        .await
        .unwrap();
    assert!(again[0].ok(), "{:?}", again[0].keys);
}
