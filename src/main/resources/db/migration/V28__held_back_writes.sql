-- A write the service holds back and sends with others in one round trip (ADR 0010) carries its own check:
-- when it did not change the rows it needed (a conditional stock update beaten by another order, a
-- channel order inserted concurrently), the transaction fails with SQLSTATE 40L01 (class 40,
-- transaction rollback) and the service runs the work again from a fresh read.
CREATE FUNCTION orderloop_expect_rows(changed bigint, expected integer, what text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF changed IS DISTINCT FROM expected THEN
        RAISE EXCEPTION 'a held-back write changed % rows, not %: %', changed, expected, what
            USING ERRCODE = '40L01';
    END IF;
END
$$;
