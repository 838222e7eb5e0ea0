-- Where each partner's control numbers stand (ISA13, GS06 and ST02 of what we send): taken with an UPDATE of
-- the partner's row, so two instances never hand out the same number.
ALTER TABLE edi_partners ADD COLUMN last_control_number bigint NOT NULL DEFAULT 0;
-- Stores an SDQ destination may name, by the buyer's location code: {"0042": {name, line1, city, ...}}.
ALTER TABLE edi_partners ADD COLUMN stores jsonb NOT NULL DEFAULT '{}'::jsonb;
-- Whether test interchanges (ISA15 T) from the partner become orders (off: checked and acknowledged only).
ALTER TABLE edi_partners ADD COLUMN take_test_interchanges boolean NOT NULL DEFAULT false;

-- Every interchange received (by HTTP or from the inbound folder), read or not, kept for an operator.
CREATE TABLE edi_interchanges (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id          text,
    sender_qualifier    text,
    sender_id           text,
    receiver_id         text,
    control_number      text,
    source              text        NOT NULL,
    status              text        NOT NULL CHECK (status IN ('RECEIVED', 'PROCESSED', 'REJECTED', 'DUPLICATE',
                                                               'UNKNOWN_SENDER', 'WRONG_RECEIVER', 'UNREADABLE')),
    detail              text,
    raw                 text,
    raw_truncated       boolean     NOT NULL DEFAULT false,
    ack                 text,
    content_sha256      text,
    received_at         timestamptz NOT NULL
);
-- A resend of a processed interchange (same partner and ISA13) is answered with the first one's 997.
CREATE INDEX edi_interchanges_by_control ON edi_interchanges (partner_id, control_number);
CREATE INDEX edi_interchanges_by_received ON edi_interchanges (received_at DESC, id DESC);

-- Every X12 transaction in and out: 850s received, 997s, 855s, 856s and 810s sent, partners' 997s.
-- An outbound document starts PENDING (what to write, from a loop event, in the order's own commit) and is
-- written by a worker, which gives it its control numbers.
CREATE TABLE edi_documents (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id          text        NOT NULL,
    direction           text        NOT NULL CHECK (direction IN ('IN', 'OUT')),
    type                text        NOT NULL,
    interchange_id      bigint      REFERENCES edi_interchanges (id),
    interchange_control text,
    group_control       text,
    control_number      text,
    order_id            uuid,
    order_number        text,
    reference           text,
    status              text        NOT NULL,
    detail              text,
    payload             jsonb,
    content_sha256      text,
    raw                 text,
    attempts            integer     NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz,
    created_at          timestamptz NOT NULL,
    written_at          timestamptz,
    filed_at            timestamptz,
    acknowledged_at     timestamptz
);
CREATE INDEX edi_documents_due ON edi_documents (next_attempt_at) WHERE status IN ('PENDING', 'FAILED');
CREATE INDEX edi_documents_by_partner ON edi_documents (partner_id, id DESC);
CREATE INDEX edi_documents_by_order ON edi_documents (order_id, id) WHERE order_id IS NOT NULL;
-- A partner's 997 names our group (GS06) and transaction (ST02): found here.
CREATE INDEX edi_documents_outbound_control ON edi_documents (partner_id, group_control, control_number)
    WHERE direction = 'OUT';
-- Outbound documents not yet in the partner's folder (the instance stopped right after writing one).
CREATE INDEX edi_documents_unfiled ON edi_documents (written_at)
    WHERE direction = 'OUT' AND filed_at IS NULL AND raw IS NOT NULL AND type <> '997';
-- The 850 that made several orders (SDQ stores) names them all.
CREATE INDEX edi_documents_order_ids ON edi_documents USING gin ((payload -> 'orderIds')) WHERE type = '850';
-- The 850 that made an order, per PO key, for resends.
CREATE INDEX edi_documents_by_reference ON edi_documents (partner_id, type, reference);
