-- The outbox keeps an event's data as the service wrote it (json, not jsonb): nothing queries inside it, and
-- every event was parsed into jsonb's binary form on insert and printed back to text for each feed read and
-- webhook delivery (issue 17). Keys now keep the order the service writes them in.
ALTER TABLE outbox ALTER COLUMN data TYPE json USING data::json;
