-- Operations (issue 16): the gauges' queries stay on small indexes however large the tables grow.
-- A channel's newest delivery (channel silence), deliveries held for an operator, pushes given up.
CREATE INDEX channel_deliveries_by_channel_received ON channel_deliveries (channel, received_at DESC);
CREATE INDEX channel_deliveries_held ON channel_deliveries (channel) WHERE status = 'HELD';
CREATE INDEX channel_pushes_gave_up ON channel_pushes (channel) WHERE status = 'GAVE_UP';
