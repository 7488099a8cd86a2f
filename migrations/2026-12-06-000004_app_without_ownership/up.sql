-- The application role stops owning the read side (issue 22, "orderdesk_app is
-- a member of orderdesk_read_owner"). As a member it could DROP, TRUNCATE or
-- ALTER every read model and attach a trigger to one (a pg_temp function
-- sufficed: PUBLIC had TEMP) that ran as the owner at the next cron
-- `orderdesk refresh`. From here on:
--
--   orderdesk_app         plain DML on the live models and on the read_model_*
--                         tables it maintains, SELECT on the report views; no
--                         ownership, so no DROP, ALTER, TRUNCATE or TRIGGER.
--                         It refreshes a report view through
--                         read.refresh_report(view, concurrently), a SECURITY
--                         DEFINER function owned by orderdesk_read_owner (the
--                         replaceable SQL, src/read_models/schema/read.sql).
--   orderdesk_read_owner  still owns `read`; TEMP on the database, which
--                         REFRESH … CONCURRENTLY needs for its diff table.
--   PUBLIC                no TEMP on the database (CONNECT stays).
--
-- Rebuilds, verify --repair and a time-zone change stay with the owner's CLI
-- (`orderdesk refresh --rebuild`, `verify --repair`, `migrate`).
--
-- Role membership is cluster-wide: `orderdesk setup-roles` no longer grants it
-- either (src/db/roles.rs).

REVOKE orderdesk_read_owner FROM orderdesk_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON
    read.order_summaries, read.order_status_counts, read.daily_sales,
    read.product_sales_daily, read.inventory_status, read.customer_stats,
    read.product_sales_30d, read.dashboard
    TO orderdesk_app;
GRANT SELECT ON read.monthly_sales, read.product_sales_monthly, read.customer_cohorts
    TO orderdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    read_model_refreshes, read_model_state, read_model_queue, read_model_changes,
    read_model_live, read_model_batches
    TO orderdesk_app;
-- Nothing more than DML, whoever granted it before.
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA read FROM orderdesk_app;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON
    read_model_refreshes, read_model_state, read_model_queue, read_model_changes,
    read_model_live, read_model_batches
    FROM orderdesk_app;
-- The report views are refreshed, never written.
REVOKE INSERT, UPDATE, DELETE ON read.monthly_sales, read.product_sales_monthly,
    read.customer_cohorts FROM orderdesk_app;

DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO orderdesk_read_owner', current_database());
END
$$;
