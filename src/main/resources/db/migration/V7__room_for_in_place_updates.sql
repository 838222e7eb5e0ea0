-- Rows that are updated again and again get room on their page, so PostgreSQL can update them in place
-- (a HOT update: no new index entries) instead of writing every index again. stock.reserved changes on
-- every reservation; an order row changes on every command. Applies to pages written from now on.
ALTER TABLE stock SET (fillfactor = 80);
ALTER TABLE orders SET (fillfactor = 85);

-- The outbox is a queue: each row is written, then positioned once. Vacuum it early where autovacuum
-- runs (the sequencer also stays fast where it does not, see Feed.sequence).
ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02);
