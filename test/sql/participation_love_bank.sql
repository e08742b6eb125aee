-- The love bank (issue 14 §2) on district 450102: accounts, earning once per attendance with
-- dated rates and the cap, transfers, redemption with stock, reversals, the append-only and
-- balanced rules, and ledger_check after every scenario.  All rolled back.
SET search_path = commgrid, public;
\set SHOW_CONTEXT never
BEGIN;
\set ON_ERROR_ROLLBACK on
\i test/fixtures/participation.sql
-- the activity's grid comes from the engine
SELECT activity_id, grid_code, community_code FROM activity WHERE activity_id >= 4501020001 ORDER BY 1;

-- sign-ups: capacity 3, the fourth refused
INSERT INTO activity_attendance (activity_id, resident_id)
SELECT 4501020001, 4501020000 + p FROM generate_series(1, 3) p;
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (4501020001, 4501020004);
SELECT resident_id, community_code FROM activity_attendance WHERE activity_id = 4501020001 ORDER BY 1;
-- attendance and hours; verification needs hours
UPDATE activity_attendance SET attended = true, hours = 3 WHERE activity_id = 4501020001;
\set VERBOSITY terse
UPDATE activity_attendance SET verified_by = '服务站' WHERE resident_id = 4501020001;
\set VERBOSITY default
UPDATE activity_attendance SET verified_by = '服务站张三', verified_on = '2016-05-02'
WHERE activity_id = 4501020001 AND resident_id IN (4501020001, 4501020002);

-- earning: 3 h × 10 (the 2016 rate) for the two verified; the unverified one is refused alone
SELECT post_earnings() AS credited;
SELECT credit_attendance(attendance_id) FROM activity_attendance WHERE resident_id = 4501020003;
SELECT credit_attendance(attendance_id) FROM activity_attendance WHERE resident_id = 4501020001;
SELECT post_earnings() AS credited_again;
SELECT a.resident_id, a.area_code, a.balance FROM love_account a WHERE a.kind = 'resident'
  AND a.area_code <@ '450102' ORDER BY 1;
SELECT * FROM ledger_check();

-- the dated rate: 2017 at 12 per hour
INSERT INTO activity_attendance (activity_id, resident_id, attended, hours, verified_by, verified_on)
VALUES (4501020002, 4501020001, true, 2.5, '服务站张三', '2017-03-02');
SELECT post_earnings() AS credited;
SELECT balance FROM love_account WHERE resident_id = 4501020001;
-- no rate for the kind on the day: refused, nothing posted
INSERT INTO activity (activity_id, organiser_id, kind, title, location, starts_at, ends_at) VALUES
 (4501020003, 4501020001, 'elderly_care', '助老', ST_SetSRID(ST_MakePoint(108.32, 22.82), 4490),
  '2016-06-01 09:00+08', '2016-06-01 10:00+08');
INSERT INTO activity_attendance (activity_id, resident_id, attended, hours, verified_by, verified_on)
VALUES (4501020003, 4501020005, true, 1, '服务站张三', '2016-06-01');
SELECT post_earnings();
DELETE FROM activity_attendance WHERE activity_id = 4501020003;

-- the cap: at 40 points, resident 2 keeps 40 of a 30-point earning on a 30 balance, 20 go to the pool
UPDATE participation_setting SET value = 40 WHERE name = 'account_cap_points';
INSERT INTO activity_attendance (activity_id, resident_id, attended, hours, verified_by, verified_on)
VALUES (4501020002, 4501020002, true, 2.5, '服务站张三', '2017-03-02');
SELECT post_earnings() AS credited;
SELECT a.kind, a.resident_id, a.balance FROM love_account a
WHERE a.area_code <@ '450102' AND a.balance IS NOT NULL ORDER BY a.account_id;
SELECT * FROM ledger_check();
UPDATE participation_setting SET value = 1500 WHERE name = 'account_cap_points';

-- transfers to relatives: beyond the balance, without a relation, to a bank account: refused
\set r1 '(SELECT account_id FROM love_account WHERE resident_id = 4501020001)'
\set r2 '(SELECT account_id FROM love_account WHERE resident_id = 4501020002)'
SELECT transfer_points(:r1, :r2, 5, '母亲') IS NOT NULL AS transferred;
SELECT transfer_points(:r1, :r2, 1000, '母亲');
SELECT transfer_points(:r1, :r2, 5, ' ');
SELECT transfer_points(:r1, love_bank_account('450102001001', 'issuance'), 5, '母亲');
SELECT transfer_points(:r1, :r2, 0.001, '母亲');
SELECT resident_id, balance FROM love_account WHERE resident_id IN (4501020001, 4501020002) ORDER BY 1;

-- redemption: stock and balance
INSERT INTO redemption_item (item_id, area_code, name, kind, price_points, stock) VALUES
 (4501020001, '450102001', '大米5kg', 'goods', 20, 1),
 (4501020002, '450102001', '家政服务1小时', 'household_help', 100, 5),
 (4501020003, '450102001002', '乙社区培训', 'training', 1, 5);
SELECT redeem(:r1, 4501020001) IS NOT NULL AS redeemed;
SELECT redeem(:r2, 4501020001);                 -- the last one is gone
SELECT redeem(:r2, 4501020002);                 -- 100 points asked of 40
SELECT redeem(:r2, 4501020003);                 -- offered in another community
SELECT redeem(:r2, 4501029999);
SELECT redeem(:r2, 4501020002, 0);
SELECT redeem(love_bank_account('450102001', 'donation_pool'), 4501020002);
SELECT * FROM redemption_stock WHERE area_code <@ '450102' ORDER BY item_id;
SELECT * FROM ledger_check();

-- reversal: of the redemption (the rice goes back), once; a reversal is not reversed
SELECT reverse_transaction(transaction_id, '登记错误') IS NOT NULL AS reversed
FROM love_transaction WHERE item_id = 4501020001;
SELECT reverse_transaction(transaction_id, '再次') FROM love_transaction WHERE item_id = 4501020001;
SELECT reverse_transaction(transaction_id, '再次') FROM love_transaction WHERE kind = 'reversal' AND area_code <@ '450102';
SELECT reverse_transaction(transaction_id, NULL) FROM love_transaction WHERE kind = 'transfer' AND area_code <@ '450102';
SELECT stock FROM redemption_item WHERE item_id = 4501020001;
SELECT resident_id, balance FROM love_account WHERE resident_id IN (4501020001, 4501020002) ORDER BY 1;
-- an earning reversed may not be credited again
SELECT reverse_transaction(transaction_id, '时长有误') IS NOT NULL AS reversed
FROM love_transaction t JOIN activity_attendance x USING (attendance_id) WHERE x.resident_id = 4501020002 AND x.activity_id = 4501020001;
SELECT credit_attendance(attendance_id) FROM activity_attendance WHERE resident_id = 4501020002 AND activity_id = 4501020001;
SELECT * FROM ledger_check();

-- append-only
UPDATE love_movement SET amount = 1000 WHERE area_code <@ '450102';
DELETE FROM love_transaction WHERE area_code <@ '450102';
TRUNCATE love_movement;
-- balanced at commit: a one-legged and an unbalanced transaction, checked when the deferred
-- constraint fires (here made immediate; COMMIT fires it the same way)
SAVEPOINT unbalanced;
INSERT INTO love_transaction (transaction_id, kind, area_code) VALUES (4501029001, 'donation', '450102001');
INSERT INTO love_movement (transaction_id, account_id, amount)
VALUES (4501029001, love_bank_account('450102001', 'donation_pool'), 5),
       (4501029001, love_bank_account('450102001', 'issuance'), -4);
SET CONSTRAINTS love_transaction_balanced IMMEDIATE;
ROLLBACK TO unbalanced;
SAVEPOINT one_leg;
INSERT INTO love_transaction (transaction_id, kind, area_code) VALUES (4501029002, 'donation', '450102001');
SET CONSTRAINTS love_transaction_balanced IMMEDIATE;
ROLLBACK TO one_leg;
SAVEPOINT balanced;
INSERT INTO love_transaction (transaction_id, kind, area_code) VALUES (4501029003, 'donation', '450102001');
INSERT INTO love_movement (transaction_id, account_id, amount)
VALUES (4501029003, love_bank_account('450102001', 'donation_pool'), 5),
       (4501029003, love_bank_account('450102001', 'issuance'), -5);
SET CONSTRAINTS love_transaction_balanced IMMEDIATE;
SELECT balance FROM love_account WHERE account_id = love_bank_account('450102001', 'donation_pool');
ROLLBACK TO balanced;
SET CONSTRAINTS love_transaction_balanced DEFERRED;
-- (a movement into a transaction another database transaction posted: the isolation spec)
-- a negative direct movement beyond the balance
SAVEPOINT direct;
INSERT INTO love_transaction (transaction_id, kind, area_code) VALUES (4501029004, 'donation', '450102001');
INSERT INTO love_movement (transaction_id, account_id, amount)
VALUES (4501029004, :r2, -1000), (4501029004, love_bank_account('450102001', 'donation_pool'), 1000);
ROLLBACK TO direct;
-- a movement that names another area than its account's
SAVEPOINT wrong_area;
INSERT INTO love_transaction (transaction_id, kind, area_code) VALUES (4501029005, 'donation', '450102001');
INSERT INTO love_movement (transaction_id, account_id, area_code, amount)
VALUES (4501029005, :r2, '450102001002', 1), (4501029005, love_bank_account('450102001', 'donation_pool'), '450102001', -1);
ROLLBACK TO wrong_area;
SELECT love_bank_account('450102', 'issuance');
SELECT love_bank_account('450102001001', 'bank');
SELECT count(*) FROM open_love_bank('450102001001001');
SELECT * FROM ledger_check();

-- needy members and the reports
INSERT INTO needy_member VALUES (4501020001, '450102001001', '2016-01-10', '社区党委会议', '因病致困', NULL);
\set VERBOSITY terse
INSERT INTO needy_member VALUES (4501020002, '450102001001', '2016-01-10', ' ', '因病致困', NULL);
\set VERBOSITY default
SELECT community_code, year, resident_id, earnings, points_earned, redemptions, points_redeemed
FROM needy_member_participation WHERE community_code <@ '450102' AND year <= 2017 ORDER BY year;
SELECT community_code, year, place, resident_id, points_earned, hours, stars
FROM love_bank_star_board WHERE community_code <@ '450102' ORDER BY year, place, resident_id;
SELECT area_code, month, points_issued, points_redeemed, points_transferred, points_to_pool, transactions
FROM love_bank_monthly WHERE area_code <@ '450102' AND month < '2018-01-01' ORDER BY area_code, month;
UPDATE love_account SET holder_died_on = '2017-01-01' WHERE resident_id = 4501020001;
SELECT area_code, resident_id, balance, reason FROM love_bank_dormant WHERE area_code <@ '450102' ORDER BY 2;
SELECT star_level(99), star_level(100), star_level(1499), star_level(1500);
-- a failed posting left nothing behind
SELECT * FROM ledger_check();
ROLLBACK;
