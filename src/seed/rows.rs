//! The plan as rows in PostgreSQL's COPY text format, one table at a time.
//! Rows are written exactly as the commands would have left them (see
//! `src/commands/`), with business times instead of `now()`.

mod edited;

use std::fmt::Write;

use super::money::{self, Entered};
use super::names;
use super::payments::{self, SLOTS};
use super::plan::{NoteOn, Order, Plan, Step};
use crate::domain::event_payload::order_placed::{
    DiscountPayload, EventAddress, OrderMoneyPayload, OrderPlaced, OrderPlacedLine,
    ShippingPayload, TaxPayload,
};
use crate::domain::event_payload::{PaymentRecorded, PaymentRefunded};
use crate::domain::totals::{Discount, OrderTotals};
use crate::domain::{AddressFields, FulfilmentStatus};

/// Who the seeded history is attributed to.
pub const ACTOR: &str = "system:seed";

/// Ids already taken in the database (0 when it is empty) and the RNG seed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    pub customer_offset: i64,
    pub address_offset: i64,
    pub product_offset: i64,
    pub order_offset: i64,
    pub note_offset: i64,
    pub payment_offset: i64,
    pub seed: u64,
    /// The ids of the shop's Standard, Reduced and Zero rates.
    pub tax_rates: [i64; 3],
}

/// The most addresses a seeded customer's book holds (each customer gets 1
/// to 3; their ids are spaced by this, so no prefix sum is needed).
const BOOK: i64 = 3;

impl Context {
    fn customer_id(&self, i: u32) -> i64 {
        self.customer_offset + i64::from(i) + 1
    }
    /// The id of customer `i`'s address `k` (`k < book_size(i)`).
    fn address_id(&self, i: u32, k: u32) -> i64 {
        self.address_offset + i64::from(i) * BOOK + i64::from(k) + 1
    }
    /// How many addresses customer `i`'s book holds: 1 to 3.
    fn book_size(&self, i: u32) -> u32 {
        1 + u32::try_from(mix(self.seed ^ self.customer_id(i).unsigned_abs()) % 3).unwrap_or(0)
    }
    /// Which of the customer's addresses order `i` ships to: mostly the
    /// default (the first), sometimes another.
    fn order_address(&self, customer: u32, i: u32) -> u32 {
        let m = mix(self.seed.rotate_left(17) ^ self.order_id(i).unsigned_abs());
        if m % 4 == 0 {
            u32::try_from(m % u64::from(self.book_size(customer))).unwrap_or(0)
        } else {
            0
        }
    }
    /// Which of the customer's addresses order `i` bills to, when not where
    /// it ships: the customer's default billing address, as order entry
    /// preselects it, when that is another address of the book.
    fn order_billing(&self, customer: u32, i: u32) -> Option<u32> {
        let billing = default_billing(self, customer);
        (billing != self.order_address(customer, i)).then_some(billing)
    }
    fn product_id(&self, i: u32) -> i64 {
        self.product_offset + i64::from(i) + 1
    }
    /// Product `i`'s rate: most are Standard, one in eight Reduced (food,
    /// books), one in twenty-five Zero.
    fn tax_rate_id(&self, i: u32) -> i64 {
        let [standard, reduced, zero] = self.tax_rates;
        match money::rate_ppm(i) {
            0 => zero,
            50_000 => reduced,
            _ => standard,
        }
    }
    fn order_id(&self, i: u32) -> i64 {
        self.order_offset + i64::from(i) + 1
    }
    fn note_id(&self, i: u32) -> i64 {
        self.note_offset + i64::from(i) + 1
    }
    /// A note's aggregate, its id and the text's list.
    fn note_subject(&self, on: NoteOn) -> (&'static str, i64, &'static [&'static str]) {
        match on {
            NoteOn::Order(o) => ("order", self.order_id(o), names::ORDER_NOTES),
            NoteOn::Customer(c) => ("customer", self.customer_id(c), names::CUSTOMER_NOTES),
        }
    }
    /// The id of order `i`'s payment entry in `slot` (`seed::payments`).
    fn payment_id(&self, i: u32, slot: u32) -> i64 {
        self.payment_offset + i64::from(i) * SLOTS + i64::from(slot) + 1
    }
}

/// The ids of the orders the plan edits.
pub fn edited_orders(plan: &Plan, cx: &Context) -> Vec<i64> {
    (0u32..)
        .zip(&plan.orders)
        .filter(|(_, o)| o.edit.is_some())
        .map(|(i, _)| cx.order_id(i))
        .collect()
}

/// The tables the seeder fills, in loading order (parents before children).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Customers,
    CustomerAddresses,
    Products,
    Inventory,
    Orders,
    OrderAddresses,
    OrderLines,
    OrderTaxes,
    Payments,
    StockMovements,
    Events,
    Notes,
}

impl Table {
    pub const ALL: [Table; 12] = [
        Table::Customers,
        Table::CustomerAddresses,
        Table::Products,
        Table::Inventory,
        Table::Orders,
        Table::OrderAddresses,
        Table::OrderLines,
        Table::OrderTaxes,
        Table::Payments,
        Table::StockMovements,
        Table::Events,
        Table::Notes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Customers => "customers",
            Table::CustomerAddresses => "customer_addresses",
            Table::OrderAddresses => "order_addresses",
            Table::Products => "products",
            Table::Inventory => "inventory",
            Table::Orders => "orders",
            Table::OrderLines => "order_lines",
            Table::OrderTaxes => "order_taxes",
            Table::Payments => "payments",
            Table::StockMovements => "stock_movements",
            Table::Events => "events",
            Table::Notes => "notes",
        }
    }

    /// The COPY statement. Ids are given where other rows refer to them; the
    /// ledger and the events take theirs from the identity, in stream order.
    pub fn copy_sql(self) -> &'static str {
        match self {
            Table::Customers => {
                "COPY customers (id, email, name, phone, version, created_at, updated_at, default_shipping_address_id, default_billing_address_id) FROM STDIN"
            }
            Table::CustomerAddresses => {
                "COPY customer_addresses (id, customer_id, label, name, company, line1, line2, city, region, postal_code, country, phone, version, created_at, updated_at) FROM STDIN"
            }
            Table::OrderAddresses => {
                "COPY order_addresses (order_id, role, structured, name, company, line1, line2, city, region, postal_code, country, phone) FROM STDIN"
            }
            Table::Products => {
                "COPY products (id, sku, name, description, price_cents, active, version, created_at, updated_at, tax_rate_id) FROM STDIN"
            }
            Table::Inventory => {
                "COPY inventory (product_id, on_hand, reserved, low_stock_threshold, updated_at) FROM STDIN"
            }
            Table::Orders => {
                "COPY orders (id, customer_id, fulfilment_status, idempotency_key, request_fingerprint, placed_at, paid_at, shipped_at, delivered_at, cancelled_at, cancellation_reason, version, updated_at, subtotal_cents, net_total_cents, tax_total_cents, grand_total_cents, discount_kind, discount_value, line_discounts_cents, order_discount_cents, discount_total_cents, shipping_cents, shipping_tax_rate_id, shipping_tax_rate_ppm, shipping_net_cents, shipping_tax_cents, paid_cents, refunded_cents, payments_version) FROM STDIN"
            }
            Table::OrderLines => {
                "COPY order_lines (order_id, line_no, product_id, quantity, unit_price_cents, tax_rate_id, tax_rate_ppm, subtotal_cents, net_cents, tax_cents, total_cents, discount_kind, discount_value, line_discount_cents, order_discount_cents) FROM STDIN"
            }
            Table::OrderTaxes => {
                "COPY order_taxes (order_id, rate_ppm, net_cents, tax_cents, gross_cents) FROM STDIN"
            }
            Table::Payments => {
                "COPY payments (id, order_id, kind, amount_cents, method, reference, received_on, idempotency_key, actor, recorded_at) FROM STDIN"
            }
            Table::StockMovements => {
                "COPY stock_movements (product_id, kind, quantity, reason, order_id, actor, occurred_at) FROM STDIN"
            }
            Table::Events => {
                "COPY events (aggregate_type, aggregate_id, event_type, payload, actor, occurred_at) FROM STDIN"
            }
            Table::Notes => {
                "COPY notes (id, order_id, customer_id, body, author, idempotency_key, created_at, removed_at, removed_by) FROM STDIN"
            }
        }
    }

    /// How many units [`Table::write`] is called for.
    pub fn units(self, plan: &Plan) -> usize {
        match self {
            Table::Customers | Table::CustomerAddresses => plan.customers.len(),
            Table::Products | Table::Inventory => plan.products.len(),
            Table::Orders
            | Table::OrderAddresses
            | Table::OrderLines
            | Table::OrderTaxes
            | Table::Payments => plan.orders.len(),
            Table::StockMovements | Table::Events => plan.timeline.len(),
            Table::Notes => plan.notes.len(),
        }
    }

    /// Writes the rows of unit `i` (one row, or an order's lines, or a step's
    /// movements or events); returns how many rows it wrote.
    pub fn write(self, plan: &Plan, cx: &Context, i: usize, out: &mut String) -> u64 {
        let w = Rows { plan, cx, out };
        match self {
            Table::Customers => w.customer(i),
            Table::CustomerAddresses => w.customer_addresses(i),
            Table::Products => w.product(i),
            Table::Inventory => w.inventory(i),
            Table::Orders => w.order(i),
            Table::OrderAddresses => w.order_address(i),
            Table::OrderLines => w.order_lines(i),
            Table::OrderTaxes => w.order_taxes(i),
            Table::Payments => w.payments(i),
            Table::StockMovements => w.movements(plan.timeline[i]),
            Table::Events => w.events(plan.timeline[i]),
            Table::Notes => w.note(i),
        }
    }
}

struct Rows<'a> {
    plan: &'a Plan,
    cx: &'a Context,
    out: &'a mut String,
}

impl Rows<'_> {
    fn customer(self, i: usize) -> u64 {
        let c = &self.plan.customers[i];
        let id = self.cx.customer_id(idx(i));
        let (first, last) = (names::FIRST[c.first as usize], names::LAST[c.last as usize]);
        let email = format!(
            "{}.{}{id}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        );
        let phone = c
            .phone
            .map_or_else(|| "\\N".to_owned(), |p| format!("0770 {p:07}"));
        let at = ts(c.registered_at);
        let (shipping, billing) = defaults(self.cx, idx(i));
        let _ = writeln!(
            self.out,
            "{id}\t{email}\t{first} {last}\t{phone}\t1\t{at}\t{at}\t{shipping}\t{billing}"
        );
        1
    }

    fn customer_addresses(self, i: usize) -> u64 {
        let c = idx(i);
        let id = self.cx.customer_id(c);
        let at = ts(self.plan.customers[i].registered_at);
        let n = self.cx.book_size(c);
        for k in 0..n {
            let (label, a) = book_address(self.plan, c, k);
            let _ = writeln!(
                self.out,
                "{}\t{id}\t{label}\t{}\t1\t{at}\t{at}",
                self.cx.address_id(c, k),
                AddressColumns(&a),
            );
        }
        u64::from(n)
    }

    /// Order `i`'s shipping address and, when it bills elsewhere, its billing address.
    fn order_address(self, i: usize) -> u64 {
        let o = &self.plan.orders[i];
        let shipping = order_address(self.plan, self.cx, idx(i), o.customer);
        let billing = billing_address(self.plan, self.cx, idx(i), o.customer);
        let id = self.cx.order_id(idx(i));
        let mut rows = 0;
        for (role, a) in [("shipping", Some(shipping)), ("billing", billing)] {
            let Some(a) = a else { continue };
            let _ = writeln!(self.out, "{id}\t{role}\tt\t{}", AddressColumns(&a));
            rows += 1;
        }
        rows
    }

    fn product(self, i: usize) -> u64 {
        let p = &self.plan.products[i];
        let id = self.cx.product_id(idx(i));
        let at = ts(p.created_at);
        let _ = writeln!(
            self.out,
            "{id}\t{}\t{}\t{}\t{}\t{}\t1\t{at}\t{at}\t{}",
            sku(self.plan, self.cx, idx(i)),
            product_name(self.plan, idx(i)),
            format_args!(
                "{} from the seeded catalogue.",
                product_name(self.plan, idx(i))
            ),
            p.price_cents,
            if p.active { 't' } else { 'f' },
            self.cx.tax_rate_id(idx(i)),
        );
        1
    }

    fn inventory(self, i: usize) -> u64 {
        let p = &self.plan.products[i];
        let _ = writeln!(
            self.out,
            "{}\t{}\t{}\t10\t{}",
            self.cx.product_id(idx(i)),
            p.received - p.shipped,
            p.reserved,
            ts(p.updated_at)
        );
        1
    }

    fn order(self, i: usize) -> u64 {
        let o = &self.plan.orders[i];
        let id = self.cx.order_id(idx(i));
        let (t, entered) = money::totals(self.plan, o).unwrap_or_default();
        let opt = |t: Option<i64>| t.map_or_else(|| "\\N".to_owned(), ts);
        let (kind, value) = discount_columns(entered.order_discount);
        let s = t.shipping_amounts;
        let (rate_id, rate_ppm) = if s.is_some() {
            (
                self.cx.tax_rates[0].to_string(),
                money::STANDARD_PPM.to_string(),
            )
        } else {
            ("\\N".to_owned(), "\\N".to_owned())
        };
        let entries = payments::entries(idx(i), o, t.grand_total);
        let (paid, refunded) = entries
            .last()
            .map_or((0, 0), |e| (e.totals.paid_cents, e.totals.refunded_cents));
        let _ = writeln!(
            self.out,
            "{id}\t{}\t{}\tseed-{:x}-{id:08}\t{:016x}{:016x}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{kind}\t{value}\t{}\t{}\t{}\t{}\t{rate_id}\t{rate_ppm}\t{}\t{}\t{paid}\t{refunded}\t{}",
            self.cx.customer_id(o.customer),
            o.status.as_str(),
            self.cx.seed,
            mix(self.cx.seed ^ id.unsigned_abs()),
            mix(id.unsigned_abs()),
            ts(o.placed_at),
            opt(o.paid_at),
            opt(o.shipped_at),
            opt(o.delivered_at),
            opt(o.cancelled_at),
            o.reason
                .map_or("\\N", |r| names::CANCEL_REASONS[r as usize]),
            o.version(),
            ts(o.updated_at()),
            t.subtotal,
            t.net_total,
            t.tax_total,
            t.grand_total,
            t.line_discounts,
            t.order_discount,
            t.discount_total,
            t.shipping,
            s.map_or(0, |s| s.net),
            s.map_or(0, |s| s.tax),
            entries.len(),
        );
        1
    }

    fn payments(self, i: usize) -> u64 {
        let o = &self.plan.orders[i];
        let order = idx(i);
        let id = self.cx.order_id(order);
        let (t, _) = money::totals(self.plan, o).unwrap_or_default();
        let entries = payments::entries(order, o, t.grand_total);
        for e in &entries {
            let at = ts(e.at);
            let _ = writeln!(
                self.out,
                "{}\t{id}\t{}\t{}\t{}\t{}\t{}\tseed-{:x}-{id:08}-p{}\t{ACTOR}\t{at}",
                self.cx.payment_id(order, e.slot),
                e.kind,
                e.amount,
                e.method,
                e.reference.unwrap_or("\\N"),
                &at[..10],
                self.cx.seed,
                e.slot,
            );
        }
        entries.len() as u64
    }

    fn order_lines(self, i: usize) -> u64 {
        let o = &self.plan.orders[i];
        let id = self.cx.order_id(idx(i));
        let (t, entered) = money::totals(self.plan, o).unwrap_or_default();
        let lines = lines(self.plan, o);
        for ((n, line), a) in (1..).zip(lines).zip(&t.lines) {
            let price = self.plan.products[line.product as usize].price_cents;
            let product = self.cx.product_id(line.product);
            let rate = self.cx.tax_rate_id(line.product);
            let (kind, value) = discount_columns(entered.discount_of(line.product));
            let _ = writeln!(
                self.out,
                "{id}\t{n}\t{product}\t{}\t{price}\t{rate}\t{}\t{}\t{}\t{}\t{}\t{kind}\t{value}\t{}\t{}",
                line.quantity,
                a.tax_rate.ppm(),
                a.subtotal,
                a.net,
                a.tax,
                a.total,
                a.line_discount,
                a.order_discount
            );
        }
        lines.len() as u64
    }

    fn order_taxes(self, i: usize) -> u64 {
        let o = &self.plan.orders[i];
        let id = self.cx.order_id(idx(i));
        let (t, _) = money::totals(self.plan, o).unwrap_or_default();
        for x in &t.taxes {
            let _ = writeln!(
                self.out,
                "{id}\t{}\t{}\t{}\t{}",
                x.rate.ppm(),
                x.net,
                x.tax,
                x.gross
            );
        }
        t.taxes.len() as u64
    }

    fn note(self, i: usize) -> u64 {
        let n = &self.plan.notes[i];
        let id = self.cx.note_id(idx(i));
        let (order, customer) = match n.subject {
            NoteOn::Order(o) => (self.cx.order_id(o).to_string(), "\\N".to_owned()),
            NoteOn::Customer(c) => ("\\N".to_owned(), self.cx.customer_id(c).to_string()),
        };
        let (_, _, texts) = self.cx.note_subject(n.subject);
        let (removed_at, removed_by) = n
            .removed_at
            .map_or(("\\N".to_owned(), "\\N"), |t| (ts(t), ACTOR));
        let _ = writeln!(
            self.out,
            "{id}\t{order}\t{customer}\t{}\t{ACTOR}\tseed-note-{:x}-{id:08}\t{}\t{removed_at}\t{removed_by}",
            texts[n.text as usize],
            self.cx.seed,
            ts(n.at),
        );
        1
    }

    fn movements(self, (at, step): (i64, Step)) -> u64 {
        let (order, kind, sign) = match step {
            Step::Product(p) => {
                let q = self.plan.products[p as usize].received;
                let product = self.cx.product_id(p);
                let _ = writeln!(
                    self.out,
                    "{product}\treceipt\t{q}\topening stock\t\\N\t{ACTOR}\t{}",
                    ts(at)
                );
                return 1;
            }
            Step::Placed(o) => (o, "reservation", 1),
            Step::Edited(o) => return edited::movements(self.plan, self.cx, o, at, self.out),
            Step::Shipped(o) => (o, "shipment", -1),
            Step::Cancelled(o) => (o, "release", -1),
            Step::Customer(_)
            | Step::Deposit(_)
            | Step::Paid(_)
            | Step::Delivered(_)
            | Step::Note(_)
            | Step::NoteRemoved(_) => return 0,
        };
        let o = &self.plan.orders[order as usize];
        let (id, at) = (self.cx.order_id(order), ts(at));
        // Placing reserves the lines as placed; shipping and cancelling move
        // the lines the order has then (after its edit).
        let lines = if sign > 0 {
            placed_lines(self.plan, o)
        } else {
            lines(self.plan, o)
        };
        for line in lines {
            let product = self.cx.product_id(line.product);
            let q = sign * line.quantity;
            let _ = writeln!(self.out, "{product}\t{kind}\t{q}\t\t{id}\t{ACTOR}\t{at}");
        }
        lines.len() as u64
    }

    fn events(self, (at, step): (i64, Step)) -> u64 {
        let at = ts(at);
        let mut event = |aggregate: &str, id: i64, kind: &str, payload: &str| {
            let payload = payload.replace('\\', "\\\\");
            let _ = writeln!(
                self.out,
                "{aggregate}\t{id}\t{kind}\t{payload}\t{ACTOR}\t{at}"
            );
        };
        match step {
            Step::Product(p) => {
                let product = &self.plan.products[p as usize];
                let id = self.cx.product_id(p);
                let created = format!(
                    r#"{{"sku":"{}","name":"{}","price_cents":{},"active":{}}}"#,
                    sku(self.plan, self.cx, p),
                    product_name(self.plan, p),
                    product.price_cents,
                    product.active
                );
                event("product", id, "product_created", &created);
                let q = product.received;
                let received =
                    format!(r#"{{"quantity":{q},"note":"opening stock","on_hand":{q}}}"#);
                event("product", id, "stock_received", &received);
                return 2;
            }
            Step::Customer(c) => {
                let id = self.cx.customer_id(c);
                let events = customer_events(self.plan, self.cx, c);
                for (kind, payload) in &events {
                    event("customer", id, kind, payload);
                }
                return events.len() as u64;
            }
            Step::Note(k) | Step::NoteRemoved(k) => {
                let (aggregate, id, kind, payload) =
                    note_event(self.plan, self.cx, k, matches!(step, Step::Note(_)));
                event(aggregate, id, &kind, &payload);
            }
            Step::Placed(o) => {
                let payload = order_placed(self.plan, self.cx, o);
                event("order", self.cx.order_id(o), "order_placed", &payload);
            }
            Step::Edited(o) => {
                let Some(payload) = edited::order_edited(self.plan, self.cx, o) else {
                    return 0;
                };
                event("order", self.cx.order_id(o), "order_edited", &payload);
            }
            Step::Deposit(o) => {
                let payload = payment_event(self.plan, self.cx, o, payments::DEPOSIT);
                if let Some((kind, payload)) = payload {
                    event("order", self.cx.order_id(o), kind, &payload);
                    return 1;
                }
                return 0;
            }
            Step::Paid(o) => {
                // Mark paid records the balance: the payment state moves,
                // the fulfilment state does not (no order_paid since 000140).
                let Some((kind, payload)) = payment_event(self.plan, self.cx, o, payments::PAYMENT)
                else {
                    return 0;
                };
                event("order", self.cx.order_id(o), kind, &payload);
            }
            Step::Shipped(o) | Step::Delivered(o) | Step::Cancelled(o) => {
                // A cancellation after payment refunds it after the
                // order_cancelled event.
                let mut written = 1;
                let order = &self.plan.orders[o as usize];
                // An edit comes before payment, so it moves each later version.
                let edited = i32::from(order.edit.is_some());
                let (status, version) = match step {
                    Step::Shipped(_) => (FulfilmentStatus::Shipped, 2 + edited),
                    Step::Delivered(_) => (FulfilmentStatus::Delivered, 3 + edited),
                    _ => (FulfilmentStatus::Cancelled, order.version()),
                };
                let reason = order
                    .reason
                    .filter(|_| status == FulfilmentStatus::Cancelled)
                    .map_or_else(
                        || "null".to_owned(),
                        |r| format!("\"{}\"", names::CANCEL_REASONS[r as usize]),
                    );
                let payload =
                    format!(r#"{{"status":"{status}","reason":{reason},"version":{version}}}"#);
                event(
                    "order",
                    self.cx.order_id(o),
                    &format!("order_{status}"),
                    &payload,
                );
                if let Step::Cancelled(_) = step
                    && let Some((kind, payload)) =
                        payment_event(self.plan, self.cx, o, payments::REFUND)
                {
                    event("order", self.cx.order_id(o), kind, &payload);
                    written += 1;
                }
                return written;
            }
        }
        1
    }
}

/// The event of order `i`'s entry in `slot`, as RecordPayment or
/// RefundPayment writes it; `None` when the order has no such entry.
fn payment_event(plan: &Plan, cx: &Context, i: u32, slot: u32) -> Option<(&'static str, String)> {
    let o = &plan.orders[i as usize];
    let (t, _) = money::totals(plan, o).unwrap_or_default();
    let e = payments::entries(i, o, t.grand_total)
        .into_iter()
        .find(|e| e.slot == slot)?;
    let received_on = chrono::DateTime::from_timestamp(e.at, 0)?.date_naive();
    let payment_id = cx.payment_id(i, slot);
    let reference = e.reference.map(str::to_owned);
    Some(if e.kind == "refund" {
        let payload = PaymentRefunded {
            payment_id,
            amount_cents: e.amount,
            method: e.method.to_owned(),
            reference,
            received_on,
            totals: e.totals,
        };
        ("payment_refunded", payload.to_payload().to_string())
    } else {
        let payload = PaymentRecorded {
            payment_id,
            amount_cents: e.amount,
            method: e.method.to_owned(),
            reference,
            received_on,
            overpayment_confirmed: false,
            totals: e.totals,
        };
        ("payment_recorded", payload.to_payload().to_string())
    })
}

/// The `order_placed` payload, as PlaceOrder writes it (version 2).
fn order_placed(plan: &Plan, cx: &Context, i: u32) -> String {
    let o = &plan.orders[i as usize];
    let (t, entered) = money::placed_totals(plan, o).unwrap_or_default();
    let placed = OrderPlaced {
        customer_id: cx.customer_id(o.customer),
        shipping_address: EventAddress::Structured(order_address(plan, cx, i, o.customer)),
        billing_address: billing_address(plan, cx, i, o.customer).map(EventAddress::Structured),
        saved_to_book: None,
        lines: placed_lines(plan, o)
            .iter()
            .zip(&t.lines)
            .map(|(line, a)| OrderPlacedLine {
                product_id: cx.product_id(line.product),
                sku: sku(plan, cx, line.product),
                name: product_name(plan, line.product),
                quantity: line.quantity,
                unit_price_cents: plan.products[line.product as usize].price_cents,
                tax_rate_id: Some(cx.tax_rate_id(line.product)),
                discount: entered
                    .discount_of(line.product)
                    .as_ref()
                    .map(DiscountPayload::from),
                amounts: Some(a.into()),
            })
            .collect(),
        total_cents: t.grand_total,
        money: Some(money_payload(cx, &t, &entered)),
    };
    placed.to_payload().to_string()
}

/// An order's money as PlaceOrder and EditOrder state it in their events.
fn money_payload(cx: &Context, t: &OrderTotals, entered: &Entered) -> OrderMoneyPayload {
    OrderMoneyPayload {
        pricing: "tax_exclusive".into(),
        subtotal_cents: t.subtotal,
        line_discounts_cents: t.line_discounts,
        order_discount: entered.order_discount.as_ref().map(DiscountPayload::from),
        order_discount_cents: t.order_discount,
        shipping: t.shipping_amounts.map(|s| ShippingPayload {
            tax_rate_id: Some(cx.tax_rates[0]),
            tax_rate_ppm: s.tax_rate.ppm(),
            charged_cents: s.charged,
            waived: s.waived,
            net_cents: s.net,
            tax_cents: s.tax,
            total_cents: s.total,
        }),
        taxes: t.taxes.iter().map(TaxPayload::from).collect(),
        net_total_cents: t.net_total,
        tax_total_cents: t.tax_total,
        grand_total_cents: t.grand_total,
    }
}

/// A discount as entered, as its two columns (`\N` for none).
fn discount_columns(d: Option<Discount>) -> (&'static str, String) {
    match d {
        None => ("\\N", "\\N".to_owned()),
        Some(Discount::Amount(a)) => ("amount", a.minor().to_string()),
        Some(Discount::Percent(p)) => ("percent", p.ppm().to_string()),
    }
}

/// Customer `c`'s registration and address-book events, as the commands write them.
fn customer_events(plan: &Plan, cx: &Context, c: u32) -> Vec<(&'static str, String)> {
    let customer = &plan.customers[c as usize];
    let id = cx.customer_id(c);
    let (first, last) = (
        names::FIRST[customer.first as usize],
        names::LAST[customer.last as usize],
    );
    let phone = customer
        .phone
        .map_or_else(|| "null".to_owned(), |p| format!("\"0770 {p:07}\""));
    let mut out = vec![(
        "customer_registered",
        format!(
            r#"{{"email":"{}.{}{id}@example.com","name":"{first} {last}","phone":{phone}}}"#,
            first.to_lowercase(),
            last.to_lowercase()
        ),
    )];
    let (shipping, billing) = defaults(cx, c);
    for k in 0..cx.book_size(c) {
        let (label, a) = book_address(plan, c, k);
        let address_id = cx.address_id(c, k);
        let mut payload = serde_json::to_value(&a).unwrap_or_default();
        payload["label"] = label.into();
        payload["address_id"] = address_id.into();
        payload["default_shipping"] = (address_id == shipping).into();
        payload["default_billing"] = (address_id == billing).into();
        out.push(("customer_address_added", payload.to_string()));
    }
    out
}

/// Note `k`'s event: added, or (`added` false) removed.
fn note_event(
    plan: &Plan,
    cx: &Context,
    k: u32,
    added: bool,
) -> (&'static str, i64, String, String) {
    let n = &plan.notes[k as usize];
    let (aggregate, id, texts) = cx.note_subject(n.subject);
    let note_id = cx.note_id(k);
    if added {
        let payload = serde_json::json!({ "note_id": note_id, "body": texts[n.text as usize] });
        (
            aggregate,
            id,
            format!("{aggregate}_note_added"),
            payload.to_string(),
        )
    } else {
        let payload = format!(r#"{{"note_id":{note_id}}}"#);
        (aggregate, id, format!("{aggregate}_note_removed"), payload)
    }
}

/// The order's lines now: after its edit, if any.
fn lines<'a>(plan: &'a Plan, o: &Order) -> &'a [super::plan::Line] {
    let (first, count) = o.edit.map_or((o.first_line, o.line_count), |e| {
        (e.first_line, e.line_count)
    });
    &plan.lines[first as usize..(first + count) as usize]
}

/// The order's lines as placed.
fn placed_lines<'a>(plan: &'a Plan, o: &Order) -> &'a [super::plan::Line] {
    &plan.lines[o.first_line as usize..(o.first_line + o.line_count) as usize]
}

fn sku(plan: &Plan, cx: &Context, p: u32) -> String {
    let prefix = names::KINDS[plan.products[p as usize].kind as usize].0;
    format!("{prefix}-{:05}", cx.product_id(p))
}

fn product_name(plan: &Plan, p: u32) -> String {
    let product = &plan.products[p as usize];
    let kind = names::KINDS[product.kind as usize].1;
    format!("{} {kind}", names::ADJECTIVES[product.adjective as usize])
}

/// Customer `c`'s default shipping and billing address ids: the first, and
/// the second when the book has two or more.
fn defaults(cx: &Context, c: u32) -> (i64, i64) {
    (
        cx.address_id(c, 0),
        cx.address_id(c, default_billing(cx, c)),
    )
}

/// Which of customer `c`'s addresses is their default billing address.
fn default_billing(cx: &Context, c: u32) -> u32 {
    u32::from(cx.book_size(c) > 1)
}

/// Customer `c`'s address `k` and its label: home, work (a company), family.
/// Plain text without tabs, newlines or backslashes, as COPY takes it.
fn book_address(plan: &Plan, c: u32, k: u32) -> (&'static str, AddressFields) {
    let customer = &plan.customers[c as usize];
    let (first, last) = (
        names::FIRST[customer.first as usize],
        names::LAST[customer.last as usize],
    );
    let pick = |list: &'static [&'static str], at: u16, step: u32| {
        list[(u32::from(at) + step * k) as usize % list.len()]
    };
    let house = (u32::from(customer.house) + 37 * k) % 240 + 1;
    let town = u32::from(customer.town) + 3 * k;
    let label = ["Home", "Work", "Family"][k as usize % 3];
    let fields = AddressFields {
        name: format!("{first} {last}"),
        company: if k == 1 {
            format!("{last} & Partners")
        } else {
            String::new()
        },
        line1: format!("{house} {}", pick(names::STREETS, customer.street, 5)),
        line2: if k == 1 {
            format!("Unit {}", house % 9 + 1)
        } else {
            String::new()
        },
        city: pick(names::TOWNS, customer.town, 3).to_owned(),
        region: String::new(),
        postal_code: format!("ZX{} {}SE", town % 97 + 1, house % 10),
        country: "GB".to_owned(),
        phone: customer
            .phone
            .filter(|_| k == 0)
            .map_or_else(String::new, |p| format!("0770 {p:07}")),
    };
    (label, fields)
}

/// The address order `i` (of customer `c`) was placed with: a copy of one
/// of the customer's book, as PlaceOrder copies it.
fn order_address(plan: &Plan, cx: &Context, i: u32, c: u32) -> AddressFields {
    book_address(plan, c, cx.order_address(c, i)).1
}

/// An address's nine columns as COPY reads them (name, company, line1, line2,
/// city, region, postal code, country, phone), tab-separated.
struct AddressColumns<'a>(&'a AddressFields);

impl std::fmt::Display for AddressColumns<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.0;
        write!(
            f,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            a.name,
            a.company,
            a.line1,
            a.line2,
            a.city,
            a.region,
            a.postal_code,
            a.country,
            a.phone
        )
    }
}

/// The address order `i` (of customer `c`) bills to, when not where it ships.
fn billing_address(plan: &Plan, cx: &Context, i: u32, c: u32) -> Option<AddressFields> {
    cx.order_billing(c, i).map(|k| book_address(plan, c, k).1)
}

fn idx(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// A 64-bit mix (SplitMix64's finaliser), for fingerprints that look like digests.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A UTC timestamp in COPY's text form, from Unix seconds.
fn ts(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}+00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_are_utc_text() {
        assert_eq!(super::ts(0), "1970-01-01 00:00:00+00");
        assert_eq!(super::ts(1_772_323_199), "2026-02-28 23:59:59+00");
        assert_eq!(super::ts(951_782_400), "2000-02-29 00:00:00+00");
    }
}
