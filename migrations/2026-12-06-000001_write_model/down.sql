DROP TABLE events, order_lines, orders, stock_movements, inventory, products, customers;
DROP FUNCTION events_are_append_only();
REVOKE SELECT ON __diesel_schema_migrations FROM orderdesk_app, orderdesk_read_owner;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM orderdesk_read_owner;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM orderdesk_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM orderdesk_app;
REVOKE USAGE ON SCHEMA public FROM orderdesk_app, orderdesk_read_owner;
