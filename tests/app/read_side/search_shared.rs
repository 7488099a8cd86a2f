//! The order form's Find buttons and its type-ahead run the same searches
//! (`queries::lookup`): what one finds, the other finds, in the same order.

use orderdesk::commands::create_product;
use orderdesk::domain::Currency;
use orderdesk::web::forms::{CommandForm, ProductForm};

use crate::support::helpers::TestApp;
use crate::support::http::{post, session_csrf};

#[tokio::test]
async fn find_and_the_type_ahead_both_find_a_customer_by_number() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.customer("bob@example.com").await;
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    let number = format!("#{ada}");

    let typed = client
        .get(format!("/orders/lookup/customers?q=%23{ada}"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let found = post(
        &client,
        "/orders",
        &[
            ("csrf_token", &csrf),
            ("action", "find_customer"),
            ("customer_q", &number),
            ("idempotency_key", "search-shared-0001"),
        ],
    )
    .await
    .into_string()
    .await
    .unwrap();

    assert!(typed.starts_with(&format!(r#"[{{"id":{ada},"#)), "{typed}");
    assert_eq!(typed.matches(r#""id":"#).count(), 1, "{typed}");
    assert!(
        found.contains(&format!(r#"value="{ada}">"#)),
        "the Find finds the number too: {found}"
    );
    assert_eq!(found.matches(r#"name="customer_pick""#).count(), 1);
}

#[tokio::test]
async fn find_lists_a_product_no_longer_for_sale_as_such_like_the_type_ahead() {
    let app = TestApp::spawn().await;
    app.product("MUG-BLUE", "7.50", 4).await;
    let retired = ProductForm {
        sku: "MUG-OLD".into(),
        name: "Old mug".into(),
        description: String::new(),
        price: "5.00".into(),
        active: false,
        low_stock_threshold: String::new(),
        tax_rate: String::new(),
    };
    create_product::create_product(
        &mut *app.conn().await,
        retired.parse(Currency::default()).unwrap(),
        &crate::support::helpers::ctx(),
    )
    .await
    .unwrap();
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;

    let found = post(
        &client,
        "/orders",
        &[
            ("csrf_token", &csrf),
            ("action", "find_products"),
            ("product_q", "mug"),
            ("idempotency_key", "search-shared-0002"),
        ],
    )
    .await
    .into_string()
    .await
    .unwrap();

    assert!(
        found.contains(r#"name="add_sku" value="MUG-BLUE""#),
        "{found}"
    );
    assert!(
        !found.contains(r#"name="add_sku" value="MUG-OLD""#),
        "{found}"
    );
    assert!(found.contains("<code>MUG-OLD</code>"), "{found}");
    assert!(found.contains("not for sale"), "{found}");
}
