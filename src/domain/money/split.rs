//! Exact division of money: a rounded fraction of an amount (the one
//! rounding rule) and an amount split over weights by largest remainder.

use super::percent::{PPM_PER_WHOLE, Percent};

/// Why an amount could not be divided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitError {
    /// The amount is larger than the weights it is split over.
    MoreThanWeights,
    /// The weights' sum does not fit in an `i64`, or an amount is negative.
    Overflow,
}

/// `numerator / denominator`, rounded to the nearest integer, a half up
/// (every amount here is ≥ 0, so up is away from zero). `None` when
/// `denominator` is 0 or the sum overflows.
fn div_half_up(numerator: u128, denominator: u128) -> Option<u128> {
    if denominator == 0 {
        return None;
    }
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    // remainder ≥ denominator / 2, without halving (exact for odd denominators).
    let up = remainder.checked_mul(2)? >= denominator;
    quotient.checked_add(u128::from(up))
}

/// `percent` of `amount` (≥ 0), rounded half up to the minor unit: the
/// percentage discount and the tax added to a net amount. Never more than
/// `amount`, as a percentage is at most 100.
pub fn part_of(amount: i64, percent: Percent) -> Option<i64> {
    let amount = u128::try_from(amount).ok()?;
    let product = amount.checked_mul(u128::from(percent.ppm()))?;
    i64::try_from(div_half_up(product, u128::from(PPM_PER_WHOLE))?).ok()
}

/// The tax at `rate` contained in `gross` (≥ 0), a price that includes it:
/// `gross × rate / (1 + rate)`, rounded half up to the minor unit.
pub fn tax_in(gross: i64, rate: Percent) -> Option<i64> {
    let gross = u128::try_from(gross).ok()?;
    let product = gross.checked_mul(u128::from(rate.ppm()))?;
    let whole_plus_rate = u128::from(PPM_PER_WHOLE) + u128::from(rate.ppm());
    i64::try_from(div_half_up(product, whole_plus_rate)?).ok()
}

/// Splits `total` over `weights` in proportion, exactly: each part is the
/// floor of `total × weight / Σ weights`, and the minor units left over (fewer
/// than there are weights) go one each to the parts with the largest
/// remainders; equal remainders go to the earlier weight. The parts sum to
/// `total`, none is more than its weight, and each is within one minor unit
/// of its exact share. A total of 0 is all zeros (whatever the weights).
pub fn pro_rata(total: i64, weights: &[i64]) -> Result<Vec<i64>, SplitError> {
    let total = u128::try_from(total).map_err(|_| SplitError::Overflow)?;
    let mut sum: i64 = 0;
    let mut unsigned = Vec::with_capacity(weights.len());
    for &w in weights {
        sum = sum.checked_add(w).ok_or(SplitError::Overflow)?;
        unsigned.push(u128::try_from(w).map_err(|_| SplitError::Overflow)?);
    }
    if total == 0 {
        return Ok(vec![0; weights.len()]);
    }
    let sum = u128::try_from(sum).map_err(|_| SplitError::Overflow)?;
    if total > sum {
        return Err(SplitError::MoreThanWeights);
    }
    // total ≤ sum < 2^63 and each weight < 2^63: the products fit in u128.
    let mut parts: Vec<u128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in unsigned.iter().enumerate() {
        let exact = total * w;
        parts.push(exact / sum);
        remainders.push((exact % sum, i));
    }
    let given: u128 = parts.iter().sum();
    let left = usize::try_from(total - given).map_err(|_| SplitError::Overflow)?;
    // Largest remainder first; equal remainders: the earlier index first.
    remainders.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders.iter().take(left) {
        parts[i] += 1;
    }
    parts
        .into_iter()
        .map(|p| i64::try_from(p).map_err(|_| SplitError::Overflow))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(s: &str) -> Percent {
        Percent::parse(s).unwrap()
    }

    #[test]
    fn a_half_rounds_up_and_less_than_a_half_down() {
        assert_eq!(part_of(5945, pct("10")), Some(595)); // 594.5
        assert_eq!(part_of(5944, pct("10")), Some(594)); // 594.4
        assert_eq!(part_of(1169, pct("5")), Some(58)); // 58.45
        assert_eq!(part_of(1, pct("50")), Some(1)); // 0.5
        assert_eq!(part_of(1, pct("49.9999")), Some(0));
        assert_eq!(part_of(0, pct("100")), Some(0));
        assert_eq!(part_of(i64::MAX, Percent::HUNDRED), Some(i64::MAX));
        assert_eq!(part_of(-1, pct("10")), None);
    }

    #[test]
    fn the_tax_inside_a_gross_price() {
        assert_eq!(tax_in(1200, pct("20")), Some(200)); // exactly
        assert_eq!(tax_in(1080, pct("8")), Some(80)); // yen
        assert_eq!(tax_in(999, pct("20")), Some(167)); // 166.5
        assert_eq!(tax_in(100, Percent::ZERO), Some(0));
        assert_eq!(tax_in(i64::MAX, Percent::HUNDRED), Some(i64::MAX / 2 + 1));
    }

    #[test]
    fn the_largest_remainders_get_the_leftover_units_ties_the_earlier() {
        // 595 over 4000, 1299, 646: 400.34, 130.01, 64.65 → 400, 130, 65.
        assert_eq!(pro_rata(595, &[4000, 1299, 646]), Ok(vec![400, 130, 65]));
        // Equal remainders: the earlier lines first.
        assert_eq!(pro_rata(1, &[5, 5]), Ok(vec![1, 0]));
        assert_eq!(pro_rata(2, &[1, 1, 1]), Ok(vec![1, 1, 0]));
        assert_eq!(pro_rata(10, &[0, 3, 0, 7]), Ok(vec![0, 3, 0, 7]));
        assert_eq!(pro_rata(0, &[]), Ok(vec![]));
        assert_eq!(pro_rata(0, &[0, 0]), Ok(vec![0, 0]));
    }

    #[test]
    fn what_cannot_be_split_is_an_error_not_a_panic() {
        assert_eq!(pro_rata(11, &[4, 6]), Err(SplitError::MoreThanWeights));
        assert_eq!(pro_rata(1, &[]), Err(SplitError::MoreThanWeights));
        assert_eq!(pro_rata(1, &[i64::MAX, 1]), Err(SplitError::Overflow));
        assert_eq!(pro_rata(-1, &[1]), Err(SplitError::Overflow));
        assert_eq!(pro_rata(1, &[2, -1]), Err(SplitError::Overflow));
        assert_eq!(
            pro_rata(i64::MAX, &[i64::MAX - 1, 1]),
            Ok(vec![i64::MAX - 1, 1])
        );
    }
}
