-- Execution: holds, delivery windows at risk, delivered units, shipments, invoices; returns with their own loop.

ALTER TABLE orders
    ADD COLUMN hold_reason  text,
    ADD COLUMN hold_by      text,
    ADD COLUMN hold_at      timestamptz,
    ADD COLUMN at_risk      boolean NOT NULL DEFAULT false,
    ADD COLUMN delivered_at timestamptz;
CREATE INDEX orders_at_risk_candidates ON orders (window_from, window_to)
    WHERE window_from IS NOT NULL AND NOT at_risk
      AND state IN ('RECEIVED', 'ALLOCATED', 'FULFILLMENT_QUEUED', 'PARTIALLY_SHIPPED');
CREATE INDEX orders_waiting_to_close ON orders (delivered_at) WHERE state = 'DELIVERED';
CREATE INDEX orders_in_fulfillment ON orders (state, created_at, id)
    WHERE state IN ('FULFILLMENT_QUEUED', 'PARTIALLY_SHIPPED');

ALTER TABLE order_lines
    ADD COLUMN delivered       integer NOT NULL DEFAULT 0,
    ADD COLUMN pallet_quantity integer,
    ADD CONSTRAINT order_lines_delivered CHECK (delivered >= 0 AND delivered <= shipped);

CREATE TABLE shipments (
    id              uuid PRIMARY KEY,
    order_id        uuid        NOT NULL REFERENCES orders (id),
    carrier         text        NOT NULL,
    tracking_number text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('SHIPPED', 'DELIVERED')),
    shipped_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    created_by      text        NOT NULL,
    version         integer     NOT NULL DEFAULT 0
);
CREATE INDEX shipments_by_order ON shipments (order_id, shipped_at);
CREATE INDEX shipments_by_tracking ON shipments (tracking_number);

CREATE TABLE shipment_lines (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shipment_id uuid    NOT NULL REFERENCES shipments (id),
    line_no     integer NOT NULL,
    sku         text    NOT NULL,
    quantity    integer NOT NULL CHECK (quantity > 0),
    lot         text,
    location    text    NOT NULL
);
CREATE INDEX shipment_lines_by_shipment ON shipment_lines (shipment_id);

CREATE SEQUENCE invoice_number_seq;
CREATE TABLE invoices (
    id            uuid PRIMARY KEY,
    number        text        NOT NULL UNIQUE,
    order_id      uuid        NOT NULL REFERENCES orders (id),
    shipment_id   uuid,
    currency      char(3)     NOT NULL,
    total_amount  numeric(19, 4) NOT NULL,
    payment_terms text,
    issued_on     date        NOT NULL,
    due_on        date        NOT NULL,
    lines         jsonb       NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX invoices_by_order ON invoices (order_id, created_at);

CREATE SEQUENCE return_number_seq;
CREATE TABLE returns (
    id            uuid PRIMARY KEY,
    number        text        NOT NULL UNIQUE,
    order_id      uuid        NOT NULL REFERENCES orders (id),
    state         text        NOT NULL,
    reason        text        NOT NULL,
    currency      char(3)     NOT NULL,
    refund_amount numeric(19, 4),
    version       integer     NOT NULL DEFAULT 0,
    last_event_seq integer    NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    created_by    text        NOT NULL
);
CREATE INDEX returns_by_order ON returns (order_id);

CREATE TABLE return_lines (
    return_id   uuid    NOT NULL REFERENCES returns (id),
    line_no     integer NOT NULL,
    sku         text    NOT NULL,
    quantity    integer NOT NULL CHECK (quantity > 0),
    unit_price  numeric(19, 4) NOT NULL,
    disposition text CHECK (disposition IN ('RESTOCK', 'SCRAP')),
    location    text,
    lot         text,
    PRIMARY KEY (return_id, line_no)
);

CREATE TABLE return_events (
    return_id  uuid        NOT NULL REFERENCES returns (id),
    sequence   integer     NOT NULL,
    type       text        NOT NULL,
    from_state text,
    to_state   text,
    at         timestamptz NOT NULL,
    actor      text        NOT NULL,
    details    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (return_id, sequence)
);
CREATE TRIGGER return_events_no_update BEFORE UPDATE OR DELETE ON return_events
    FOR EACH ROW EXECUTE FUNCTION order_events_append_only();
