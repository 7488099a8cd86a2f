//! CreateProduct and UpdateProduct.

use orderdesk::commands::CommandError;
use orderdesk::commands::create_product::{CreateProduct, ProductDetails, create_product};
use orderdesk::commands::update_product::{UpdateProduct, update_product};
use orderdesk::domain::{Money, Name, Sku, parse_description};

use crate::support::helpers::{TestApp, ctx};

fn product(sku: &str, name: &str, price: &str) -> CreateProduct {
    CreateProduct {
        sku: Sku::parse(sku).unwrap(),
        details: details(name, price, true),
    }
}

fn details(name: &str, price: &str, active: bool) -> ProductDetails {
    ProductDetails {
        name: Name::parse(name).unwrap(),
        description: "Soft cotton".into(),
        price: Money::parse(price).unwrap(),
        active,
        low_stock_threshold: orderdesk::domain::StockLevel::default_threshold(),
        tax_rate: None,
    }
}

#[tokio::test]
async fn creating_a_product_gives_it_an_empty_stock_record_and_an_event() {
    let app = TestApp::spawn().await;
    let input = product("tee-blk-m", "Black tee, M", "19.90");

    let ack = create_product(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap();

    let created = format!(
        "SELECT count(*) FROM products WHERE id = {} AND sku = 'TEE-BLK-M' AND price_cents = 1990",
        ack.id
    );
    assert_eq!(app.scalar(&created).await, 1);
    assert_eq!(app.stock(ack.id).await, (0, 0));
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE event_type = 'product_created'")
            .await,
        1
    );
}

#[tokio::test]
async fn malformed_sku_name_and_price_are_each_refused() {
    assert!(Sku::parse("no spaces!").is_err());
    assert!(Name::parse("  ").is_err());
    assert!(Money::parse("12.345").is_err());
    for bad_price in ["0", "-1", "abc", "", "1000000.01"] {
        assert!(Money::parse(bad_price).is_err(), "{bad_price:?} accepted");
    }
    assert!(parse_description(&"d".repeat(4001)).is_err());
    assert!(parse_description(&"d".repeat(4000)).is_ok());
}

#[tokio::test]
async fn a_duplicate_sku_is_a_field_error_and_writes_nothing() {
    let app = TestApp::spawn().await;
    app.product("TEE-BLK-M", "19.90", 0).await;
    let before = app.snapshot().await;

    let input = product("tee-blk-m", "Another tee", "5");
    let err = create_product(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap_err();

    assert!(
        matches!(&err, CommandError::Invalid(e) if e.get("sku").is_some()),
        "{err:?}"
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn updating_a_product_changes_price_for_new_orders_only() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    let id = app.product("TEE", "10.00", 10).await;
    let order = app.place(customer, &[("TEE", 1)]).await.unwrap();

    let ack = update_product(
        &mut *app.conn().await,
        UpdateProduct {
            product_id: orderdesk::domain::ProductId(id),
            expected_version: 1,
            details: details("Tee", "12.50", true),
        },
        &ctx(),
    )
    .await
    .unwrap();

    assert_eq!(ack.version, Some(2));
    assert_eq!(
        app.scalar(&format!("SELECT price_cents FROM products WHERE id = {id}"))
            .await,
        1250
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT unit_price_cents FROM order_lines WHERE order_id = {}",
            order.id
        ))
        .await,
        1000
    );
}

#[tokio::test]
async fn a_stale_product_version_is_a_conflict_listing_the_changed_fields() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE", "10.00", 0).await;
    update_product(
        &mut *app.conn().await,
        UpdateProduct {
            product_id: orderdesk::domain::ProductId(id),
            expected_version: 1,
            details: details("Product TEE", "11.00", false),
        },
        &ctx(),
    )
    .await
    .unwrap();
    let before = app.snapshot().await;

    let err = update_product(
        &mut *app.conn().await,
        UpdateProduct {
            product_id: orderdesk::domain::ProductId(id),
            expected_version: 1,
            details: details("Product TEE", "10.00", true),
        },
        &ctx(),
    )
    .await
    .unwrap_err();

    let CommandError::Conflict(c) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        c.changes,
        vec![
            ("price".to_string(), "11.00".to_string()),
            ("active".to_string(), "false".to_string())
        ]
    );
    assert_eq!(app.snapshot().await, before);

    let missing = update_product(
        &mut *app.conn().await,
        UpdateProduct {
            product_id: orderdesk::domain::ProductId(424_242),
            expected_version: 1,
            details: details("X", "1", true),
        },
        &ctx(),
    )
    .await
    .unwrap_err();
    assert!(matches!(
        missing,
        CommandError::NotFound {
            what: "product",
            ..
        }
    ));
}
