-- The ceiling's scratch schema: the least a double-entry posting needs. Balance rows with a
-- running total, entries with a unique idempotency key, lines with their running balance and an
-- index per account (as the ledger keeps). No triggers, no outbox, no hash, no JSON.
DROP TABLE IF EXISTS ceiling_lines, ceiling_entries, ceiling_balances;

CREATE TABLE ceiling_balances (
  id          integer PRIMARY KEY,
  balance     numeric NOT NULL DEFAULT 0,
  line_count  bigint  NOT NULL DEFAULT 0
);

CREATE TABLE ceiling_entries (
  id               bigserial PRIMARY KEY,
  idempotency_key  text        NOT NULL UNIQUE,
  posted_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ceiling_lines (
  entry_id       bigint   NOT NULL REFERENCES ceiling_entries (id),
  line_no        smallint NOT NULL,
  account_id     integer  NOT NULL REFERENCES ceiling_balances (id),
  amount         numeric  NOT NULL,
  balance_after  numeric  NOT NULL,
  PRIMARY KEY (entry_id, line_no)
);
CREATE INDEX ceiling_lines_account_idx ON ceiling_lines (account_id, entry_id);

-- Account 0 is the house account of the hot-account case; 1..accounts the uniform ones.
INSERT INTO ceiling_balances (id) SELECT generate_series(0, :accounts);
ANALYZE ceiling_balances;
