-- Numbered invoices and credit notes (issue 24, "Invoices with numbers").
--
-- invoices: one table for both kinds. An invoice and a credit note are the
-- same fact (a numbered, frozen document issued on an order, by whom and
-- when, with its amounts), printed by the same page, listed together on the
-- order, kept immutable by the same trigger; only their series differ, and a
-- credit note names the invoice it credits (credits_invoice_id, UNIQUE: an
-- invoice is credited once). Two tables would repeat every column, the
-- trigger, the grants and the read model's union.
--
-- Numbers: a gapless series per kind and year (`2026-000042`, credit notes
-- `CN-2026-000007`). The next number comes from document_counters, upserted
-- in the issuing transaction (INSERT … ON CONFLICT DO UPDATE SET last_number
-- = last_number + 1 RETURNING): the counter row stays locked until the
-- transaction ends, so concurrent issuers take turns, and a transaction that
-- fails gives its number back with its rollback. A sequence would leave gaps.
-- The series' year is the issue date's year in the shop's time zone
-- (issued_on = shop_today(), migration 000080).
--
-- Amounts are positive: an invoice's what the order costs, a credit note's
-- what it credits (its invoice's amounts in full, for now). `document` is the
-- frozen copy of everything the printout shows (see commands/issue_invoice.rs
-- for its shape): lines, tax per rate, shipping, totals, both addresses, the
-- shop's name, address and tax id. A later change of the order, a product or
-- the shop never changes an issued document. Nothing updates or deletes a row
-- (the trigger below, and the app role has no right to).
--
-- order_standing_invoices: the invoice that stands on an order (issued, not
-- credited), at most one (its primary key), kept by the trigger on invoices:
-- issuing an invoice inserts it (a second one fails on the key), a credit
-- note removes it (and must credit the standing one). Its row is deleted only
-- once a credit note for it exists.

CREATE TABLE document_counters (
    series       text NOT NULL CHECK (series IN ('invoice', 'credit_note')),
    year         integer NOT NULL CHECK (year BETWEEN 1 AND 9999),
    last_number  integer NOT NULL CHECK (last_number >= 1),
    PRIMARY KEY (series, year)
);
-- The upsert needs INSERT and UPDATE; a counter is never removed.
REVOKE DELETE, TRUNCATE ON document_counters FROM orderdesk_app;

CREATE TABLE invoices (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id            bigint NOT NULL REFERENCES orders (id),
    kind                text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    series_year         integer NOT NULL CHECK (series_year BETWEEN 1 AND 9999),
    sequence_number     integer NOT NULL CHECK (sequence_number >= 1),
    number              text NOT NULL,
    credits_invoice_id  bigint REFERENCES invoices (id),
    issued_on           date NOT NULL,
    issued_at           timestamptz NOT NULL DEFAULT now(),
    issued_by           text NOT NULL CHECK (char_length(issued_by) BETWEEN 1 AND 200),
    issued_by_user_id   bigint REFERENCES staff_users (id),
    currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    net_cents           bigint NOT NULL CHECK (net_cents >= 0),
    tax_cents           bigint NOT NULL CHECK (tax_cents >= 0),
    shipping_cents      bigint NOT NULL CHECK (shipping_cents >= 0),
    grand_total_cents   bigint NOT NULL CHECK (grand_total_cents >= 0),
    document            jsonb NOT NULL CHECK (jsonb_typeof(document) = 'object'),
    CONSTRAINT invoices_number_key UNIQUE (number),
    CONSTRAINT invoices_series_number_key UNIQUE (kind, series_year, sequence_number),
    CONSTRAINT invoices_credits_invoice_id_key UNIQUE (credits_invoice_id),
    CONSTRAINT invoices_id_order_key UNIQUE (id, order_id),
    CONSTRAINT invoices_credit_names_its_invoice
        CHECK ((kind = 'credit_note') = (credits_invoice_id IS NOT NULL)),
    CONSTRAINT invoices_grand_total CHECK (grand_total_cents = net_cents + tax_cents),
    CONSTRAINT invoices_number_spelled CHECK (
        number = CASE kind WHEN 'credit_note' THEN 'CN-' ELSE '' END
                 || series_year || '-' || lpad(sequence_number::text, 6, '0')
        OR (sequence_number > 999999
            AND number = CASE kind WHEN 'credit_note' THEN 'CN-' ELSE '' END
                         || series_year || '-' || sequence_number))
);
CREATE INDEX invoices_order_idx ON invoices (order_id, id);

CREATE TABLE order_standing_invoices (
    order_id    bigint PRIMARY KEY REFERENCES orders (id),
    invoice_id  bigint NOT NULL UNIQUE,
    CONSTRAINT order_standing_invoices_invoice_fkey
        FOREIGN KEY (invoice_id, order_id) REFERENCES invoices (id, order_id)
);
REVOKE UPDATE, TRUNCATE ON order_standing_invoices FROM orderdesk_app;

CREATE FUNCTION invoices_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'invoices are immutable: % is not allowed (issue a credit note instead)', TG_OP;
END;
$$;
CREATE TRIGGER invoices_immutable
    BEFORE UPDATE OR DELETE ON invoices
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_are_immutable();
CREATE TRIGGER invoices_no_truncate
    BEFORE TRUNCATE ON invoices
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_are_immutable();
REVOKE UPDATE, DELETE, TRUNCATE ON invoices FROM orderdesk_app;

-- Issuing an invoice makes it the order's standing one (the key refuses a
-- second); a credit note ends the standing of the invoice it credits, which
-- must be the order's standing one.
CREATE FUNCTION invoices_keep_standing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'invoice' THEN
        INSERT INTO order_standing_invoices (order_id, invoice_id) VALUES (NEW.order_id, NEW.id);
    ELSE
        DELETE FROM order_standing_invoices
        WHERE order_id = NEW.order_id AND invoice_id = NEW.credits_invoice_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'credit note % credits invoice %, which does not stand on order %',
                NEW.number, NEW.credits_invoice_id, NEW.order_id
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER invoices_standing
    AFTER INSERT ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_keep_standing();

-- A standing invoice ends only by a credit note for it.
CREATE FUNCTION standing_invoice_ends_by_credit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM invoices WHERE credits_invoice_id = OLD.invoice_id) THEN
        RAISE EXCEPTION 'invoice % stands on order %: only a credit note for it ends that',
            OLD.invoice_id, OLD.order_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER order_standing_invoices_end
    BEFORE DELETE ON order_standing_invoices
    FOR EACH ROW EXECUTE FUNCTION standing_invoice_ends_by_credit();

-- The live model: an order's documents as its page lists them and the
-- printable shows them (the frozen copy), each with the number of the credit
-- note that credited it, if any. Kept by the order's key. Staleness: the
-- same snapshot as every live model, normally milliseconds behind a commit.
CREATE TABLE read.order_documents (
    id                  bigint NOT NULL,
    order_id            bigint NOT NULL,
    kind                text NOT NULL,
    number              text NOT NULL,
    credits_invoice_id  bigint,
    credits_number      text,
    credited_by_number  text,
    issued_on           date NOT NULL,
    issued_at           timestamptz NOT NULL,
    issued_by           text NOT NULL,
    currency            text NOT NULL,
    net_cents           bigint NOT NULL,
    tax_cents           bigint NOT NULL,
    shipping_cents      bigint NOT NULL,
    grand_total_cents   bigint NOT NULL,
    document            jsonb NOT NULL
);
CREATE UNIQUE INDEX order_documents_id ON read.order_documents (id);
CREATE UNIQUE INDEX order_documents_number ON read.order_documents (number);
-- An order's documents, in issue order; also the maintainer's scope.
CREATE INDEX order_documents_order ON read.order_documents (order_id, id);
COMMENT ON TABLE read.order_documents IS
    'Live model: the invoices and credit notes of each order (read_def.order_documents), '
    'kept by the order''s key.';

GRANT SELECT, INSERT, UPDATE, DELETE ON read.order_documents TO orderdesk_app;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON read.order_documents FROM orderdesk_app;
GRANT SELECT ON read.order_documents TO orderdesk_reader;
SELECT orderdesk_read_owner_takes_read();

-- The tables are new and empty, so the model starts empty and complete.
INSERT INTO read_model_live (name, last_rebuild_at) VALUES ('order_documents', now());
