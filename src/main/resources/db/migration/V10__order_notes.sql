-- Notes an operator or a channel keeps on an order (editable with PATCH /api/v1/orders/{id}).
ALTER TABLE orders ADD COLUMN notes text;
