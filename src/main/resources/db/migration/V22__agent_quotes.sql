-- The agent gateway's quotes: a draft order an agent placed a quote for, short-lived, placed at most once.
CREATE TABLE agent_quotes (
    id          uuid PRIMARY KEY,
    key_id      uuid        NOT NULL,          -- the agent key that asked; only it may place the quote
    body        jsonb       NOT NULL,          -- the create-order body as quoted
    backordered jsonb       NOT NULL,          -- units each line would backorder, as quoted
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    order_id    uuid                           -- the order it became
);
CREATE INDEX agent_quotes_expired ON agent_quotes (expires_at) WHERE order_id IS NULL;
