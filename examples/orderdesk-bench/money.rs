//! The money side of the bench (issue 24): a tax rate for the bench
//! products, priced orders (a line discount, an order discount, a taxed
//! shipping charge) and a payment per placed order.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use orderdesk::commands::create_tax_rate::create_tax_rate;
use orderdesk::commands::record_payment::{RecordPayment, record_payment};
use orderdesk::commands::update_product::update_product;
use orderdesk::commands::{Ack, CommandError};
use orderdesk::domain::{Currency, IdempotencyKey, Money, OrderId, PaymentMethod};
use orderdesk::web::forms::{CommandForm, OrderForm, ProductEditForm, TaxRateForm};

use super::bench_ctx;

/// What a priced order carries besides its line: 10 % off the line, 2.00
/// off the order, 4.99 shipping at the products' rate (`shipping_rate`).
pub fn price(form: &mut OrderForm, shipping_rate: i64) {
    for line in form.lines.iter_mut().take(1) {
        line.discount = "10%".into();
    }
    form.order_discount = "2.00".into();
    form.shipping_charge = "4.99".into();
    form.shipping_tax_rate = shipping_rate.to_string();
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The rate of the product with `sku`: a priced order's shipping is taxed at
/// the rate of the products it sells.
pub async fn rate_of(conn: &mut AsyncPgConnection, sku: &str) -> Result<i64, String> {
    let row: Id = diesel::sql_query("SELECT tax_rate_id AS id FROM products WHERE sku = $1")
        .bind::<Text, _>(sku)
        .get_result(conn)
        .await
        .map_err(|e| format!("the rate of {sku}: {e}"))?;
    Ok(row.id)
}

/// An active rate of `ppm` (the seeded shop's `Standard` is 20 %), created
/// through `create_tax_rate` when there is none.
async fn rate_with(conn: &mut AsyncPgConnection, ppm: u32) -> Result<i64, String> {
    let found: Option<Id> = diesel::sql_query(
        "SELECT id FROM tax_rates WHERE active AND rate_ppm = $1 ORDER BY id LIMIT 1",
    )
    .bind::<Integer, _>(i32::try_from(ppm).map_err(|e| e.to_string())?)
    .get_result(conn)
    .await
    .ok();
    if let Some(r) = found {
        return Ok(r.id);
    }
    let percent = f64::from(ppm) / 10_000.0;
    let form = TaxRateForm {
        name: format!("Standard {percent}%"),
        rate: format!("{percent}"),
    };
    let input = form.parse(()).map_err(|e| format!("{e:?}"))?;
    let ack = create_tax_rate(conn, input, &bench_ctx())
        .await
        .map_err(|e| e.to_string())?;
    Ok(ack.id)
}

#[derive(QueryableByName)]
struct ProductFields {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    description: String,
    #[diesel(sql_type = BigInt)]
    price_cents: i64,
    #[diesel(sql_type = Bool)]
    active: bool,
    #[diesel(sql_type = Integer)]
    low_stock_threshold: i32,
    #[diesel(sql_type = BigInt)]
    tax_rate_id: i64,
    #[diesel(sql_type = Integer)]
    version: i32,
}

/// Gives the products `ids` the active rate of `ppm` through
/// `update_product` (one `product_updated` event each); returns the rate.
pub async fn assign_rate(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
    ppm: u32,
) -> Result<i64, String> {
    let rate = rate_with(conn, ppm).await?;
    let rows: Vec<ProductFields> = diesel::sql_query(
        "SELECT p.id, p.name, p.description, p.price_cents, p.active,
                i.low_stock_threshold::int4 AS low_stock_threshold, p.tax_rate_id, p.version
         FROM products p JOIN inventory i ON i.product_id = p.id
         WHERE p.id = ANY($1) AND p.tax_rate_id <> $2",
    )
    .bind::<diesel::sql_types::Array<BigInt>, _>(ids)
    .bind::<BigInt, _>(rate)
    .load(conn)
    .await
    .map_err(|e| e.to_string())?;
    let currency = Currency::default();
    for p in rows {
        let form = ProductEditForm {
            name: p.name,
            description: p.description,
            price: currency.plain(p.price_cents),
            active: p.active,
            low_stock_threshold: p.low_stock_threshold.to_string(),
            tax_rate: rate.to_string(),
            version: p.version.to_string(),
        };
        debug_assert_ne!(p.tax_rate_id, rate);
        let input = form
            .parse((p.id, currency))
            .map_err(|e| format!("product {}: {e:?}", p.id))?;
        update_product(conn, input, &bench_ctx())
            .await
            .map_err(|e| format!("product {}: {e}", p.id))?;
    }
    Ok(rate)
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    cents: i64,
}

/// Records a card payment on the order just placed: all of its grand total
/// for even `n`, half of it (rounded down, at least one cent) for odd `n`.
pub async fn pay(
    conn: &mut AsyncPgConnection,
    order_id: i64,
    key: &str,
    n: u64,
) -> Result<Ack, String> {
    let total: Total =
        diesel::sql_query("SELECT grand_total_cents AS cents FROM orders WHERE id = $1")
            .bind::<BigInt, _>(order_id)
            .get_result(conn)
            .await
            .map_err(|e| e.to_string())?;
    let cents = if n % 2 == 0 {
        total.cents
    } else {
        (total.cents / 2).max(1)
    };
    let input = RecordPayment {
        order_id: OrderId(order_id),
        key: IdempotencyKey::parse(key)?,
        amount: Money::from_minor(cents)?,
        method: PaymentMethod::Card,
        reference: None,
        received_on: None,
        overpayment_confirmed: false,
    };
    record_payment(conn, input, &bench_ctx())
        .await
        .map_err(|e: CommandError| e.to_string())
}
