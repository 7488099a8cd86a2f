-- The functions the read side calls (schema read): freshness, the audit
-- trail, the session look-up. The reader may read only schema `read`, so these
-- run as their owner (SECURITY DEFINER, the migrations' role) and answer only
-- what a page needs from the write tables and the maintainer's state.
--
-- Replaceable schema: `orderdesk migrate` runs this file (after read_def.sql)
-- in one transaction whenever the files' content changes
-- (src/db/replaceable.rs). Every function in schema `read` is dropped first
-- and made again from this text, so a change to one is a diff of this file,
-- never a migration. Nothing in migrations/ may depend on these functions.
--
-- Why they are written as they are (measured when they were introduced):
--
-- * PL/pgSQL, not SQL. As SECURITY DEFINER functions they are never inlined,
--   and a SQL function that is not inlined is parsed and planned again on
--   every call: pgbench on one connection measured read.session_lookup at
--   0.36 ms against 0.12 ms for SELECT 1. In PL/pgSQL the plans are kept for
--   the session: 0.16 ms.
-- * `SET jit = off`. Inside a function the stored snapshot is a parameter, so
--   the planner guesses a third of `events` past its xmin (890k rows at 1M
--   orders) and a never-analysed read_model_state at 1,060 rows: the cost
--   estimate crossed jit_above_cost and each call spent ~75 ms compiling a
--   plan that then ran in 0.03 ms (237 ms per call at 1M orders). These
--   answers are always tiny: no JIT for them.
-- * `SET plan_cache_mode = force_generic_plan` (the freshness functions every
--   page calls). PL/pgSQL's plan cache compares a generic plan's estimate with
--   the custom plans' and, with the event-type array as a parameter, always
--   judged a custom plan cheaper, so each call paid the planner (about two
--   thirds of PostgreSQL's time under the dashboard's load). Their queries
--   have one good shape whatever the arguments (the txid index for unseen
--   events, the primary key for the rest), so they keep one generic plan per
--   session (pgbench -M prepared, one connection, 1M orders, caught up:
--   live_model_status 0.22 -> 0.13 ms, read_model_status 0.60 -> 0.14 ms).
-- * Pending events are counted with the txid range as its own conjunct
--   (`txid >= coalesce(pg_snapshot_xmin(snapshot), '0')`), never inside an OR
--   (`snapshot IS NULL OR (txid >= xmin AND NOT visible)`): the OR hid the
--   range from the planner, so every call read all of `events` (70 ms at 100k
--   orders, ~0.7 s at 1M), where the range uses events_txid_idx.

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p WHERE p.pronamespace = 'read'::regnamespace
    LOOP
        EXECUTE format('DROP FUNCTION %s', f);
    END LOOP;
END
$$;

-- The freshness of every live model at once (the status page): the
-- snapshot's time, the events committed after it (of the given types) plus
-- the transactions whose keys are still queued, and what each model's last
-- batch, rebuild and verify did.
CREATE FUNCTION read.live_model_status(p_event_types text[])
RETURNS TABLE (
    name text, as_of timestamptz, pending bigint, queued bigint, last_batch_at timestamptz,
    last_batch_ms double precision, last_rows_changed bigint, rows_changed bigint,
    last_rebuild_at timestamptz, last_rebuild_ms bigint, last_verify_at timestamptz, last_verify_diffs bigint,
    last_error text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp SET jit = off
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    WITH s AS (SELECT st.snapshot, st.as_of FROM read_model_state st),
    unseen AS (
        SELECT count(*) AS n FROM events e, s
        WHERE e.txid >= pg_snapshot_xmin(s.snapshot)
          AND NOT pg_visible_in_snapshot(e.txid, s.snapshot)
          AND (p_event_types IS NULL OR e.event_type = ANY (p_event_types))
    ),
    queued AS (SELECT count(DISTINCT q.txid) AS n FROM read_model_queue q)
    SELECT l.name, s.as_of, unseen.n + queued.n, queued.n, l.last_batch_at, l.last_batch_ms,
           l.last_rows_changed, l.rows_changed, l.last_rebuild_at, l.last_rebuild_ms,
           l.last_verify_at, l.last_verify_diffs, l.last_error
    FROM read_model_live l, s, unseen, queued;
END
$$;

-- The freshness of one model (live or report): as of, pending events of the
-- given types, and its last run (the status page and `orderdesk refresh`).
CREATE FUNCTION read.read_model_status(p_view text, p_event_types text[])
RETURNS TABLE (
    as_of timestamptz, watermark bigint, pending bigint,
    last_run_at timestamptz, last_outcome text, last_duration_ms bigint, last_rows bigint, last_error text
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp SET jit = off
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    WITH live AS (
        SELECT m.as_of, m.pending, m.last_batch_at, m.last_batch_ms, m.last_rows_changed, m.last_error
        FROM read.live_model_status(p_event_types) m WHERE m.name = p_view
    ), ok AS (
        SELECT r.started_at, r.watermark, r.snapshot FROM read_model_refreshes r
        WHERE r.view_name = p_view AND r.outcome = 'ok' ORDER BY r.id DESC LIMIT 1
    ), last AS (
        SELECT r.started_at, r.outcome, r.duration_ms, r.rows, r.error FROM read_model_refreshes r
        WHERE r.view_name = p_view AND r.outcome <> 'skipped' ORDER BY r.id DESC LIMIT 1
    )
    SELECT coalesce(live.as_of, ok.started_at),
           ok.watermark,
           coalesce(live.pending, (SELECT count(*) FROM events e
             WHERE e.event_type = ANY (p_event_types)
               AND e.txid >= coalesce(pg_snapshot_xmin(ok.snapshot), '0'::xid8)
               AND (ok.snapshot IS NULL OR NOT pg_visible_in_snapshot(e.txid, ok.snapshot)))),
           coalesce(live.last_batch_at, last.started_at),
           CASE WHEN live.as_of IS NOT NULL THEN 'ok' ELSE last.outcome END,
           coalesce(round(live.last_batch_ms)::bigint, last.duration_ms),
           coalesce(live.last_rows_changed, last.rows),
           CASE WHEN live.as_of IS NOT NULL THEN live.last_error ELSE last.error END
    FROM (SELECT 1) one
    LEFT JOIN live ON true
    LEFT JOIN ok ON true
    LEFT JOIN last ON true;
END
$$;

-- Every page's freshness from one lean function: when its model's data is
-- from, how many changes that affect it are pending, and its generation (a
-- report's is the id of its last successful refresh). The same answers as
-- read.read_model_status's as_of and pending, which the status page keeps
-- (a test compares the two for every model), without the status page's
-- columns, CTEs and aggregates: the lists paid for all of them on every view.
CREATE FUNCTION read.page_freshness(p_view text, p_event_types text[])
RETURNS TABLE (as_of timestamptz, pending bigint, generation bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET jit = off SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT s.as_of,
           (SELECT count(*) FROM events e
             WHERE e.txid >= pg_snapshot_xmin(s.snapshot)
               AND NOT pg_visible_in_snapshot(e.txid, s.snapshot)
               AND e.event_type = ANY (p_event_types))
         + (SELECT count(DISTINCT q.txid) FROM read_model_queue q),
           l.generation
    FROM read_model_state s JOIN read_model_live l ON l.name = p_view;
    IF FOUND THEN
        RETURN;
    END IF;
    -- A report: as of its last successful refresh (never refreshed: no
    -- date, every event of its types pending, generation 0).
    RETURN QUERY
    SELECT ok.started_at,
           (SELECT count(*) FROM events e
             WHERE e.event_type = ANY (p_event_types)
               AND e.txid >= coalesce(pg_snapshot_xmin(ok.snapshot), '0'::xid8)
               AND (ok.snapshot IS NULL OR NOT pg_visible_in_snapshot(e.txid, ok.snapshot))),
           coalesce(ok.id, 0)
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (
        SELECT r.id, r.started_at, r.snapshot FROM read_model_refreshes r
        WHERE r.view_name = p_view AND r.outcome = 'ok' ORDER BY r.id DESC LIMIT 1
    ) ok ON true;
END
$$;

-- Whether a model includes event `p_event_id` (the "processing…" page asks
-- about the user's own change). Live models: its transaction is in the
-- maintained snapshot and none of its keys waits in the queue. Report views:
-- the last good refresh's snapshot saw it.
CREATE FUNCTION read.has_caught_up(p_view text, p_event_id bigint)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp SET jit = off AS $$
BEGIN
    RETURN coalesce((
        SELECT CASE
            WHEN EXISTS (SELECT 1 FROM read_model_live l WHERE l.name = p_view) THEN
                pg_visible_in_snapshot(e.txid, s.snapshot)
                AND NOT EXISTS (SELECT 1 FROM read_model_queue q WHERE q.txid = e.txid)
            ELSE (SELECT pg_visible_in_snapshot(e.txid, r.snapshot) FROM read_model_refreshes r
                  WHERE r.view_name = p_view AND r.outcome = 'ok' ORDER BY r.id DESC LIMIT 1)
        END
        FROM events e, read_model_state s
        WHERE e.id = p_event_id
    ), false);
END
$$;

-- The audit trail of one record, for detail pages ("who did what, when").
-- Events are append-only and this reads them live, so history is never stale.
CREATE FUNCTION read.history(p_aggregate_type text, p_aggregate_id bigint)
RETURNS TABLE (id bigint, event_type text, actor text, occurred_at timestamptz, payload jsonb)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT e.id, e.event_type, e.actor, e.occurred_at, e.payload FROM events e
    WHERE e.aggregate_type = p_aggregate_type AND e.aggregate_id = p_aggregate_id
    ORDER BY e.id
    LIMIT 500
$$;

-- CSV imports (issue 23): a job and its staged rows are write-side tables
-- (the worker writes them as it previews and applies), read live by the
-- import pages through these two functions, as the reader may not read them.
-- A job by id (p_id), or the newest p_limit jobs (p_id NULL), expired or not.
CREATE FUNCTION read.import_jobs(p_id bigint, p_limit integer)
RETURNS TABLE (
    id bigint, kind text, state text, owner text, file_name text, delimiter text,
    rows_total integer, rows_checked integer, creates integer, updates integer,
    unchanged integer, refused integer, rows_applied integer, apply_refused integer,
    last_error text, created_at timestamptz, expires_at timestamptz, queued_at timestamptz,
    finished_at timestamptz, ahead bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp SET jit = off AS $$
BEGIN
    RETURN QUERY
    SELECT j.id, j.kind, j.state, j.owner, j.file_name, j.delimiter, j.rows_total,
           j.rows_checked, j.creates, j.updates, j.unchanged, j.refused, j.rows_applied,
           j.apply_refused, j.last_error, j.created_at, j.expires_at, j.queued_at,
           j.finished_at,
           -- The jobs that apply before this one (one job applies at a time).
           (SELECT count(*) FROM import_jobs a
            WHERE j.state = 'applying' AND a.state = 'applying'
              AND (a.queued_at, a.id) < (j.queued_at, j.id))
    FROM import_jobs j
    WHERE p_id IS NULL OR j.id = p_id
    ORDER BY j.id DESC
    LIMIT p_limit;
END
$$;

-- A page of job p_job's rows after row p_after, in file order: all of them
-- (p_outcome NULL), one outcome's, or those refused at apply ('apply_refused').
CREATE FUNCTION read.import_rows(p_job bigint, p_outcome text, p_after integer, p_limit integer)
RETURNS TABLE (
    seq integer, line integer, key text, outcome text, fields jsonb, changes jsonb,
    refusals jsonb, applied text, apply_error text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp SET jit = off AS $$
BEGIN
    RETURN QUERY
    SELECT r.seq, r.line, r.key, r.outcome, r.fields, r.changes, r.refusals, r.applied,
           r.apply_error
    FROM import_rows r
    WHERE r.job_id = p_job AND r.seq > p_after
      AND (p_outcome IS NULL OR r.outcome = p_outcome
           OR (p_outcome = 'apply_refused' AND r.applied = 'refused'))
    ORDER BY r.seq
    LIMIT p_limit;
END
$$;

-- Sessions are validated where the reads go (issue 13): on a hot standby when
-- READ_DATABASE_URL points at one, so signed-in staff stay signed in while the
-- primary is down. This function (owned by the migrations' role, which owns
-- `sessions` and `staff_users`) answers for the reader, in one statement,
-- read-only (it runs on a standby too). It also says whether the
-- at-most-once-a-minute `last_seen_at` touch is due; the server then makes
-- that one write on the primary, skipped while the primary is away.
CREATE FUNCTION read.session_lookup(p_id text, p_idle_secs double precision)
RETURNS TABLE (
    session_id text, user_id bigint, username text, role text, csrf_token text, touch_due boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp SET jit = off AS $$
BEGIN
    RETURN QUERY
    SELECT s.id, u.id, u.username, u.role, s.csrf_token,
           s.last_seen_at < now() - interval '60 seconds'
    FROM sessions s JOIN staff_users u ON u.id = s.user_id
    WHERE s.id = p_id AND u.active AND s.expires_at > now()
      AND s.last_seen_at > now() - make_interval(secs => p_idle_secs);
END
$$;

-- Refreshes one report view, as the owner of `read` (the application role
-- owns nothing there: it could otherwise DROP, ALTER or attach triggers to the
-- read models). The name must be one of the report views, never any other
-- relation; the caller's transaction (refresh.rs: REPEATABLE READ, under the
-- view's advisory lock) is the refresh's, so its snapshot is the one recorded.
-- Owned by orderdesk_read_owner (see the end of this file); EXECUTE for
-- orderdesk_app only (the owner's CLI reaches it as a member of the owner).
CREATE FUNCTION read.refresh_report(p_view text, p_concurrently boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF p_view IS NULL
       OR p_view NOT IN ('monthly_sales', 'product_sales_monthly', 'customer_cohorts') THEN
        RAISE EXCEPTION 'not a report view: %', p_view
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_concurrently THEN
        EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY read.%I', p_view);
    ELSE
        EXECUTE format('REFRESH MATERIALIZED VIEW read.%I', p_view);
    END IF;
END
$$;

REVOKE ALL ON FUNCTION read.live_model_status(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION read.read_model_status(text, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION read.page_freshness(text, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION read.has_caught_up(text, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION read.history(text, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION read.session_lookup(text, double precision) FROM PUBLIC;
REVOKE ALL ON FUNCTION read.import_jobs(bigint, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION read.import_rows(bigint, text, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION read.live_model_status(text[]) TO orderdesk_reader;
GRANT EXECUTE ON FUNCTION read.read_model_status(text, text[]) TO orderdesk_reader;
GRANT EXECUTE ON FUNCTION read.page_freshness(text, text[]) TO orderdesk_reader;
GRANT EXECUTE ON FUNCTION read.has_caught_up(text, bigint) TO orderdesk_reader;
GRANT EXECUTE ON FUNCTION read.history(text, bigint) TO orderdesk_reader;
GRANT EXECUTE ON FUNCTION read.session_lookup(text, double precision) TO orderdesk_reader;
GRANT EXECUTE ON FUNCTION read.import_jobs(bigint, integer) TO orderdesk_reader;
GRANT EXECUTE ON FUNCTION read.import_rows(bigint, text, integer, integer) TO orderdesk_reader;
REVOKE ALL ON FUNCTION read.refresh_report(text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION read.refresh_report(text, boolean) TO orderdesk_app;
-- The refresh runs as the owner of the report views. Handing the function over
-- needs CREATE on the schema for the new owner, for this moment only (as
-- orderdesk_read_owner_takes_read does for the relations).
GRANT CREATE ON SCHEMA read TO orderdesk_read_owner;
ALTER FUNCTION read.refresh_report(text, boolean) OWNER TO orderdesk_read_owner;
REVOKE CREATE ON SCHEMA read FROM orderdesk_read_owner;
