-- Back to the baseline's roles: the application a member of the read owner
-- (it refreshes report views as such), TEMP for PUBLIC. The DML grants stay:
-- the baseline's default privileges had given them already.
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM orderdesk_read_owner', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
END
$$;
GRANT INSERT, UPDATE, DELETE ON read.monthly_sales, read.product_sales_monthly,
    read.customer_cohorts TO orderdesk_app;
GRANT orderdesk_read_owner TO orderdesk_app;
