//! The one list of read models: the live models the maintainer keeps up to
//! date from the events, and the report views refreshed whole on a schedule.
//! Each is named by a [`ReadModelName`]; [`get`] finds its entry.

use crate::domain::EventType::{
    self, CreditNoteIssued, CustomerAddressAdded, CustomerAddressEdited, CustomerAddressRemoved,
    CustomerDefaultAddressSet, CustomerNoteAdded, CustomerNoteRemoved, CustomerRegistered,
    CustomerUpdated, InvoiceIssued, OrderCancelled, OrderDelivered, OrderEdited, OrderNoteAdded,
    OrderNoteRemoved, OrderPaid, OrderPlaced, OrderShipped, PaymentRecorded, PaymentRefunded,
    PaymentVoided, ProductCreated, ProductUpdated, ShopSettingsChanged, StockAdjusted,
    StockReceived, TaxRateArchived, TaxRateCreated, TaxRateUpdated,
};

pub use super::name::ReadModelName;

/// How a read model is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A table in `read` that only the maintainer writes, maintained from the
    /// events in batches; its definition lives in `read_def`.
    Live,
    /// A `MATERIALIZED VIEW` in `read`, refreshed whole (`CONCURRENTLY`) by
    /// cron and the nightly schedule.
    Report,
}

/// One read model in schema `read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadModel {
    /// Its name in schema `read`.
    pub name: ReadModelName,
    pub kind: Kind,
    /// The event types whose changes it shows (for "n changes pending").
    pub event_types: &'static [EventType],
    /// Live models: the SQL that yields every row from the write tables
    /// (rebuild and verify use it; batches use the same function per key).
    pub definition: &'static str,
    /// The columns that identify a row (its unique index).
    pub key: &'static [&'static str],
}

impl ReadModel {
    pub fn is_live(&self) -> bool {
        self.kind == Kind::Live
    }
}

/// An order's fulfilment state and its money received (the counts per
/// fulfilment state carry the balance due; `order_paid` only in old history).
const ORDER_EVENTS: &[EventType] = &[
    OrderPlaced,
    OrderEdited,
    OrderPaid,
    OrderShipped,
    OrderDelivered,
    OrderCancelled,
    PaymentRecorded,
    PaymentRefunded,
    PaymentVoided,
];

/// An edit changes the order's sales on its day of placement.
const SALES_EVENTS: &[EventType] = &[OrderPlaced, OrderEdited, OrderCancelled];

/// A note's events: the notes model, and the search text of the order or
/// customer it is written on.
const NOTE_EVENTS: &[EventType] = &[
    OrderNoteAdded,
    OrderNoteRemoved,
    CustomerNoteAdded,
    CustomerNoteRemoved,
];

/// Every read model: the live ones first, then the report views.
pub const READ_MODELS: &[ReadModel] = &[
    ReadModel {
        name: ReadModelName::OrderSummaries,
        kind: Kind::Live,
        event_types: &[
            CustomerUpdated,
            ProductUpdated,
            OrderPlaced,
            OrderEdited,
            OrderPaid,
            OrderShipped,
            OrderDelivered,
            OrderCancelled,
            // Its notes' text is in the list's search text.
            OrderNoteAdded,
            OrderNoteRemoved,
            PaymentRecorded,
            PaymentRefunded,
            PaymentVoided,
        ],
        definition: "SELECT * FROM read_def.order_summaries(NULL)",
        key: &["id"],
    },
    ReadModel {
        name: ReadModelName::OrderStatusCounts,
        kind: Kind::Live,
        event_types: ORDER_EVENTS,
        definition: "SELECT * FROM read_def.order_status_counts(true)",
        key: &["fulfilment_status"],
    },
    ReadModel {
        name: ReadModelName::DailySales,
        kind: Kind::Live,
        event_types: SALES_EVENTS,
        definition: "SELECT * FROM read_def.daily_sales(true)",
        key: &["day"],
    },
    ReadModel {
        name: ReadModelName::ProductSalesDaily,
        kind: Kind::Live,
        event_types: SALES_EVENTS,
        definition: "SELECT * FROM read_def.product_sales_daily(true)",
        key: &["product_id", "day"],
    },
    ReadModel {
        name: ReadModelName::InventoryStatus,
        kind: Kind::Live,
        event_types: &[
            ProductCreated,
            ProductUpdated,
            // A rate's name and percentage show on its products.
            TaxRateUpdated,
            StockReceived,
            StockAdjusted,
            OrderPlaced,
            OrderEdited,
            OrderShipped,
            OrderCancelled,
        ],
        definition: "SELECT * FROM read_def.inventory_status(NULL, true)",
        key: &["product_id"],
    },
    ReadModel {
        name: ReadModelName::CustomerStats,
        kind: Kind::Live,
        event_types: &[
            CustomerRegistered,
            CustomerUpdated,
            CustomerAddressAdded,
            CustomerAddressEdited,
            CustomerAddressRemoved,
            CustomerDefaultAddressSet,
            // Its notes' text is in the list's search text.
            CustomerNoteAdded,
            CustomerNoteRemoved,
            OrderPlaced,
            OrderCancelled,
            // The lifetime value is what was paid, net of refunds.
            PaymentRecorded,
            PaymentRefunded,
            PaymentVoided,
        ],
        definition: "SELECT * FROM read_def.customer_stats(NULL, true)",
        key: &["customer_id"],
    },
    // One row per stock movement: an order's movements are kept with the
    // order, a product's receipts and adjustments with the product.
    ReadModel {
        name: ReadModelName::StockLedger,
        kind: Kind::Live,
        event_types: &[
            StockReceived,
            StockAdjusted,
            OrderPlaced,
            OrderEdited,
            OrderShipped,
            OrderCancelled,
        ],
        definition: "SELECT * FROM read_def.stock_ledger(NULL, NULL)",
        key: &["id"],
    },
    // Every tax rate, kept by the rate's key.
    ReadModel {
        name: ReadModelName::TaxRates,
        kind: Kind::Live,
        event_types: &[TaxRateCreated, TaxRateUpdated, TaxRateArchived],
        definition: "SELECT * FROM read_def.tax_rates(NULL)",
        key: &["id"],
    },
    // The shop's settings: one row, kept by the shop's key.
    ReadModel {
        name: ReadModelName::ShopSettings,
        kind: Kind::Live,
        event_types: &[ShopSettingsChanged],
        definition: "SELECT * FROM read_def.shop_settings()",
        key: &["id"],
    },
    // The notes on orders and customers not removed: an order's kept with the
    // order, a customer's with the customer.
    ReadModel {
        name: ReadModelName::Notes,
        kind: Kind::Live,
        event_types: NOTE_EVENTS,
        definition: "SELECT * FROM read_def.notes(NULL, NULL)",
        key: &["id"],
    },
    // The invoices and credit notes of each order, kept with the order.
    ReadModel {
        name: ReadModelName::OrderDocuments,
        kind: Kind::Live,
        event_types: &[InvoiceIssued, CreditNoteIssued],
        definition: "SELECT * FROM read_def.order_documents(NULL)",
        key: &["id"],
    },
    // The two below are built from the live models above (so they come after
    // them: a rebuild of every model builds them last).
    ReadModel {
        name: ReadModelName::ProductSales30d,
        kind: Kind::Live,
        event_types: SALES_EVENTS,
        definition: "SELECT * FROM read_def.product_sales_30d(read_def.dashboard_day())",
        key: &["product_id"],
    },
    ReadModel {
        name: ReadModelName::Dashboard,
        kind: Kind::Live,
        event_types: &[
            CustomerUpdated,
            ProductCreated,
            ProductUpdated,
            StockReceived,
            StockAdjusted,
            OrderPlaced,
            OrderEdited,
            OrderPaid,
            OrderShipped,
            OrderDelivered,
            OrderCancelled,
            PaymentRecorded,
            PaymentRefunded,
            PaymentVoided,
            // "To ship" follows the shop's "Ship on account".
            ShopSettingsChanged,
        ],
        definition: "SELECT * FROM read_def.dashboard(read_def.dashboard_day())",
        key: &["day"],
    },
    ReadModel {
        name: ReadModelName::MonthlySales,
        kind: Kind::Report,
        event_types: SALES_EVENTS,
        definition: "",
        key: &["month"],
    },
    ReadModel {
        name: ReadModelName::ProductSalesMonthly,
        kind: Kind::Report,
        event_types: SALES_EVENTS,
        definition: "",
        key: &["month", "product_id"],
    },
    ReadModel {
        name: ReadModelName::CustomerCohorts,
        kind: Kind::Report,
        event_types: SALES_EVENTS,
        definition: "",
        key: &["cohort", "months_after"],
    },
];

// `get` indexes READ_MODELS by name: the catalog lists every name once, in
// `ReadModelName::ALL`'s order (checked when this compiles).
const _: () = {
    assert!(READ_MODELS.len() == ReadModelName::ALL.len());
    let mut i = 0;
    while i < READ_MODELS.len() {
        assert!(READ_MODELS[i].name as usize == i);
        i += 1;
    }
};

/// The read model called `name`.
pub fn get(name: ReadModelName) -> &'static ReadModel {
    &READ_MODELS[name as usize]
}

/// The read model whose name in schema `read` is `name` (for a name typed
/// by a user: the CLI's argument, the status page's form).
pub fn find(name: &str) -> Option<&'static ReadModel> {
    ReadModelName::parse(name).ok().map(get)
}

/// The live models, in catalog order.
pub fn live() -> impl Iterator<Item = &'static ReadModel> {
    READ_MODELS.iter().filter(|m| m.is_live())
}

/// The report views, in catalog order.
pub fn reports() -> impl Iterator<Item = &'static ReadModel> {
    READ_MODELS.iter().filter(|m| !m.is_live())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn affected_by(event_type: EventType) -> impl Iterator<Item = &'static ReadModel> {
        READ_MODELS
            .iter()
            .filter(move |m| m.event_types.contains(&event_type))
    }

    #[test]
    fn an_order_placed_touches_every_sales_model_but_a_new_customer_only_their_stats() {
        let placed: Vec<_> = affected_by(OrderPlaced)
            .filter(|m| m.is_live())
            .map(|m| m.name)
            .collect();
        assert_eq!(placed.len(), 9);
        // An edit moves what a placement does, but not the customer's
        // figures (its count, dates and what was paid stay).
        let edited: Vec<_> = affected_by(EventType::OrderEdited)
            .filter(|m| m.is_live())
            .map(|m| m.name)
            .collect();
        let placed_but_customer: Vec<_> = placed
            .iter()
            .copied()
            .filter(|m| *m != ReadModelName::CustomerStats)
            .collect();
        assert_eq!(edited, placed_but_customer);
        let registered: Vec<_> = affected_by(CustomerRegistered).map(|m| m.name).collect();
        assert_eq!(registered, [ReadModelName::CustomerStats]);
        // An address book's changes show on the customer only: orders keep their own copy.
        for book in [
            CustomerAddressAdded,
            CustomerAddressEdited,
            CustomerAddressRemoved,
            CustomerDefaultAddressSet,
        ] {
            let affected: Vec<_> = affected_by(book).map(|m| m.name).collect();
            assert_eq!(affected, [ReadModelName::CustomerStats]);
        }
        assert_eq!(affected_by(EventType::UserCreated).count(), 0);
        // A rate's edit shows on its products; settings only on their page.
        let rate: Vec<_> = affected_by(TaxRateUpdated).map(|m| m.name).collect();
        assert_eq!(
            rate,
            [ReadModelName::InventoryStatus, ReadModelName::TaxRates]
        );
        // A note shows on its page and in its list's search, nowhere else.
        let order_note: Vec<_> = affected_by(OrderNoteAdded).map(|m| m.name).collect();
        assert_eq!(
            order_note,
            [ReadModelName::OrderSummaries, ReadModelName::Notes]
        );
        let customer_note: Vec<_> = affected_by(CustomerNoteRemoved).map(|m| m.name).collect();
        assert_eq!(
            customer_note,
            [ReadModelName::CustomerStats, ReadModelName::Notes]
        );
        // A document shows in the order's documents, nowhere else.
        let invoice: Vec<_> = affected_by(InvoiceIssued).map(|m| m.name).collect();
        assert_eq!(invoice, [ReadModelName::OrderDocuments]);
        let credit: Vec<_> = affected_by(CreditNoteIssued).map(|m| m.name).collect();
        assert_eq!(credit, [ReadModelName::OrderDocuments]);
        let settings: Vec<_> = affected_by(ShopSettingsChanged).map(|m| m.name).collect();
        // "Ship on account" moves the dashboard's "to ship".
        assert_eq!(
            settings,
            [ReadModelName::ShopSettings, ReadModelName::Dashboard]
        );
    }

    #[test]
    fn names_are_unique_and_found() {
        for m in READ_MODELS {
            assert_eq!(get(m.name), m);
            assert_eq!(find(m.name.as_str()), Some(m));
        }
        assert!(find("orders").is_none());
    }

    #[test]
    fn every_live_model_has_a_definition_and_a_key_and_reports_have_keys() {
        assert_eq!(live().count(), 13);
        assert_eq!(reports().count(), 3);
        for m in live() {
            assert!(
                m.definition.starts_with("SELECT * FROM read_def."),
                "{}",
                m.name
            );
            assert!(!m.key.is_empty());
        }
        for m in reports() {
            assert!(m.definition.is_empty() && !m.key.is_empty(), "{}", m.name);
        }
    }
}
