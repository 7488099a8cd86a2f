-- Back to SQL functions (as migrations 000006, 000021 and 000030 left them).

CREATE OR REPLACE FUNCTION read.session_lookup(p_id text, p_idle_secs double precision)
RETURNS TABLE (
    session_id text, user_id bigint, username text, role text, csrf_token text, touch_due boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET jit = off AS $$
    SELECT s.id, u.id, u.username, u.role, s.csrf_token,
           s.last_seen_at < now() - interval '60 seconds'
    FROM sessions s JOIN staff_users u ON u.id = s.user_id
    WHERE s.id = p_id AND u.active AND s.expires_at > now()
      AND s.last_seen_at > now() - make_interval(secs => p_idle_secs)
$$;

CREATE OR REPLACE FUNCTION read.has_caught_up(p_view text, p_event_id bigint)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET jit = off AS $$
    SELECT coalesce((
        SELECT CASE
            WHEN EXISTS (SELECT 1 FROM read_model_live l WHERE l.name = p_view) THEN
                pg_visible_in_snapshot(e.txid, s.snapshot)
                AND NOT EXISTS (SELECT 1 FROM read_model_queue q WHERE q.txid = e.txid)
            ELSE (SELECT pg_visible_in_snapshot(e.txid, r.snapshot) FROM read_model_refreshes r
                  WHERE r.view_name = p_view AND r.outcome = 'ok' ORDER BY r.id DESC LIMIT 1)
        END
        FROM events e, read_model_state s
        WHERE e.id = p_event_id
    ), false)
$$;

CREATE OR REPLACE FUNCTION read.live_model_status(p_event_types text[])
RETURNS TABLE (
    name text, as_of timestamptz, pending bigint, queued bigint, last_batch_at timestamptz,
    last_batch_ms double precision, last_rows_changed bigint, rows_changed bigint,
    last_rebuild_at timestamptz, last_rebuild_ms bigint, last_verify_at timestamptz, last_verify_diffs bigint,
    last_error text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET jit = off AS $$
    WITH s AS (SELECT snapshot, as_of FROM read_model_state),
    unseen AS (
        SELECT count(*) AS n FROM events e, s
        WHERE e.txid >= pg_snapshot_xmin(s.snapshot)
          AND NOT pg_visible_in_snapshot(e.txid, s.snapshot)
          AND (p_event_types IS NULL OR e.event_type = ANY (p_event_types))
    ),
    queued AS (SELECT count(DISTINCT txid) AS n FROM read_model_queue)
    SELECT l.name, s.as_of, unseen.n + queued.n, queued.n, l.last_batch_at, l.last_batch_ms,
           l.last_rows_changed, l.rows_changed, l.last_rebuild_at, l.last_rebuild_ms,
           l.last_verify_at, l.last_verify_diffs, l.last_error
    FROM read_model_live l, s, unseen, queued
$$;

CREATE OR REPLACE FUNCTION read.read_model_status(p_view text, p_event_types text[])
RETURNS TABLE (
    as_of timestamptz, watermark bigint, pending bigint,
    last_run_at timestamptz, last_outcome text, last_duration_ms bigint, last_rows bigint, last_error text
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET jit = off AS $$
    WITH live AS (
        SELECT m.as_of, m.pending, m.last_batch_at, m.last_batch_ms, m.last_rows_changed, m.last_error
        FROM read.live_model_status(p_event_types) m WHERE m.name = p_view
    ), ok AS (
        SELECT started_at, r.watermark, snapshot FROM read_model_refreshes r
        WHERE view_name = p_view AND outcome = 'ok' ORDER BY id DESC LIMIT 1
    ), last AS (
        SELECT started_at, outcome, duration_ms, r.rows, error FROM read_model_refreshes r
        WHERE view_name = p_view AND outcome <> 'skipped' ORDER BY id DESC LIMIT 1
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
    LEFT JOIN last ON true
$$;
