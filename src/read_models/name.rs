//! The names of the read models: an enum, so a misspelled view name is a
//! compile error rather than a freshness of "0 pending" for a view that does
//! not exist. Stored as text (`read.refresh_runs.view_name`, the status
//! functions' arguments) through [`text_enum!`].

use crate::domain::sql_text::text_enum;

text_enum! {
    /// One read model in schema `read`, by name (and in the refresh log).
    /// Its `Display` pads like a `str` (`{:<22}` in the CLI's table).
    pub enum ReadModelName (what = "read model") {
        OrderSummaries => "order_summaries",
        OrderStatusCounts => "order_status_counts",
        DailySales => "daily_sales",
        ProductSalesDaily => "product_sales_daily",
        InventoryStatus => "inventory_status",
        CustomerStats => "customer_stats",
        StockLedger => "stock_ledger",
        TaxRates => "tax_rates",
        ShopSettings => "shop_settings",
        Notes => "notes",
        OrderDocuments => "order_documents",
        ProductSales30d => "product_sales_30d",
        Dashboard => "dashboard",
        MonthlySales => "monthly_sales",
        ProductSalesMonthly => "product_sales_monthly",
        CustomerCohorts => "customer_cohorts",
    }
}

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
