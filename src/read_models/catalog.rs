//! The one list of read models: the live models the maintainer keeps up to
//! date from the events, and the report views refreshed whole on a schedule.

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
    pub name: &'static str,
    pub kind: Kind,
    /// The event types whose changes it shows (for "n changes pending").
    pub event_types: &'static [&'static str],
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

const ORDER_EVENTS: &[&str] = &[
    "order_placed",
    "order_paid",
    "order_shipped",
    "order_delivered",
    "order_cancelled",
];

const SALES_EVENTS: &[&str] = &["order_placed", "order_cancelled"];

/// Every read model: the live ones first, then the report views.
pub const READ_MODELS: &[ReadModel] = &[
    ReadModel {
        name: "order_summaries",
        kind: Kind::Live,
        event_types: &[
            "customer_updated",
            "product_updated",
            "order_placed",
            "order_paid",
            "order_shipped",
            "order_delivered",
            "order_cancelled",
        ],
        definition: "SELECT * FROM read_def.order_summaries(NULL)",
        key: &["id"],
    },
    ReadModel {
        name: "order_status_counts",
        kind: Kind::Live,
        event_types: ORDER_EVENTS,
        definition: "SELECT * FROM read_def.order_status_counts(true)",
        key: &["status"],
    },
    ReadModel {
        name: "daily_sales",
        kind: Kind::Live,
        event_types: SALES_EVENTS,
        definition: "SELECT * FROM read_def.daily_sales(true)",
        key: &["day"],
    },
    ReadModel {
        name: "product_sales_daily",
        kind: Kind::Live,
        event_types: SALES_EVENTS,
        definition: "SELECT * FROM read_def.product_sales_daily(true)",
        key: &["product_id", "day"],
    },
    ReadModel {
        name: "inventory_status",
        kind: Kind::Live,
        event_types: &[
            "product_created",
            "product_updated",
            "stock_received",
            "stock_adjusted",
            "order_placed",
            "order_shipped",
            "order_cancelled",
        ],
        definition: "SELECT * FROM read_def.inventory_status(NULL, true)",
        key: &["product_id"],
    },
    ReadModel {
        name: "customer_stats",
        kind: Kind::Live,
        event_types: &[
            "customer_registered",
            "customer_updated",
            "order_placed",
            "order_cancelled",
        ],
        definition: "SELECT * FROM read_def.customer_stats(NULL, true)",
        key: &["customer_id"],
    },
    // The two below are built from the live models above (so they come after
    // them: a rebuild of every model builds them last).
    ReadModel {
        name: "product_sales_30d",
        kind: Kind::Live,
        event_types: SALES_EVENTS,
        definition: "SELECT * FROM read_def.product_sales_30d(read_def.dashboard_day())",
        key: &["product_id"],
    },
    ReadModel {
        name: "dashboard",
        kind: Kind::Live,
        event_types: &[
            "customer_updated",
            "product_created",
            "product_updated",
            "stock_received",
            "stock_adjusted",
            "order_placed",
            "order_paid",
            "order_shipped",
            "order_delivered",
            "order_cancelled",
        ],
        definition: "SELECT * FROM read_def.dashboard(read_def.dashboard_day())",
        key: &["day"],
    },
    ReadModel {
        name: "monthly_sales",
        kind: Kind::Report,
        event_types: SALES_EVENTS,
        definition: "",
        key: &["month"],
    },
    ReadModel {
        name: "product_sales_monthly",
        kind: Kind::Report,
        event_types: SALES_EVENTS,
        definition: "",
        key: &["month", "product_id"],
    },
    ReadModel {
        name: "customer_cohorts",
        kind: Kind::Report,
        event_types: SALES_EVENTS,
        definition: "",
        key: &["cohort", "months_after"],
    },
];

/// The read model called `name`.
pub fn find(name: &str) -> Option<&'static ReadModel> {
    READ_MODELS.iter().find(|m| m.name == name)
}

/// The live models, in catalog order.
pub fn live() -> impl Iterator<Item = &'static ReadModel> {
    READ_MODELS.iter().filter(|m| m.is_live())
}

/// The report views, in catalog order.
pub fn reports() -> impl Iterator<Item = &'static ReadModel> {
    READ_MODELS.iter().filter(|m| !m.is_live())
}

/// The read models an event of `event_type` makes stale.
pub fn affected_by(event_type: &str) -> impl Iterator<Item = &'static ReadModel> + '_ {
    READ_MODELS
        .iter()
        .filter(move |m| m.event_types.contains(&event_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_placed_touches_every_sales_model_but_a_new_customer_only_their_stats() {
        let placed: Vec<_> = affected_by("order_placed")
            .filter(|m| m.is_live())
            .map(|m| m.name)
            .collect();
        assert_eq!(placed.len(), 8);
        let registered: Vec<_> = affected_by("customer_registered").map(|m| m.name).collect();
        assert_eq!(registered, ["customer_stats"]);
        assert_eq!(affected_by("user_created").count(), 0);
    }

    #[test]
    fn names_are_unique_and_found() {
        for m in READ_MODELS {
            assert_eq!(find(m.name), Some(m));
        }
        assert!(find("orders").is_none());
    }

    #[test]
    fn every_live_model_has_a_definition_and_a_key_and_reports_have_keys() {
        assert_eq!(live().count(), 8);
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
