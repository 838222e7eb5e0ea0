-- Backorders are looked up by SKU when stock arrives: keep that cheap however many lines are closed.
CREATE INDEX order_lines_backordered_by_sku ON order_lines (sku, order_id) WHERE backordered > 0;
