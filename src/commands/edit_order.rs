//! EditOrder: an unshipped order's lines, discounts, shipping charge and
//! addresses changed after it was placed, in one transaction.
//!
//! - The order's row is locked (`FOR UPDATE`) first, so edits of one order
//!   take turns; a shipped or delivered order is refused ("that is a return"),
//!   a cancelled one too. The version the form showed must be the order's
//!   now: a stale edit is a [`Conflict`] listing what the order holds now.
//!   Payments and notes never move `orders.version`, so a payment recorded
//!   meanwhile does not make an open edit form conflict.
//! - Stock moves by the per-product difference ([`super::edit_lines`]).
//! - **Prices.** A line the order keeps keeps the unit price and tax rate it
//!   was priced with, whatever the catalogue says now (the order is what was
//!   agreed: a price or rate changed since never reprices it, as a placed
//!   order never changes when a rate does); a line the edit adds takes
//!   today's catalogue price and rate. The order keeps its pricing (prices
//!   with or without tax) and may keep its shipping rate even if archived
//!   since. The totals are then computed by [`order_money::price_on`], the
//!   one function placing uses ([`crate::domain::totals::Basket::totals`]).
//! - The money received does not move: the payment state follows from the
//!   new grand total by itself (`orders.payment_status` is generated from
//!   it), so a raised total on a paid order leaves a balance due and a lowered
//!   one an amount to refund (the refund is `RefundPayment`).
//! - Sales stay on the shop day the order was placed: it is the same sale.
//! - One event, `order_edited` ([`OrderEdited`]), says what changed.
//! - **Idempotent by key.** The form carries a new key each time it is
//!   drawn; the edit is recorded in `order_edits` under it, so a double
//!   submit applies once and both submits get the same answer (the second
//!   waits on the order's lock, then finds the record). The same key with
//!   other content is a conflict.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};

use super::add_address::{AddAddress, add_in_transaction};
use super::address_book;
use super::edit_lines::{self, NewLine, StoredLine};
use super::events::{self as event_log, Aggregate};
use super::order_money::{self, Basis, Priced, ShippingCharge};
use super::place_order::{self, AddressChoice};
use super::{Ack, CommandContext, CommandError, Conflict, credit_note, issue_invoice};
use crate::db::schema::{order_addresses, order_edits, orders};
use crate::domain::event_payload::order_edited::{
    LineChange, LineChangeKind, OrderEdited, ShippingChargePayload,
};
use crate::domain::event_payload::order_placed::DiscountPayload;
use crate::domain::totals::Discount;
use crate::domain::{
    AddressFields, AddressRole, CustomerId, EventType, FieldErrors, FulfilmentStatus,
    IdempotencyKey, OrderId, Quantity, Sku, TaxRateId,
};

/// A parsed edit. `lines` is the whole order as it should be: a SKU with
/// `None` (quantity 0) is removed, and so is a line the order has that the
/// edit leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditOrder {
    pub order_id: OrderId,
    /// The order's version the form showed.
    pub expected_version: i32,
    pub lines: BTreeMap<Sku, Option<Quantity>>,
    pub line_discounts: BTreeMap<Sku, Discount>,
    pub order_discount: Option<Discount>,
    pub shipping_charge: Option<ShippingCharge>,
    /// Where the order goes now: a book address or a typed one (the form
    /// offers the order's own copy, so an unchanged one changes nothing).
    pub shipping: AddressChoice,
    /// The billing address; `None` keeps the order's as it is.
    pub billing: Option<AddressChoice>,
    pub idempotency_key: IdempotencyKey,
}

impl EditOrder {
    /// A digest of everything but the key, so a replay can be told from a misuse.
    fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.order_id.get().to_be_bytes());
        h.update(self.expected_version.to_be_bytes());
        for (sku, qty) in &self.lines {
            h.update([0]);
            h.update(sku.as_str().as_bytes());
            h.update(qty.map_or(0, Quantity::get).to_be_bytes());
        }
        h.update(b"discounts");
        for (sku, d) in &self.line_discounts {
            h.update(sku.as_str().as_bytes());
            order_money::digest_discount(Some(d), &mut h);
        }
        order_money::digest_discount(self.order_discount.as_ref(), &mut h);
        match &self.shipping_charge {
            Some(s) => {
                h.update(s.amount.minor().to_be_bytes());
                h.update(s.tax_rate_id.get().to_be_bytes());
            }
            None => h.update(b"no shipping"),
        }
        h.update(format!("{:?}|{:?}", self.shipping, self.billing).as_bytes());
        hex::encode(h.finalize())
    }
}

/// The order's row as the edit reads it, locked.
#[derive(Debug, Queryable)]
struct Locked {
    customer_id: i64,
    fulfilment: FulfilmentStatus,
    version: i32,
    pricing: String,
    discount_kind: Option<String>,
    discount_value: Option<i64>,
    shipping_cents: i64,
    shipping_tax_rate_id: Option<i64>,
    shipping_tax_rate_ppm: Option<i32>,
    grand_total_cents: i64,
    net_paid_cents: i64,
}

/// Applies the edit, or answers with the earlier answer for a repeated key.
pub async fn edit_order(
    conn: &mut AsyncPgConnection,
    input: EditOrder,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let fingerprint = input.fingerprint();
    conn.transaction(async move |conn| {
        let order = lock(conn, input.order_id).await?;
        if let Some(ack) = earlier_edit(conn, &input, &fingerprint).await? {
            return Ok(ack);
        }
        refuse_status(input.order_id, order.fulfilment)?;
        let stored = edit_lines::stored(conn, input.order_id).await?;
        if order.version != input.expected_version {
            return Err(stale(conn, &input, &order, &stored).await);
        }
        let lines = edit_lines::plan(conn, &stored, &input.lines, &input.line_discounts).await?;
        let (shipping, billing) = resolve_addresses(conn, &input, order.customer_id).await?;
        edit_lines::move_stock(conn, input.order_id, &stored, &lines, ctx).await?;
        let basis = Basis {
            pricing: order_money::stored_pricing(&order.pricing)?,
            kept_shipping_rate: order
                .shipping_tax_rate_id
                .zip(order.shipping_tax_rate_ppm)
                .map(|(id, ppm)| (TaxRateId(id), ppm)),
        };
        let priced = order_money::price_on(
            conn,
            basis,
            edit_lines::priced_lines(&lines),
            input.order_discount,
            input.shipping_charge,
        )
        .await?;
        edit_lines::rewrite(conn, input.order_id, &lines, &priced).await?;
        order_money::record_taxes(conn, input.order_id.get(), &priced.totals).await?;
        let version: i32 = diesel::update(orders::table.find(input.order_id))
            .set((
                order_money::order_columns(&priced),
                orders::version.eq(orders::version + 1),
                orders::updated_at.eq(diesel::dsl::now),
            ))
            .returning(orders::version)
            .get_result(conn)
            .await?;
        let shipping_changed =
            replace_address(conn, input.order_id, AddressRole::Shipping, Some(&shipping)).await?;
        let billing_changed =
            replace_address(conn, input.order_id, AddressRole::Billing, billing.as_ref()).await?;
        save_to_book(conn, &input, order.customer_id, ctx).await?;
        let payload = OrderEdited {
            version,
            lines: changes(&stored, &lines, &priced),
            old_total_cents: order.grand_total_cents,
            new_total_cents: priced.totals.grand_total,
            order_discount_changed: old_order_discount(&order)? != input.order_discount,
            old_order_discount: old_order_discount(&order)?
                .as_ref()
                .map(DiscountPayload::from),
            new_order_discount: input.order_discount.as_ref().map(DiscountPayload::from),
            shipping_charge_changed: old_charge(&order) != new_charge(input.shipping_charge),
            old_shipping_charge: old_charge(&order),
            new_shipping_charge: new_charge(input.shipping_charge),
            shipping_address_changed: shipping_changed,
            shipping_address: shipping_changed.then(|| shipping.clone()),
            billing_address_changed: billing_changed,
            billing_address: if billing_changed { billing } else { None },
            net_paid_cents: order.net_paid_cents,
            money: order_money::money_payload(&priced),
        };
        let event_id = event_log::append(
            conn,
            ctx,
            Aggregate::Order,
            input.order_id.get(),
            EventType::OrderEdited,
            payload.to_payload(),
        )
        .await?;
        diesel::insert_into(order_edits::table)
            .values((
                order_edits::order_id.eq(input.order_id.get()),
                order_edits::idempotency_key.eq(input.idempotency_key.as_str()),
                order_edits::request_fingerprint.eq(&fingerprint),
                order_edits::version_after.eq(version),
                order_edits::event_id.eq(event_id),
                order_edits::actor.eq(&ctx.actor.name),
            ))
            .execute(conn)
            .await?;
        let event_id = reissue_invoice(conn, input.order_id, ctx)
            .await?
            .unwrap_or(event_id);
        Ok(Ack {
            id: input.order_id.get(),
            version: Some(version),
            event_id,
            replayed: false,
        })
    })
    .await
}

/// An issued invoice never changes: an order with a standing invoice gets a
/// credit note for it in full and a new invoice of the edited order, in the
/// edit's transaction (after `order_edited`, so the history reads edit,
/// credit note, invoice). The new invoice's event id, if one was issued.
async fn reissue_invoice(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    ctx: &CommandContext,
) -> Result<Option<i64>, CommandError> {
    if credit_note::credit_in_transaction(conn, order_id, ctx)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    let issued = issue_invoice::issue_in_transaction(conn, order_id, ctx).await?;
    Ok(Some(issued.event_id))
}

/// Locks the order's row and reads what the edit needs of it.
async fn lock(conn: &mut AsyncPgConnection, id: OrderId) -> Result<Locked, CommandError> {
    orders::table
        .find(id)
        .select((
            orders::customer_id,
            orders::fulfilment_status,
            orders::version,
            orders::pricing,
            orders::discount_kind,
            orders::discount_value,
            orders::shipping_cents,
            orders::shipping_tax_rate_id,
            orders::shipping_tax_rate_ppm,
            orders::grand_total_cents,
            orders::paid_cents - orders::refunded_cents,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or(CommandError::NotFound {
            what: "order",
            id: id.get(),
        })
}

/// The answer given to this key before: the same edit's ack (replayed), or
/// a conflict when the key came with other content.
async fn earlier_edit(
    conn: &mut AsyncPgConnection,
    input: &EditOrder,
    fingerprint: &str,
) -> Result<Option<Ack>, CommandError> {
    let found: Option<(i64, String, i32, i64)> = order_edits::table
        .filter(order_edits::idempotency_key.eq(input.idempotency_key.as_str()))
        .select((
            order_edits::order_id,
            order_edits::request_fingerprint,
            order_edits::version_after,
            order_edits::event_id,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((order_id, stored, version, event_id)) = found else {
        return Ok(None);
    };
    if order_id != input.order_id.get() || stored != fingerprint {
        return Err(CommandError::Conflict(Conflict {
            message: "this form was already submitted with different content; \
                      reload the order to edit it again"
                .into(),
            changes: Vec::new(),
            current_version: None,
        }));
    }
    Ok(Some(Ack {
        id: order_id,
        version: Some(version),
        event_id,
        replayed: true,
    }))
}

/// Only an unfulfilled order may be edited; the reason otherwise.
fn refuse_status(id: OrderId, status: FulfilmentStatus) -> Result<(), CommandError> {
    let why = match status {
        FulfilmentStatus::Unfulfilled => return Ok(()),
        FulfilmentStatus::Shipped | FulfilmentStatus::Delivered => {
            format!("order #{id} is {status}: shipped lines cannot be edited, that is a return")
        }
        FulfilmentStatus::Cancelled => {
            format!("order #{id} is cancelled and cannot be edited; place a new order")
        }
    };
    Err(CommandError::field("form", why))
}

/// The conflict for a stale version: what the order holds now where it
/// differs from what was submitted.
async fn stale(
    conn: &mut AsyncPgConnection,
    input: &EditOrder,
    order: &Locked,
    stored: &[StoredLine],
) -> CommandError {
    let mut now: Vec<String> = stored
        .iter()
        .map(|l| format!("{} × {}", l.sku, l.quantity))
        .collect();
    now.sort();
    let asked: Vec<String> = input
        .lines
        .iter()
        .filter_map(|(s, q)| q.map(|q| format!("{s} × {}", q.get())))
        .collect();
    let discount = |d: Option<&Discount>| match d {
        None => "none".to_owned(),
        Some(Discount::Percent(p)) => p.to_string(),
        Some(Discount::Amount(a)) => format!("{} (minor units)", a.minor()),
    };
    let order_discount = old_order_discount(order).unwrap_or(None);
    let line_discounts_now: Vec<String> = stored
        .iter()
        .filter_map(|l| {
            Some(format!(
                "{}: {}",
                l.sku,
                discount(Some(l.discount.as_ref()?))
            ))
        })
        .collect();
    let line_discounts_asked: Vec<String> = input
        .line_discounts
        .iter()
        .map(|(s, d)| format!("{s}: {}", discount(Some(d))))
        .collect();
    let (ship_now, ship_asked) = match ship_to_texts(conn, input, order.customer_id).await {
        Ok(texts) => texts,
        Err(e) => return e,
    };
    let fields = [
        ("Lines", now.join(", "), asked.join(", ")),
        (
            "Order discount",
            discount(order_discount.as_ref()),
            discount(input.order_discount.as_ref()),
        ),
        (
            "Shipping charge (minor units)",
            order.shipping_cents.to_string(),
            input
                .shipping_charge
                .map_or(0, |s| s.amount.minor())
                .to_string(),
        ),
        (
            "Line discounts",
            line_discounts_now.join(", "),
            line_discounts_asked.join(", "),
        ),
        ("Ship to", ship_now, ship_asked),
    ];
    super::stale_version(
        conn,
        Aggregate::Order,
        input.order_id.get(),
        order.version,
        super::differing(&fields),
    )
    .await
}

/// The order's shipping address as stored and as the stale form asks for
/// it, one line each (a book address as the book has it now).
async fn ship_to_texts(
    conn: &mut AsyncPgConnection,
    input: &EditOrder,
    customer_id: i64,
) -> Result<(String, String), CommandError> {
    let now = stored_address(conn, input.order_id, AddressRole::Shipping)
        .await?
        .map_or_else(|| "(as first typed)".to_owned(), |a| a.one_line());
    let asked = match &input.shipping {
        AddressChoice::New { address, .. } => address.fields().one_line(),
        AddressChoice::Book(id) => address_book::stored(conn, CustomerId(customer_id), *id)
            .await?
            .map_or_else(
                || "(an address not in the book)".to_owned(),
                |(_, a, _)| a.one_line(),
            ),
    };
    Ok((now, asked))
}

fn old_order_discount(order: &Locked) -> Result<Option<Discount>, CommandError> {
    order_money::stored_discount(order.discount_kind.as_deref(), order.discount_value)
}

fn old_charge(order: &Locked) -> Option<ShippingChargePayload> {
    order
        .shipping_tax_rate_id
        .map(|rate| ShippingChargePayload {
            charged_cents: order.shipping_cents,
            tax_rate_id: Some(rate),
        })
}

fn new_charge(charge: Option<ShippingCharge>) -> Option<ShippingChargePayload> {
    charge.map(|s| ShippingChargePayload {
        charged_cents: s.amount.minor(),
        tax_rate_id: Some(s.tax_rate_id.get()),
    })
}

/// The lines that changed: added, removed, or with another quantity or discount.
fn changes(stored: &[StoredLine], lines: &[NewLine], priced: &Priced) -> Vec<LineChange> {
    let mut out = Vec::new();
    for (l, a) in lines.iter().zip(&priced.totals.lines) {
        let old = stored.iter().find(|s| s.product_id == l.product_id);
        let kind = match old {
            None => LineChangeKind::Added,
            Some(o) if o.quantity != l.quantity || o.discount != l.discount => {
                LineChangeKind::Changed
            }
            Some(_) => continue,
        };
        out.push(LineChange {
            change: kind,
            product_id: l.product_id,
            sku: l.sku.clone(),
            name: l.name.clone(),
            old_quantity: old.map_or(0, |o| o.quantity),
            new_quantity: l.quantity,
            old_discount: old.and_then(|o| o.discount.as_ref().map(DiscountPayload::from)),
            new_discount: l.discount.as_ref().map(DiscountPayload::from),
            old_total_cents: old.map_or(0, |o| o.total_cents),
            new_total_cents: a.total,
        });
    }
    for o in stored {
        if lines.iter().all(|l| l.product_id != o.product_id) {
            out.push(LineChange {
                change: LineChangeKind::Removed,
                product_id: o.product_id,
                sku: o.sku.clone(),
                name: o.name.clone(),
                old_quantity: o.quantity,
                new_quantity: 0,
                old_discount: o.discount.as_ref().map(DiscountPayload::from),
                new_discount: None,
                old_total_cents: o.total_cents,
                new_total_cents: 0,
            });
        }
    }
    out.sort_by_key(|c| c.product_id);
    out
}

/// The shipping and billing addresses as the edit gives them: a book
/// address as it stands now (an error beside `ship_to` when it is not the
/// customer's), a typed one as typed.
async fn resolve_addresses(
    conn: &mut AsyncPgConnection,
    input: &EditOrder,
    customer_id: i64,
) -> Result<(AddressFields, Option<AddressFields>), CommandError> {
    let mut errors = FieldErrors::new();
    let shipping = resolve(conn, &input.shipping, customer_id, "ship_to", &mut errors).await?;
    let billing = match &input.billing {
        Some(b) => resolve(conn, b, customer_id, "bill_to", &mut errors).await?,
        None => None,
    };
    match shipping {
        Some(s) if errors.is_empty() => Ok((s, billing)),
        _ => Err(CommandError::Invalid(errors)),
    }
}

async fn resolve(
    conn: &mut AsyncPgConnection,
    choice: &AddressChoice,
    customer_id: i64,
    field: &str,
    errors: &mut FieldErrors,
) -> Result<Option<AddressFields>, CommandError> {
    match choice {
        AddressChoice::New { address, .. } => Ok(Some(address.fields().clone())),
        AddressChoice::Book(id) => {
            let found = address_book::stored(conn, CustomerId(customer_id), *id).await?;
            if found.is_none() {
                errors.add(
                    field,
                    "that address is not in this customer's address book (any more)",
                );
            }
            Ok(found.map(|(_, fields, _)| fields))
        }
    }
}

/// An order address as read: structured, then its parts.
type AddressRow = (
    bool,
    (String, String, String, String, String),
    (String, String, String, String),
);

/// The order's structured `role` address as stored (`None`: it has none,
/// or only the free text of an order placed before structured addresses).
async fn stored_address(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    role: AddressRole,
) -> Result<Option<AddressFields>, CommandError> {
    let row: Option<AddressRow> = order_addresses::table
        .find((order_id.get(), role))
        .select((
            order_addresses::structured,
            (
                order_addresses::name,
                order_addresses::company,
                order_addresses::line1,
                order_addresses::line2,
                order_addresses::city,
            ),
            (
                order_addresses::region,
                order_addresses::postal_code,
                order_addresses::country,
                order_addresses::phone,
            ),
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(match row {
        Some((
            true,
            (name, company, line1, line2, city),
            (region, postal_code, country, phone),
        )) => Some(AddressFields {
            name,
            company,
            line1,
            line2,
            city,
            region,
            postal_code,
            country,
            phone,
        }),
        _ => None,
    })
}

/// Replaces the order's copy of its `role` address when it differs from
/// `fields` (`None`: keep it); whether it changed.
async fn replace_address(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    role: AddressRole,
    fields: Option<&AddressFields>,
) -> Result<bool, CommandError> {
    let Some(fields) = fields else {
        return Ok(false);
    };
    if stored_address(conn, order_id, role).await?.as_ref() == Some(fields) {
        return Ok(false);
    }
    diesel::delete(order_addresses::table.find((order_id.get(), role)))
        .execute(conn)
        .await?;
    place_order::record_address(conn, order_id.get(), role, fields).await?;
    Ok(true)
}

/// Adds a typed shipping address to the customer's book when asked (its own
/// event, in this transaction), as placing does.
async fn save_to_book(
    conn: &mut AsyncPgConnection,
    input: &EditOrder,
    customer_id: i64,
    ctx: &CommandContext,
) -> Result<(), CommandError> {
    let AddressChoice::New {
        address,
        save_to_book: true,
        label,
    } = &input.shipping
    else {
        return Ok(());
    };
    let add = AddAddress {
        customer_id: CustomerId(customer_id),
        label: label.clone(),
        address: address.clone(),
        default_shipping: false,
        default_billing: false,
    };
    match add_in_transaction(conn, &add, ctx).await {
        Ok(_) => Ok(()),
        Err(CommandError::Invalid(e)) => {
            let mut out = FieldErrors::new();
            for (_, message) in e.iter() {
                out.add("save_address", message);
            }
            Err(CommandError::Invalid(out))
        }
        Err(e) => Err(e),
    }
}
