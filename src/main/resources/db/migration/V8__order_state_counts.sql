-- Counts of orders by state (and channel and type) for the board, exact and cheap to read at millions of
-- orders. Every insert of an order and every change of its state appends a delta row (a trigger, so no
-- code path can forget it); appending never waits on another transaction. A compaction folds the deltas
-- into order_state_counts every few seconds (OrderStateCounts.compact); a read sums both.
CREATE TABLE order_state_counts (
    state   text    NOT NULL,
    channel text    NOT NULL,
    type    text    NOT NULL,
    n       bigint  NOT NULL,
    PRIMARY KEY (state, channel, type)
);

CREATE TABLE order_state_count_deltas (
    id      bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    state   text    NOT NULL,
    channel text    NOT NULL,
    type    text    NOT NULL,
    delta   integer NOT NULL
);

CREATE FUNCTION orders_count_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO order_state_count_deltas (state, channel, type, delta)
        VALUES (NEW.state, NEW.channel, NEW.type, 1);
    ELSIF NEW.state IS DISTINCT FROM OLD.state THEN
        INSERT INTO order_state_count_deltas (state, channel, type, delta)
        VALUES (OLD.state, OLD.channel, OLD.type, -1), (NEW.state, NEW.channel, NEW.type, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER orders_count_state AFTER INSERT OR UPDATE OF state ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_count_state();

-- Folds committed deltas into the totals; returns how many totals changed. Safe on several instances at
-- once: each delta row is deleted, and so counted, by one of them; deltas of running transactions wait.
CREATE FUNCTION compact_order_state_counts() RETURNS integer LANGUAGE sql AS $$
    WITH moved AS (DELETE FROM order_state_count_deltas RETURNING state, channel, type, delta),
         folded AS (
             INSERT INTO order_state_counts (state, channel, type, n)
             SELECT state, channel, type, sum(delta) FROM moved GROUP BY state, channel, type
             ON CONFLICT (state, channel, type) DO UPDATE SET n = order_state_counts.n + EXCLUDED.n
             RETURNING 1)
    SELECT count(*)::integer FROM folded
$$;

INSERT INTO order_state_counts (state, channel, type, n)
SELECT state, channel, type, count(*) FROM orders GROUP BY state, channel, type;
