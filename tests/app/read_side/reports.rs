//! The report views and their queries: months, top products per month,
//! cohorts by month of first order, each with its age.

use chrono::NaiveDate;
use orderdesk::queries::reports;

use crate::support::helpers::TestApp;
use crate::support::html::row_with;

fn month(m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, 1).unwrap()
}

/// Ada orders in September and October, Bob first in October; one of Bob's
/// is cancelled. Orders are moved into the past behind the commands' back,
/// and Bob's first is given the money of a priced order the same way: 2.00
/// off the mugs (net 18.00, 20% tax 3.60) and 6.00 shipping (5.00 + 1.00
/// tax). Ada is refunded 5.00 in October for her September order.
async fn history(app: &TestApp) {
    let ada = app.customer("ada@example.com").await;
    let bob = app.customer("bob@example.com").await;
    app.product("TEE", "10.00", 50).await;
    app.product("MUG", "5.00", 50).await;
    let a1 = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let a2 = app.place(ada, &[("MUG", 1)]).await.unwrap().id;
    let b1 = app.place(bob, &[("MUG", 4), ("TEE", 1)]).await.unwrap().id;
    let b2 = app.place(bob, &[("TEE", 9)]).await.unwrap().id;
    app.exec(&format!(
        "UPDATE orders SET placed_at = '2026-09-10T12:00:00Z' WHERE id = {a1}"
    ))
    .await;
    app.exec(&format!(
        "UPDATE orders SET placed_at = '2026-10-03T12:00:00Z' WHERE id IN ({a2}, {b1}, {b2})"
    ))
    .await;
    app.exec(&format!(
        "UPDATE orders SET fulfilment_status = 'cancelled', cancelled_at = now(), cancellation_reason = 'test' WHERE id = {b2}"
    ))
    .await;
    app.exec(&format!(
        "UPDATE order_lines SET line_discount_cents = 200, net_cents = 1800, tax_rate_ppm = 200000, \
         tax_cents = 360, total_cents = 2160 \
         WHERE order_id = {b1} AND product_id = (SELECT id FROM products WHERE sku = 'MUG')"
    ))
    .await;
    app.exec(&format!(
        "UPDATE orders SET line_discounts_cents = 200, discount_total_cents = 200, \
         shipping_tax_rate_id = (SELECT id FROM tax_rates WHERE name = 'Zero'), \
         shipping_tax_rate_ppm = 200000, shipping_cents = 600, shipping_net_cents = 500, \
         shipping_tax_cents = 100, net_total_cents = 3300, tax_total_cents = 460, \
         grand_total_cents = 3760 WHERE id = {b1}"
    ))
    .await;
    app.exec(&format!(
        "INSERT INTO payments (order_id, kind, amount_cents, method, received_on, idempotency_key, actor) \
         VALUES ({a1}, 'payment', 2000, 'card', '2026-09-10', 'report-test-pay', 'test'), \
                ({a1}, 'refund', 500, 'card', '2026-10-05', 'report-test-refund', 'test')"
    ))
    .await;
    app.refresh().await;
}

#[tokio::test]
async fn monthly_sales_count_net_sales_tax_shipping_and_refunds_per_month_without_cancelled() {
    let app = TestApp::spawn().await;
    history(&app).await;

    let report = reports::monthly(&mut *app.read_conn().await, month(1))
        .await
        .unwrap();

    let rows: Vec<_> = report
        .rows
        .iter()
        .map(|r| {
            (
                r.month,
                r.orders,
                r.revenue_cents,
                r.units,
                r.cancellations,
                r.customers,
                (r.tax_cents, r.shipping_cents, r.refunds_cents),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (month(9), 1, 2000, 2, 0, 1, (0, 0, 0)),
            (month(10), 2, 3300, 6, 1, 2, (460, 500, 500))
        ]
    );
    assert!(report.freshness.as_of.is_some());
    assert_eq!(report.freshness.pending, 0);
}

#[tokio::test]
async fn top_products_rank_each_month_by_revenue_and_keep_only_the_best() {
    let app = TestApp::spawn().await;
    history(&app).await;

    let report = reports::top_products(&mut *app.read_conn().await, month(1), 1)
        .await
        .unwrap();

    let rows: Vec<_> = report
        .rows
        .iter()
        .map(|r| {
            (
                r.month,
                r.sku.as_str(),
                r.units,
                r.revenue_cents,
                r.tax_cents,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (month(10), "MUG", 5, 2300, 360),
            (month(9), "TEE", 2, 2000, 0)
        ]
    );
}

#[tokio::test]
async fn cohorts_group_customers_by_their_first_month_and_follow_them() {
    let app = TestApp::spawn().await;
    history(&app).await;

    let report = reports::cohorts(&mut *app.read_conn().await, month(1))
        .await
        .unwrap();

    let rows: Vec<_> = report
        .rows
        .iter()
        .map(|r| {
            (
                r.cohort,
                r.months_after,
                r.cohort_size,
                r.active_customers,
                r.orders,
                r.revenue_cents,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (month(9), 0, 1, 1, 1, 2000),
            (month(9), 1, 1, 1, 1, 500),
            (month(10), 0, 1, 1, 1, 2800),
        ]
    );
}

#[tokio::test]
async fn a_report_says_how_many_changes_it_has_not_seen_until_its_refresh() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let ada = app
        .scalar("SELECT id FROM customers WHERE email = 'ada@example.com'")
        .await;
    app.place(ada, &[("TEE", 1)]).await.unwrap();
    app.catch_up().await;

    let stale = reports::monthly(&mut *app.read_conn().await, month(1))
        .await
        .unwrap();
    app.refresh().await;
    let fresh = reports::monthly(&mut *app.read_conn().await, month(1))
        .await
        .unwrap();

    assert_eq!(stale.freshness.pending, 1);
    assert_eq!(
        stale.rows.len(),
        2,
        "this month is not in the report until tonight"
    );
    assert_eq!(fresh.freshness.pending, 0);
    assert_eq!(fresh.rows.len(), 3);
}

#[tokio::test]
async fn the_reports_page_shows_each_report_with_its_age_and_exports_each_as_a_stamped_csv() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let (client, _) = app.signed_in("viewer").await;

    let page = client.get("/reports").dispatch().await;
    assert_eq!(page.status(), rocket::http::Status::Ok);
    let html = page.into_string().await.unwrap();
    let monthly = client.get("/reports/monthly.csv").dispatch().await;
    let disposition = monthly
        .headers()
        .get_one("Content-Disposition")
        .unwrap()
        .to_owned();
    let as_of = monthly
        .headers()
        .get_one("X-Data-As-Of")
        .unwrap()
        .to_owned();
    let monthly = monthly.into_string().await.unwrap();
    let top = client
        .get("/reports/top-products.csv")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let cohorts = client
        .get("/reports/cohorts.csv")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();

    assert!(
        html.contains("<h2>Net sales and orders per month</h2>")
            && html.contains("<svg class=\"chart\""),
        "{html}"
    );
    assert_eq!(
        row_with(&html, ">October 2026</th>").unwrap_or_default(),
        [
            "October 2026",
            "2",
            "$33.00",
            "$4.60",
            "$5.00",
            "$5.00",
            "6",
            "1",
            "2"
        ],
        "{html}"
    );
    assert_eq!(
        row_with(&html, ">September 2026</th>").unwrap_or_default(),
        [
            "September 2026",
            "1",
            "$20.00",
            "$0.00",
            "$0.00",
            "$0.00",
            "2",
            "0",
            "1"
        ],
        "{html}"
    );
    assert!(html.contains("Customer cohorts by month of first order"));
    assert_eq!(
        html.matches("<p class=\"freshness\">Data as of ").count(),
        3,
        "each report says how old it is"
    );
    assert!(disposition.starts_with(&format!(
        "attachment; filename=\"monthly-sales-as-of-{}",
        as_of.replace(':', "")
    )));
    assert_eq!(
        monthly,
        "month,orders,net_sales_USD,tax_USD,shipping_USD,refunds_USD,units,cancellations,customers\n\
         2026-09,1,20.00,0.00,0.00,0.00,2,0,1\n2026-10,2,33.00,4.60,5.00,5.00,6,1,2\n"
    );
    assert!(
        top.starts_with(
            "month,sku,product,units,net_sales_USD,tax_USD,orders\n\
             2026-10,MUG,Product MUG,5,23.00,3.60,2\n"
        ),
        "{top}"
    );
    assert_eq!(
        cohorts,
        "cohort,months_after,cohort_size,active_customers,orders,net_sales_USD\n\
         2026-09,0,1,1,1,20.00\n2026-09,1,1,1,1,5.00\n2026-10,0,1,1,1,28.00\n"
    );
}
