-- A customer's right to be forgotten. History stays append-only, with one exception: inside an
-- erasure (the transaction sets orderloop.erasure = 'on'), an entry's details and reason may be
-- rewritten, and nothing else about it.
CREATE OR REPLACE FUNCTION order_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('orderloop.erasure', true) = 'on'
       AND (to_jsonb(NEW) - 'details' - 'reason') = (to_jsonb(OLD) - 'details' - 'reason') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;

-- Who erased whom and when, by pseudonym only: the record of an erasure holds no erased data.
CREATE TABLE customer_erasures (
    id          uuid PRIMARY KEY,
    pseudonym   text        NOT NULL,
    orders      integer     NOT NULL,
    erased_by   text        NOT NULL,
    erased_at   timestamptz NOT NULL
);
