//! An order's payments: the kinds of entry, the methods, and the payment
//! state derived from the order's total, what was paid and what was refunded
//! by one table ([`PaymentStatus::derive`]; the same table is the generated
//! column `orders.payment_status` of migration 000080 and is written in
//! docs/ARCHITECTURE.md).

use super::sql_text::text_enum;

text_enum! {
    /// What a `payments` row is.
    pub enum PaymentKind (what = "payment kind") {
        /// Money received.
        Payment => "payment",
        /// Money given back (at most paid − refunded).
        Refund => "refund",
        /// The reversal of one mistaken payment or refund.
        Void => "void",
    }
}

text_enum! {
    /// How the money moved.
    pub enum PaymentMethod (error = "choose cash, card, bank transfer or other") {
        Cash => "cash",
        Card => "card",
        BankTransfer => "bank_transfer",
        Other => "other",
    }
}

impl PaymentMethod {
    /// The method as staff read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Cash => "Cash",
            Self::Card => "Card",
            Self::BankTransfer => "Bank transfer",
            Self::Other => "Other",
        }
    }
}

text_enum! {
    /// The order's payment state (`orders.payment_status`, generated).
    pub enum PaymentStatus (what = "payment status") {
        Unpaid => "unpaid",
        PartlyPaid => "partly_paid",
        Paid => "paid",
        /// More than the total: awaiting a refund.
        Overpaid => "overpaid",
        PartlyRefunded => "partly_refunded",
        Refunded => "refunded",
    }
}

impl PaymentStatus {
    /// The one table (net = paid − refunded):
    ///
    /// | net                | refunded | state            |
    /// |--------------------|----------|------------------|
    /// | net > total        | any      | overpaid         |
    /// | net = total        | any      | paid             |
    /// | 0 < net < total    | > 0      | partly_refunded  |
    /// | 0 < net < total    | 0        | partly_paid      |
    /// | net = 0            | > 0      | refunded         |
    /// | net = 0            | 0        | unpaid           |
    ///
    /// The rows are tried in this order (an order of total 0 with nothing
    /// paid is paid). The database keeps refunded ≤ paid, so net ≥ 0; a
    /// negative net would read as unpaid/refunded.
    pub fn derive(total: i64, paid: i64, refunded: i64) -> Self {
        let net = i128::from(paid) - i128::from(refunded);
        let total = i128::from(total);
        if net > total {
            Self::Overpaid
        } else if net == total {
            Self::Paid
        } else if net > 0 {
            if refunded > 0 {
                Self::PartlyRefunded
            } else {
                Self::PartlyPaid
            }
        } else if refunded > 0 {
            Self::Refunded
        } else {
            Self::Unpaid
        }
    }

    /// Nothing is due: paid in full, or more (awaiting a refund). What
    /// shipping asks of the money unless the shop ships on account.
    pub fn is_settled(self) -> bool {
        matches!(self, Self::Paid | Self::Overpaid)
    }

    /// The state as staff read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Unpaid => "Unpaid",
            Self::PartlyPaid => "Partly paid",
            Self::Paid => "Paid",
            Self::Overpaid => "Overpaid",
            Self::PartlyRefunded => "Partly refunded",
            Self::Refunded => "Refunded",
        }
    }
}

/// Read back from JSON as their stored text (the order's embedded payments).
macro_rules! deserialize_as_text {
    ($($name:ident),+) => {$(
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    )+};
}
deserialize_as_text!(PaymentKind, PaymentMethod, PaymentStatus);

/// What is still due: total − (paid − refunded), never below 0; `None` if
/// the sums overflow (they cannot for stored values).
pub fn balance_due(total: i64, paid: i64, refunded: i64) -> Option<i64> {
    let net = paid.checked_sub(refunded)?;
    Some(total.checked_sub(net)?.max(0))
}

#[cfg(test)]
mod tests {
    use super::PaymentStatus::{self, *};
    use super::*;

    /// Every row of the table, with the boundary on each side.
    #[test]
    fn the_payment_state_table_row_by_row() {
        let rows: &[(i64, i64, i64, PaymentStatus)] = &[
            // net > total → overpaid (with and without refunds)
            (1000, 1200, 0, Overpaid),
            (1000, 1500, 400, Overpaid),
            (1000, 1001, 0, Overpaid),
            // net = total → paid
            (1000, 1000, 0, Paid),
            (1000, 1300, 300, Paid),
            (0, 0, 0, Paid),
            // 0 < net < total, refunded > 0 → partly refunded
            (1000, 1000, 1, PartlyRefunded),
            (1000, 1000, 999, PartlyRefunded),
            // 0 < net < total, refunded = 0 → partly paid
            (1000, 1, 0, PartlyPaid),
            (1000, 999, 0, PartlyPaid),
            // net = 0, refunded > 0 → refunded
            (1000, 1000, 1000, Refunded),
            (1000, 5, 5, Refunded),
            // net = 0, refunded = 0 → unpaid
            (1000, 0, 0, Unpaid),
        ];
        for &(total, paid, refunded, want) in rows {
            assert_eq!(
                PaymentStatus::derive(total, paid, refunded),
                want,
                "total {total}, paid {paid}, refunded {refunded}"
            );
        }
        // Every state is some row's answer.
        for s in PaymentStatus::ALL {
            assert!(rows.iter().any(|r| r.3 == s), "{s} has no row");
        }
    }

    #[test]
    fn the_balance_due_never_goes_below_zero() {
        assert_eq!(balance_due(1000, 0, 0), Some(1000));
        assert_eq!(balance_due(1000, 400, 0), Some(600));
        assert_eq!(balance_due(1000, 1000, 200), Some(200));
        assert_eq!(balance_due(1000, 1200, 0), Some(0));
        assert_eq!(balance_due(i64::MAX, i64::MIN, 1), None);
    }

    #[test]
    fn methods_and_kinds_parse_what_they_store() {
        for m in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::parse(m.as_str()), Ok(m));
        }
        assert_eq!(
            PaymentMethod::parse("cheque").unwrap_err(),
            "choose cash, card, bank transfer or other"
        );
        for k in PaymentKind::ALL {
            assert_eq!(PaymentKind::parse(k.as_str()), Ok(k));
        }
    }
}
