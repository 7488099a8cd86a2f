//! The names of the read models: an enum, so a misspelled view name is a
//! compile error rather than a freshness of "0 pending" for a view that does
//! not exist. Stored as text (`read.refresh_runs.view_name`, the status
//! functions' arguments) through [`text_enum!`].

use std::fmt;

use diesel::{AsExpression, FromSqlRow};

use crate::domain::sql_text::{parse_stored, text_enum};

/// One read model in schema `read`, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum ReadModelName {
    OrderSummaries,
    OrderStatusCounts,
    DailySales,
    ProductSalesDaily,
    InventoryStatus,
    CustomerStats,
    ProductSales30d,
    Dashboard,
    MonthlySales,
    ProductSalesMonthly,
    CustomerCohorts,
}

impl ReadModelName {
    pub const ALL: [Self; 11] = [
        Self::OrderSummaries,
        Self::OrderStatusCounts,
        Self::DailySales,
        Self::ProductSalesDaily,
        Self::InventoryStatus,
        Self::CustomerStats,
        Self::ProductSales30d,
        Self::Dashboard,
        Self::MonthlySales,
        Self::ProductSalesMonthly,
        Self::CustomerCohorts,
    ];

    /// Its name in schema `read` (and in the refresh log).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderSummaries => "order_summaries",
            Self::OrderStatusCounts => "order_status_counts",
            Self::DailySales => "daily_sales",
            Self::ProductSalesDaily => "product_sales_daily",
            Self::InventoryStatus => "inventory_status",
            Self::CustomerStats => "customer_stats",
            Self::ProductSales30d => "product_sales_30d",
            Self::Dashboard => "dashboard",
            Self::MonthlySales => "monthly_sales",
            Self::ProductSalesMonthly => "product_sales_monthly",
            Self::CustomerCohorts => "customer_cohorts",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        parse_stored(&Self::ALL, Self::as_str, raw, "read model")
    }
}

/// Its name, padded like a `str` (`{:<22}` in the CLI's table).
impl fmt::Display for ReadModelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

text_enum!(ReadModelName);

#[cfg(test)]
mod tests {
    use super::ReadModelName;

    #[test]
    fn every_name_reads_back_as_itself() {
        for n in ReadModelName::ALL {
            assert_eq!(ReadModelName::parse(n.as_str()), Ok(n));
        }
        assert!(ReadModelName::parse("orders").is_err());
        assert_eq!(
            format!("{:<12}|", ReadModelName::Dashboard),
            "dashboard   |"
        );
    }
}
