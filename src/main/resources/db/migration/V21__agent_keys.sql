-- Agent keys (the MCP gateway's): a key may be bound to one customer, a buyer's agent that sees and acts on
-- that customer's orders only.
ALTER TABLE api_keys ADD COLUMN customer_email text;
