DROP INDEX read.product_sales_daily_day;
CREATE INDEX product_sales_daily_day ON read.product_sales_daily (day, product_id);
