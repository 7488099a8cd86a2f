//! The fresh-install reports bug: `migrate` fills the report views before
//! `seed` adds orders, so `seed` refreshes them at its end, `serve` at start
//! fills any report view never refreshed since the shop had orders, and an
//! empty revenue chart says so in words rather than drawing a $0.00 axis.

use std::process::Command;

use orderdesk::read_models::schedule;

use crate::support::helpers::TestApp;

const MONTHLY_ROWS: &str = "SELECT count(*) FROM read.monthly_sales";
const FILLS_AT_START: &str =
    "SELECT count(*) FROM read_model_refreshes WHERE trigger = 'schedule' AND outcome = 'ok'";

#[tokio::test]
async fn seed_refreshes_the_report_views_at_its_end() {
    let app = TestApp::spawn().await;
    assert_eq!(app.scalar(MONTHLY_ROWS).await, 0, "migrate left them empty");

    let out = Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .args([
            "seed",
            "--customers",
            "5",
            "--products",
            "3",
            "--orders",
            "40",
            "--days",
            "60",
            "--quiet",
        ])
        .env("DATABASE_URL", &app.db.url)
        .env("RUST_LOG", "error")
        .output()
        .expect("run orderdesk seed");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    assert!(out.status.success(), "{printed}");
    assert!(app.scalar(MONTHLY_ROWS).await > 0, "{printed}");
    for view in ["monthly_sales", "product_sales_monthly", "customer_cohorts"] {
        assert!(printed.contains(&format!("{view:<22} ok,")), "{printed}");
    }
}

#[tokio::test]
async fn serve_fills_report_views_never_refreshed_since_the_shop_had_orders_and_only_those() {
    let app = TestApp::spawn().await;
    // As the server does it: as orderdesk_app, which owns no report view.
    let server_url = orderdesk::db::roles::url_as(&app.db.url, orderdesk::db::roles::APP).unwrap();
    // No orders: nothing to fill, nothing refreshed.
    schedule::fill_at_start(&server_url).await;
    assert_eq!(app.scalar(FILLS_AT_START).await, 0);

    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 5).await;
    app.place(ada, &[("TEE", 2)]).await.unwrap();
    let unfilled = schedule::unfilled(&mut *app.conn().await).await.unwrap();
    assert_eq!(unfilled.len(), 3, "every report view predates the order");
    assert_eq!(app.scalar(MONTHLY_ROWS).await, 0);

    schedule::fill_at_start(&server_url).await;

    assert_eq!(app.scalar(MONTHLY_ROWS).await, 1);
    assert_eq!(app.scalar(FILLS_AT_START).await, 3);
    // Filled since the shop had orders: the next start refreshes nothing
    // (later orders wait for the nightly refresh, as before).
    app.place(ada, &[("TEE", 1)]).await.unwrap();
    assert!(
        schedule::unfilled(&mut *app.conn().await)
            .await
            .unwrap()
            .is_empty()
    );
    schedule::fill_at_start(&server_url).await;
    assert_eq!(app.scalar(FILLS_AT_START).await, 3);
}

#[tokio::test]
async fn an_empty_report_shows_an_empty_state_not_a_zero_axis() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in("viewer").await;

    let page = client.get("/reports").dispatch().await;
    assert_eq!(page.status().code, 200);
    let html = page.into_string().await.unwrap();

    assert!(
        html.contains(r#"<p class="chart chart-empty" role="note">No orders yet.</p>"#),
        "{html}"
    );
    assert!(!html.contains("<svg class=\"chart\""), "{html}");
    assert!(!html.contains("$0.00"), "{html}");
}
