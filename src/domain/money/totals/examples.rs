//! Baskets computed by hand, step by step in the comments, against
//! [`Basket::totals`]: a UK basket with 20 % and 5 % VAT, a 10 % order
//! discount and free shipping over 50.00; the same kind of basket with
//! prices that include VAT and shipping charged; yen; and the refusals.

use std::num::NonZeroU32;

use super::*;

fn pct(s: &str) -> Percent {
    Percent::parse(s).unwrap()
}

fn amt(minor: i64) -> Amount {
    Amount::new(minor).unwrap()
}

fn line(unit: i64, quantity: u32, rate: &str, discount: Option<Discount>) -> Line {
    Line {
        unit_price: amt(unit),
        quantity: NonZeroU32::new(quantity).unwrap(),
        tax_rate: pct(rate),
        discount,
    }
}

fn amounts(
    rate: &str,
    subtotal: i64,
    line_discount: i64,
    order_discount: i64,
    net: i64,
    tax: i64,
    total: i64,
) -> LineAmounts {
    LineAmounts {
        tax_rate: pct(rate),
        subtotal,
        line_discount,
        order_discount,
        net,
        tax,
        total,
    }
}

fn tax(rate: &str, net: i64, tax: i64, gross: i64) -> TaxAmount {
    TaxAmount {
        rate: pct(rate),
        net,
        tax,
        gross,
    }
}

/// Prices exclude VAT (in pence):
///
/// | line | unit × qty | rate | line discount | after |
/// | --- | --- | --- | --- | --- |
/// | T-shirt | 20.00 × 2 = 40.00 | 20 % | | 40.00 |
/// | Book | 12.99 × 1 | 5 % | | 12.99 |
/// | Mug | 7.46 × 1 | 20 % | 1.00 | 6.46 |
///
/// Subtotal 60.45; after line discounts 59.45. Order discount 10 % of 59.45
/// = 5.945 → 5.95 (half up; half even would give 5.94). Split by largest
/// remainder over 4000, 1299, 646 (Σ 5945): 595 × 4000 / 5945 = 400.34,
/// 595 × 1299 / 5945 = 130.01, 595 × 646 / 5945 = 64.65 → floors 400, 130,
/// 64 (594); the one penny left goes to the largest remainder, the mug:
/// 400, 130, 65. Lines now 36.00, 11.69, 5.81; goods 53.50 ≥ 50.00, so the
/// 4.95 shipping is waived.
///
/// VAT 20 %: (36.00 + 5.81) × 20 % = 41.81 × 0.2 = 8.362 → 8.36, split over
/// 3600 and 581: 836 × 3600 / 4181 = 719.83, 836 × 581 / 4181 = 116.17 →
/// 719 + 116 = 835, the penny to the T-shirt (remainder .83 > .17): 720, 116.
/// VAT 5 %: 11.69 × 0.05 = 0.5845 → 0.58.
/// Tax 8.94; net 53.50; grand total 62.44 = 60.45 − 6.95 + 0 + 8.94.
#[test]
fn a_uk_basket_with_two_rates_an_order_discount_and_free_shipping() {
    let basket = Basket {
        pricing: Pricing::TaxExclusive,
        lines: vec![
            line(2000, 2, "20", None),
            line(1299, 1, "5", None),
            line(746, 1, "20", Some(Discount::Amount(amt(100)))),
        ],
        order_discount: Some(Discount::Percent(pct("10"))),
        shipping: Some(Shipping {
            charge: amt(495),
            tax_rate: pct("20"),
            free_from: Some(amt(5000)),
        }),
    };

    let t = basket.totals().unwrap();

    assert_eq!(
        t.lines,
        [
            amounts("20", 4000, 0, 400, 3600, 720, 4320),
            amounts("5", 1299, 0, 130, 1169, 58, 1227),
            amounts("20", 746, 100, 65, 581, 116, 697),
        ]
    );
    assert_eq!(
        t.taxes,
        [tax("5", 1169, 58, 1227), tax("20", 4181, 836, 5017)]
    );
    assert_eq!(
        t.shipping_amounts,
        Some(ShippingAmounts {
            tax_rate: pct("20"),
            charged: 0,
            waived: true,
            net: 0,
            tax: 0,
            total: 0,
        })
    );
    assert_eq!(
        (
            t.subtotal,
            t.line_discounts,
            t.order_discount,
            t.discount_total
        ),
        (6045, 100, 595, 695)
    );
    assert_eq!(
        (t.shipping, t.net_total, t.tax_total, t.grand_total),
        (0, 5350, 894, 6244)
    );
    assert_eq!(t.tax_added(), 894);
}

/// Prices include VAT:
///
/// | line | unit × qty | rate |
/// | --- | --- | --- |
/// | Jumper | 24.00 × 1 | 20 % |
/// | Car seat | 6.99 × 2 = 13.98 | 5 % |
///
/// Subtotal 37.98. Order discount 3.00 split over 2400 and 1398 (Σ 3798):
/// 300 × 2400 / 3798 = 189.57, 300 × 1398 / 3798 = 110.42 → 189 + 110 = 299,
/// the penny to the jumper (.57 > .42): 190, 110. Lines 22.10 and 12.88;
/// goods 34.98 < 50.00, so shipping 3.95 (20 %) is charged.
///
/// VAT 20 % on 22.10 + 3.95 = 26.05 gross: 26.05 × 20 / 120 = 4.3417 → 4.34,
/// split over 2210 and 395: 434 × 2210 / 2605 = 368.19, 434 × 395 / 2605 =
/// 65.81 → 368 + 65 = 433, the penny to shipping (.81 > .19): 368, 66.
/// VAT 5 % on 12.88: 12.88 × 5 / 105 = 0.6133 → 0.61.
/// Grand total 38.93 = 37.98 − 3.00 + 3.95, of which VAT 4.95; net 33.98.
#[test]
fn prices_that_include_vat_with_an_amount_discount_and_shipping_charged() {
    let basket = Basket {
        pricing: Pricing::TaxInclusive,
        lines: vec![line(2400, 1, "20", None), line(699, 2, "5", None)],
        order_discount: Some(Discount::Amount(amt(300))),
        shipping: Some(Shipping {
            charge: amt(395),
            tax_rate: pct("20"),
            free_from: Some(amt(5000)),
        }),
    };

    let t = basket.totals().unwrap();

    assert_eq!(
        t.lines,
        [
            amounts("20", 2400, 0, 190, 1842, 368, 2210),
            amounts("5", 1398, 0, 110, 1227, 61, 1288),
        ]
    );
    assert_eq!(
        t.taxes,
        [tax("5", 1227, 61, 1288), tax("20", 2171, 434, 2605)]
    );
    let shipping = t.shipping_amounts.unwrap();
    assert_eq!(
        (
            shipping.charged,
            shipping.waived,
            shipping.net,
            shipping.tax,
            shipping.total
        ),
        (395, false, 329, 66, 395)
    );
    assert_eq!(
        (
            t.subtotal,
            t.discount_total,
            t.shipping,
            t.tax_total,
            t.grand_total
        ),
        (3798, 300, 395, 495, 3893)
    );
    assert_eq!((t.net_total, t.tax_added()), (3398, 0));
}

/// Yen have no minor unit below one: 1,980 × 3 at 10 % = 5,940, tax 594;
/// 120 at 8 % with 5 % off: 6 off, 114, tax 114 × 0.08 = 9.12 → 9.
/// Grand total 5,940 + 114 + 603 = 6,657.
#[test]
fn yen_round_to_whole_yen() {
    let basket = Basket {
        pricing: Pricing::TaxExclusive,
        lines: vec![
            line(1980, 3, "10", None),
            line(120, 1, "8", Some(Discount::Percent(pct("5")))),
        ],
        order_discount: None,
        shipping: None,
    };

    let t = basket.totals().unwrap();

    assert_eq!(t.taxes, [tax("8", 114, 9, 123), tax("10", 5940, 594, 6534)]);
    assert_eq!(
        (t.discount_total, t.tax_total, t.grand_total),
        (6, 603, 6657)
    );
    assert_eq!(t.shipping_amounts, None);
}

/// 30.00 at 20 % and 4.95 shipping at 20 % (under the 50.00 threshold): one
/// tax on 34.95 = 6.99, split 600 / 99 exactly.
#[test]
fn shipping_is_taxed_with_the_lines_of_its_rate() {
    let basket = Basket {
        pricing: Pricing::TaxExclusive,
        lines: vec![line(3000, 1, "20", None)],
        order_discount: None,
        shipping: Some(Shipping {
            charge: amt(495),
            tax_rate: pct("20"),
            free_from: Some(amt(5000)),
        }),
    };

    let t = basket.totals().unwrap();

    assert_eq!(t.taxes, [tax("20", 3495, 699, 4194)]);
    assert_eq!((t.lines[0].tax, t.lines[0].total), (600, 3600));
    let shipping = t.shipping_amounts.unwrap();
    assert_eq!((shipping.tax, shipping.total), (99, 594));
    assert_eq!(t.grand_total, 4194);
}

#[test]
fn a_whole_discount_leaves_nothing_to_tax() {
    let basket = Basket {
        pricing: Pricing::TaxExclusive,
        lines: vec![line(
            999,
            1,
            "20",
            Some(Discount::Percent(Percent::HUNDRED)),
        )],
        order_discount: Some(Discount::Amount(Amount::ZERO)),
        shipping: None,
    };

    let t = basket.totals().unwrap();

    assert_eq!(t.lines, [amounts("20", 999, 999, 0, 0, 0, 0)]);
    assert_eq!((t.tax_total, t.grand_total), (0, 0));
}

#[test]
fn discounts_larger_than_what_they_discount_and_overflow_are_refused() {
    let too_much = Basket {
        pricing: Pricing::TaxExclusive,
        lines: vec![
            line(500, 1, "20", None),
            line(500, 1, "20", Some(Discount::Amount(amt(501)))),
        ],
        order_discount: None,
        shipping: None,
    };
    assert_eq!(
        too_much.totals(),
        Err(TotalsError::LineDiscountTooLarge { line: 1 })
    );
    assert_eq!(
        TotalsError::LineDiscountTooLarge { line: 1 }.to_string(),
        "the discount of line 2 is more than the line's amount"
    );

    let order = Basket {
        lines: vec![line(500, 2, "20", Some(Discount::Amount(amt(100))))],
        order_discount: Some(Discount::Amount(amt(901))),
        ..too_much.clone()
    };
    assert_eq!(order.totals(), Err(TotalsError::OrderDiscountTooLarge));
    let nothing = Basket {
        lines: vec![],
        order_discount: Some(Discount::Amount(amt(1))),
        ..too_much.clone()
    };
    assert_eq!(nothing.totals(), Err(TotalsError::OrderDiscountTooLarge));

    let huge = Basket {
        lines: vec![line(i64::MAX / 2 + 1, 2, "20", None)],
        ..too_much.clone()
    };
    assert_eq!(huge.totals(), Err(TotalsError::Overflow));
    let sum = Basket {
        lines: vec![line(i64::MAX, 1, "0", None), line(1, 1, "0", None)],
        ..too_much.clone()
    };
    assert_eq!(sum.totals(), Err(TotalsError::Overflow));
    let taxed = Basket {
        lines: vec![line(i64::MAX, 1, "1", None)],
        ..too_much
    };
    assert_eq!(taxed.totals(), Err(TotalsError::Overflow));
}

#[test]
fn an_empty_basket_costs_nothing() {
    let t = Basket {
        pricing: Pricing::TaxInclusive,
        lines: vec![],
        order_discount: Some(Discount::Percent(pct("10"))),
        shipping: None,
    }
    .totals()
    .unwrap();
    assert_eq!((t.subtotal, t.grand_total, t.taxes.len()), (0, 0, 0));
}
