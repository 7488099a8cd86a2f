//! What the `events` table records: the kind of record an event belongs to
//! (`aggregate_type`) and what happened to it (`event_type`), as enums
//! mapped to those text columns.

use std::fmt;

use diesel::{AsExpression, FromSqlRow};

use super::OrderStatus;
use super::sql_text::{parse_stored, text_enum};

/// The kinds of record an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Aggregate {
    Customer,
    Product,
    Order,
    /// A staff account.
    User,
}

impl Aggregate {
    pub const ALL: [Self; 4] = [Self::Customer, Self::Product, Self::Order, Self::User];

    /// The value stored in `events.aggregate_type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Product => "product",
            Self::Order => "order",
            Self::User => "user",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        parse_stored(&Self::ALL, Self::as_str, raw, "aggregate type")
    }
}

impl fmt::Display for Aggregate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

text_enum!(Aggregate);

/// What happened, as stored in `events.event_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum EventType {
    CustomerRegistered,
    CustomerUpdated,
    ProductCreated,
    ProductUpdated,
    StockReceived,
    StockAdjusted,
    OrderPlaced,
    OrderPaid,
    OrderShipped,
    OrderDelivered,
    OrderCancelled,
    UserCreated,
    UserRoleChanged,
    UserPasswordChanged,
    UserDeactivated,
}

impl EventType {
    pub const ALL: [Self; 15] = [
        Self::CustomerRegistered,
        Self::CustomerUpdated,
        Self::ProductCreated,
        Self::ProductUpdated,
        Self::StockReceived,
        Self::StockAdjusted,
        Self::OrderPlaced,
        Self::OrderPaid,
        Self::OrderShipped,
        Self::OrderDelivered,
        Self::OrderCancelled,
        Self::UserCreated,
        Self::UserRoleChanged,
        Self::UserPasswordChanged,
        Self::UserDeactivated,
    ];

    /// The value stored in `events.event_type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CustomerRegistered => "customer_registered",
            Self::CustomerUpdated => "customer_updated",
            Self::ProductCreated => "product_created",
            Self::ProductUpdated => "product_updated",
            Self::StockReceived => "stock_received",
            Self::StockAdjusted => "stock_adjusted",
            Self::OrderPlaced => "order_placed",
            Self::OrderPaid => "order_paid",
            Self::OrderShipped => "order_shipped",
            Self::OrderDelivered => "order_delivered",
            Self::OrderCancelled => "order_cancelled",
            Self::UserCreated => "user_created",
            Self::UserRoleChanged => "user_role_changed",
            Self::UserPasswordChanged => "user_password_changed",
            Self::UserDeactivated => "user_deactivated",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        parse_stored(&Self::ALL, Self::as_str, raw, "event type")
    }

    /// The event of an order's move to `status` (`order_paid` …).
    pub fn order_moved_to(status: OrderStatus) -> Self {
        match status {
            OrderStatus::Placed => Self::OrderPlaced,
            OrderStatus::Paid => Self::OrderPaid,
            OrderStatus::Shipped => Self::OrderShipped,
            OrderStatus::Delivered => Self::OrderDelivered,
            OrderStatus::Cancelled => Self::OrderCancelled,
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

text_enum!(EventType);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_reads_back_as_itself() {
        for a in Aggregate::ALL {
            assert_eq!(Aggregate::parse(a.as_str()), Ok(a));
        }
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()), Ok(e));
        }
        for s in OrderStatus::ALL {
            assert_eq!(EventType::order_moved_to(s).as_str(), format!("order_{s}"));
        }
    }
}
