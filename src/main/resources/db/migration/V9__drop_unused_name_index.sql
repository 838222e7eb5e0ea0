-- Text search matches substrings (LIKE '%…%'), which a btree cannot serve; this index only cost every insert.
DROP INDEX IF EXISTS orders_by_customer_name;
