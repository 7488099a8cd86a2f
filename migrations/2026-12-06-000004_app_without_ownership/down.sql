-- Back to the baseline's database privileges: TEMP for PUBLIC, the report
-- views writable by the application as the baseline's default privileges had
-- made them. The DML grants stay (the baseline had given them already).
--
-- The application's membership in orderdesk_read_owner is NOT given back:
-- roles are cluster-wide, so granting it here would hand every database on
-- the cluster's read models to the application again. An older binary that
-- refreshes report views as a member needs it granted by hand
-- (`GRANT orderdesk_read_owner TO orderdesk_app`, as a superuser).
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM orderdesk_read_owner', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
END
$$;
GRANT INSERT, UPDATE, DELETE ON read.monthly_sales, read.product_sales_monthly,
    read.customer_cohorts TO orderdesk_app;
