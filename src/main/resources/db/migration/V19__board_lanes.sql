-- The console board's lanes (held orders, at-risk orders), newest first: small partial indexes, so a lane is a
-- short index scan however many orders there are (without them, a lane with few or no orders walks every order).
-- Not CONCURRENTLY: Flyway holds a transaction open beside its migrations, which such a build waits for forever.
-- On a large store the build blocks order writes for about a second (about 0.6 s per index per million orders here).
CREATE INDEX orders_held_newest ON orders (created_at DESC, id DESC) WHERE hold_reason IS NOT NULL;
CREATE INDEX orders_at_risk_newest ON orders (created_at DESC, id DESC) WHERE at_risk;
