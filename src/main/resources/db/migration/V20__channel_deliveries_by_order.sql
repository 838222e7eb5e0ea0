-- An order's page lists the channel deliveries about it: by the order they made, or by the channel's order id.
CREATE INDEX channel_deliveries_by_order ON channel_deliveries (order_id, id DESC) WHERE order_id IS NOT NULL;
CREATE INDEX channel_deliveries_by_external ON channel_deliveries (channel, external_id, id DESC)
    WHERE external_id IS NOT NULL;
