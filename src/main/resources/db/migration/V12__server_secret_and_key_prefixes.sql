-- The server secret that keys API-key hashes (and, later, encrypts channel credentials) when
-- ORDERLOOP_SECRETS_KEY is not set: generated once, shared by every instance. docs/security.md says
-- what that costs.
CREATE TABLE server_secrets (
    name        text PRIMARY KEY,
    value       bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The listed prefix is an identifier, never a part of the key: it used to be the key's first eight
-- characters, which for a human-chosen bootstrap key gave part of it away.
UPDATE api_keys SET prefix = 'olk_' || substr(md5(random()::text || id::text), 1, 8);

COMMENT ON COLUMN api_keys.key_hash IS
    'HMAC-SHA256 of the key under a key derived from the server secret, hex (rows from before V12 hold an unkeyed SHA-256 until the key is next used)';
