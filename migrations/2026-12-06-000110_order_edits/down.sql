DROP TABLE order_edits;
