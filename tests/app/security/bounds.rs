//! Timeouts and bounds: statement and lock timeouts on the request pools,
//! search text cut to 200 characters with a note, and CSV exports limited in
//! number and in time.

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use orderdesk::db::Pools;
use orderdesk::seed::{self, SeedOptions};
use rocket::figment::value::Value;
use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::pages_http::{get, post};

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Text)]
    value: String,
}

async fn show(conn: &mut orderdesk::db::PooledConn, name: &str) -> String {
    diesel::sql_query(format!("SELECT current_setting('{name}') AS value"))
        .get_result::<Setting>(&mut **conn)
        .await
        .unwrap()
        .value
}

#[tokio::test]
async fn each_request_pool_carries_its_configured_timeouts() {
    let app = TestApp::spawn().await;
    let client = app
        .client_from(
            orderdesk::config::Settings::figment(),
            &[
                ("write_statement_timeout_ms", Value::from(1234)),
                ("read_statement_timeout_ms", Value::from(2345)),
                ("lock_timeout_ms", Value::from(345)),
            ],
        )
        .await;
    let pools = client.rocket().state::<Pools>().unwrap();
    let mut write = pools.write.get().await.unwrap();
    let mut read = pools.read.get().await.unwrap();

    let got = (
        show(&mut write, "statement_timeout").await,
        show(&mut write, "lock_timeout").await,
        show(&mut read, "statement_timeout").await,
    );

    assert_eq!(got, ("1234ms".into(), "345ms".into(), "2345ms".into()));
}

#[tokio::test]
async fn a_command_blocked_by_a_locked_row_gives_up_with_503_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE-1", "19.99", 3).await;
    let (client, _) = app
        .signed_in_with("clerk", &[("lock_timeout_ms", Value::from(50))])
        .await;
    let before = app.snapshot().await;
    let mut holder = app.conn().await;
    holder
        .batch_execute(&format!(
            "BEGIN; SELECT 1 FROM inventory WHERE product_id = {id} FOR UPDATE"
        ))
        .await
        .unwrap();

    let response = post(
        &client,
        &format!("/products/{id}/stock/receive"),
        &[("quantity", "5"), ("note", "PO 7")],
    )
    .await;

    assert_eq!(response.status(), Status::ServiceUnavailable);
    let page = response.into_string().await.unwrap();
    assert!(
        page.contains("Nothing was saved; try again in a moment."),
        "{page}"
    );
    holder.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn long_search_text_is_cut_to_200_characters_with_a_note() {
    let app = TestApp::spawn().await;
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;
    let long = "ab".repeat(2500);
    let cut = "ab".repeat(100);
    let note = "only the first 200 characters of the search were used";

    for list in ["/orders", "/customers", "/products"] {
        let (status, page) = get(&client, &format!("{list}?q={long}")).await;
        assert_eq!(status, Status::Ok, "{list}");
        assert!(page.contains(&format!("value=\"{cut}\"")), "{list}");
        assert!(!page.contains(&format!("{cut}a")), "{list}");
        assert!(page.contains(note), "{list}: {page}");
    }
    for (action, field) in [
        ("find_customer", "customer_q"),
        ("find_products", "product_q"),
    ] {
        let response = post(&client, "/orders", &[("action", action), (field, &long)]).await;
        assert_eq!(response.status(), Status::Ok, "{action}");
        let page = response.into_string().await.unwrap();
        assert!(page.contains(&format!("value=\"{cut}\"")), "{action}");
        assert!(!page.contains(&format!("{cut}a")), "{action}");
        assert!(page.contains(note), "{action}: {page}");
    }
}

#[tokio::test]
async fn only_so_many_exports_stream_at_once_and_a_finished_one_frees_its_slot() {
    let app = TestApp::spawn().await;
    app.refresh().await;
    let (client, _) = app
        .signed_in_with("viewer", &[("max_concurrent_exports", Value::from(1))])
        .await;

    let first = client.get("/orders/export.csv").dispatch().await;
    let second = client.get("/orders/export.csv").dispatch().await;

    assert_eq!(first.status(), Status::Ok);
    assert_eq!(second.status(), Status::ServiceUnavailable);
    let refused = second.into_string().await.unwrap();
    assert!(
        refused.contains("Other CSV exports are running right now; try again in a minute."),
        "{refused}"
    );
    assert!(first.into_string().await.unwrap().starts_with("order,"));
    let third = client.get("/orders/export.csv").dispatch().await;
    assert_eq!(third.status(), Status::Ok);
}

#[tokio::test]
async fn an_export_past_its_time_stops_after_the_page_in_hand() {
    let app = TestApp::spawn().await;
    let options = SeedOptions {
        customers: 20,
        products: 5,
        orders: 250,
        days: 5,
        quiet: true,
        until: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
        ..SeedOptions::default()
    };
    seed::run(&app.db.url, &options).await.unwrap();
    app.refresh().await;
    let (client, _) = app
        .signed_in_with("viewer", &[("export_timeout_secs", Value::from(0))])
        .await;

    let text = client
        .get("/orders/export.csv")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();

    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 200 + 1, "header, the first page, the note");
    assert_eq!(lines[201], "# export interrupted: it took too long");
}
