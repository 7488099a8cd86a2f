//! The deterministic plan of a seeded shop, generated in memory from one RNG
//! seed before anything is written: customers, products with skewed
//! popularity, orders with their lines and lifecycle, and the timeline of
//! commands in business-time order (the order events and movements are written in).

// Counts are u32 by construction (the flags are u32) and word lists are tiny,
// so the index and float conversions below cannot lose anything that matters.
#![expect(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    reason = "bounded sizes, see above"
)]

use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::calendar::{Calendar, DAY, secs};
use super::names;
use crate::domain::FulfilmentStatus;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub customers: u32,
    pub products: u32,
    pub orders: u32,
    pub days: u32,
    pub seed: u64,
    /// The end of the history (a UTC midnight, Unix seconds).
    pub end: i64,
}

/// A customer: indexes into the word lists and the join time.
pub struct Customer {
    pub first: u16,
    pub last: u16,
    pub phone: Option<u32>,
    pub house: u16,
    pub street: u16,
    pub town: u16,
    pub registered_at: i64,
}

/// A product and the stock figures its history leaves.
pub struct Product {
    pub kind: u16,
    pub adjective: u16,
    pub price_cents: i64,
    pub active: bool,
    pub created_at: i64,
    /// The opening receipt: enough for every order, plus what is left.
    pub received: i32,
    pub shipped: i32,
    pub reserved: i32,
    pub updated_at: i64,
}

/// An order: who, when each step happened, and its lines (`lines[first..first+count]`).
pub struct Order {
    pub customer: u32,
    pub status: FulfilmentStatus,
    pub placed_at: i64,
    pub paid_at: Option<i64>,
    /// When a deposit was paid (`seed::payments`).
    pub deposit_at: Option<i64>,
    pub shipped_at: Option<i64>,
    pub delivered_at: Option<i64>,
    pub cancelled_at: Option<i64>,
    pub reason: Option<u16>,
    /// The lines as placed (`lines[first_line..first_line + line_count]`).
    pub first_line: u32,
    pub line_count: u32,
    /// The edit made before it was paid or cancelled, if any (`seed::edits`).
    pub edit: Option<Edit>,
}

/// An edit of an order by EditOrder before it was paid, shipped or
/// cancelled: when, and its lines after (`lines[first_line..first_line +
/// line_count]`, in ascending product order like any order's lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edit {
    pub at: i64,
    pub first_line: u32,
    pub line_count: u32,
}

impl Order {
    /// The version after all its steps (1 when placed, +1 per fulfilment
    /// step and for the edit; a payment moves the payment state, not the
    /// version).
    pub fn version(&self) -> i32 {
        1 + [
            self.edit.map(|e| e.at),
            self.shipped_at,
            self.delivered_at,
            self.cancelled_at,
        ]
        .iter()
        .filter(|t| t.is_some())
        .count() as i32
    }

    /// When the order last changed (its fulfilment steps; a payment does
    /// not touch `updated_at`).
    pub fn updated_at(&self) -> i64 {
        [
            self.edit.map(|e| e.at),
            self.shipped_at,
            self.delivered_at,
            self.cancelled_at,
        ]
        .into_iter()
        .flatten()
        .fold(self.placed_at, i64::max)
    }
}

/// One order line; lines of an order are in ascending product order.
#[derive(Clone, Copy)]
pub struct Line {
    pub product: u32,
    pub quantity: i32,
}

/// An internal note on an order or a customer (`subject`), written by the
/// seeder at `at` and perhaps removed later.
pub struct Note {
    pub subject: NoteOn,
    /// Index into `names::ORDER_NOTES` or `names::CUSTOMER_NOTES`.
    pub text: u16,
    pub at: i64,
    pub removed_at: Option<i64>,
}

/// What a seeded note is written on, by index into the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteOn {
    Order(u32),
    Customer(u32),
}

/// One command in the shop's history, by index into the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Product(u32),
    Customer(u32),
    Placed(u32),
    /// A deposit paid on the order.
    Deposit(u32),
    /// The order's edit (`Order::edit`).
    Edited(u32),
    Paid(u32),
    Shipped(u32),
    Delivered(u32),
    Cancelled(u32),
    /// A note written (index into `notes`), and its removal.
    Note(u32),
    NoteRemoved(u32),
}

/// Everything to write.
pub struct Plan {
    pub customers: Vec<Customer>,
    pub products: Vec<Product>,
    pub orders: Vec<Order>,
    pub lines: Vec<Line>,
    pub notes: Vec<Note>,
    /// Every command, sorted by business time.
    pub timeline: Vec<(i64, Step)>,
}

impl Plan {
    /// The same shape always gives the same plan.
    pub fn generate(shape: Shape) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(shape.seed);
        let calendar = Calendar::new(shape.end, shape.days, &mut rng);
        let customers = customers(&calendar, shape.customers, &mut rng);
        let mut products = products(&calendar, shape.products, &mut rng);
        let mut plan = Plan {
            customers,
            products: Vec::new(),
            orders: Vec::with_capacity(shape.orders as usize),
            lines: Vec::with_capacity(shape.orders as usize * 3),
            notes: Vec::new(),
            timeline: Vec::new(),
        };
        plan.place_orders(&calendar, shape.orders, &mut products, &mut rng);
        // Before the opening stock is sized, as the edits move stock.
        super::edits::plan(&mut plan, &mut products, shape.end, shape.seed);
        for p in &mut products {
            let left = if rng.random_bool(0.12) {
                rng.random_range(0..=12)
            } else {
                rng.random_range(15..=400)
            };
            p.received = (p.shipped + p.reserved + left).max(1);
        }
        plan.products = products;
        plan.notes = plan.notes(shape.end, shape.seed);
        plan.timeline = plan.timeline();
        plan
    }

    fn place_orders(
        &mut self,
        calendar: &Calendar,
        total: u32,
        products: &mut [Product],
        rng: &mut ChaCha8Rng,
    ) {
        let mut popular: Vec<u32> = (0..products.len() as u32)
            .filter(|&i| products[i as usize].active)
            .collect();
        popular.shuffle(rng);
        let weights = (0..popular.len()).map(|r| 1.0 / ((r + 1) as f64).powf(1.1));
        let Ok(pick) = WeightedIndex::new(weights) else {
            return; // no product for sale: no orders
        };
        let sizes = WeightedIndex::new([15, 25, 25, 17, 10, 8])
            .unwrap_or_else(|_| unreachable!("positive weights"));
        let registered: Vec<i64> = self.customers.iter().map(|c| c.registered_at).collect();
        for (day, count) in calendar.spread(total).into_iter().enumerate() {
            for placed_at in calendar.times_on(day, count, rng) {
                let known = registered.partition_point(|&t| t <= placed_at).max(1);
                let customer = ((known as f64) * rng.random::<f64>().powf(1.6)) as u32;
                let size = (sizes.sample(rng) + 1).min(popular.len());
                let first_line = self.lines.len() as u32;
                let mut chosen: Vec<u32> = Vec::with_capacity(size);
                for _ in 0..size * 4 {
                    let p = popular[pick.sample(rng)];
                    if !chosen.contains(&p) {
                        chosen.push(p);
                    }
                    if chosen.len() == size {
                        break;
                    }
                }
                chosen.sort_unstable();
                let mut order = lifecycle(calendar.end, placed_at, rng);
                if super::payments::pays_deposit(self.orders.len(), &order, calendar.end) {
                    order.deposit_at = Some(placed_at + super::payments::DEPOSIT_AFTER);
                }
                order.customer = customer.min(known as u32 - 1);
                order.first_line = first_line;
                order.line_count = chosen.len() as u32;
                for product in chosen {
                    let quantity = match rng.random::<f64>() {
                        u if u < 0.7 => 1,
                        u if u < 0.9 => 2,
                        _ => rng.random_range(3..=5),
                    };
                    let p = &mut products[product as usize];
                    match order.status {
                        FulfilmentStatus::Unfulfilled => p.reserved += quantity,
                        FulfilmentStatus::Shipped | FulfilmentStatus::Delivered => {
                            p.shipped += quantity;
                        }
                        FulfilmentStatus::Cancelled => {}
                    }
                    p.updated_at = p.updated_at.max(match order.status {
                        FulfilmentStatus::Unfulfilled => placed_at,
                        FulfilmentStatus::Shipped | FulfilmentStatus::Delivered => {
                            order.shipped_at.unwrap_or(placed_at)
                        }
                        FulfilmentStatus::Cancelled => order.cancelled_at.unwrap_or(placed_at),
                    });
                    self.lines.push(Line { product, quantity });
                }
                self.orders.push(order);
            }
        }
    }

    /// Notes on about one order in 40 and one customer in 25, an hour to two
    /// days after the order (days after the registration), one in seven
    /// removed a day later; never at or after `end`. Chosen by a hash of the
    /// index, not the RNG, so the rest of the shop is what it was.
    fn notes(&self, end: i64, seed: u64) -> Vec<Note> {
        let hash = |i: u32, salt: u64| {
            (u64::from(i) ^ seed.rotate_left(13) ^ salt).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 33
        };
        let mut notes = Vec::new();
        let mut add = |subject: NoteOn, from: i64, h: u64, texts: usize| {
            let at = (from + 3600 * (1 + (h % 47) as i64)).min(end - 1).max(from);
            let removed = (at + 86_400 < end && h % 7 == 3).then_some(at + 86_400);
            notes.push(Note {
                subject,
                text: (h % texts as u64) as u16,
                at,
                removed_at: removed,
            });
        };
        for (i, o) in (0u32..).zip(&self.orders) {
            let h = hash(i, 0x6f72);
            if h % 40 == 0 {
                add(
                    NoteOn::Order(i),
                    o.placed_at,
                    h / 40,
                    names::ORDER_NOTES.len(),
                );
            }
        }
        for (i, c) in (0u32..).zip(&self.customers) {
            let h = hash(i, 0x6375);
            if h % 25 == 0 {
                let from = c.registered_at + 86_400 * (h / 25 % 20) as i64;
                add(
                    NoteOn::Customer(i),
                    from.min(end - 1),
                    h / 25,
                    names::CUSTOMER_NOTES.len(),
                );
            }
        }
        notes
    }

    /// Every command with its time, sorted (ties broken by kind, then index).
    fn timeline(&self) -> Vec<(i64, Step)> {
        let mut steps =
            Vec::with_capacity(self.products.len() + self.customers.len() + self.orders.len() * 4);
        for (i, p) in (0u32..).zip(&self.products) {
            steps.push((p.created_at, Step::Product(i)));
        }
        for (i, c) in (0u32..).zip(&self.customers) {
            steps.push((c.registered_at, Step::Customer(i)));
        }
        for (i, o) in (0u32..).zip(&self.orders) {
            steps.push((o.placed_at, Step::Placed(i)));
            let later = [
                (o.deposit_at, Step::Deposit(i)),
                (o.edit.map(|e| e.at), Step::Edited(i)),
                (o.paid_at, Step::Paid(i)),
                (o.shipped_at, Step::Shipped(i)),
                (o.delivered_at, Step::Delivered(i)),
                (o.cancelled_at, Step::Cancelled(i)),
            ];
            steps.extend(later.into_iter().filter_map(|(t, s)| Some((t?, s))));
        }
        for (i, n) in (0u32..).zip(&self.notes) {
            steps.push((n.at, Step::Note(i)));
            if let Some(t) = n.removed_at {
                steps.push((t, Step::NoteRemoved(i)));
            }
        }
        steps.sort_unstable();
        steps
    }
}

/// Customers with names, addresses and join times.
fn customers(calendar: &Calendar, n: u32, rng: &mut ChaCha8Rng) -> Vec<Customer> {
    calendar
        .registrations(n, rng)
        .into_iter()
        .map(|registered_at| Customer {
            first: rng.random_range(0..names::FIRST.len() as u16),
            last: rng.random_range(0..names::LAST.len() as u16),
            phone: rng
                .random_bool(0.6)
                .then(|| rng.random_range(1_000_000..9_999_999)),
            house: rng.random_range(1..300),
            street: rng.random_range(0..names::STREETS.len() as u16),
            town: rng.random_range(0..names::TOWNS.len() as u16),
            registered_at,
        })
        .collect()
}

/// The catalogue, created over the 60 days before the history; 3% not for sale.
fn products(calendar: &Calendar, n: u32, rng: &mut ChaCha8Rng) -> Vec<Product> {
    let spacing = (30 * DAY / i64::from(n.max(1))).clamp(1, 600);
    (0..n)
        .map(|i| {
            let created_at = calendar.start - 60 * DAY + i64::from(i) * spacing;
            // Log-uniform between about 3 and 199, ending in .99.
            let price = (rng.random_range(3f64.ln()..199f64.ln())).exp();
            Product {
                kind: rng.random_range(0..names::KINDS.len() as u16),
                adjective: rng.random_range(0..names::ADJECTIVES.len() as u16),
                price_cents: (price.round() as i64).max(1) * 100 - 1,
                active: i == 0 || rng.random_bool(0.97),
                created_at,
                received: 0,
                shipped: 0,
                reserved: 0,
                updated_at: created_at,
            }
        })
        .collect()
}

/// An order placed at `placed_at` and how far it got by `end`: most are paid
/// within hours, shipped within days and delivered days later; 4% are
/// cancelled before shipping (half of those after paying).
fn lifecycle(end: i64, placed_at: i64, rng: &mut ChaCha8Rng) -> Order {
    let paid = secs(placed_at + 600, 2 * DAY, rng.random::<f64>().powi(3));
    let shipped = secs(paid + 4 * 3600, 3 * DAY, rng.random::<f64>().powi(2));
    let delivered = secs(shipped + DAY, 4 * DAY, rng.random::<f64>());
    let cancelled = secs(placed_at + 1800, 3 * DAY, rng.random::<f64>().powi(2));
    let cancels = rng.random_bool(0.04);
    let paid_first = rng.random_bool(0.5);
    let reason = rng.random_range(0..names::CANCEL_REASONS.len() as u16);
    let before_end = |t: i64| (t < end).then_some(t);
    let mut order = Order {
        customer: 0,
        status: FulfilmentStatus::Unfulfilled,
        placed_at,
        paid_at: None,
        deposit_at: None,
        shipped_at: None,
        delivered_at: None,
        cancelled_at: None,
        reason: None,
        first_line: 0,
        line_count: 0,
        edit: None,
    };
    if cancels && cancelled < end {
        order.paid_at = (paid_first && paid < cancelled).then_some(paid);
        order.cancelled_at = Some(cancelled);
        order.reason = Some(reason);
        order.status = FulfilmentStatus::Cancelled;
        return order;
    }
    order.paid_at = before_end(paid);
    if !cancels {
        // An order still to be cancelled never ships.
        order.shipped_at = order.paid_at.and(before_end(shipped));
        order.delivered_at = order.shipped_at.and(before_end(delivered));
    }
    order.status = match (order.shipped_at, order.delivered_at) {
        (_, Some(_)) => FulfilmentStatus::Delivered,
        (Some(_), None) => FulfilmentStatus::Shipped,
        (None, None) => FulfilmentStatus::Unfulfilled,
    };
    order
}
