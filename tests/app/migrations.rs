//! Every migration's down.sql undoes its up.sql.

use orderdesk::db::migrations;

use crate::support::helpers::{TestApp, TestDb};

#[tokio::test(flavor = "multi_thread")]
async fn every_migration_goes_up_down_and_up_again() {
    let db = TestDb::empty().await;

    let applied = migrations::run_pending(&db.url).await.unwrap();
    assert_eq!(applied, migrations::count());
    assert!(migrations::all_applied(&db.url).await.unwrap());

    let reverted = migrations::revert_all(&db.url).await.unwrap();
    assert_eq!(reverted, applied);
    assert!(!migrations::all_applied(&db.url).await.unwrap());

    assert_eq!(migrations::run_pending(&db.url).await.unwrap(), applied);
}

#[tokio::test]
async fn the_database_refuses_impossible_stock_even_without_the_commands() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE", "10", 5).await;
    for bad in [
        format!("UPDATE inventory SET reserved = 6 WHERE product_id = {id}"),
        format!("UPDATE inventory SET on_hand = -1 WHERE product_id = {id}"),
        format!("UPDATE products SET price_cents = 0 WHERE id = {id}"),
    ] {
        let result =
            diesel_async::RunQueryDsl::execute(diesel::sql_query(&bad), &mut *app.conn().await)
                .await;
        assert!(
            matches!(
                result,
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::CheckViolation,
                    _
                ))
            ),
            "{bad}: {result:?}"
        );
    }
    assert_eq!(app.stock(id).await, (5, 0));
}
