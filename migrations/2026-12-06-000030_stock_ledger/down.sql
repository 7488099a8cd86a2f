DELETE FROM read_model_live WHERE name = 'stock_ledger';
DROP INDEX stock_movements_unordered_idx, stock_movements_order_idx;
DROP TABLE read.stock_ledger;
