-- One batch of :batch double-entry postings of 1.00, as one set-based statement (its own
-- transaction: one round trip, one commit). Each posting debits :hot = 1 ? the house account 0 :
-- a random account, and credits another random account. The statement locks every balance row
-- of the batch once, in id order (so concurrent batches cannot deadlock), updates each balance
-- once with the sum of its lines, inserts the entries with a unique key and their lines with
-- the running balance of each account inside the batch. The best minimal SQL for the work the
-- ledger does per batch: the ceiling a posting engine can approach, not pass.
WITH postings AS MATERIALIZED (
  SELECT n, nextval('ceiling_entries_id_seq') AS entry_id, d,
         1 + (d + floor(random() * (:accounts - 1))::int) % :accounts AS c
    FROM (SELECT n, CASE WHEN :hot = 1 THEN 0 ELSE 1 + floor(random() * :accounts)::int END AS d
            FROM generate_series(1, :batch::int) n) drawn
), lines AS MATERIALIZED (
  SELECT n, entry_id, 1::smallint AS line_no, d AS account_id, 1.00::numeric AS amount FROM postings
  UNION ALL
  SELECT n, entry_id, 2::smallint, c, -1.00::numeric FROM postings
), locked AS MATERIALIZED (
  SELECT id, balance FROM ceiling_balances
   WHERE id = ANY (ARRAY(SELECT DISTINCT account_id FROM lines))
   ORDER BY id
     FOR UPDATE
), running AS MATERIALIZED (
  SELECT l.entry_id, l.line_no, l.account_id, l.amount,
         k.balance + sum(l.amount) OVER (PARTITION BY l.account_id ORDER BY l.n, l.line_no) AS balance_after
    FROM lines l JOIN locked k ON k.id = l.account_id
), balances AS (
  UPDATE ceiling_balances b SET balance = b.balance + t.delta, line_count = b.line_count + t.lines
    FROM (SELECT account_id, sum(amount) AS delta, count(*) AS lines FROM running GROUP BY account_id) t
   WHERE b.id = ANY (ARRAY(SELECT id FROM locked)) AND b.id = t.account_id
), entries AS (
  INSERT INTO ceiling_entries (id, idempotency_key)
  SELECT entry_id, gen_random_uuid()::text FROM postings
)
INSERT INTO ceiling_lines (entry_id, line_no, account_id, amount, balance_after)
SELECT entry_id, line_no, account_id, amount, balance_after FROM running;
