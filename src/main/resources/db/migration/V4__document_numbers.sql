-- Human document numbers {prefix}-{kind}-{yyyy}-{seq}: at least four digits, never truncated past 9999.
CREATE FUNCTION orderloop_number(prefix text, kind text, year text, seq bigint) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT prefix || '-' || kind || '-' || year || '-' || lpad(seq::text, greatest(4, length(seq::text)), '0')
$$;
