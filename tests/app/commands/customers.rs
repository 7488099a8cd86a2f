//! RegisterCustomer and UpdateCustomer.

use orderdesk::commands::CommandError;
use orderdesk::commands::register_customer::register_customer;
use orderdesk::commands::update_customer::{UpdateCustomer, update_customer};
use orderdesk::domain::{Email, Name, Phone};

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

#[tokio::test]
async fn registering_a_customer_stores_it_lowercased_with_an_event() {
    let app = TestApp::spawn().await;
    let input = inputs::customer(" Ada@Example.COM ", " Ada Lovelace ", "+44 20 7946 0000");

    let ack = register_customer(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap();

    assert_eq!(ack.version, Some(1));
    assert_eq!(app.scalar(&format!("SELECT count(*) FROM customers WHERE id = {} AND email = 'ada@example.com' AND name = 'Ada Lovelace'", ack.id)).await, 1);
    assert_eq!(
        app.scalar(&format!("SELECT count(*) FROM events WHERE id = {} AND event_type = 'customer_registered' AND aggregate_id = {} AND actor = 'system:test'", ack.event_id, ack.id)).await,
        1
    );
}

#[tokio::test]
async fn every_malformed_field_is_refused_by_its_value() {
    assert!(Email::parse("not-an-email").is_err());
    assert!(Name::parse("").is_err());
    assert!(Phone::parse_optional("call me").is_err());
    assert_eq!(Phone::parse_optional("  ").unwrap(), None);

    let long = Name::parse(&"x".repeat(201)).unwrap_err();
    assert!(long.contains("at most 200"), "{long}");
    assert!(Name::parse(&"x".repeat(200)).is_ok());
}

#[tokio::test]
async fn a_duplicate_email_is_a_field_error_and_writes_nothing() {
    let app = TestApp::spawn().await;
    app.customer("ada@example.com").await;
    let before = app.snapshot().await;

    let input = inputs::customer("ADA@example.com", "Another Ada", "");
    let err = register_customer(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap_err();

    match err {
        CommandError::Invalid(e) => assert!(e.get("email").unwrap().contains("already registered")),
        other => panic!("expected a field error, got {other:?}"),
    }
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn updating_with_the_current_version_saves_and_bumps_it() {
    let app = TestApp::spawn().await;
    let id = app.customer("ada@example.com").await;
    let details = inputs::customer("ada@lovelace.org", "Ada King", "");

    let ack = update_customer(
        &mut *app.conn().await,
        UpdateCustomer {
            customer_id: orderdesk::domain::CustomerId(id),
            expected_version: 1,
            details,
        },
        &ctx(),
    )
    .await
    .unwrap();

    assert_eq!(ack.version, Some(2));
    assert_eq!(app.scalar(&format!("SELECT count(*) FROM customers WHERE id = {id} AND email = 'ada@lovelace.org' AND version = 2")).await, 1);
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE event_type = 'customer_updated'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_that_says_what_changed() {
    let app = TestApp::spawn().await;
    let id = app.customer("ada@example.com").await;
    let first = inputs::customer("ada@example.com", "Ada King", "");
    update_customer(
        &mut *app.conn().await,
        UpdateCustomer {
            customer_id: orderdesk::domain::CustomerId(id),
            expected_version: 1,
            details: first,
        },
        &ctx(),
    )
    .await
    .unwrap();
    let before = app.snapshot().await;

    let stale = inputs::customer("ada@example.com", "Ada Byron", "");
    let err = update_customer(
        &mut *app.conn().await,
        UpdateCustomer {
            customer_id: orderdesk::domain::CustomerId(id),
            expected_version: 1,
            details: stale,
        },
        &ctx(),
    )
    .await
    .unwrap_err();

    let CommandError::Conflict(conflict) = err else {
        panic!("expected a conflict, got {err:?}")
    };
    assert_eq!(conflict.current_version, Some(2));
    assert_eq!(
        conflict.changes,
        vec![("name".to_string(), "Ada King".to_string())]
    );
    assert!(
        conflict.message.contains("system:test"),
        "{}",
        conflict.message
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn updating_to_a_taken_email_or_a_missing_customer_is_refused() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.customer("bob@example.com").await;
    let before = app.snapshot().await;

    let taken = inputs::customer("bob@example.com", "Ada", "");
    let err = update_customer(
        &mut *app.conn().await,
        UpdateCustomer {
            customer_id: orderdesk::domain::CustomerId(ada),
            expected_version: 1,
            details: taken.clone(),
        },
        &ctx(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, CommandError::Invalid(e) if e.get("email").is_some()),
        "{err:?}"
    );

    let err = update_customer(
        &mut *app.conn().await,
        UpdateCustomer {
            customer_id: orderdesk::domain::CustomerId(999_999),
            expected_version: 1,
            details: taken,
        },
        &ctx(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            CommandError::NotFound {
                what: "customer",
                id: 999_999
            }
        ),
        "{err:?}"
    );
    assert_eq!(app.snapshot().await, before);
}
