-- V29 replaced the unique constraint on (channel, external_id) with a partial unique index. An instance of the
-- previous release still running during a rolling upgrade names no predicate in its ON CONFLICT (channel,
-- external_id), which then matches no index and fails: its channel orders would be refused until it is replaced
-- (found in review). Migrations of a release only add (docs/operations.md, Upgrades), so the constraint is back,
-- and the partial index, redundant beside it, goes. The service's ON CONFLICT names the predicate, which the full
-- constraint satisfies as well. Dropping the constraint for the partial index (no NULL entry per order without a
-- channel id) is left to a later release, once no instance of a release before this one can be running.
ALTER TABLE orders ADD CONSTRAINT orders_external_id_unique UNIQUE (channel, external_id);
DROP INDEX orders_by_external_id;
