-- The amount a line was ordered at (price × quantity as the customer saw it, e.g. per case), so invoices and
-- refunds add up to the order total exactly however the line is split.
ALTER TABLE order_lines ADD COLUMN line_amount numeric(19, 4);
UPDATE order_lines SET line_amount = unit_price * quantity;
ALTER TABLE order_lines ALTER COLUMN line_amount SET NOT NULL;
ALTER TABLE return_lines ADD COLUMN amount numeric(19, 4);
UPDATE return_lines SET amount = unit_price * quantity;
ALTER TABLE return_lines ALTER COLUMN amount SET NOT NULL;
CREATE UNIQUE INDEX shipments_unique_tracking_per_order ON shipments (order_id, carrier, tracking_number)
    WHERE carrier <> 'MANUAL';
