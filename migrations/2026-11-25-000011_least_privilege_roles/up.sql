-- Least-privilege database roles (issue 12.5). Roles are cluster-wide, so
-- `orderdesk setup-roles` (run by a superuser: script/server, script/test, the
-- test harness) creates them as LOGIN roles with their memberships; this
-- migration only makes sure they exist and grants what each may do in this
-- database. The role that runs the migrations owns everything else.
--
--   owner (runs `orderdesk migrate`)  owns the schema; DDL; the only role with TRUNCATE
--   orderdesk_app                     the server's write pool and read-model refresher:
--                                     DML on the write tables, INSERT/SELECT on events
--                                     (no UPDATE, DELETE, TRUNCATE), DML on `read`
--   orderdesk_read_owner (NOLOGIN)    owns the relations in `read`, so REFRESH works for
--                                     its members (orderdesk_app) without DDL elsewhere
--   orderdesk_reader                  the read pool: SELECT on `read` and EXECUTE on its
--                                     functions; nothing in `public`

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'orderdesk_app') THEN
        CREATE ROLE orderdesk_app NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'orderdesk_read_owner') THEN
        CREATE ROLE orderdesk_read_owner NOLOGIN;
    END IF;
END
$$;

REVOKE ALL ON SCHEMA read FROM PUBLIC;

-- The application: DML on every write table, present and future ...
GRANT USAGE ON SCHEMA public TO orderdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO orderdesk_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO orderdesk_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orderdesk_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO orderdesk_app;
-- ... except that events are append-only and migrations are the owner's.
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM orderdesk_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON __diesel_schema_migrations FROM orderdesk_app;

-- The read models: maintained by the application, owned by orderdesk_read_owner.
GRANT USAGE ON SCHEMA read TO orderdesk_app, orderdesk_read_owner, orderdesk_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA read TO orderdesk_app;
GRANT SELECT ON ALL TABLES IN SCHEMA read TO orderdesk_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA read
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orderdesk_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA read GRANT SELECT ON TABLES TO orderdesk_reader;
-- The live read models' definitions (schema read_def, where it exists): the
-- maintainer (orderdesk_app) and a refresh (orderdesk_read_owner) call them.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'read_def') THEN
        GRANT USAGE ON SCHEMA read_def TO orderdesk_app, orderdesk_read_owner;
        GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA read_def TO orderdesk_app, orderdesk_read_owner;
    END IF;
END
$$;
-- Relations orderdesk_read_owner creates itself (a rebuild run with
-- `SET ROLE orderdesk_read_owner`, should it be given CREATE on `read`) are
-- granted like the migrations' own.
ALTER DEFAULT PRIVILEGES FOR ROLE orderdesk_read_owner IN SCHEMA read
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orderdesk_app;
ALTER DEFAULT PRIVILEGES FOR ROLE orderdesk_read_owner IN SCHEMA read
    GRANT SELECT ON TABLES TO orderdesk_reader;
-- A refresh runs the view's query as its owner, which reads the write tables.
GRANT USAGE ON SCHEMA public TO orderdesk_read_owner;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO orderdesk_read_owner;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO orderdesk_read_owner;
-- Hands every relation in `read` to orderdesk_read_owner. A migration that
-- creates read models calls it again: `SELECT orderdesk_read_owner_takes_read();`.
-- (The new owner needs CREATE on the schema for ALTER OWNER; it gets it only
-- for the hand-over, so no member can create new objects there.)
CREATE FUNCTION orderdesk_read_owner_takes_read() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    GRANT CREATE ON SCHEMA read TO orderdesk_read_owner;
    FOR r IN
        SELECT c.relname, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'read' AND c.relkind IN ('r', 'm', 'v', 'p')
          AND c.relowner <> 'orderdesk_read_owner'::regrole
    LOOP
        EXECUTE format('ALTER %s read.%I OWNER TO orderdesk_read_owner',
            CASE r.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
            r.relname);
    END LOOP;
    REVOKE CREATE ON SCHEMA read FROM orderdesk_read_owner;
END
$$;
REVOKE ALL ON FUNCTION orderdesk_read_owner_takes_read() FROM PUBLIC;
SELECT orderdesk_read_owner_takes_read();
