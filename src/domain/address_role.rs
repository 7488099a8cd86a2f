//! What an address is for: shipping or billing (`order_addresses.role`, and
//! which default of a customer's book is meant).

use super::sql_text::text_enum;

text_enum! {
    /// Shipping or billing.
    pub enum AddressRole (what = "address role") {
        Shipping => "shipping",
        Billing => "billing",
    }
}
