//! What the `events` table records: the kind of record an event belongs to
//! (`aggregate_type`) and what happened to it (`event_type`), as enums
//! mapped to those text columns.

use super::FulfilmentStatus;
use super::sql_text::text_enum;

text_enum! {
    /// The kinds of record an event belongs to (`events.aggregate_type`).
    pub enum Aggregate (what = "aggregate type") {
        Customer => "customer",
        Product => "product",
        Order => "order",
        /// A staff account.
        User => "user",
        /// A tax rate.
        TaxRate => "tax_rate",
        /// The shop itself: its settings (one record, id 1).
        Shop => "shop",
    }
}

text_enum! {
    /// What happened, as stored in `events.event_type`.
    pub enum EventType (what = "event type") {
        CustomerRegistered => "customer_registered",
        CustomerUpdated => "customer_updated",
        /// An address added to the customer's book (the event's aggregate is the customer).
        CustomerAddressAdded => "customer_address_added",
        CustomerAddressEdited => "customer_address_edited",
        CustomerAddressRemoved => "customer_address_removed",
        /// An address made the customer's default for shipping or billing.
        CustomerDefaultAddressSet => "customer_default_address_set",
        /// An internal note written on the customer (its text and id).
        CustomerNoteAdded => "customer_note_added",
        /// A customer's note removed by its author or an admin (kept, marked removed).
        CustomerNoteRemoved => "customer_note_removed",
        ProductCreated => "product_created",
        ProductUpdated => "product_updated",
        StockReceived => "stock_received",
        StockAdjusted => "stock_adjusted",
        OrderPlaced => "order_placed",
        /// The order became paid by the old single status (before migration
        /// 000140). No longer appended: a payment moves the payment state
        /// (`payment_recorded`); the stored ones stay and are still read.
        OrderPaid => "order_paid",
        OrderShipped => "order_shipped",
        OrderDelivered => "order_delivered",
        OrderCancelled => "order_cancelled",
        /// An unshipped order's lines, discounts, shipping charge or addresses
        /// changed (`EditOrder`): stock, totals and version follow.
        OrderEdited => "order_edited",
        /// An internal note written on the order; never moves the order's version.
        OrderNoteAdded => "order_note_added",
        /// An order's note removed by its author or an admin (kept, marked removed).
        OrderNoteRemoved => "order_note_removed",
        /// A payment appended to the order's payments (the aggregate is the order).
        PaymentRecorded => "payment_recorded",
        /// A refund appended to the order's payments.
        PaymentRefunded => "payment_refunded",
        /// A payment or refund reversed by a void entry.
        PaymentVoided => "payment_voided",
        /// An invoice issued on the order with the next number of its year's
        /// series; never moves the order's version.
        InvoiceIssued => "invoice_issued",
        /// A credit note issued for the order's standing invoice (its own series).
        CreditNoteIssued => "credit_note_issued",
        UserCreated => "user_created",
        UserRoleChanged => "user_role_changed",
        UserPasswordChanged => "user_password_changed",
        UserDeactivated => "user_deactivated",
        /// Every session of the account ended by an admin (signed out everywhere).
        UserSessionsEnded => "user_sessions_ended",
        TaxRateCreated => "tax_rate_created",
        /// A rate's name or percentage edited.
        TaxRateUpdated => "tax_rate_updated",
        /// A rate no longer offered; products that have it keep it.
        TaxRateArchived => "tax_rate_archived",
        /// The shop's settings changed (each field old → new).
        ShopSettingsChanged => "shop_settings_changed",
    }
}

impl EventType {
    /// The event of an order's move to the fulfilment state `status`
    /// (`order_shipped` …); none for unfulfilled, where orders start.
    pub fn order_moved_to(status: FulfilmentStatus) -> Option<Self> {
        match status {
            FulfilmentStatus::Unfulfilled => None,
            FulfilmentStatus::Shipped => Some(Self::OrderShipped),
            FulfilmentStatus::Delivered => Some(Self::OrderDelivered),
            FulfilmentStatus::Cancelled => Some(Self::OrderCancelled),
        }
    }
}

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
        for s in FulfilmentStatus::ALL {
            match EventType::order_moved_to(s) {
                Some(e) => assert_eq!(e.as_str(), format!("order_{s}")),
                None => assert_eq!(s, FulfilmentStatus::Unfulfilled),
            }
        }
    }
}
