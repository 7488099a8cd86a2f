-- Back to one role doing everything; the roles themselves stay (they are
-- cluster-wide and may serve other databases).
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.relname, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'read' AND c.relkind IN ('r', 'm', 'v', 'p')
    LOOP
        EXECUTE format('ALTER %s read.%I OWNER TO %I',
            CASE r.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
            r.relname, current_user);
    END LOOP;
END
$$;
DROP FUNCTION orderdesk_read_owner_takes_read();
ALTER DEFAULT PRIVILEGES FOR ROLE orderdesk_read_owner IN SCHEMA read
    REVOKE SELECT ON TABLES FROM orderdesk_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE orderdesk_read_owner IN SCHEMA read
    REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM orderdesk_app;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'read_def') THEN
        REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA read_def FROM orderdesk_app, orderdesk_read_owner;
        REVOKE USAGE ON SCHEMA read_def FROM orderdesk_app, orderdesk_read_owner;
    END IF;
END
$$;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM orderdesk_read_owner;
REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM orderdesk_read_owner;
REVOKE USAGE ON SCHEMA public FROM orderdesk_read_owner;
ALTER DEFAULT PRIVILEGES IN SCHEMA read REVOKE SELECT ON TABLES FROM orderdesk_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA read
    REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM orderdesk_app;
REVOKE ALL ON ALL TABLES IN SCHEMA read FROM orderdesk_app;
REVOKE USAGE ON SCHEMA read FROM orderdesk_app, orderdesk_read_owner;
GRANT SELECT ON ALL TABLES IN SCHEMA read TO orderdesk_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM orderdesk_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM orderdesk_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM orderdesk_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM orderdesk_app;
REVOKE USAGE ON SCHEMA public FROM orderdesk_app;
