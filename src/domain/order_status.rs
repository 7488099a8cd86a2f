//! The order lifecycle: placed → paid → shipped → delivered, or cancelled before
//! shipping; placed → shipped when the shop ships on account.

use super::sql_text::text_enum;

text_enum! {
    /// An order's status, stored in `orders.status` (and the read models' copies).
    pub enum OrderStatus (what = "order status") {
        Placed => "placed",
        Paid => "paid",
        Shipped => "shipped",
        Delivered => "delivered",
        Cancelled => "cancelled",
    }
}

impl OrderStatus {
    /// Whether an order in this status may move to `next`.
    pub fn can_become(self, next: Self) -> bool {
        matches!(
            (self, next),
            (Self::Placed, Self::Paid | Self::Cancelled)
                | (Self::Paid, Self::Shipped | Self::Cancelled)
                | (Self::Shipped, Self::Delivered)
        )
    }

    /// Whether an order in this status may be shipped: once paid, or while
    /// still unpaid when the shop ships on account (its setting).
    pub fn can_ship(self, on_account: bool) -> bool {
        self.can_become(Self::Shipped) || (on_account && self == Self::Placed)
    }
}

/// Read back from JSON as its stored text (the dashboard's recent orders).
impl<'de> serde::Deserialize<'de> for OrderStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::{self, *};

    #[test]
    fn only_forward_moves_and_cancel_before_shipping_are_allowed() {
        let allowed = [
            (Placed, Paid),
            (Placed, Cancelled),
            (Paid, Shipped),
            (Paid, Cancelled),
            (Shipped, Delivered),
        ];
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
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
        for from in OrderStatus::ALL {
            assert_eq!(from.can_ship(false), from == Paid, "{from}");
            assert_eq!(from.can_ship(true), matches!(from, Placed | Paid), "{from}");
        }
    }

    #[test]
    fn parses_what_it_stores() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Ok(s));
        }
        assert!(OrderStatus::parse("lost").is_err());
    }
}
