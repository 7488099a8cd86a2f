-- Every row of job $1 whose key (SKU or email) another row of the file also
-- names is refused, naming every line that has it: the file must say once
-- what each record becomes. $2 is the key's column, $3 what it is called.
WITH repeated AS (
    SELECT key, string_agg(line::text, ', ' ORDER BY line) AS lines
    FROM import_rows
    WHERE job_id = $1 AND key IS NOT NULL
    GROUP BY key
    HAVING count(*) > 1
)
UPDATE import_rows r
SET outcome = 'refused',
    refusals = coalesce(r.refusals, '[]'::jsonb) || jsonb_build_array(jsonb_build_object(
        'column', $2::text,
        'reason', format('the %s %s is on lines %s; a file may name it once', $3::text, d.key, d.lines)))
FROM repeated d
WHERE r.job_id = $1 AND r.key = d.key
