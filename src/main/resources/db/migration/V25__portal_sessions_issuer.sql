-- Who issued the link a customer's session came from: recorded with what the customer does.
ALTER TABLE portal_sessions ADD COLUMN issued_by text;
