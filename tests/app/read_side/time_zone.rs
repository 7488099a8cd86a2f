//! The shop's time zone: per-day figures count the shop's days, and the
//! 30-day windows move when the shop's day changes.

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use orderdesk::read_models::time_zone::ZoneCheckError;
use orderdesk::read_models::{catalog, time_zone, verify};
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;

#[derive(QueryableByName)]
struct Days {
    #[diesel(sql_type = Text)]
    days: String,
}

async fn days(app: &TestApp, sql: &str) -> String {
    let d: Days = diesel::sql_query(sql)
        .get_result(&mut *app.conn().await)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    d.days
}

/// Whether the orders list filtered to the shop day `day` shows `order`.
async fn listed_on(client: &Client, day: &str, order: i64) -> bool {
    let page = client
        .get(format!("/orders?from={day}&to={day}"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    page.contains(&format!("/orders/{order}\""))
}

async fn assert_exact(app: &TestApp) {
    let models: Vec<_> = catalog::live().collect();
    for d in verify::verify(&mut *app.conn().await, &models, false)
        .await
        .unwrap()
    {
        assert!(d.ok(), "{} differs at {:?}", d.name, d.keys);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_late_in_a_new_york_evening_counts_for_that_new_york_day() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 50).await;
    let late = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    // 23:30 on Saturday 31 October in New York is 03:30 on 1 November in UTC.
    app.exec(&format!(
        "UPDATE orders SET placed_at = '2026-10-31 23:30:00 America/New_York' WHERE id = {late}"
    ))
    .await;
    app.refresh().await;
    let sales = "SELECT string_agg(day::text || '=' || revenue_cents, ',' ORDER BY day) AS days FROM read.daily_sales";
    let by_product = "SELECT string_agg(day::text || '=' || units, ',' ORDER BY day) AS days FROM read.product_sales_daily";
    let months = "SELECT string_agg(month::text || '=' || orders, ',' ORDER BY month) AS days FROM read.monthly_sales";
    assert_eq!(days(&app, sales).await, "2026-11-01=2000");
    assert_eq!(days(&app, months).await, "2026-11-01=1");

    // A UTC shop's orders list finds it on 1 November, not on 31 October.
    let (utc, _) = app.signed_in_with("clerk", &[("time_zone", "UTC")]).await;
    assert!(!listed_on(&utc, "2026-10-31", late).await);
    assert!(listed_on(&utc, "2026-11-01", late).await);

    let rebuilt = time_zone::change(&mut *app.conn().await, "America/New_York", &mut |_| {})
        .await
        .unwrap()
        .expect("the zone changed");
    assert_eq!(
        rebuilt.iter().map(|r| r.name).collect::<Vec<_>>(),
        time_zone::PER_DAY
    );
    app.refresh().await;

    assert_eq!(days(&app, sales).await, "2026-10-31=2000");
    assert_eq!(days(&app, by_product).await, "2026-10-31=2");
    assert_eq!(
        days(&app, months).await,
        "2026-10-01=1",
        "report months too"
    );
    assert_exact(&app).await;
    let (new_york, _) = app
        .signed_in_with("viewer", &[("time_zone", "America/New_York")])
        .await;
    assert!(listed_on(&new_york, "2026-10-31", late).await);
    assert!(!listed_on(&new_york, "2026-11-01", late).await);

    // Applying the same zone again does nothing; the server refuses another.
    assert!(
        time_zone::change(&mut *app.conn().await, "America/New_York", &mut |_| {})
            .await
            .unwrap()
            .is_none()
    );
    time_zone::check(&mut *app.conn().await, "America/New_York")
        .await
        .expect("the zone just applied is the stored one");
    let refused = time_zone::check(&mut *app.conn().await, "UTC")
        .await
        .unwrap_err();
    assert!(
        matches!(
            &refused,
            ZoneCheckError::Differs { stored, configured }
                if stored == "America/New_York" && configured == "UTC"
        ),
        "{refused:?}"
    );
    assert!(
        refused.to_string().contains("orderdesk migrate"),
        "{refused}"
    );
    let unknown = time_zone::change(&mut *app.conn().await, "Mars/Olympus_Mons", &mut |_| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(
        unknown.contains("time zone \"Mars/Olympus_Mons\" not recognized"),
        "an unknown zone is refused: {unknown}"
    );
    assert_eq!(
        time_zone::stored(&mut *app.conn().await).await.unwrap(),
        "America/New_York"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_30_day_window_moves_when_the_shops_day_changes() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10.00", 50).await;
    let old = app.place(ada, &[("TEE", 3)]).await.unwrap().id;
    let edge = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    // Noon 30 and 29 shop days ago (the shop is UTC here).
    for (id, back) in [(old, 30), (edge, 29)] {
        app.exec(&format!(
            "UPDATE orders SET placed_at = (current_date - {back}) + time '12:00' WHERE id = {id}"
        ))
        .await;
    }
    app.catch_up().await;
    let window = format!("SELECT units AS v FROM read.product_sales_30d WHERE product_id = {tee}");
    assert_eq!(app.scalar(&window).await, 1, "29 days ago is in, 30 is out");

    // The models as they stood yesterday: 30 days ago was still in the window.
    app.exec("UPDATE read.dashboard SET day = day - 1").await;
    app.exec("DELETE FROM read.product_sales_30d").await;
    app.exec(
        "INSERT INTO read.product_sales_30d SELECT * FROM read_def.product_sales_30d(current_date - 1)",
    )
    .await;
    assert_eq!(app.scalar(&window).await, 4);

    // The first batch of the new day moves the window and the dashboard.
    app.catch_up().await;
    assert_eq!(app.scalar(&window).await, 1);
    assert_eq!(
        app.scalar("SELECT (day = current_date)::int::bigint AS v FROM read.dashboard")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT (jsonb_array_elements(daily) ->> 'units')::bigint AS v FROM read.dashboard ORDER BY 1 DESC LIMIT 1").await,
        1
    );
    assert_exact(&app).await;
}
