-- What the apply did to a chunk of job $1's rows: applied, or refused with
-- the reason (the record changed after the preview).
UPDATE import_rows r
SET applied = u.applied, apply_error = u.apply_error
FROM unnest($2::int4[], $3::text[], $4::text[]) AS u (seq, applied, apply_error)
WHERE r.job_id = $1 AND r.seq = u.seq
