//! The events table: one row per successful command, none for a failed one, never changed.

use diesel_async::RunQueryDsl;
use orderdesk::commands::CommandError;

use crate::support::helpers::TestApp;

#[tokio::test]
async fn each_successful_command_appends_exactly_its_events_and_failures_append_none() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await; // customer_registered
    app.product("TEE", "10", 2).await; // product_created, stock_received
    app.place(customer, &[("TEE", 1)]).await.unwrap(); // order_placed
    let refused = app.place(customer, &[("TEE", 5)]).await; // refused: no event
    assert!(
        matches!(refused, Err(CommandError::InsufficientStock(_))),
        "{refused:?}"
    );

    let types = app
        .scalar("SELECT count(DISTINCT event_type) FROM events")
        .await;
    assert_eq!(app.scalar("SELECT count(*) FROM events").await, 4);
    assert_eq!(types, 4);
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM events WHERE actor = 'system:test' AND occurred_at <= now()"
        )
        .await,
        4
    );
}

#[tokio::test]
async fn events_cannot_be_updated_or_deleted() {
    let app = TestApp::spawn().await;
    app.customer("ada@example.com").await;
    let mut conn = app.conn().await;

    let update = diesel::sql_query("UPDATE events SET actor = 'mallory'")
        .execute(&mut conn)
        .await;
    let delete = diesel::sql_query("DELETE FROM events")
        .execute(&mut conn)
        .await;

    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE actor = 'system:test'")
            .await,
        1
    );
}
