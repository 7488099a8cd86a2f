-- The write model: normalized tables changed only by src/commands/.
-- The database itself holds the invariants (CHECK, UNIQUE, FOREIGN KEY), so a
-- bug in a command cannot store an impossible state.
--
-- This is the baseline of issue 21: the old chain (000001..000034, made while
-- the product was unreleased) squashed into three migrations that read as the
-- schema they make. A database made by the old chain is refused by
-- `orderdesk migrate` (re-create it). From here on migrations are append-only.
--
-- Least-privilege roles (created cluster-wide by `orderdesk setup-roles`; made
-- here if missing so the migrations stand alone):
--
--   owner (runs `orderdesk migrate`)  owns the schema; DDL; the only role with TRUNCATE
--   orderdesk_app                     the server's write pool and read-model maintainer:
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
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'orderdesk_reader') THEN
        CREATE ROLE orderdesk_reader NOLOGIN;
    END IF;
END
$$;

-- The application: DML on every write table, present and future; a refresh
-- runs a report view's query as its owner (orderdesk_read_owner), which reads
-- the write tables. Migrations are the owner's: the others only read them.
GRANT USAGE ON SCHEMA public TO orderdesk_app, orderdesk_read_owner;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orderdesk_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO orderdesk_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO orderdesk_read_owner;
GRANT SELECT ON __diesel_schema_migrations TO orderdesk_app, orderdesk_read_owner;

CREATE TABLE customers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    phone       text CHECK (phone IS NULL OR length(phone) BETWEEN 3 AND 40),
    version     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customers_email_key UNIQUE (email)
);

CREATE TABLE products (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku          text NOT NULL CHECK (sku ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    price_cents  bigint NOT NULL CHECK (price_cents > 0),
    active       boolean NOT NULL DEFAULT true,
    version      integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT products_sku_key UNIQUE (sku)
);

-- One row per product, created with the product. `reserved` is stock promised
-- to placed or paid orders; it leaves `on_hand` when the order ships.
CREATE TABLE inventory (
    product_id           bigint PRIMARY KEY REFERENCES products (id),
    on_hand              integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved             integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    low_stock_threshold  integer NOT NULL DEFAULT 10 CHECK (low_stock_threshold >= 0),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT inventory_reserved_within_on_hand CHECK (reserved <= on_hand)
);

-- The stock ledger: every change of on_hand or reserved, signed.
CREATE TABLE stock_movements (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id   bigint NOT NULL REFERENCES products (id),
    kind         text NOT NULL CHECK (kind IN ('receipt', 'adjustment', 'reservation', 'release', 'shipment')),
    quantity     integer NOT NULL CHECK (quantity <> 0),
    reason       text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    order_id     bigint,
    actor        text NOT NULL,
    occurred_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_movements_product_idx ON stock_movements (product_id, occurred_at);

CREATE TABLE orders (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id          bigint NOT NULL REFERENCES customers (id),
    status               text NOT NULL DEFAULT 'placed'
                         CHECK (status IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled')),
    shipping_address     text NOT NULL CHECK (length(btrim(shipping_address)) BETWEEN 1 AND 1000),
    idempotency_key      text NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 100),
    -- SHA-256 of the order's content, so a replayed key with other content is a conflict.
    request_fingerprint  text NOT NULL,
    placed_at            timestamptz NOT NULL DEFAULT now(),
    paid_at              timestamptz,
    shipped_at           timestamptz,
    delivered_at         timestamptz,
    cancelled_at         timestamptz,
    cancellation_reason  text CHECK (cancellation_reason IS NULL OR length(cancellation_reason) BETWEEN 1 AND 500),
    version              integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orders_idempotency_key_key UNIQUE (idempotency_key),
    -- Each status carries the timestamps of the steps that lead to it, and no others.
    CONSTRAINT orders_status_timestamps CHECK (
        CASE status
            WHEN 'placed'    THEN paid_at IS NULL AND shipped_at IS NULL AND delivered_at IS NULL AND cancelled_at IS NULL
            WHEN 'paid'      THEN paid_at IS NOT NULL AND shipped_at IS NULL AND delivered_at IS NULL AND cancelled_at IS NULL
            WHEN 'shipped'   THEN paid_at IS NOT NULL AND shipped_at IS NOT NULL AND delivered_at IS NULL AND cancelled_at IS NULL
            WHEN 'delivered' THEN paid_at IS NOT NULL AND shipped_at IS NOT NULL AND delivered_at IS NOT NULL AND cancelled_at IS NULL
            WHEN 'cancelled' THEN shipped_at IS NULL AND delivered_at IS NULL AND cancelled_at IS NOT NULL
                                  AND cancellation_reason IS NOT NULL
        END
    )
);
CREATE INDEX orders_customer_idx ON orders (customer_id);

CREATE TABLE order_lines (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id          bigint NOT NULL REFERENCES orders (id),
    line_no           integer NOT NULL CHECK (line_no >= 1),
    product_id        bigint NOT NULL REFERENCES products (id),
    quantity          integer NOT NULL CHECK (quantity > 0),
    unit_price_cents  bigint NOT NULL CHECK (unit_price_cents > 0),
    CONSTRAINT order_lines_order_line_key UNIQUE (order_id, line_no),
    CONSTRAINT order_lines_order_product_key UNIQUE (order_id, product_id)
);
CREATE INDEX order_lines_product_idx ON order_lines (product_id);

-- The append-only audit trail and the read side's clock. `txid` is the writing
-- transaction, so a refresh can tell exactly which events its snapshot saw.
CREATE TABLE events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    aggregate_type  text NOT NULL CHECK (aggregate_type IN ('customer', 'product', 'order', 'user')),
    aggregate_id    bigint NOT NULL,
    event_type      text NOT NULL,
    payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
    actor           text NOT NULL,
    request_id      text,
    txid            xid8 NOT NULL DEFAULT pg_current_xact_id(),
    occurred_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_aggregate_idx ON events (aggregate_type, aggregate_id, id);
CREATE INDEX events_txid_idx ON events (txid);

CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events is append-only: % is not allowed', TG_OP;
END;
$$;
CREATE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();
CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();
-- The application may only append to events (and read them).
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM orderdesk_app;
