-- Fewer index entries per accepted order (issue 17; figures in docs/BENCHMARKS.md). Each entry an insert writes
-- costs the database CPU and WAL, and an entry that always lands on the same page (a NULL, the same key, the
-- next sequence number) is a page every concurrent intake waits for.

-- Nothing reads this one any more: text search (PO included) goes through orders_text_search (V27), and no
-- query looks an order up by its buyer PO alone.
DROP INDEX orders_by_buyer_po;

-- A channel's own order id is unique where there is one. Orders without one (API, manual) no longer put a
-- (channel, NULL) entry into the index, all on the same page. ON CONFLICT names the same predicate.
CREATE UNIQUE INDEX orders_by_external_id ON orders (channel, external_id) WHERE external_id IS NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_external_id_unique;

-- The outbox: an event's id is derived from its history entry (order id and sequence, unique there) or drawn
-- at random, so a unique index on it guards nothing and cost two entries per event (the sequencer's update
-- writes a new row version). A position is unique where it is set; a waiting event no longer adds a NULL.
CREATE UNIQUE INDEX outbox_by_position ON outbox (position) WHERE position IS NOT NULL;
ALTER TABLE outbox DROP CONSTRAINT outbox_position_key;
ALTER TABLE outbox DROP CONSTRAINT outbox_id_key;

-- The state-count deltas are only ever appended and deleted all at once (compact_order_state_counts): their
-- key was an index and a sequence for nothing.
ALTER TABLE order_state_count_deltas DROP COLUMN id;
