-- Orderloop foundation: API keys, catalogue, stock with reservations and ledger, orders with lines and history,
-- idempotency keys. Every aggregate row carries a version; aggregates refer to each other by id.

CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    prefix      text        NOT NULL,
    key_hash    text        NOT NULL UNIQUE,          -- SHA-256 of the key, hex; the key itself is never stored
    scopes      text[]      NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE skus (
    code               text PRIMARY KEY,
    name               text        NOT NULL,
    case_pack          integer     NOT NULL DEFAULT 1 CHECK (case_pack >= 1),
    pallet_quantity    integer              CHECK (pallet_quantity >= 1),
    lot_controlled     boolean     NOT NULL DEFAULT false,
    requires_pinned_lot boolean    NOT NULL DEFAULT false,
    allows_loose_units boolean     NOT NULL DEFAULT false,
    version            integer     NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);

CREATE TABLE locations (
    code        text PRIMARY KEY,
    name        text        NOT NULL,
    priority    integer     NOT NULL CHECK (priority >= 0),   -- lower is preferred
    version     integer     NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE lots (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku         text        NOT NULL REFERENCES skus (code),
    code        text        NOT NULL,
    expires_on  date,
    received_on date        NOT NULL,
    UNIQUE (sku, code)
);

CREATE TABLE stock (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku         text        NOT NULL REFERENCES skus (code),
    location    text        NOT NULL REFERENCES locations (code),
    lot_id      bigint               REFERENCES lots (id),
    on_hand     integer     NOT NULL DEFAULT 0,
    reserved    integer     NOT NULL DEFAULT 0,
    received_at timestamptz NOT NULL,
    version     integer     NOT NULL DEFAULT 0,
    CONSTRAINT stock_reserved_not_negative CHECK (reserved >= 0),
    CONSTRAINT stock_no_oversell CHECK (on_hand >= reserved),
    CONSTRAINT stock_unique_row UNIQUE NULLS NOT DISTINCT (sku, location, lot_id)
);

CREATE TABLE reservations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    uuid        NOT NULL,
    line_no     integer     NOT NULL,
    stock_id    bigint      NOT NULL REFERENCES stock (id),
    quantity    integer     NOT NULL CHECK (quantity >= 0),
    pinned      boolean     NOT NULL DEFAULT false,
    status      text        NOT NULL CHECK (status IN ('ACTIVE', 'RELEASED', 'CONSUMED')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX reservations_by_order ON reservations (order_id, line_no) WHERE status = 'ACTIVE';
CREATE INDEX reservations_by_stock ON reservations (stock_id) WHERE status = 'ACTIVE';

CREATE TABLE stock_movements (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stock_id    bigint      NOT NULL REFERENCES stock (id),
    kind        text        NOT NULL CHECK (kind IN ('RECEIPT', 'ADJUSTMENT', 'RESERVATION', 'RELEASE', 'SHIPMENT', 'RETURN')),
    on_hand_delta  integer  NOT NULL,
    reserved_delta integer  NOT NULL,
    reason      text,
    order_id    uuid,
    actor       text        NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX stock_movements_by_stock ON stock_movements (stock_id, id);

CREATE SEQUENCE order_number_seq;

CREATE TABLE orders (
    id                 uuid PRIMARY KEY,
    number             text        NOT NULL UNIQUE,
    channel            text        NOT NULL,
    external_id        text,
    type               text        NOT NULL,
    state              text        NOT NULL,
    fulfillment_policy text        NOT NULL,
    customer_name      text        NOT NULL,
    customer_email     text,
    ship_to            jsonb       NOT NULL,
    bill_to            jsonb,
    currency           char(3)     NOT NULL,
    total_amount       numeric(19, 4) NOT NULL,
    buyer_po           text,
    payment_terms      text,
    window_from        date,
    window_to          date,
    version            integer     NOT NULL DEFAULT 0,
    last_event_seq     integer     NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    created_by         text        NOT NULL,
    CONSTRAINT orders_external_id_unique UNIQUE (channel, external_id)
);
CREATE INDEX orders_by_created ON orders (created_at DESC, id DESC);
CREATE INDEX orders_by_state_created ON orders (state, created_at DESC, id DESC);
CREATE INDEX orders_by_channel_created ON orders (channel, created_at DESC, id DESC);
CREATE INDEX orders_by_buyer_po ON orders (lower(buyer_po)) WHERE buyer_po IS NOT NULL;
CREATE INDEX orders_by_customer_name ON orders (lower(customer_name) text_pattern_ops);

CREATE TABLE order_lines (
    order_id     uuid        NOT NULL REFERENCES orders (id),
    line_no      integer     NOT NULL,
    sku          text        NOT NULL,
    quantity     integer     NOT NULL CHECK (quantity > 0),
    unit_of_measure text     NOT NULL DEFAULT 'EACH',
    case_pack    integer     NOT NULL DEFAULT 1,
    unit_price   numeric(19, 4) NOT NULL CHECK (unit_price >= 0),
    lot          text,
    lot_pinned   boolean     NOT NULL DEFAULT false,
    allocated    integer     NOT NULL DEFAULT 0,
    backordered  integer     NOT NULL DEFAULT 0,
    shipped      integer     NOT NULL DEFAULT 0,
    cancelled    integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, line_no),
    CONSTRAINT order_lines_quantities CHECK (allocated >= 0 AND backordered >= 0 AND shipped >= 0 AND cancelled >= 0
        AND allocated + backordered + shipped + cancelled = quantity)
);

CREATE TABLE order_events (
    order_id    uuid        NOT NULL REFERENCES orders (id),
    sequence    integer     NOT NULL,
    type        text        NOT NULL,
    from_state  text,
    to_state    text,
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,
    reason      text,
    details     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (order_id, sequence)
);

-- History is append-only: the database refuses to rewrite it, whatever the code does.
CREATE FUNCTION order_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'order_events is append-only';
END $$;
CREATE TRIGGER order_events_no_update BEFORE UPDATE OR DELETE ON order_events
    FOR EACH ROW EXECUTE FUNCTION order_events_append_only();

CREATE TABLE idempotency_keys (
    owner       text        NOT NULL,
    key         text        NOT NULL,
    fingerprint text        NOT NULL,
    status      integer,
    body        text,
    location    text,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (owner, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
