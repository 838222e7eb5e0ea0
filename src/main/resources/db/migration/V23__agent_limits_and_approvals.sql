-- Agent keys may carry spending limits (issue 15): one order's total, and the total of the key's
-- orders over 24 hours, in one currency. Beyond them an agent's action waits for a person.
ALTER TABLE api_keys
    ADD COLUMN limit_currency  text,
    ADD COLUMN limit_per_order numeric(19, 4),
    ADD COLUMN limit_per_day   numeric(19, 4);

-- A placed quote remembers its total and when it was placed: the key's spending over a day.
ALTER TABLE agent_quotes
    ADD COLUMN total     numeric(19, 4),
    ADD COLUMN currency  text,
    ADD COLUMN placed_at timestamptz;
CREATE INDEX agent_quotes_spent ON agent_quotes (key_id, placed_at) WHERE placed_at IS NOT NULL;

-- cancel_order's previews: a token the confirming call must bring back, bound to the key, the
-- order at that version, and the cancellation previewed.
CREATE TABLE agent_cancel_previews (
    token_hash text PRIMARY KEY,
    key_id     uuid        NOT NULL,
    order_id   uuid        NOT NULL,
    version    bigint      NOT NULL,
    request    jsonb       NOT NULL,
    expires_at timestamptz NOT NULL,
    done_at    timestamptz                     -- confirmed: a replayed confirmation answers the order
);
CREATE INDEX agent_cancel_previews_expired ON agent_cancel_previews (expires_at);

-- Agent actions held for a person: an order beyond the key's limits (from its quote), or a
-- cancellation an agent may not make alone (a B2B order past ALLOCATED).
CREATE TABLE agent_approvals (
    id             uuid PRIMARY KEY,
    number         bigserial   NOT NULL UNIQUE,
    key_id         uuid        NOT NULL,
    agent          text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('PLACE_ORDER', 'CANCEL_ORDER')),
    quote_id       uuid UNIQUE,
    preview_hash   text UNIQUE,
    order_id       uuid,
    request        jsonb       NOT NULL,
    why            text        NOT NULL,
    status         text        NOT NULL DEFAULT 'PENDING'
        CHECK (status IN ('PENDING', 'APPROVED', 'REFUSED')),
    created_at     timestamptz NOT NULL,
    decided_at     timestamptz,
    decided_by     text,
    decision_note  text,
    outcome        text
);
CREATE INDEX agent_approvals_pending ON agent_approvals (created_at) WHERE status = 'PENDING';
CREATE INDEX agent_approvals_order ON agent_approvals (order_id) WHERE order_id IS NOT NULL;

-- One customer's orders, newest first: a buyer-bound agent's searches and the customer portal.
CREATE INDEX orders_by_customer_email ON orders (lower(customer_email), created_at DESC, id DESC);
