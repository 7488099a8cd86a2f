-- Run by a superuser inside a database created before the least-privilege
-- roles (its objects owned by whoever migrated it): hands the database and
-- every schema object of `public` and `read` to orderdesk_owner (relations in
-- `read` already handed to orderdesk_read_owner stay there, as does its
-- read.refresh_report), and gives
-- orderdesk_owner the default privileges the roles migration set up for the
-- role that ran it, so objects the owner creates later are granted alike.
DO $$
DECLARE
    r record;
BEGIN
    EXECUTE format('ALTER DATABASE %I OWNER TO orderdesk_owner', current_database());
    IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'read') THEN
        ALTER SCHEMA read OWNER TO orderdesk_owner;
    END IF;
    FOR r IN
        SELECT n.nspname, c.relname, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('public', 'read') AND c.relkind IN ('r', 'm', 'v', 'p')
          AND c.relowner NOT IN ('orderdesk_owner'::regrole, 'orderdesk_read_owner'::regrole)
    LOOP
        EXECUTE format('ALTER %s %I.%I OWNER TO orderdesk_owner',
            CASE r.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
            r.nspname, r.relname);
    END LOOP;
    FOR r IN
        SELECT p.oid::regprocedure AS f FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('public', 'read')
          AND p.proowner NOT IN ('orderdesk_owner'::regrole, 'orderdesk_read_owner'::regrole)
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO orderdesk_owner', r.f);
    END LOOP;
END
$$;
ALTER DEFAULT PRIVILEGES FOR ROLE orderdesk_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orderdesk_app;
ALTER DEFAULT PRIVILEGES FOR ROLE orderdesk_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO orderdesk_app;
ALTER DEFAULT PRIVILEGES FOR ROLE orderdesk_owner IN SCHEMA public
    GRANT SELECT ON TABLES TO orderdesk_read_owner;
ALTER DEFAULT PRIVILEGES FOR ROLE orderdesk_owner IN SCHEMA read
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orderdesk_app;
ALTER DEFAULT PRIVILEGES FOR ROLE orderdesk_owner IN SCHEMA read
    GRANT SELECT ON TABLES TO orderdesk_reader;
