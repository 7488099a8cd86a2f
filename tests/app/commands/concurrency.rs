//! What must hold when many staff act at once.

use std::sync::Arc;

use orderdesk::commands::CommandError;
use orderdesk::commands::create_product::ProductDetails;
use orderdesk::commands::place_order::place_order;
use orderdesk::commands::update_product::{UpdateProduct, update_product};
use orderdesk::domain::{Money, Name};

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_orders_for_ten_units_reserve_exactly_ten() {
    let app = Arc::new(TestApp::spawn().await);
    let customer = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10", 10).await;

    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let app = Arc::clone(&app);
            tokio::spawn(async move { app.place(customer, &[("TEE", 1)]).await })
        })
        .collect();
    let mut placed = 0;
    let mut short = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => placed += 1,
            Err(CommandError::InsufficientStock(_)) => short += 1,
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }

    assert_eq!((placed, short), (10, 40));
    assert_eq!(app.stock(tee).await, (10, 10));
    assert_eq!(app.scalar("SELECT count(*) FROM orders").await, 10);
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE event_type = 'order_placed'")
            .await,
        10
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_orders_over_shared_products_neither_deadlock_nor_oversell() {
    let app = Arc::new(TestApp::spawn().await);
    let customer = app.customer("ada@example.com").await;
    let a = app.product("AAA", "1", 30).await;
    let b = app.product("BBB", "1", 30).await;

    // Half the orders list the products in one order, half in the other.
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let app = Arc::clone(&app);
            let lines: &[(&str, u32)] = if i % 2 == 0 {
                &[("AAA", 1), ("BBB", 1)]
            } else {
                &[("BBB", 1), ("AAA", 1)]
            };
            tokio::spawn(async move { app.place(customer, lines).await })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(CommandError::InsufficientStock(_)) => {}
            Err(other) => panic!("unexpected error (a deadlock?): {other:?}"),
        }
    }

    assert_eq!(ok, 30);
    assert_eq!(app.stock(a).await, (30, 30));
    assert_eq!(app.stock(b).await, (30, 30));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_concurrent_updates_with_the_same_version_one_wins_one_conflicts() {
    let app = Arc::new(TestApp::spawn().await);
    let id = app.product("TEE", "10", 0).await;

    let tasks: Vec<_> = ["11.00", "12.00"]
        .into_iter()
        .map(|price| {
            let app = Arc::clone(&app);
            tokio::spawn(async move {
                let details = ProductDetails {
                    name: Name::parse("Tee").unwrap(),
                    description: String::new(),
                    price: Money::parse(price).unwrap(),
                    active: true,
                    low_stock_threshold: orderdesk::domain::StockLevel::default_threshold(),
                    tax_rate: None,
                };
                update_product(
                    &mut *app.conn().await,
                    UpdateProduct {
                        product_id: orderdesk::domain::ProductId(id),
                        expected_version: 1,
                        details,
                    },
                    &ctx(),
                )
                .await
            })
        })
        .collect();
    let results: Vec<_> = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();

    // One edit wins; every other one is refused as a conflict, not for another reason.
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(_) | Err(CommandError::Conflict(_)))),
        "{results:?}"
    );
    assert_eq!(
        app.scalar(&format!("SELECT version FROM products WHERE id = {id}"))
            .await,
        2
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE event_type = 'product_updated'")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_idempotency_key_submitted_ten_times_at_once_makes_one_order() {
    let app = Arc::new(TestApp::spawn().await);
    let customer = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10", 100).await;
    let input = inputs::order(customer, &[("TEE", 3)]);

    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let app = Arc::clone(&app);
            let input = input.clone();
            tokio::spawn(async move { place_order(&mut *app.conn().await, input, &ctx()).await })
        })
        .collect();
    let acks: Vec<_> = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap().unwrap())
        .collect();

    assert!(acks.iter().all(|a| a.id == acks[0].id));
    assert_eq!(acks.iter().filter(|a| !a.replayed).count(), 1);
    assert_eq!(app.scalar("SELECT count(*) FROM orders").await, 1);
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE event_type = 'order_placed'")
            .await,
        1
    );
    assert_eq!(app.stock(tee).await, (100, 3));
}

/// Issue 24: many clerks recording payments on one order at once never
/// collect more than its total without a confirmed overpayment: the order's
/// row lock makes them take turns, each seeing the others' sums.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_clerks_paying_one_order_at_once_never_over_collect() {
    use orderdesk::commands::record_payment::record_payment;

    let app = Arc::new(TestApp::spawn().await);
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 10).await;
    let order = app.place(customer, &[("TEE", 2)]).await.unwrap().id; // 20.00

    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let app = Arc::clone(&app);
            tokio::spawn(async move {
                let input = super::payments::payment(order, 500, false);
                record_payment(&mut *app.conn().await, input, &ctx()).await
            })
        })
        .collect();
    let (mut recorded, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => recorded += 1,
            Err(CommandError::Invalid(_)) => refused += 1,
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }

    assert_eq!((recorded, refused), (4, 8));
    assert_eq!(
        app.scalar(&format!("SELECT paid_cents FROM orders WHERE id = {order}"))
            .await,
        2000
    );
    assert_eq!(
        app.scalar("SELECT sum(amount_cents) FROM payments").await,
        2000
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM orders WHERE id = {order} \
             AND fulfilment_status = 'unfulfilled' AND payment_status = 'paid'"
        ))
        .await,
        1,
        "paid exactly, and the payments never moved the fulfilment state"
    );
}
