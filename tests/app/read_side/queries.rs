//! The queries module: page-shaped reads from the read models.

use std::collections::HashSet;

use chrono::Utc;
use orderdesk::domain::{Currency, FulfilmentStatus, PaymentStatus};
use orderdesk::queries::orders::{self, OrderFilter, OrderSort};
use orderdesk::queries::{customers, dashboard, lookup, order_detail, products, read_model_status};

use crate::support::helpers::TestApp;

#[tokio::test]
async fn the_dashboard_sums_today_and_lists_top_products_low_stock_and_recent_orders() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 50).await;
    app.product("MUG", "7.50", 3).await;
    app.product("PEN", "1.00", 50).await;
    // PEN sells the most units and the least revenue: best sellers go by revenue.
    app.place(ada, &[("TEE", 2), ("MUG", 1), ("PEN", 5)])
        .await
        .unwrap();
    app.place(ada, &[("TEE", 1)]).await.unwrap();
    app.refresh().await;

    let s = dashboard::load(&mut *app.read_conn().await).await.unwrap();
    let d = &s.data;

    assert_eq!((d.today.orders, d.today.revenue_cents), (2, 4250));
    assert_eq!(d.last_30_days, d.today);
    assert_eq!(d.daily.len(), 30);
    assert_eq!(d.daily.last().unwrap().revenue_cents, 4250);
    assert_eq!(
        d.top_products
            .iter()
            .map(|p| p.sku.as_str())
            .collect::<Vec<_>>(),
        ["TEE", "MUG", "PEN"]
    );
    assert_eq!(
        d.low_stock
            .iter()
            .map(|p| (p.sku.as_str(), p.available))
            .collect::<Vec<_>>(),
        [("MUG", 2)]
    );
    assert_eq!(d.low_stock_count, 1);
    assert_eq!(d.recent_orders.len(), 2);
    assert_eq!(d.day, Utc::now().date_naive(), "the shop's day in UTC");
    assert_eq!(
        d.status_counts
            .iter()
            .map(|c| (c.fulfilment_status.as_str(), c.orders))
            .collect::<Vec<_>>(),
        [
            ("unfulfilled", 2),
            ("shipped", 0),
            ("delivered", 0),
            ("cancelled", 0)
        ]
    );
    assert_eq!(s.freshness.pending, 0);
    assert!(s.freshness.as_of.is_some() && s.freshness.generation > 0);
}

#[tokio::test]
async fn the_dashboards_row_is_sent_only_when_its_version_is_not_held() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 50).await;
    app.place(ada, &[("TEE", 1)]).await.unwrap();
    app.refresh().await;
    let mut conn = app.read_conn().await;

    let first = dashboard::load(&mut conn).await.unwrap();
    let held = first.version.expect("the maintainer built the row");
    let again = dashboard::load_unless(&conn, Some(held)).await.unwrap();
    assert_eq!(again.version, Some(held));
    assert!(again.data.is_none(), "the held version is current: no row");
    assert_eq!(again.freshness, first.freshness);
    let other = dashboard::load_unless(&conn, Some(held - 1)).await.unwrap();
    assert_eq!(other.data.map(|d| d.today.orders), Some(1));

    app.place(ada, &[("TEE", 2)]).await.unwrap();
    app.refresh().await;
    let changed = dashboard::load_unless(&conn, Some(held)).await.unwrap();
    assert_ne!(changed.version, Some(held), "a new row, a new version");
    assert_eq!(changed.data.map(|d| d.today.orders), Some(2));
}

/// `read.page_freshness` (every page's) answers what `read.read_model_status`
/// (the status page's) says of each model, live and report, caught up and
/// behind.
#[tokio::test]
async fn every_pages_freshness_is_the_status_pages_for_its_model() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 50).await;
    let differ = |model: &orderdesk::read_models::ReadModel| {
        let types = format!(
            "ARRAY[{}]::text[]",
            model
                .event_types
                .iter()
                .map(|t| format!("'{}'", t.as_str()))
                .collect::<Vec<_>>()
                .join(",")
        );
        let name = model.name.as_str();
        let lean = format!("SELECT as_of, pending FROM read.page_freshness('{name}', {types})");
        let full = format!("SELECT as_of, pending FROM read.read_model_status('{name}', {types})");
        format!("SELECT count(*) FROM (({lean} EXCEPT {full}) UNION ALL ({full} EXCEPT {lean})) d")
    };
    let pending = "SELECT pending FROM read.page_freshness('dashboard', \
                   '{order_placed,order_paid}'::text[])";
    let all: Vec<_> = orderdesk::read_models::READ_MODELS.iter().collect();
    assert!(all.iter().any(|m| !m.is_live()), "reports are compared too");

    app.refresh().await;
    assert_eq!(app.scalar(pending).await, 0);
    for &model in &all {
        assert_eq!(app.scalar(&differ(model)).await, 0, "{}", model.name);
    }

    app.place(ada, &[("TEE", 1)]).await.unwrap();
    app.place(ada, &[("TEE", 1)]).await.unwrap();
    assert_eq!(
        app.scalar(pending).await,
        2,
        "two orders not maintained yet"
    );
    for &model in &all {
        assert_eq!(app.scalar(&differ(model)).await, 0, "{} behind", model.name);
    }

    app.refresh().await;
    assert_eq!(app.scalar(pending).await, 0);
    for &model in &all {
        assert_eq!(app.scalar(&differ(model)).await, 0, "{}", model.name);
    }
}

#[tokio::test]
async fn the_dashboards_best_sellers_are_the_ten_with_most_revenue() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let mut lines = Vec::new();
    for i in 0..10 {
        let sku = format!("P{i:02}");
        app.product(&sku, &format!("{}.00", 10 + i), 50).await;
        lines.push((sku, 1));
    }
    // The most units of all, and the least revenue.
    app.product("CHEAP", "0.10", 50).await;
    lines.push(("CHEAP".to_owned(), 20));
    let lines: Vec<(&str, u32)> = lines.iter().map(|(s, q)| (s.as_str(), *q)).collect();
    app.place(ada, &lines).await.unwrap();
    app.refresh().await;

    let d = dashboard::load(&mut *app.read_conn().await)
        .await
        .unwrap()
        .data;

    let skus: Vec<&str> = d.top_products.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(
        skus,
        [
            "P09", "P08", "P07", "P06", "P05", "P04", "P03", "P02", "P01", "P00"
        ]
    );
}

#[tokio::test]
async fn the_orders_list_filters_by_status_text_and_date() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let bob = app.customer("bob@shop.test").await;
    app.product("TEE", "10", 50).await;
    let a = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    let b = app.place(bob, &[("TEE", 5)]).await.unwrap().id;
    app.mark_paid(b).await;
    app.refresh().await;
    let conn = &mut *app.read_conn().await;
    let ids = |p: orders::OrderPage| p.rows.iter().map(|r| r.id).collect::<Vec<_>>();
    let base = OrderFilter {
        page_size: 50,
        ..OrderFilter::default()
    };

    let paid = orders::list(
        conn,
        &OrderFilter {
            fulfilment_status: Some(FulfilmentStatus::Unfulfilled),
            payment_status: Some(PaymentStatus::Paid),
            ..base.clone()
        },
    )
    .await
    .unwrap();
    let by_email = orders::list(
        conn,
        &OrderFilter {
            search: Some("SHOP.test".into()),
            ..base.clone()
        },
    )
    .await
    .unwrap();
    let by_number = orders::list(
        conn,
        &OrderFilter {
            search: Some(format!("#{a}")),
            ..base.clone()
        },
    )
    .await
    .unwrap();
    let wildcard = orders::list(
        conn,
        &OrderFilter {
            search: Some("%".into()),
            ..base.clone()
        },
    )
    .await
    .unwrap();
    let tomorrow = Utc::now().date_naive().succ_opt().unwrap();
    let future = orders::list(
        conn,
        &OrderFilter {
            placed_from: Some(tomorrow),
            ..base.clone()
        },
    )
    .await
    .unwrap();
    let by_total = orders::list(
        conn,
        &OrderFilter {
            sort: OrderSort::TotalDesc,
            ..base.clone()
        },
    )
    .await
    .unwrap();

    assert_eq!(ids(paid), [b]);
    assert_eq!(ids(by_email), [b]);
    assert_eq!(
        ids(by_number),
        [a],
        "the number finds its order and only it"
    );
    assert!(ids(wildcard).is_empty(), "a % in the search is literal");
    assert!(ids(future).is_empty());
    assert_eq!(ids(by_total), [b, a]);
}

#[tokio::test(flavor = "multi_thread")]
async fn keyset_pagination_never_skips_or_repeats_while_orders_arrive() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 10_000).await;
    let mut original = HashSet::new();
    for i in 0..23 {
        original.insert(app.place(ada, &[("TEE", 1 + i % 4)]).await.unwrap().id);
    }
    app.refresh().await;

    for sort in [
        OrderSort::Newest,
        OrderSort::Oldest,
        OrderSort::TotalDesc,
        OrderSort::TotalAsc,
    ] {
        let mut seen = Vec::new();
        let mut filter = OrderFilter {
            sort,
            page_size: 5,
            ..OrderFilter::default()
        };
        loop {
            let page = orders::list(&mut *app.read_conn().await, &filter)
                .await
                .unwrap();
            seen.extend(page.rows.iter().map(|r| r.id));
            // New orders arrive between page loads, and the read model catches up.
            app.place(ada, &[("TEE", 2)]).await.unwrap();
            app.refresh().await;
            match page.next {
                Some(cursor) => filter.after = Some(cursor),
                None => break,
            }
        }
        let unique: HashSet<_> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "{sort:?} repeated a row");
        assert!(original.is_subset(&unique), "{sort:?} skipped a row");
    }
}

#[tokio::test]
async fn order_detail_has_lines_totals_and_history_and_is_empty_before_the_refresh() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 5).await;
    app.product("MUG", "7.50", 5).await;
    let id = app.place(ada, &[("MUG", 2), ("TEE", 1)]).await.unwrap().id;

    let before = order_detail::get(&mut *app.read_conn().await, id)
        .await
        .unwrap();
    app.refresh().await;
    let after = order_detail::get(&mut *app.read_conn().await, id)
        .await
        .unwrap();

    assert!(before.order.is_none());
    assert_eq!(before.freshness.pending, 1);
    assert_eq!(before.history.len(), 1, "history is read live");
    let order = after.order.unwrap();
    assert_eq!(
        (
            order.total_cents,
            order.item_count,
            order.fulfilment_status.as_str(),
            order.payment_status.as_str()
        ),
        (2500, 3, "unfulfilled", "unpaid")
    );
    assert_eq!(
        order
            .lines
            .iter()
            .map(|l| (l.sku.as_str(), l.line_total_cents))
            .collect::<Vec<_>>(),
        [("TEE", 1000), ("MUG", 1500)]
    );
    assert_eq!(after.history[0].actor, "system:test");
    let said = after.history[0].what.written(Currency::USD);
    assert!(
        said.starts_with("system:test placed the order: ")
            && said.contains("2 × MUG Product MUG at $7.50")
            && said.contains("1 × TEE Product TEE at $10.00")
            && said.contains("total $25.00"),
        "{said}"
    );
}

#[tokio::test]
async fn customers_and_products_carry_their_statistics() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.customer("bob@example.com").await;
    app.product("TEE", "10.00", 5).await;
    // Both paid: the lifetime value is what was paid (issue 24).
    for quantity in [2, 1] {
        let order = app.place(ada, &[("TEE", quantity)]).await.unwrap().id;
        app.mark_paid(order).await;
    }
    app.refresh().await;
    let conn = &mut *app.read_conn().await;

    let detail = customers::get(conn, ada).await.unwrap();
    let list = customers::list(
        conn,
        &customers::CustomerFilter {
            search: Some("BOB".into()),
            page_size: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let found = lookup::customers(conn, "ada", lookup::MAX_RESULTS)
        .await
        .unwrap();
    let page = products::list(
        conn,
        &products::ProductFilter {
            page_size: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let status = read_model_status::all(conn).await.unwrap();

    let c = detail.customer.unwrap();
    assert_eq!(
        (
            c.order_count,
            c.lifetime_value_cents,
            c.average_order_cents()
        ),
        (2, 3000, 1500)
    );
    assert_eq!(detail.orders.len(), 2);
    assert_eq!(
        list.rows
            .iter()
            .map(|r| r.email.as_str())
            .collect::<Vec<_>>(),
        ["bob@example.com"]
    );
    assert_eq!(
        found.iter().map(|c| c.email.as_str()).collect::<Vec<_>>(),
        ["ada@example.com"]
    );
    let tee = &page.rows[0];
    assert_eq!(
        (
            tee.product.available,
            tee.product.units_sold,
            tee.units_30d,
            tee.revenue_30d_cents
        ),
        (2, 3, 3, 3000)
    );
    assert_eq!(
        status.live.iter().map(|s| s.name).collect::<Vec<_>>(),
        orderdesk::read_models::catalog::live()
            .map(|m| m.name)
            .collect::<Vec<_>>()
    );
    assert!(
        status
            .live
            .iter()
            .all(|s| s.pending == 0 && s.as_of.is_some())
    );
    assert_eq!(status.reports.len(), 3);
    assert!(
        status
            .reports
            .iter()
            .all(|s| s.status.last_outcome.as_deref() == Some("ok"))
    );
}
