-- What a channel order carries beyond the loop's own fields: the shop or merchant, the channel's display
-- number, its revision, which channel line is which of our lines, the lines not in the loop (unmapped SKU,
-- or a line the loop cannot take as it is), charges kept for finance (shipping, discounts, lines that ship
-- nothing) and the payment status.
ALTER TABLE orders ADD COLUMN channel_order jsonb;

-- Orders with channel lines waiting for a SKU mapping: adding an alias finds them here.
CREATE INDEX orders_with_pending_channel_lines ON orders (channel)
    WHERE channel_order IS NOT NULL AND jsonb_array_length(channel_order -> 'pendingLines') > 0;

-- Every webhook delivery that passed its signature check, stored before it is acknowledged.
CREATE TABLE channel_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel          text        NOT NULL,
    account          text        NOT NULL,
    delivery_id      text        NOT NULL,
    event_id         text,
    topic            text        NOT NULL,
    headers          jsonb,
    body             text,
    body_sha256      text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('RECEIVED', 'PROCESSED', 'DUPLICATE', 'STALE',
                                                            'IGNORED', 'FAILED', 'HELD')),
    detail           text,
    external_id      text,
    order_id         uuid,
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    received_at      timestamptz NOT NULL,
    processed_at     timestamptz,
    purged_at        timestamptz,
    CONSTRAINT channel_deliveries_once UNIQUE (channel, delivery_id)
);
CREATE UNIQUE INDEX channel_deliveries_event_once ON channel_deliveries (channel, account, event_id)
    WHERE event_id IS NOT NULL;
CREATE INDEX channel_deliveries_due ON channel_deliveries (next_attempt_at)
    WHERE status IN ('RECEIVED', 'FAILED');
CREATE INDEX channel_deliveries_by_received ON channel_deliveries (received_at DESC, id DESC);
CREATE INDEX channel_deliveries_unpurged ON channel_deliveries (received_at) WHERE purged_at IS NULL;

-- What goes back to a channel (fulfillments, delivery, cancellations), written in the order's own commit
-- and sent by a relay in order per order.
CREATE TABLE channel_pushes (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id         uuid        NOT NULL,
    order_number     text        NOT NULL,
    channel          text        NOT NULL,
    account          text        NOT NULL,
    kind             text        NOT NULL,
    payload          jsonb       NOT NULL,
    status           text        NOT NULL CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'GAVE_UP')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    result           jsonb,
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz
);
CREATE INDEX channel_pushes_due ON channel_pushes (next_attempt_at) WHERE status IN ('PENDING', 'FAILED');
CREATE INDEX channel_pushes_by_order ON channel_pushes (order_id, id);

-- Every call the relay made for a push, with the channel's answer (cut at 1,000 characters).
CREATE TABLE channel_push_attempts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    push_id      bigint      NOT NULL REFERENCES channel_pushes (id),
    attempt      integer     NOT NULL,
    at           timestamptz NOT NULL,
    request      text        NOT NULL,
    status       integer,
    answer       text
);
CREATE INDEX channel_push_attempts_by_push ON channel_push_attempts (push_id, id);

-- Stock shown to a store: which of our SKUs, at which of our locations, is which item at which of the
-- channel's locations, and the last value pushed there.
CREATE TABLE channel_stock_sync (
    channel              text        NOT NULL,
    account              text        NOT NULL,
    sku                  text        NOT NULL REFERENCES skus (code),
    location             text        NOT NULL REFERENCES locations (code),
    channel_location_id  text        NOT NULL,
    channel_item_id      text        NOT NULL,
    last_pushed          integer,
    last_pushed_at       timestamptz,
    last_error           text,
    lease_until          timestamptz,
    PRIMARY KEY (channel, account, sku, location)
);

-- A shop's webhook subscriptions as last checked, and how far the reconcile job has read its orders.
ALTER TABLE channel_shopify_shops
    ADD COLUMN subscriptions jsonb,
    ADD COLUMN reconciled_until timestamptz,
    ADD COLUMN reconcile_lease_until timestamptz;
