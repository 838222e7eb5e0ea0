-- Several holds per order, each of a kind (MANUAL, UNMAPPED_SKU, PAYMENT_PENDING), kept with the order.
-- hold_reason/hold_by/hold_at keep the first of them, for the list filter and the fulfillment queue.
ALTER TABLE orders ADD COLUMN holds jsonb NOT NULL DEFAULT '[]'::jsonb;
UPDATE orders
SET holds = jsonb_build_array(jsonb_build_object(
        'kind', 'MANUAL', 'reason', hold_reason, 'by', hold_by,
        'at', to_char(hold_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))
WHERE hold_reason IS NOT NULL;
