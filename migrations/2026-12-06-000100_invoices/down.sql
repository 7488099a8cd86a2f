DELETE FROM read_model_live WHERE name = 'order_documents';
DROP TABLE read.order_documents;
DROP TABLE order_standing_invoices;
DROP TABLE invoices;
DROP TABLE document_counters;
DROP FUNCTION standing_invoice_ends_by_credit();
DROP FUNCTION invoices_keep_standing();
DROP FUNCTION invoices_are_immutable();
