//! PlaceOrder: an order for a customer, reserving stock for every line.
//!
//! The order keeps its own copy of its addresses (`order_addresses`): a book
//! address is copied as it stands when the order is placed, so later edits of
//! the book never change the order; a new address typed during entry is
//! copied, and saved to the customer's book in the same transaction when asked.
//!
//! Idempotent by key: the same key with the same content answers with the
//! first order; with other content it is a conflict. Stock is reserved with one
//! conditional UPDATE per product, in ascending product id, so concurrent
//! orders can neither oversell nor deadlock.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};

use super::add_address::{AddAddress, add_in_transaction};
use super::address_book;
use super::events::{self as event_log, Aggregate};
use super::order_money::{self, Priced, ShippingCharge};
use super::reservation::reserve_units;
use super::{Ack, CommandContext, CommandError, Conflict, Shortage};
use crate::db::prepared::Prepare;
use crate::db::schema::{
    customers, events, order_addresses, order_lines, orders, products, stock_movements, tax_rates,
};
use crate::domain::event_payload::order_placed::{
    DiscountPayload, EventAddress, OrderPlaced, OrderPlacedLine,
};
use crate::domain::totals::Discount;
use crate::domain::{
    AddressFields, AddressId, AddressLabel, AddressRole, CustomerId, EventType, FieldErrors,
    IdempotencyKey, PostalAddress, Quantity, Sku, StockMovementKind,
};

/// The most lines one order may have.
pub const MAX_LINES: usize = 50;

/// Where an address of the order comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "one per order, moved once; a box would only add an allocation"
)]
pub enum AddressChoice {
    /// An address of the customer's book, copied as it stands.
    Book(AddressId),
    /// An address typed for this order; `save_to_book` also adds it to the
    /// customer's book (labelled `label`) in the same transaction.
    New {
        address: PostalAddress,
        save_to_book: bool,
        label: AddressLabel,
    },
}

impl AddressChoice {
    /// Feeds the choice to a fingerprint, every part delimited.
    fn digest(&self, h: &mut Sha256) {
        match self {
            Self::Book(id) => {
                h.update(b"book");
                h.update(id.get().to_be_bytes());
            }
            Self::New {
                address,
                save_to_book,
                label,
            } => {
                h.update(b"new");
                let f = address.fields();
                for part in [
                    &f.name,
                    &f.company,
                    &f.line1,
                    &f.line2,
                    &f.city,
                    &f.region,
                    &f.postal_code,
                    &f.country,
                    &f.phone,
                ] {
                    h.update(part.as_bytes());
                    h.update([0]);
                }
                h.update([u8::from(*save_to_book)]);
                h.update(label.as_str().as_bytes());
                h.update([0]);
            }
        }
    }
}

/// A parsed order. Lines are keyed by SKU: a SKU entered twice is one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceOrder {
    pub customer_id: CustomerId,
    pub shipping: AddressChoice,
    /// The billing address, when the order has one (order entry fills only
    /// the shipping address today; invoices will freeze this one).
    pub billing: Option<AddressChoice>,
    pub idempotency_key: IdempotencyKey,
    pub lines: BTreeMap<Sku, Quantity>,
    /// A discount per line, by the line's SKU (one without a line is refused).
    pub line_discounts: BTreeMap<Sku, Discount>,
    /// A discount on the whole order, split over the lines pro rata.
    pub order_discount: Option<Discount>,
    /// The shipping charge and the rate it is taxed at.
    pub shipping_charge: Option<ShippingCharge>,
}

impl PlaceOrder {
    /// A digest of everything but the key, so a replay can be told from a misuse.
    fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.customer_id.get().to_be_bytes());
        self.shipping.digest(&mut h);
        match &self.billing {
            Some(b) => {
                h.update(b"billing");
                b.digest(&mut h);
            }
            None => h.update(b"no billing"),
        }
        for (sku, qty) in &self.lines {
            h.update([0]);
            h.update(sku.as_str().as_bytes());
            h.update(qty.get().to_be_bytes());
        }
        h.update(b"money");
        for (sku, d) in &self.line_discounts {
            h.update([0]);
            h.update(sku.as_str().as_bytes());
            order_money::digest_discount(Some(d), &mut h);
        }
        h.update(b"order discount");
        order_money::digest_discount(self.order_discount.as_ref(), &mut h);
        match &self.shipping_charge {
            Some(s) => {
                h.update(b"shipping");
                h.update(s.amount.minor().to_be_bytes());
                h.update(s.tax_rate_id.get().to_be_bytes());
            }
            None => h.update(b"no shipping"),
        }
        hex::encode(h.finalize())
    }
}

/// A product as an order line needs it.
#[derive(Debug, Queryable)]
struct LineProduct {
    id: i64,
    sku: String,
    name: String,
    price_cents: i64,
    active: bool,
    tax_rate_id: i64,
    tax_rate_ppm: i32,
}

/// A checked line: the product and how many units of it.
#[derive(Debug)]
struct PlannedLine {
    product: LineProduct,
    quantity: i32,
}

/// Places the order, or answers with the earlier order for a repeated key.
pub async fn place_order(
    conn: &mut AsyncPgConnection,
    input: PlaceOrder,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let fingerprint = input.fingerprint();
    // A repeat of a committed order is answered without taking any lock.
    if let Some(ack) = earlier_order(conn, &input.idempotency_key, &fingerprint).await? {
        return Ok(ack);
    }
    conn.transaction(async move |conn| {
        let (lines, shipping, billing) = check_customer_and_products(conn, &input).await?;
        let priced = price(conn, &input, &lines).await?;
        let t = &priced.totals;
        let order_id: Option<i64> = diesel::insert_into(orders::table)
            .values((
                (
                    orders::customer_id.eq(input.customer_id),
                    orders::idempotency_key.eq(input.idempotency_key.as_str()),
                    orders::request_fingerprint.eq(&fingerprint),
                ),
                order_money::order_columns(&priced),
            ))
            .on_conflict(orders::idempotency_key)
            .do_nothing()
            .returning(orders::id)
            .get_result(conn)
            .await
            .optional()?;
        let Some(order_id) = order_id else {
            // A concurrent submission with the same key committed first.
            return earlier_order(conn, &input.idempotency_key, &fingerprint)
                .await?
                .ok_or_else(|| {
                    CommandError::Invariant(format!(
                        "idempotency key {} conflicted, but no order holds it",
                        input.idempotency_key
                    ))
                });
        };
        reserve(conn, &lines).await?;
        record_lines(conn, order_id, &lines, &priced, ctx).await?;
        order_money::insert_taxes(conn, order_id, t).await?;
        record_address(conn, order_id, AddressRole::Shipping, &shipping).await?;
        if let Some(billing) = &billing {
            record_address(conn, order_id, AddressRole::Billing, billing).await?;
        }
        let saved = save_to_book(conn, &input, ctx).await?;
        let placed = OrderPlaced {
            customer_id: input.customer_id.get(),
            shipping_address: EventAddress::Structured(shipping),
            billing_address: billing.map(EventAddress::Structured),
            saved_to_book: saved,
            lines: lines
                .iter()
                .zip(&t.lines)
                .zip(&priced.line_discounts)
                .map(|((l, a), d)| OrderPlacedLine {
                    product_id: l.product.id,
                    sku: l.product.sku.clone(),
                    name: l.product.name.clone(),
                    quantity: l.quantity,
                    unit_price_cents: l.product.price_cents,
                    tax_rate_id: Some(l.product.tax_rate_id),
                    discount: d.as_ref().map(DiscountPayload::from),
                    amounts: Some(a.into()),
                })
                .collect(),
            total_cents: t.grand_total,
            money: Some(order_money::money_payload(&priced)),
        };
        let event_id = event_log::append(
            conn,
            ctx,
            Aggregate::Order,
            order_id,
            EventType::OrderPlaced,
            placed.to_payload(),
        )
        .await?;
        Ok(Ack {
            id: order_id,
            version: Some(1),
            event_id,
            replayed: false,
        })
    })
    .await
}

/// The order already placed under this key, if any: its ack when the content
/// matches, a conflict when it does not.
async fn earlier_order(
    conn: &mut AsyncPgConnection,
    key: &IdempotencyKey,
    fingerprint: &str,
) -> Result<Option<Ack>, CommandError> {
    let found: Option<(i64, String, i32)> = orders::table
        .filter(orders::idempotency_key.eq(key.as_str()))
        .select((orders::id, orders::request_fingerprint, orders::version))
        .first(conn)
        .await
        .optional()?;
    let Some((id, stored, version)) = found else {
        return Ok(None);
    };
    if stored != fingerprint {
        return Err(CommandError::Conflict(Conflict {
            message: format!(
                "this form was already submitted as order #{id} with different content; \
                 reload the form to place a new order"
            ),
            changes: Vec::new(),
            current_version: Some(version),
        }));
    }
    let event_id: i64 = events::table
        .filter(events::aggregate_type.eq(Aggregate::Order))
        .filter(events::aggregate_id.eq(id))
        .filter(events::event_type.eq(EventType::OrderPlaced))
        .select(events::id)
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| CommandError::Invariant(format!("order {id} has no order_placed event")))?;
    Ok(Some(Ack {
        id,
        version: Some(version),
        event_id,
        replayed: true,
    }))
}

/// The lines in ascending product id order, the shipping and the billing address.
type Checked = (Vec<PlannedLine>, AddressFields, Option<AddressFields>);

/// Checks the customer exists, every SKU is a product for sale and every book
/// address is the customer's; returns the lines in ascending product id
/// order (the order stock is locked in) and the addresses to copy.
async fn check_customer_and_products(
    conn: &mut AsyncPgConnection,
    input: &PlaceOrder,
) -> Result<Checked, CommandError> {
    let mut errors = FieldErrors::new();
    let customer: Option<i64> = customers::table
        .find(input.customer_id)
        .select(customers::id)
        .first(conn)
        .await
        .optional()?;
    if customer.is_none() {
        errors.add("customer_id", "no such customer");
    }
    let skus: Vec<&str> = input.lines.keys().map(Sku::as_str).collect();
    let products: Vec<LineProduct> = products::table
        .inner_join(tax_rates::table)
        .filter(products::sku.eq_any(&skus))
        .order(products::id.asc())
        .select((
            products::id,
            products::sku,
            products::name,
            products::price_cents,
            products::active,
            products::tax_rate_id,
            tax_rates::rate_ppm,
        ))
        .load(conn)
        .await?;
    // Keyed "lines": the form finds the row by the SKU the message names.
    for s in input.line_discounts.keys() {
        if !input.lines.contains_key(s) {
            errors.add("lines", format!("{s} has a discount but no quantity"));
        }
    }
    for s in &skus {
        match products.iter().find(|p| p.sku == *s) {
            None => errors.add("lines", format!("no product has SKU {s}")),
            Some(p) if !p.active => {
                errors.add("lines", format!("{s} ({}) is not for sale", p.name));
            }
            Some(_) => {}
        }
    }
    let shipping = resolve(conn, input, &input.shipping, "ship_to", &mut errors).await?;
    let billing = match &input.billing {
        Some(b) => Some(resolve(conn, input, b, "bill_to", &mut errors).await?),
        None => None,
    };
    if !errors.is_empty() {
        return Err(CommandError::Invalid(errors));
    }
    // Without an error, every address resolved.
    let unresolved = || CommandError::Invariant("an address resolved to nothing".into());
    let shipping = shipping.ok_or_else(unresolved)?;
    let billing = billing.map(|b| b.ok_or_else(unresolved)).transpose()?;
    let lines = products
        .into_iter()
        .filter_map(|product| {
            let (_, qty) = input
                .lines
                .iter()
                .find(|(s, _)| s.as_str() == product.sku)?;
            Some(PlannedLine {
                quantity: qty.get(),
                product,
            })
        })
        .collect();
    Ok((lines, shipping, billing))
}

/// The text of an address choice: a book address as it stands now (an error
/// on `field` when the customer's book no longer has it), or the typed one.
async fn resolve(
    conn: &mut AsyncPgConnection,
    input: &PlaceOrder,
    choice: &AddressChoice,
    field: &str,
    errors: &mut FieldErrors,
) -> Result<Option<AddressFields>, CommandError> {
    match choice {
        AddressChoice::New { address, .. } => Ok(Some(address.fields().clone())),
        AddressChoice::Book(id) => {
            if let Some((_, fields, _)) = address_book::stored(conn, input.customer_id, *id).await?
            {
                return Ok(Some(fields));
            }
            errors.add(
                field,
                "that address is not in this customer's address book (any more)",
            );
            Ok(None)
        }
    }
}

/// The order's own copy of one of its addresses.
pub(super) async fn record_address(
    conn: &mut AsyncPgConnection,
    order_id: i64,
    role: AddressRole,
    f: &AddressFields,
) -> Result<(), CommandError> {
    diesel::insert_into(order_addresses::table)
        .values((
            order_addresses::order_id.eq(order_id),
            order_addresses::role.eq(role),
            order_addresses::structured.eq(true),
            order_addresses::name.eq(&f.name),
            order_addresses::company.eq(&f.company),
            order_addresses::line1.eq(&f.line1),
            order_addresses::line2.eq(&f.line2),
            order_addresses::city.eq(&f.city),
            order_addresses::region.eq(&f.region),
            order_addresses::postal_code.eq(&f.postal_code),
            order_addresses::country.eq(&f.country),
            order_addresses::phone.eq(&f.phone),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds the new shipping address to the customer's book when asked (its own
/// event, in this transaction); the book address's id.
async fn save_to_book(
    conn: &mut AsyncPgConnection,
    input: &PlaceOrder,
    ctx: &CommandContext,
) -> Result<Option<i64>, CommandError> {
    let AddressChoice::New {
        address,
        save_to_book: true,
        label,
    } = &input.shipping
    else {
        return Ok(None);
    };
    let add = AddAddress {
        customer_id: input.customer_id,
        label: label.clone(),
        address: address.clone(),
        default_shipping: false,
        default_billing: false,
    };
    match add_in_transaction(conn, &add, ctx).await {
        Ok((id, _)) => Ok(Some(id.get())),
        // The book is full: said beside the checkbox.
        Err(CommandError::Invalid(e)) => Err(CommandError::Invalid(rename(&e, "save_address"))),
        Err(e) => Err(e),
    }
}

fn rename(errors: &FieldErrors, field: &str) -> FieldErrors {
    let mut out = FieldErrors::new();
    for (_, message) in errors.iter() {
        out.add(field, message);
    }
    out
}

/// The order's money by the shop's pricing: the lines (in product id order,
/// at their products' prices and rates), their discounts, the order discount
/// and the shipping charge; a discount too large is an error beside its field.
async fn price(
    conn: &mut AsyncPgConnection,
    input: &PlaceOrder,
    lines: &[PlannedLine],
) -> Result<Priced, CommandError> {
    let priced_lines = lines
        .iter()
        .map(|l| order_money::PricedLine {
            sku: l.product.sku.clone(),
            unit_price_cents: l.product.price_cents,
            quantity: l.quantity,
            tax_rate_ppm: l.product.tax_rate_ppm,
            discount: input
                .line_discounts
                .iter()
                .find(|(s, _)| s.as_str() == l.product.sku)
                .map(|(_, d)| *d),
        })
        .collect();
    order_money::price(
        conn,
        priced_lines,
        input.order_discount,
        input.shipping_charge,
    )
    .await
}

/// Reserves every line's units; any shortage undoes the whole order.
async fn reserve(conn: &mut AsyncPgConnection, lines: &[PlannedLine]) -> Result<(), CommandError> {
    let mut shortages = Vec::new();
    for PlannedLine {
        product: p,
        quantity: q,
    } in lines
    {
        let q = *q;
        if let Err(available) = reserve_units(conn, p.id, q).await? {
            shortages.push(Shortage {
                sku: p.sku.clone(),
                requested: q,
                available,
            });
        }
    }
    if shortages.is_empty() {
        Ok(())
    } else {
        Err(CommandError::InsufficientStock(shortages))
    }
}

/// Inserts the order lines and the reservation movements.
async fn record_lines(
    conn: &mut AsyncPgConnection,
    order_id: i64,
    lines: &[PlannedLine],
    priced: &Priced,
    ctx: &CommandContext,
) -> Result<(), CommandError> {
    let rows: Vec<_> = lines
        .iter()
        .zip(&priced.totals.lines)
        .zip(&priced.line_discounts)
        .zip(1..)
        .map(|(((l, amounts), discount), line_no)| {
            (
                (
                    order_lines::order_id.eq(order_id),
                    order_lines::line_no.eq(line_no),
                    order_lines::product_id.eq(l.product.id),
                    order_lines::quantity.eq(l.quantity),
                    order_lines::unit_price_cents.eq(l.product.price_cents),
                    order_lines::tax_rate_id.eq(l.product.tax_rate_id),
                ),
                order_money::line_columns(amounts, discount.as_ref()),
            )
        })
        .collect();
    // Prepared once per line count: the text differs only by the rows.
    diesel::insert_into(order_lines::table)
        .values(&rows)
        .prepared()
        .execute(conn)
        .await?;
    let movements: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                stock_movements::product_id.eq(l.product.id),
                stock_movements::kind.eq(StockMovementKind::Reservation),
                stock_movements::quantity.eq(l.quantity),
                stock_movements::order_id.eq(Some(order_id)),
                stock_movements::actor.eq(&ctx.actor.name),
            )
        })
        .collect();
    diesel::insert_into(stock_movements::table)
        .values(&movements)
        .prepared()
        .execute(conn)
        .await?;
    Ok(())
}
