-- The feed's sequencer in one call (issue 17): the advisory lock that keeps it to one instance at a time, the
-- planner setting and the positioning update ran as five round trips (BEGIN, lock, SET LOCAL, UPDATE, COMMIT)
-- on every wake-up, which a commit triggers up to fifty times a second. Called on its own, the function runs
-- in its statement's transaction: the lock is held to its end, as before. Returns the rows positioned, 0 when
-- another instance holds the lock.
--
-- Positions are drawn once, in a materialized CTE, in seq order: as a plain subquery in the join, a plan that
-- rescanned it drew nextval again per rescan and put an order's events out of order. A plain index scan of the
-- partial index marks the entries of rows positioned earlier as dead as it passes them, so the scan stays
-- short where autovacuum is slow or off; a bitmap scan would visit every row written since the last vacuum.
CREATE FUNCTION orderloop_sequence_outbox(lock_key bigint, batch integer) RETURNS integer
    LANGUAGE plpgsql
    SET enable_bitmapscan = off
AS $$
DECLARE
    positioned integer;
BEGIN
    IF NOT pg_try_advisory_xact_lock(lock_key) THEN
        RETURN 0;
    END IF;
    WITH p AS MATERIALIZED (
        SELECT seq, nextval('outbox_position_seq') AS position
        FROM (SELECT seq FROM outbox WHERE position IS NULL ORDER BY seq LIMIT batch) w
        ORDER BY seq)
    UPDATE outbox o SET position = p.position
    FROM p WHERE o.seq = p.seq AND o.position IS NULL;
    GET DIAGNOSTICS positioned = ROW_COUNT;
    RETURN positioned;
END
$$;
