-- Loop events: the outbox written in the same transaction as the history it mirrors, positioned in commit order
-- by a single sequencer, and webhook subscriptions that follow it.

CREATE TABLE outbox (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- insertion order
    id         uuid        NOT NULL UNIQUE,                      -- the CloudEvent id: receivers dedupe on it
    type       text        NOT NULL,
    subject    text        NOT NULL,
    order_id   uuid,
    time       timestamptz NOT NULL,
    data       jsonb       NOT NULL,
    position   bigint UNIQUE                                     -- commit order, set by the sequencer
);
CREATE INDEX outbox_waiting_for_position ON outbox (seq) WHERE position IS NULL;
CREATE SEQUENCE outbox_position_seq;

CREATE TABLE webhook_subscriptions (
    id            uuid PRIMARY KEY,
    url           text        NOT NULL,
    event_types   text[],
    secret        text        NOT NULL,
    state         text        NOT NULL CHECK (state IN ('ACTIVE', 'PAUSED', 'DEAD')),
    cursor        bigint      NOT NULL DEFAULT 0,     -- the last outbox position delivered (or skipped by filter)
    attempts      integer     NOT NULL DEFAULT 0,     -- failed attempts at the event after the cursor
    next_attempt_at timestamptz,
    leased_until  timestamptz,
    lease_token   uuid,
    last_error    text,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    version       integer     NOT NULL DEFAULT 0
);

CREATE TABLE webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id uuid        NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id        uuid        NOT NULL,
    position        bigint      NOT NULL,
    event_type      text        NOT NULL,
    attempt         integer     NOT NULL,
    status_code     integer,
    latency_ms      integer,
    error           text,
    succeeded       boolean     NOT NULL,
    at              timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, id DESC);

-- The Kafka relay's progress per topic, leased by one instance at a time.
CREATE TABLE kafka_relay (
    topic        text PRIMARY KEY,
    cursor       bigint      NOT NULL,
    leased_until timestamptz,
    lease_token  uuid
);
