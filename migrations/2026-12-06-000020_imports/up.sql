-- CSV imports with a preview (issue 23). An upload is parsed into
-- `import_rows` (the staging table) under one `import_jobs` row; a
-- background worker compares every row with the write model (the preview:
-- create, update with old -> new, unchanged, refused) and, once staff press
-- "Import", applies the rows as previewed in chunks of at most 1,000, each
-- chunk one transaction through the commands, recording its progress in the
-- same transaction (a crash resumes after the last committed chunk). Jobs
-- expire a day after the upload and are pruned with their rows; the events
-- the import wrote stay (their request_id is `import-<job id>`).

CREATE TABLE import_jobs (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('products', 'stock_counts', 'customers')),
    -- checking: the worker compares rows with the write model;
    -- previewed: the preview is complete (importable when refused = 0);
    -- applying: "Import" was pressed; the worker applies chunk by chunk;
    -- done: every row was applied or refused at apply time.
    state           text NOT NULL DEFAULT 'checking'
                    CHECK (state IN ('checking', 'previewed', 'applying', 'done')),
    owner_user_id   bigint REFERENCES staff_users (id),
    owner           text NOT NULL,
    file_name       text NOT NULL CHECK (char_length(file_name) <= 255),
    delimiter       text NOT NULL CHECK (delimiter IN (',', ';')),
    rows_total      integer NOT NULL CHECK (rows_total >= 0),
    -- The preview: rows compared so far and the count of each outcome.
    rows_checked    integer NOT NULL DEFAULT 0 CHECK (rows_checked >= 0),
    creates         integer NOT NULL DEFAULT 0,
    updates         integer NOT NULL DEFAULT 0,
    unchanged       integer NOT NULL DEFAULT 0,
    refused         integer NOT NULL DEFAULT 0,
    -- The apply: the last row (seq) whose chunk committed, rows applied and
    -- rows refused because their record changed after the preview.
    applied_through integer NOT NULL DEFAULT 0 CHECK (applied_through >= 0),
    rows_applied    integer NOT NULL DEFAULT 0 CHECK (rows_applied >= 0),
    apply_refused   integer NOT NULL DEFAULT 0 CHECK (apply_refused >= 0),
    -- The last failure of a chunk (the database, not a row): retried.
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL DEFAULT now() + interval '1 day',
    queued_at       timestamptz,
    finished_at     timestamptz,
    CHECK ((state = 'applying' OR state = 'done') = (queued_at IS NOT NULL)),
    CHECK ((state = 'done') = (finished_at IS NOT NULL)),
    CHECK (state IN ('checking', 'previewed') OR refused = 0)
);

CREATE INDEX import_jobs_pending_idx ON import_jobs (state, queued_at, id)
    WHERE state IN ('checking', 'applying');
CREATE INDEX import_jobs_expires_idx ON import_jobs (expires_at);

COMMENT ON TABLE import_jobs IS
    'One CSV import: its preview counts and apply progress; expires a day after upload';

CREATE TABLE import_rows (
    job_id          bigint NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    -- The row's place in the file (1, 2, …) and its line as a spreadsheet
    -- numbers rows (the header is line 1; a quoted newline starts no new line).
    seq             integer NOT NULL CHECK (seq > 0),
    line            integer NOT NULL CHECK (line > 0),
    -- The SKU or email the row names (normalised), NULL when unreadable.
    key             text,
    -- The row's values by column as parsed; after the preview, every value
    -- the record will hold (what the apply writes).
    fields          jsonb NOT NULL,
    -- NULL until compared.
    outcome         text CHECK (outcome IN ('create', 'update', 'unchanged', 'refused')),
    -- The record an update changes, and its version at the preview (for a
    -- stock count: the units on hand at the preview).
    target_id       bigint,
    target_version  integer,
    -- [{field, old, new}] for an update; [{column, reason}] for a refusal.
    changes         jsonb,
    refusals        jsonb,
    -- What the apply did: applied, or refused (the record changed since the preview).
    applied         text CHECK (applied IN ('applied', 'refused')),
    apply_error     text,
    PRIMARY KEY (job_id, seq),
    CHECK ((outcome = 'refused') = (refusals IS NOT NULL))
);

CREATE INDEX import_rows_key_idx ON import_rows (job_id, key);
CREATE INDEX import_rows_outcome_idx ON import_rows (job_id, outcome, seq);

COMMENT ON TABLE import_rows IS
    'The staged rows of an import job, with their preview outcome and what the apply did';
