-- EDI trading partners: their X12 identity (matched on inbound interchanges), ours when it differs from
-- orderloop.edi.*, the version and outbound documents they use, and their delimiters for what we send.
CREATE TABLE edi_partners (
    partner_id            text PRIMARY KEY,
    name                  text        NOT NULL,
    isa_qualifier         text        NOT NULL,
    isa_id                text        NOT NULL,
    gs_id                 text        NOT NULL,
    version               text        NOT NULL CHECK (version IN ('004010', '005010')),
    outbound              text        NOT NULL,
    location              text        NOT NULL REFERENCES locations (code),
    payment_terms         text,
    our_isa_qualifier     text,
    our_isa_id            text,
    our_gs_id             text,
    element_separator     text        NOT NULL,
    component_separator   text        NOT NULL,
    segment_terminator    text        NOT NULL,
    repetition_separator  text        NOT NULL,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    CONSTRAINT edi_partners_sender UNIQUE (isa_qualifier, isa_id)
);
