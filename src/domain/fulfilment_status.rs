//! Where an order's goods are: unfulfilled → shipped → delivered, or
//! unfulfilled → cancelled. Money is the payment state's business
//! ([`super::PaymentStatus`]); the two move apart (migration 000140), and
//! shipping asks both: see [`FulfilmentStatus::can_ship`].

use super::PaymentStatus;
use super::sql_text::text_enum;

text_enum! {
    /// An order's fulfilment state, stored in `orders.fulfilment_status` (and
    /// the read models' copies).
    pub enum FulfilmentStatus (what = "fulfilment state") {
        /// Placed and not yet shipped (paid or not: see the payment state).
        Unfulfilled => "unfulfilled",
        Shipped => "shipped",
        Delivered => "delivered",
        Cancelled => "cancelled",
    }
}

impl FulfilmentStatus {
    /// Whether an order in this state may move to `next` (the payment state
    /// aside: see [`Self::can_ship`]).
    pub fn can_become(self, next: Self) -> bool {
        matches!(
            (self, next),
            (Self::Unfulfilled, Self::Shipped | Self::Cancelled) | (Self::Shipped, Self::Delivered)
        )
    }

    /// Whether an order in this state with this payment state may be shipped:
    /// unfulfilled and fully paid (nothing due), or unfulfilled at all when
    /// the shop ships on account (its setting).
    pub fn can_ship(self, payment: PaymentStatus, on_account: bool) -> bool {
        self.can_become(Self::Shipped) && (on_account || payment.is_settled())
    }

    /// The state as staff read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Unfulfilled => "Unfulfilled",
            Self::Shipped => "Shipped",
            Self::Delivered => "Delivered",
            Self::Cancelled => "Cancelled",
        }
    }
}

/// Read back from JSON as its stored text (the dashboard's recent orders).
impl<'de> serde::Deserialize<'de> for FulfilmentStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::FulfilmentStatus::{self, *};
    use crate::domain::PaymentStatus;

    #[test]
    fn only_forward_moves_and_cancel_before_shipping_are_allowed() {
        let allowed = [
            (Unfulfilled, Shipped),
            (Unfulfilled, Cancelled),
            (Shipped, Delivered),
        ];
        for from in FulfilmentStatus::ALL {
            for to in FulfilmentStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn an_unpaid_order_ships_only_on_account() {
        for from in FulfilmentStatus::ALL {
            for pay in PaymentStatus::ALL {
                let settled = matches!(pay, PaymentStatus::Paid | PaymentStatus::Overpaid);
                assert_eq!(
                    from.can_ship(pay, false),
                    from == Unfulfilled && settled,
                    "{from} {pay}"
                );
                assert_eq!(
                    from.can_ship(pay, true),
                    from == Unfulfilled,
                    "{from} {pay}"
                );
            }
        }
    }

    #[test]
    fn parses_what_it_stores_and_nothing_of_the_old_status() {
        for s in FulfilmentStatus::ALL {
            assert_eq!(FulfilmentStatus::parse(s.as_str()), Ok(s));
        }
        for old in ["placed", "paid", "lost"] {
            assert!(FulfilmentStatus::parse(old).is_err(), "{old}");
        }
    }
}
