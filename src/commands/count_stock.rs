//! CountStock: what a stock count found becomes the units on hand, through
//! an adjustment with the reason "stock count" for the difference (the same
//! movement and `stock_adjusted` event as a manual adjustment). The count was
//! compared with a figure on hand (the import's preview): if on hand has
//! moved since (a receipt, a shipment, another adjustment), the count is
//! refused as a conflict rather than applied to stock it never saw; and, like
//! every adjustment, never below what is reserved.

use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::adjust_stock::adjust_on_hand;
use super::{Ack, CommandContext, CommandError};
use crate::domain::{ProductId, Reason, StockLevel};

/// The reason every count's adjustment carries.
pub const STOCK_COUNT_REASON: &str = "stock count";

/// A counted quantity, and the figure on hand it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountStock {
    pub product_id: ProductId,
    pub counted: StockLevel,
    /// On hand when the count was compared (the preview).
    pub expected_on_hand: i32,
}

/// Adjusts on hand from `expected_on_hand` to `counted`. A count equal to
/// what is on hand changes nothing and is refused as invalid (callers skip it).
pub async fn count_stock(
    conn: &mut AsyncPgConnection,
    input: CountStock,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let delta = i64::from(input.counted.get()) - i64::from(input.expected_on_hand);
    let delta = i32::try_from(delta)
        .map_err(|_| CommandError::field("counted", "the difference is too large"))?;
    if delta == 0 {
        return Err(CommandError::field(
            "counted",
            "the count equals the stock on hand",
        ));
    }
    let reason = Reason::parse(STOCK_COUNT_REASON).map_err(CommandError::Invariant)?;
    conn.transaction(async move |conn| {
        adjust_on_hand(
            conn,
            input.product_id,
            delta,
            Some(input.expected_on_hand),
            &reason,
            ctx,
        )
        .await
    })
    .await
}
