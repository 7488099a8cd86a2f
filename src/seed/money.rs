//! A seeded order's money, priced by the same domain function as the
//! `place_order` command ([`Basket::totals`]): its lines at their products'
//! prices and rates, prices excluding tax (the seeded shop's setting), with
//! some line and order discounts and shipping charges ([`Entered`]). An
//! edited order keeps what was entered and is priced again on its new lines.

use std::num::NonZeroU32;

use super::plan::{Line as PlanLine, Order, Plan, Product};
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

/// What an order's money was entered as: a discount on its first line's
/// product, an order discount, a shipping charge. Chosen from the order's
/// first line number, so every run of the same plan enters the same: one
/// order in seven has 10 % off its first line, one in thirteen 0.50 off it,
/// one in nine 5 % off the order, one in eleven 2.00 off it, and one in
/// three pays shipping. An edit changes none of it (the discount stays on
/// its product wherever the product's line comes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Entered {
    pub first_line_discount: Option<Discount>,
    pub order_discount: Option<Discount>,
    pub shipping: bool,
    /// The product of the order's first line as placed.
    discounted: u32,
}

impl Entered {
    /// As chosen for order `o` (`lines`: the plan's lines).
    pub fn of(lines: &[PlanLine], o: &Order) -> Self {
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
            discounted: lines.get(k as usize).map_or(0, |l| l.product),
        }
    }

    /// The discount entered on the line of `product`.
    pub fn discount_of(&self, product: u32) -> Option<Discount> {
        self.first_line_discount
            .filter(|_| product == self.discounted)
    }
}

/// The totals of `lines` priced as `entered` says, by [`Basket::totals`];
/// the error when a discount does not fit, `None` for an impossible line (a
/// zero quantity or a negative price, which the plan never makes).
pub fn priced(
    products: &[Product],
    lines: &[PlanLine],
    entered: &Entered,
) -> Option<Result<OrderTotals, TotalsError>> {
    let lines = lines
        .iter()
        .map(|l| {
            Some(Line {
                unit_price: Amount::new(products[l.product as usize].price_cents)?,
                quantity: NonZeroU32::new(u32::try_from(l.quantity).ok()?)?,
                tax_rate: Percent::from_ppm(rate_ppm(l.product))?,
                discount: entered.discount_of(l.product),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let basket = Basket {
        pricing: Pricing::TaxExclusive,
        lines,
        order_discount: entered.order_discount,
        shipping: entered.shipping.then(|| Shipping {
            charge: Amount::new(SHIPPING_CENTS).unwrap_or(Amount::ZERO),
            tax_rate: Percent::from_ppm(STANDARD_PPM).unwrap_or(Percent::ZERO),
            free_from: None,
        }),
    };
    Some(basket.totals())
}

/// What order `o` was entered as and its totals when placed: a discount that
/// does not fit the order (a cheap line, a small order) is left out, as
/// staff would be told to.
pub fn placed_totals_in(
    products: &[Product],
    lines: &[PlanLine],
    o: &Order,
) -> Option<(OrderTotals, Entered)> {
    let mut entered = Entered::of(lines, o);
    let placed = &lines[o.first_line as usize..(o.first_line + o.line_count) as usize];
    if let Err(TotalsError::LineDiscountTooLarge { .. }) = priced(products, placed, &entered)? {
        entered.first_line_discount = None;
    }
    if let Err(TotalsError::OrderDiscountTooLarge) = priced(products, placed, &entered)? {
        entered.order_discount = None;
    }
    priced(products, placed, &entered)?
        .ok()
        .map(|t| (t, entered))
}

/// The order's totals as placed, and what its money was entered as.
pub fn placed_totals(plan: &Plan, o: &Order) -> Option<(OrderTotals, Entered)> {
    placed_totals_in(&plan.products, &plan.lines, o)
}

/// The order's totals now (after its edit, if any) and what its money was
/// entered as; `None` only for an impossible plan.
pub fn totals(plan: &Plan, o: &Order) -> Option<(OrderTotals, Entered)> {
    let (placed, entered) = placed_totals(plan, o)?;
    let Some(edit) = o.edit else {
        return Some((placed, entered));
    };
    let lines = &plan.lines[edit.first_line as usize..(edit.first_line + edit.line_count) as usize];
    priced(&plan.products, lines, &entered)?
        .ok()
        .map(|t| (t, entered))
}
