//! A seeded order's money, priced by the same domain function as the
//! `place_order` command ([`Basket::totals`]): its lines at their products'
//! prices and rates, prices excluding tax (the seeded shop's setting), with
//! some line and order discounts and shipping charges ([`Entered`]).

use std::num::NonZeroU32;

use super::plan::{Order, Plan};
use crate::domain::Percent;
use crate::domain::totals::{
    Amount, Basket, Discount, Line, OrderTotals, Pricing, Shipping, TotalsError,
};

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

/// The shipping charge some seeded orders carry (4.99, at the Standard rate).
pub const SHIPPING_CENTS: i64 = 499;
/// The Standard rate, in ppm.
pub const STANDARD_PPM: u32 = 200_000;

/// What an order's money was entered as: a discount on its first line, an
/// order discount, a shipping charge. Chosen from the order's first line
/// number, so every run of the same plan enters the same: one order in
/// seven has 10 % off its first line, one in thirteen 0.50 off it, one in
/// nine 5 % off the order, one in eleven 2.00 off it, and one in three
/// pays shipping.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Entered {
    pub first_line_discount: Option<Discount>,
    pub order_discount: Option<Discount>,
    pub shipping: bool,
}

impl Entered {
    fn of(o: &Order) -> Self {
        let k = o.first_line;
        let amount = |minor| Amount::new(minor).map(Discount::Amount);
        let percent = |p| Percent::whole(p).map(Discount::Percent);
        Self {
            first_line_discount: match (k % 7, k % 13) {
                (3, _) => percent(10),
                (_, 6) => amount(50),
                _ => None,
            },
            order_discount: match (k % 9, k % 11) {
                (4, _) => percent(5),
                (_, 5) => amount(200),
                _ => None,
            },
            shipping: k % 3 == 0,
        }
    }

    /// Each line's discount as entered, in the lines' order.
    pub fn line_discount(&self, n: usize) -> Option<Discount> {
        if n == 0 {
            self.first_line_discount
        } else {
            None
        }
    }
}

/// The order's totals and what its money was entered as; `None` only if
/// the plan made an impossible line (a zero quantity or a negative price),
/// which the plan never does. A discount that does not fit the order (a
/// cheap line, a small order) is left out, as staff would be told to.
pub fn totals(plan: &Plan, o: &Order) -> Option<(OrderTotals, Entered)> {
    let mut entered = Entered::of(o);
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
    let basket = |e: &Entered| Basket {
        pricing: Pricing::TaxExclusive,
        lines: lines
            .iter()
            .enumerate()
            .map(|(n, l)| Line {
                discount: e.line_discount(n),
                ..*l
            })
            .collect(),
        order_discount: e.order_discount,
        shipping: e.shipping.then(|| Shipping {
            charge: Amount::new(SHIPPING_CENTS).unwrap_or(Amount::ZERO),
            tax_rate: Percent::from_ppm(STANDARD_PPM).unwrap_or(Percent::ZERO),
            free_from: None,
        }),
    };
    if let Err(TotalsError::LineDiscountTooLarge { .. }) = basket(&entered).totals() {
        entered.first_line_discount = None;
    }
    if let Err(TotalsError::OrderDiscountTooLarge) = basket(&entered).totals() {
        entered.order_discount = None;
    }
    basket(&entered).totals().ok().map(|t| (t, entered))
}
