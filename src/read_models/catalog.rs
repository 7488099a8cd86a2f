//! The list of read models and which events make each one stale.

/// One materialized view in schema `read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadModel {
    /// The view's name in schema `read`.
    pub name: &'static str,
    /// The event types whose changes the view shows.
    pub event_types: &'static [&'static str],
}

const ORDER_EVENTS: &[&str] = &[
    "order_placed",
    "order_paid",
    "order_shipped",
    "order_delivered",
    "order_cancelled",
];

/// Every read model, in refresh order (small and hot first).
pub const READ_MODELS: &[ReadModel] = &[
    ReadModel {
        name: "order_status_counts",
        event_types: ORDER_EVENTS,
    },
    ReadModel {
        name: "inventory_status",
        event_types: &[
            "product_created",
            "product_updated",
            "stock_received",
            "stock_adjusted",
            "order_placed",
            "order_shipped",
            "order_cancelled",
        ],
    },
    ReadModel {
        name: "daily_sales",
        event_types: &["order_placed", "order_cancelled"],
    },
    ReadModel {
        name: "product_sales_daily",
        event_types: &["order_placed", "order_cancelled"],
    },
    ReadModel {
        name: "customer_stats",
        event_types: &[
            "customer_registered",
            "customer_updated",
            "order_placed",
            "order_cancelled",
        ],
    },
    ReadModel {
        name: "order_summaries",
        event_types: &[
            "customer_updated",
            "product_updated",
            "order_placed",
            "order_paid",
            "order_shipped",
            "order_delivered",
            "order_cancelled",
        ],
    },
];

/// The read model called `name`.
pub fn find(name: &str) -> Option<&'static ReadModel> {
    READ_MODELS.iter().find(|m| m.name == name)
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
    fn an_order_placed_touches_every_sales_view_but_a_new_customer_only_their_stats() {
        let placed: Vec<_> = affected_by("order_placed").map(|m| m.name).collect();
        assert_eq!(placed.len(), 6);
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
}
