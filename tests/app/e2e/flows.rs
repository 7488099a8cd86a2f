//! The browser test's later steps: the shop it runs in, bulk "Mark paid" and
//! "Ship" on the orders list, the pick list, and order entry with JavaScript
//! off (find, pick, "Add"), plus the list of every page axe checks.

use fantoccini::{Client, Locator};

use crate::e2e::checks::check_page;
use crate::e2e::journey::{named_customer, status_is};
use crate::read_side::lookup::named_product;
use crate::support::e2e_support::{fill, goto_until, press, screenshot, wait_for};
use crate::support::helpers::TestApp;

/// What the test arranged: ids of the records pages are checked on.
pub struct Shop {
    pub tee: i64,
    /// Three placed orders (one CAP each) for the bulk actions.
    pub waiting: [i64; 3],
    /// An order of Alan's with an issued invoice, and that invoice's number.
    pub invoiced: (i64, String),
}

impl Shop {
    /// A clerk `clara`, three products, and Alan's three placed orders
    /// (Grace Hopper, the clerk registers from the order form).
    pub async fn arrange(app: &TestApp) -> Self {
        app.user("clara", "clerk").await;
        let alan = named_customer(app, "Alan Turing", "alan@example.com").await;
        let tee = named_product(app, "TEE", "Tee shirt", "19.90", 20, true).await;
        named_product(app, "MUG", "Coffee mug", "7.50", 10, true).await;
        named_product(app, "CAP", "Cap", "12.00", 5, true).await;
        let mut waiting = [0; 3];
        for slot in &mut waiting {
            *slot = app.place(alan, &[("CAP", 1)]).await.unwrap().id;
        }
        let invoiced = app.place(alan, &[("MUG", 1)]).await.unwrap().id;
        let input = orderdesk::commands::issue_invoice::IssueInvoice {
            order_id: orderdesk::domain::OrderId(invoiced),
        };
        let invoice = orderdesk::commands::issue_invoice::issue_invoice(
            &mut *app.conn().await,
            input,
            &crate::support::helpers::ctx(),
        )
        .await
        .unwrap()
        .id;
        let number = app
            .json(&format!(
                "SELECT to_jsonb(number) FROM invoices WHERE id = {invoice}"
            ))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        app.refresh().await;
        Self {
            tee,
            waiting,
            invoiced: (invoiced, number),
        }
    }

    /// Every page a clerk reaches (name for the screenshots, path), besides
    /// those checked on the way: sign-in, the order form, the bulk results, the pick list.
    pub fn pages(&self, order: i64, customer: i64) -> Vec<(String, String)> {
        let [a, b, unshipped] = self.waiting;
        [
            ("dashboard", "/".to_owned()),
            ("orders", "/orders".to_owned()),
            ("order", format!("/orders/{order}")),
            // Never shipped by the journey: its edit form is offered.
            ("order-edit", format!("/orders/{unshipped}/edit")),
            ("slip", format!("/orders/{order}/slip")),
            ("slips", format!("/orders/slips?ids={a},{b}")),
            ("invoice", format!("/orders/{order}/invoice")),
            (
                "invoice-issued",
                format!("/orders/{}/invoice", self.invoiced.0),
            ),
            (
                "document",
                format!("/orders/{}/documents/{}", self.invoiced.0, self.invoiced.1),
            ),
            ("products", "/products".to_owned()),
            ("product", format!("/products/{}", self.tee)),
            ("product-new", "/products/new".to_owned()),
            ("customers", "/customers".to_owned()),
            ("customer", format!("/customers/{customer}")),
            ("customer-new", "/customers/new".to_owned()),
            ("read-models", "/read-models".to_owned()),
            ("reports", "/reports".to_owned()),
            ("not-found", "/no-such-page".to_owned()),
        ]
        .into_iter()
        .map(|(name, path)| (name.to_owned(), path))
        .collect()
    }
}

async fn check(c: &Client, id: i64) {
    c.find(Locator::Id(&format!("pick-{id}")))
        .await
        .unwrap_or_else(|e| panic!("no checkbox for order #{id}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Marks Alan's three orders paid in one go, then ships two of them; returns
/// the problems the result pages' checks found.
pub async fn bulk_pay_and_ship(c: &Client, base: &str, shop: &Shop) -> Vec<String> {
    let [a, b, cc] = shop.waiting;
    let box_of = |id: i64| format!("//input[@id='pick-{id}']");
    goto_until(
        c,
        &format!("{base}/orders?fulfilment=unfulfilled&payment=unpaid"),
        &box_of(cc),
        "the unfulfilled, unpaid orders",
    )
    .await;
    for id in shop.waiting {
        check(c, id).await;
    }
    press(c, "Mark paid").await;
    wait_for(
        c,
        "//h2[normalize-space()='3 of 3 orders marked paid']",
        "the bulk result",
    )
    .await;
    let mut problems = check_page(c, "bulk-paid").await;

    let paid = format!("{base}/orders?fulfilment=unfulfilled&payment=paid");
    let all_paid = format!("//tr[td/input[@id='pick-{a}'] and td/span[normalize-space()='Paid']]");
    goto_until(c, &paid, &all_paid, "the bulk-paid orders listed as paid").await;
    goto_until(c, &paid, &box_of(cc), "every bulk-paid order").await;
    check(c, a).await;
    check(c, b).await;
    press(c, "Ship").await;
    wait_for(
        c,
        "//h2[normalize-space()='2 of 2 orders shipped']",
        "the bulk ship result",
    )
    .await;
    problems.extend(check_page(c, "bulk-shipped").await);
    problems
}

/// The pick list: only the paid order not shipped yet (one CAP) is left to pick.
pub async fn pick_list(c: &Client, base: &str) -> Vec<String> {
    let only_cap = "//table[contains(@class, 'sheet-lines')][count(tbody/tr) = 1]\
                    //tr[td/code[normalize-space()='CAP'] and td/strong[normalize-space()='1']]";
    goto_until(
        c,
        &format!("{base}/orders/pick-list"),
        only_cap,
        "the pick list of one CAP",
    )
    .await;
    wait_for(
        c,
        "//h2[normalize-space()='Pick list: orders to ship']",
        "the pick list",
    )
    .await;
    screenshot(c, "pick-list.png").await;
    check_page(c, "pick-list").await
}

/// Order entry with JavaScript off: find and pick the customer, find each
/// product and press its "Add", then place; lands on the placed order.
pub async fn enter_order_without_javascript(c: &Client) {
    c.find(Locator::LinkText("New order"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "//h1[normalize-space()='New order']", "the order form").await;
    let more = c
        .find(Locator::XPath("//button[@value='more_lines']"))
        .await
        .unwrap();
    assert!(
        more.is_displayed().await.unwrap(),
        "'More lines' shows without script"
    );
    fill(c, "Find by name, email or number", "grace").await;
    press(c, "Find customer").await;
    let pick = "//input[@type='radio' and @name='customer_pick']";
    wait_for(c, pick, "the found customer")
        .await
        .click()
        .await
        .unwrap();
    for (text, sku, line) in [("shirt", "TEE", 0), ("mug", "MUG", 1)] {
        fill(c, "Find a product", text).await;
        press(c, "Find products").await;
        let add =
            format!("//button[@name='add_sku' and @value='{sku}' and normalize-space()='Add']");
        wait_for(c, &add, &format!("the Add button of {sku}"))
            .await
            .click()
            .await
            .unwrap();
        let filled = format!("//input[@name='lines[{line}].sku' and @value='{sku}']");
        wait_for(c, &filled, &format!("{sku} on line {}", line + 1)).await;
    }
    wait_for(
        c,
        "//p[@id='customer-chosen']/strong[normalize-space()='Grace Hopper']",
        "the picked customer kept",
    )
    .await;
    fill(c, "Line 2 quantity", "3").await;
    // The address the first order saved to Grace's book is offered, and as
    // her default it is already chosen: nothing to type.
    wait_for(
        c,
        "//input[@name='ship_to' and @checked]/following-sibling::label\
         [contains(normalize-space(), '1 Navy Way') and contains(., 'United States')]",
        "Grace's book address, preselected",
    )
    .await;
    wait_for(
        c,
        "//select[@name='bill_to']/option[@selected and contains(., '1 Navy Way') \
         and contains(., 'default for billing')]",
        "the same address billed, her default for billing",
    )
    .await;
    press(c, "Update totals").await;
    wait_for(
        c,
        "//td[@id='grand-total' and normalize-space()='$42.40']",
        "the total",
    )
    .await;
    screenshot(c, "order-form-no-js.png").await;
    press(c, "Place order").await;
    wait_for(
        c,
        "//h2[normalize-space()='Lines']",
        "the placed order (meta refresh, no script)",
    )
    .await;
    wait_for(
        c,
        "//tfoot//strong[normalize-space()='$42.40']",
        "the order total",
    )
    .await;
    status_is(c, "Unfulfilled").await;
}
