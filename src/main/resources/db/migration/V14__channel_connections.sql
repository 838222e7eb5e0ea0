-- Channel connections and SKU aliases. Credentials are stored encrypted (AES-GCM under a key derived
-- from the server secret) and never returned.
CREATE TABLE channel_shopify_shops (
    shop_domain         text PRIMARY KEY,
    webhook_secret_enc  text        NOT NULL,
    access_token_enc    text        NOT NULL,
    api_base_url        text        NOT NULL,
    api_version         text        NOT NULL,
    location            text        NOT NULL REFERENCES locations (code),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);

CREATE TABLE channel_square_merchants (
    merchant_id         text PRIMARY KEY,
    signature_key_enc   text        NOT NULL,
    notification_url    text        NOT NULL,
    access_token_enc    text        NOT NULL,
    api_base_url        text        NOT NULL,
    location            text        NOT NULL REFERENCES locations (code),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);

-- A channel's own product code for one of our SKUs: channel 'shopify', 'square' or 'edi:{partnerId}'.
CREATE TABLE channel_sku_aliases (
    channel       text        NOT NULL,
    external_sku  text        NOT NULL,
    sku           text        NOT NULL REFERENCES skus (code),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (channel, external_sku)
);
