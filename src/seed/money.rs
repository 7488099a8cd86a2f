//! A seeded order's money, priced by the same domain function as the
//! `place_order` command ([`Basket::totals`]): its lines at their products'
//! prices and rates, prices excluding tax (the seeded shop's setting).

use std::num::NonZeroU32;

use super::plan::{Order, Plan};
use crate::domain::Percent;
use crate::domain::totals::{Amount, Basket, Line, OrderTotals, Pricing};

/// Product `i`'s rate in ppm, as `Context::tax_rate_id` assigns the rates:
/// Standard 20 % for most, Reduced 5 % one in eight, Zero one in twenty-five.
pub fn rate_ppm(i: u32) -> u32 {
    if i % 25 == 24 {
        0
    } else if i % 8 == 3 {
        50_000
    } else {
        200_000
    }
}

/// The order's totals; `None` only if the plan made an impossible line
/// (a zero quantity or a negative price), which the plan never does.
pub fn totals(plan: &Plan, o: &Order) -> Option<OrderTotals> {
    let lines = plan.lines[o.first_line as usize..(o.first_line + o.line_count) as usize]
        .iter()
        .map(|l| {
            Some(Line {
                unit_price: Amount::new(plan.products[l.product as usize].price_cents)?,
                quantity: NonZeroU32::new(u32::try_from(l.quantity).ok()?)?,
                tax_rate: Percent::from_ppm(rate_ppm(l.product))?,
                discount: None,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Basket {
        pricing: Pricing::TaxExclusive,
        lines,
        order_discount: None,
        shipping: None,
    }
    .totals()
    .ok()
}
