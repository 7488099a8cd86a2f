//! Revenue's one definition, said wherever revenue is shown: the dashboard
//! and the reports page both carry it, refunds' place in it included.

use crate::support::helpers::TestApp;
use crate::support::html::by_id;
use crate::support::pages_http::{get, staff_client};

#[tokio::test]
async fn the_dashboard_and_the_reports_page_define_revenue_as_net_sales_refunds_apart() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 5).await;
    app.place(ada, &[("TEE", 1)]).await.unwrap();
    app.refresh().await;
    let client = staff_client(&app).await;

    for uri in ["/", "/reports"] {
        let (status, page) = get(&client, uri).await;
        assert_eq!(status, rocket::http::Status::Ok, "{uri}");
        assert_eq!(
            page.matches("id=\"revenue-definition\"").count(),
            1,
            "{uri}: {page}"
        );
        let definition = by_id(&page, "revenue-definition").unwrap();
        assert!(
            definition.starts_with(
                "Revenue is net sales: what orders sold for after line and \
                                    order discounts, before tax and shipping;"
            ),
            "{uri}: {definition}"
        );
        assert!(
            definition.ends_with(
                "and a cancelled one not at all. Refunds are money given back, not taken off \
                 net sales: the monthly report lists them apart, by the refund's date."
            ),
            "{uri}: {definition}"
        );
    }
}
