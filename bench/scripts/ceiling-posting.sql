-- One double-entry posting of 1.00 from :debit to :credit, after the batch locked both balance
-- rows (in id order, with every other row of the batch): update both balances, insert the entry
-- and its two lines with the running balances. One statement, one round trip.
WITH debited AS (
  UPDATE ceiling_balances SET balance = balance + 1.00, line_count = line_count + 1
   WHERE id = :debit RETURNING balance
), credited AS (
  UPDATE ceiling_balances SET balance = balance - 1.00, line_count = line_count + 1
   WHERE id = :credit RETURNING balance
), entry AS (
  INSERT INTO ceiling_entries (idempotency_key) VALUES (gen_random_uuid()::text) RETURNING id
)
INSERT INTO ceiling_lines (entry_id, line_no, account_id, amount, balance_after)
SELECT entry.id, 1, :debit::integer, 1.00, debited.balance FROM entry, debited
UNION ALL
SELECT entry.id, 2, :credit::integer, -1.00, credited.balance FROM entry, credited;
