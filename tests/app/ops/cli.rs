//! The operator commands, run as the real binary.

use std::process::Command;

use crate::support::helpers::TestApp;

fn orderdesk(database_url: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "error")
        .output()
        .expect("run orderdesk");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn refresh_catches_up_reports_refresh_rebuild_rebuilds_and_verify_passes() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    app.place(ada, &[("TEE", 2)]).await.unwrap();

    let (caught_up, out) = orderdesk(&app.db.url, &["refresh"]);
    assert!(caught_up, "{out}");
    assert!(
        out.contains("live models            caught up: 4 events, 1 orders"),
        "{out}"
    );
    let (reports, out) = orderdesk(&app.db.url, &["refresh", "--reports"]);
    assert!(reports, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.contains(" ok, ")).count(),
        3,
        "{out}"
    );
    assert_eq!(app.scalar("SELECT orders FROM read.monthly_sales").await, 1);
    let (rebuilt, out) = orderdesk(
        &app.db.url,
        &["refresh", "--rebuild", "--view", "daily_sales"],
    );
    assert!(rebuilt, "{out}");
    assert!(
        out.contains("daily_sales            rebuilt: 1 rows"),
        "{out}"
    );

    let (verified, out) = orderdesk(&app.db.url, &["verify"]);
    assert!(verified, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.ends_with(" OK")).count(),
        14, // the live models, and the inventory against its movements
        "{out}"
    );
}

#[tokio::test]
async fn verify_repair_fixes_a_corrupted_row_and_says_which() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.catch_up().await;
    app.exec(&format!(
        "UPDATE read.customer_stats SET order_count = 7 WHERE customer_id = {ada}"
    ))
    .await;

    let (found, out) = orderdesk(&app.db.url, &["verify"]);
    assert!(!found);
    assert!(
        out.contains(&format!("customer_stats         DIFFERS 1 row(s) missing, 1 unexpected; keys:\n    {{\"customer_id\": {ada}}}")),
        "{out}"
    );
    let (repaired, out) = orderdesk(&app.db.url, &["verify", "--repair"]);
    assert!(repaired, "{out}");
    assert!(out.contains("customer_stats         REPAIRED"), "{out}");
    assert_eq!(
        app.scalar("SELECT order_count FROM read.customer_stats")
            .await,
        0
    );
}

#[tokio::test]
async fn verify_fails_with_the_differing_rows_when_the_write_model_is_inconsistent() {
    let app = TestApp::spawn().await;
    let tee = app.product("TEE", "10", 5).await;
    app.exec(&format!(
        "UPDATE inventory SET on_hand = 4 WHERE product_id = {tee}"
    ))
    .await; // behind the ledger's back

    let (ok, out) = orderdesk(&app.db.url, &["verify"]);

    assert!(!ok);
    assert!(
        out.contains(&format!(
            "stock_figures          DIFFERS for 1 product(s):\n    \
             {{\"product_id\":{tee},\"on_hand\":4,\"ledger_on_hand\":5,\"reserved\":0,\"ledger_reserved\":0}}\n"
        )),
        "{out}"
    );
}

#[tokio::test]
async fn refresh_rejects_an_unknown_view() {
    let app = TestApp::spawn().await;
    let (ok, out) = orderdesk(&app.db.url, &["refresh", "--view", "orders"]);
    assert!(!ok);
    assert!(out.contains("unknown read model \"orders\""), "{out}");
}
