-- The preview of a chunk of job $1's rows, one array element per row: its
-- outcome, the record it changes and that record's version, every value the
-- record will hold, and the changes or the reasons it is refused.
UPDATE import_rows r
SET outcome = u.outcome,
    target_id = u.target_id,
    target_version = u.target_version,
    fields = u.fields,
    changes = u.changes,
    refusals = u.refusals
FROM unnest($2::int4[], $3::text[], $4::int8[], $5::int4[], $6::jsonb[], $7::jsonb[], $8::jsonb[])
     AS u (seq, outcome, target_id, target_version, fields, changes, refusals)
WHERE r.job_id = $1 AND r.seq = u.seq
