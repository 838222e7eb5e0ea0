-- Text search of the orders list (number, customer name and e-mail, buyer PO; issue 17): one trigram index
-- over the four fields, separated by a character no search can contain (the API refuses control characters),
-- so a substring search is an index scan instead of a walk over every order. pg_trgm is a trusted extension:
-- a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX orders_text_search ON orders USING gin (
    lower(number || chr(31) || coalesce(customer_name, '') || chr(31) || coalesce(customer_email, '')
          || chr(31) || coalesce(buyer_po, '')) gin_trgm_ops);
