-- The customer portal (issue 15): one-time sign-in links and the sessions they start. Only hashes
-- of the tokens are kept.
CREATE TABLE portal_links (
    token_hash text PRIMARY KEY,
    email      text        NOT NULL,           -- lower case
    issued_by  text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX portal_links_expired ON portal_links (expires_at);

CREATE TABLE portal_sessions (
    token_hash text PRIMARY KEY,
    email      text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    ended_at   timestamptz
);
CREATE INDEX portal_sessions_expired ON portal_sessions (expires_at);
