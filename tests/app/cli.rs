//! The operator commands, run as the real binary.

use std::process::Command;

use crate::helpers::TestApp;

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
async fn refresh_prints_a_line_per_view_and_verify_passes_on_a_consistent_shop() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    app.place(ada, &[("TEE", 2)]).await.unwrap();

    let (refreshed, out) = orderdesk(
        &app.db.url,
        &[
            "refresh",
            "--view",
            "daily_sales",
            "--view",
            "order_summaries",
        ],
    );
    assert!(refreshed, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.contains(" ok, ")).count(),
        2,
        "{out}"
    );

    let (verified, out) = orderdesk(&app.db.url, &["verify"]);
    assert!(verified, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.ends_with(" OK")).count(),
        orderdesk::read_models::verify::checks().len(),
        "{out}"
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
        out.contains("stock_ledger") && out.contains("DIFFERS in 2 row(s)"),
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
