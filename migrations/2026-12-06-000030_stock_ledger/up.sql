-- The stock ledger on screen (issue 23): a live model with one row per stock
-- movement, read by each product's page, newest first, keyset-paged and
-- filterable by kind. Its definition is read_def.stock_ledger (the
-- replaceable SQL); the maintainer keeps it by key: the movements of the
-- orders a batch touched (reservations, releases, shipments) and, for the
-- products it touched, their movements without an order (receipts,
-- adjustments). Staleness: the same snapshot as every live model, normally
-- milliseconds behind a commit.

CREATE TABLE read.stock_ledger (
    id           bigint NOT NULL,
    product_id   bigint NOT NULL,
    kind         text NOT NULL,
    quantity     integer NOT NULL,
    reason       text NOT NULL,
    order_id     bigint,
    actor        text NOT NULL,
    occurred_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX stock_ledger_id ON read.stock_ledger (id);
-- The product page's two orders: every kind, and one kind.
CREATE INDEX stock_ledger_product ON read.stock_ledger (product_id, occurred_at DESC, id DESC);
CREATE INDEX stock_ledger_product_kind
    ON read.stock_ledger (product_id, kind, occurred_at DESC, id DESC);
-- The maintainer's scopes: an order's movements, a product's without an order.
CREATE INDEX stock_ledger_order ON read.stock_ledger (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX stock_ledger_unordered ON read.stock_ledger (product_id) WHERE order_id IS NULL;
COMMENT ON TABLE read.stock_ledger IS
    'Live model: one row per stock movement (read_def.stock_ledger). Maintained by key: '
    'an order''s movements with the order, a product''s receipts and adjustments with the product.';

-- The same two scopes on the write table, so a batch reads only what it recomputes
-- (a best seller's reservations are not read again for each receipt).
CREATE INDEX stock_movements_order_idx ON stock_movements (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX stock_movements_unordered_idx ON stock_movements (product_id) WHERE order_id IS NULL;

GRANT SELECT, INSERT, UPDATE, DELETE ON read.stock_ledger TO orderdesk_app;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON read.stock_ledger FROM orderdesk_app;
GRANT SELECT ON read.stock_ledger TO orderdesk_reader;
SELECT orderdesk_read_owner_takes_read();

-- Filled under the maintainer's lock ("ODMAINT", src/read_models/maintainer/lock.rs),
-- so no batch commits between this fill and the snapshot the next batch starts
-- from: the events the stored snapshot has not seen yet are applied over these
-- rows, which recomputes them to the same values.
SELECT pg_advisory_xact_lock(22311621758635604);
INSERT INTO read.stock_ledger
SELECT id, product_id, kind, quantity, reason, order_id, actor, occurred_at FROM stock_movements;
INSERT INTO read_model_live (name, last_rebuild_at) VALUES ('stock_ledger', now());
