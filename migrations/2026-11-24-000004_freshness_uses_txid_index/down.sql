-- The original definition (sequential scan of events).
CREATE OR REPLACE FUNCTION read.read_model_status(p_view text, p_event_types text[])
RETURNS TABLE (
    as_of timestamptz, watermark bigint, pending bigint,
    last_run_at timestamptz, last_outcome text, last_duration_ms bigint, last_rows bigint, last_error text
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH ok AS (
        SELECT started_at, r.watermark, snapshot, r.rows, duration_ms FROM read_model_refreshes r
        WHERE view_name = p_view AND outcome = 'ok' ORDER BY id DESC LIMIT 1
    ), last AS (
        SELECT started_at, outcome, duration_ms, r.rows, error FROM read_model_refreshes r
        WHERE view_name = p_view AND outcome <> 'skipped' ORDER BY id DESC LIMIT 1
    )
    SELECT ok.started_at,
           ok.watermark,
           (SELECT count(*) FROM events e
             WHERE e.event_type = ANY (p_event_types)
               AND (ok.snapshot IS NULL
                    OR (e.txid >= pg_snapshot_xmin(ok.snapshot)
                        AND NOT pg_visible_in_snapshot(e.txid, ok.snapshot)))),
           last.started_at, last.outcome, last.duration_ms, last.rows, last.error
    FROM (SELECT 1) one
    LEFT JOIN ok ON true
    LEFT JOIN last ON true
$$;
