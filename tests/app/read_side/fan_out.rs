//! An edit of a customer or product reaches its orders only when it changes
//! what an order shows (a name, a customer's email): a repricing, a new
//! threshold or a phone number recomputes no order, and the models stay
//! exact either way.

use orderdesk::commands::update_customer::{UpdateCustomer, update_customer};
use orderdesk::commands::update_product::{UpdateProduct, update_product};
use orderdesk::domain::{CustomerId, ProductId};

use super::maintainer::assert_exact;
use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

async fn edit_product(app: &TestApp, id: i64, version: i32, name: &str, price: &str) {
    let input = UpdateProduct {
        product_id: ProductId(id),
        expected_version: version,
        details: inputs::product_details(name, price),
    };
    update_product(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap();
}

async fn edit_customer(app: &TestApp, id: i64, version: i32, email: &str, phone: &str) {
    let input = UpdateCustomer {
        customer_id: CustomerId(id),
        expected_version: version,
        details: inputs::customer(email, &format!("Customer {email}"), phone),
    };
    update_customer(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap();
}

/// The orders the catch-up after `what` recomputed.
async fn orders_recomputed(app: &TestApp, what: &str) -> i64 {
    let applied = app.catch_up().await;
    assert_exact(app, what).await;
    applied.orders
}

#[tokio::test(flavor = "multi_thread")]
async fn only_a_rename_or_new_email_recomputes_the_orders_that_show_it() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10.00", 50).await;
    for _ in 0..3 {
        app.place(ada, &[("TEE", 1)]).await.unwrap();
    }
    app.catch_up().await;
    let shown = |name: &str| {
        format!(
            "SELECT count(*) FROM read.order_summaries \
             WHERE lines @> '[{{\"name\": \"{name}\"}}]'"
        )
    };
    assert_eq!(app.scalar(&shown("Product TEE")).await, 3);

    edit_product(&app, tee, 1, "Product TEE", "12.00").await;
    assert_eq!(orders_recomputed(&app, "a repricing").await, 0);
    edit_product(&app, tee, 2, "Tee, organic", "12.00").await;
    assert_eq!(orders_recomputed(&app, "a rename").await, 3);
    assert_eq!(app.scalar(&shown("Tee, organic")).await, 3);

    // Renamed and renamed back before the maintainer ran: each event is a
    // rename of the one before it, so the orders are recomputed (and show
    // the name they had).
    edit_product(&app, tee, 3, "Tee", "12.00").await;
    edit_product(&app, tee, 4, "Tee, organic", "12.00").await;
    assert_eq!(orders_recomputed(&app, "a rename and back").await, 3);
    assert_eq!(app.scalar(&shown("Tee, organic")).await, 3);

    edit_customer(&app, ada, 1, "ada@example.com", "+44 20 7946 0000").await;
    assert_eq!(orders_recomputed(&app, "a new phone").await, 0);
    edit_customer(&app, ada, 2, "ada.king@example.com", "+44 20 7946 0000").await;
    assert_eq!(orders_recomputed(&app, "a new email").await, 3);
    let emailed = "SELECT count(*) FROM read.order_summaries \
                   WHERE customer_email = 'ada.king@example.com'";
    assert_eq!(app.scalar(emailed).await, 3);
}
