//! Properties of [`Basket::totals`] over random baskets (lines, rates,
//! discounts, shipping, both pricings): the parts sum to the totals, nothing
//! is negative, discounts stay within what they discount, the order
//! discount's split is exact, each rate's tax is its rounded formula,
//! inclusive and exclusive pricing agree, and huge inputs are an error.

use std::num::NonZeroU32;

use proptest::prelude::*;

use super::*;
use crate::domain::money::percent::PPM_PER_WHOLE;
use crate::domain::money::split::pro_rata;

fn percent() -> impl Strategy<Value = Percent> {
    prop_oneof![
        Just(0),
        Just(50_000),
        Just(200_000),
        Just(PPM_PER_WHOLE),
        0..=PPM_PER_WHOLE
    ]
    .prop_map(|ppm| Percent::from_ppm(ppm).unwrap())
}

/// A discount of up to all of `of`: an amount (a random fraction of `of`) or
/// a percentage.
fn discount(of: i64, kind: u8, fraction: u32, pct: Percent) -> Option<Discount> {
    let amount = i64::try_from(i128::from(of) * i128::from(fraction) / 1_000_000).unwrap();
    match kind % 3 {
        0 => None,
        1 => Some(Discount::Amount(Amount::new(amount).unwrap())),
        _ => Some(Discount::Percent(pct)),
    }
}

fn line() -> impl Strategy<Value = Line> {
    (
        prop_oneof![0..=100_i64, 0..=100_000_000_i64],
        1..=1_000_u32,
        percent(),
        (any::<u8>(), 0..=1_000_000_u32, percent()),
    )
        .prop_map(|(unit, quantity, tax_rate, (kind, fraction, pct))| Line {
            unit_price: Amount::new(unit).unwrap(),
            quantity: NonZeroU32::new(quantity).unwrap(),
            tax_rate,
            discount: discount(unit * i64::from(quantity), kind, fraction, pct),
        })
}

/// A valid basket: every discount at most what it discounts.
fn basket() -> impl Strategy<Value = Basket> {
    (
        prop::collection::vec(line(), 0..8),
        (any::<u8>(), 0..=1_000_000_u32, percent()),
        prop::option::of((
            0..=10_000_i64,
            percent(),
            prop::option::of(0..=1_000_000_i64),
        )),
        any::<bool>(),
    )
        .prop_map(|(lines, (kind, fraction, pct), shipping, inclusive)| {
            let mut basket = Basket {
                pricing: if inclusive {
                    Pricing::TaxInclusive
                } else {
                    Pricing::TaxExclusive
                },
                lines,
                order_discount: None,
                shipping: shipping.map(|(charge, tax_rate, free_from)| Shipping {
                    charge: Amount::new(charge).unwrap(),
                    tax_rate,
                    free_from: free_from.and_then(Amount::new),
                }),
            };
            let before = basket.totals().expect("a valid basket");
            let goods = before.subtotal - before.discount_total;
            basket.order_discount = discount(goods, kind, fraction, pct);
            basket
        })
}

/// `numerator / denominator` rounded half up, computed apart from the code
/// under test.
fn rounded(numerator: u128, denominator: u128) -> i64 {
    i64::try_from((2 * numerator + denominator) / (2 * denominator)).unwrap()
}

fn with_pricing(basket: &Basket, pricing: Pricing) -> Basket {
    Basket {
        pricing,
        ..basket.clone()
    }
}

proptest! {
    #[test]
    fn the_parts_sum_to_the_totals(basket in basket()) {
        let t = basket.totals().unwrap();
        let shipping = t.shipping_amounts.unwrap_or(ShippingAmounts {
            tax_rate: Percent::ZERO, charged: 0, waived: false, net: 0, tax: 0, total: 0,
        });
        prop_assert_eq!(t.taxes.iter().map(|r| r.tax).sum::<i64>(), t.tax_total);
        for rate in &t.taxes {
            let of_rate = t.lines.iter().filter(|l| l.tax_rate == rate.rate);
            let lines: i64 = of_rate.map(|l| l.tax).sum();
            let shipped = if shipping.tax_rate == rate.rate { shipping.tax } else { 0 };
            prop_assert_eq!(lines + shipped, rate.tax);
            prop_assert_eq!(rate.net + rate.tax, rate.gross);
        }
        prop_assert_eq!(t.net_total + t.tax_total, t.grand_total);
        prop_assert_eq!(
            t.subtotal - t.discount_total + t.shipping + t.tax_added(),
            t.grand_total
        );
        let lines_total: i64 = t.lines.iter().map(|l| l.total).sum();
        prop_assert_eq!(lines_total + shipping.total, t.grand_total);
        for l in &t.lines {
            prop_assert_eq!(l.net + l.tax, l.total);
            let entered = l.subtotal - l.line_discount - l.order_discount;
            let as_entered = match t.pricing {
                Pricing::TaxExclusive => l.net,
                Pricing::TaxInclusive => l.total,
            };
            prop_assert_eq!(entered, as_entered);
        }
        prop_assert_eq!(shipping.net + shipping.tax, shipping.total);
        prop_assert_eq!(t.shipping, shipping.charged);
    }

    #[test]
    fn nothing_is_negative_and_discounts_stay_within_what_they_discount(basket in basket()) {
        let t = basket.totals().unwrap();
        let figures = [
            t.subtotal, t.line_discounts, t.order_discount, t.discount_total, t.shipping,
            t.net_total, t.tax_total, t.grand_total,
        ];
        prop_assert!(figures.iter().all(|&f| f >= 0), "{:?}", t);
        for r in &t.taxes {
            prop_assert!(r.net >= 0 && r.tax >= 0 && r.gross >= 0, "{:?}", r);
        }
        for l in &t.lines {
            prop_assert!(l.net >= 0 && l.tax >= 0 && l.order_discount >= 0, "{:?}", l);
            prop_assert!(l.line_discount <= l.subtotal);
            prop_assert!(l.order_discount <= l.subtotal - l.line_discount);
        }
        prop_assert!(t.discount_total <= t.subtotal);
        if let Some(s) = t.shipping_amounts {
            prop_assert!(s.net >= 0 && s.tax >= 0 && s.total >= 0, "{:?}", s);
        }
    }

    #[test]
    fn the_order_discount_is_split_exactly_within_a_minor_unit_of_each_share(
        basket in basket(),
    ) {
        let t = basket.totals().unwrap();
        let shares: i64 = t.lines.iter().map(|l| l.order_discount).sum();
        prop_assert_eq!(shares, t.order_discount);
        let weights: Vec<i128> = t
            .lines
            .iter()
            .map(|l| i128::from(l.subtotal - l.line_discount))
            .collect();
        let whole: i128 = weights.iter().sum();
        for (l, w) in t.lines.iter().zip(&weights) {
            // |share − order × w / whole| < 1, without dividing.
            let off = i128::from(l.order_discount) * whole - i128::from(t.order_discount) * w;
            prop_assert!(whole == 0 || off.abs() < whole, "{:?}", t);
        }
    }

    #[test]
    fn each_rates_tax_is_its_rounded_formula(basket in basket()) {
        let t = basket.totals().unwrap();
        let whole = u128::from(PPM_PER_WHOLE);
        for r in &t.taxes {
            let rate = u128::from(r.rate.ppm());
            let expected = match t.pricing {
                Pricing::TaxExclusive => rounded(u128::try_from(r.net).unwrap() * rate, whole),
                Pricing::TaxInclusive => {
                    rounded(u128::try_from(r.gross).unwrap() * rate, whole + rate)
                }
            };
            prop_assert_eq!(r.tax, expected);
        }
    }

    #[test]
    fn inclusive_and_exclusive_pricing_of_the_same_basket_agree(basket in basket()) {
        let exclusive = with_pricing(&basket, Pricing::TaxExclusive).totals().unwrap();
        let inclusive = with_pricing(&basket, Pricing::TaxInclusive).totals().unwrap();
        // The same entered amounts: inclusive, the customer pays them; exclusive,
        // they are the net and tax comes on top.
        prop_assert_eq!(inclusive.grand_total, exclusive.grand_total - exclusive.tax_total);
        prop_assert_eq!(inclusive.discount_total, exclusive.discount_total);
        for (i, e) in inclusive.taxes.iter().zip(&exclusive.taxes) {
            prop_assert_eq!((i.rate, i.gross), (e.rate, e.net));
            prop_assert!(i.tax <= e.tax);
        }
        // Each rate's exclusive gross, entered as an inclusive price, gives
        // back the same net and tax.
        let grossed_up = Basket {
            pricing: Pricing::TaxInclusive,
            lines: exclusive
                .taxes
                .iter()
                .map(|r| Line {
                    unit_price: Amount::new(r.gross).unwrap(),
                    quantity: NonZeroU32::MIN,
                    tax_rate: r.rate,
                    discount: None,
                })
                .collect(),
            order_discount: None,
            shipping: None,
        };
        prop_assert_eq!(grossed_up.totals().unwrap().taxes, exclusive.taxes);
    }

    #[test]
    fn huge_or_wrong_inputs_are_an_error_never_a_panic(
        lines in prop::collection::vec(
            (0..=i64::MAX, 1..=u32::MAX, percent(), prop::option::of(0..=i64::MAX), percent()),
            0..6,
        ),
        order in prop::option::of(0..=i64::MAX),
        shipping in prop::option::of((0..=i64::MAX, percent(), prop::option::of(0..=i64::MAX))),
        inclusive in any::<bool>(),
    ) {
        let basket = Basket {
            pricing: if inclusive { Pricing::TaxInclusive } else { Pricing::TaxExclusive },
            lines: lines
                .into_iter()
                .map(|(unit, quantity, tax_rate, off, pct)| Line {
                    unit_price: Amount::new(unit).unwrap(),
                    quantity: NonZeroU32::new(quantity).unwrap(),
                    tax_rate,
                    discount: Some(off.map_or(Discount::Percent(pct), |a| {
                        Discount::Amount(Amount::new(a).unwrap())
                    })),
                })
                .collect(),
            order_discount: order.map(|a| Discount::Amount(Amount::new(a).unwrap())),
            shipping: shipping.map(|(charge, tax_rate, free_from)| Shipping {
                charge: Amount::new(charge).unwrap(),
                tax_rate,
                free_from: free_from.and_then(Amount::new),
            }),
        };
        // Ok or a refusal; when Ok, the sums still hold exactly.
        if let Ok(t) = basket.totals() {
            prop_assert_eq!(t.net_total.checked_add(t.tax_total), Some(t.grand_total));
            let per_rate: i128 = t.taxes.iter().map(|r| i128::from(r.tax)).sum();
            prop_assert_eq!(per_rate, i128::from(t.tax_total));
        }
    }

    #[test]
    fn pro_rata_gives_leftover_units_to_the_largest_remainders_ties_to_the_earlier(
        weights in prop::collection::vec(0..=1_000_000_i64, 1..10),
        fraction in 0..=1_000_000_i64,
    ) {
        let whole: i64 = weights.iter().sum();
        let total = whole * fraction / 1_000_000;
        let parts = pro_rata(total, &weights).unwrap();
        prop_assert_eq!(parts.iter().sum::<i64>(), total);
        let exact = |i: usize| (i128::from(total) * i128::from(weights[i]), i128::from(whole));
        for i in 0..weights.len() {
            prop_assert!(parts[i] <= weights[i]);
            let (n, d) = exact(i);
            let floor = if d == 0 { 0 } else { n / d };
            prop_assert!(i128::from(parts[i]) == floor || i128::from(parts[i]) == floor + 1);
        }
        // A part rounded up never has a smaller remainder than one rounded
        // down, nor an equal one after it.
        for i in 0..weights.len() {
            for j in 0..weights.len() {
                let (ni, d) = exact(i);
                let (nj, _) = exact(j);
                if d == 0 {
                    continue;
                }
                let up_i = i128::from(parts[i]) > ni / d;
                let up_j = i128::from(parts[j]) > nj / d;
                if up_i && !up_j {
                    prop_assert!(ni % d > nj % d || (ni % d == nj % d && i < j));
                }
            }
        }
    }
}
