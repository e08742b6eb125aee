-- Staff posting to the love bank (issue 14 §2) on district 450102, as each group role: the
-- posting functions are security definer and check the acting role's reach; community staff
-- and above credit the verified hours of their jurisdiction's activities and reverse
-- postings; every staff group, grid workers included, records redemptions and transfers for
-- the residents it reaches; BI, unit liaisons and social workers post nothing; no staff role
-- writes the ledger's tables.  The balance and stock guarantees hold for staff as for the
-- owner.  All rolled back.
SET search_path = commgrid, public;
\set SHOW_CONTEXT never
BEGIN;
\set ON_ERROR_ROLLBACK on
\i test/fixtures/participation.sql
SELECT count(*) > 0 AS group_roles FROM create_roles();
CREATE ROLE p450102_admin IN ROLE commgrid_district_admin;
CREATE ROLE p450102_town IN ROLE commgrid_township_staff;
CREATE ROLE p450102_comm1 IN ROLE commgrid_community_staff;
CREATE ROLE p450102_comm2 IN ROLE commgrid_community_staff;
CREATE ROLE p450102_grid1 IN ROLE commgrid_grid_worker;
CREATE ROLE p450102_grid2 IN ROLE commgrid_grid_worker;
CREATE ROLE p450102_bi IN ROLE commgrid_bi_reader;
CREATE ROLE p450102_liaison IN ROLE commgrid_unit_liaison;
CREATE ROLE p450102_social IN ROLE commgrid_social_worker;
SELECT count(*) AS granted FROM (
  SELECT grant_jurisdiction('p450102_admin', '450102'), grant_jurisdiction('p450102_town', '450102001'),
         grant_jurisdiction('p450102_comm1', '450102001001'), grant_jurisdiction('p450102_comm2', '450102001002'),
         grant_jurisdiction('p450102_grid1', '450102001001001'), grant_jurisdiction('p450102_grid2', '450102001002001')) g;

-- verified attendances: residents 1 and 2 (community 甲) at an activity in 甲, resident 7 (乙)
-- at one in 乙
INSERT INTO activity (activity_id, organiser_id, kind, title, location, starts_at, ends_at) VALUES
 (4501020004, 4501020001, 'free_repair', '乙社区维修', ST_SetSRID(ST_MakePoint(108.36, 22.82), 4490),
  '2016-05-08 09:00+08', '2016-05-08 11:00+08');
INSERT INTO activity_attendance (attendance_id, activity_id, resident_id, attended, hours, verified_by, verified_on) VALUES
 (4501020101, 4501020001, 4501020001, true, 3, '服务站张三', '2016-05-02'),
 (4501020102, 4501020001, 4501020002, true, 3, '服务站张三', '2016-05-02'),
 (4501020103, 4501020004, 4501020007, true, 2, '服务站李四', '2016-05-09');
SELECT attendance_id, community_code FROM activity_attendance WHERE attendance_id > 4501020100 ORDER BY 1;

\set VERBOSITY terse
-- a temporary table made in place of post_earnings' work table (a trigger on it would run
-- with the owner's rights) is refused
SET LOCAL ROLE p450102_comm1;
CREATE TEMP TABLE earning_due (attendance_id bigint PRIMARY KEY, resident_id bigint, community_code gridcode,
  value_date date, points numeric(12, 2), account_id bigint, issuance_id bigint, pool_id bigint);
SELECT post_earnings();
DROP TABLE pg_temp.earning_due;
RESET ROLE;
-- earning: groups that do not verify hours may not credit them
SET LOCAL ROLE p450102_grid1;
SELECT credit_attendance(4501020101);
SELECT post_earnings();
RESET ROLE;
SET LOCAL ROLE p450102_bi;
SELECT credit_attendance(4501020101);
RESET ROLE;
SET LOCAL ROLE p450102_liaison;
SELECT post_earnings();
RESET ROLE;
SET LOCAL ROLE p450102_social;
SELECT post_earnings();
RESET ROLE;
-- community staff: another community's attendance, a missing one, a list with one outside
-- (refused whole, nothing posted), then all of its own
SET LOCAL ROLE p450102_comm2;
SELECT credit_attendance(4501020101);
RESET ROLE;
SET LOCAL ROLE p450102_comm1;
SELECT credit_attendance(4501029999);
SELECT post_earnings(ARRAY[4501020101, 4501020103]);
SELECT count(*) AS posted FROM love_transaction WHERE area_code <@ '450102';
SELECT post_earnings() AS credited;
SELECT credit_attendance(4501020101);
RESET ROLE;
SET LOCAL ROLE p450102_comm2;
SELECT post_earnings() AS credited;
RESET ROLE;
SELECT t.attendance_id, t.posted_by, a.resident_id, a.balance
FROM love_transaction t JOIN love_movement m USING (transaction_id) JOIN love_account a USING (account_id)
WHERE t.kind = 'earning' AND a.kind = 'resident' AND t.area_code <@ '450102' ORDER BY 1;
SELECT * FROM ledger_check();

-- the accounts each staff group reads: a resident account lies in its holder's community,
-- which no grid lies above, yet the grid worker records its residents' redemptions and
-- transfers: it reads the accounts of the residents it reaches (the resident's policy), and no
-- bank account or other account; community staff their community's; BI none
SET LOCAL ROLE p450102_grid1;
SELECT kind, resident_id, balance FROM love_account ORDER BY account_id;
SELECT count(*) AS movements, count(DISTINCT transaction_id) AS transactions FROM love_movement;
RESET ROLE;
SET LOCAL ROLE p450102_grid2;
SELECT kind, resident_id, balance FROM love_account ORDER BY account_id;
RESET ROLE;
SET LOCAL ROLE p450102_comm1;
SELECT kind, area_code, resident_id FROM love_account ORDER BY account_id;
RESET ROLE;
SET LOCAL ROLE p450102_bi;
SELECT count(*) FROM love_account;
RESET ROLE;
-- a holder who moves keeps the account of the community where it was opened: the new grid's
-- worker and community's staff read it (they reach the holder, and post for it), the old
-- grid's worker no longer does
SAVEPOINT moved;
UPDATE resident SET household_id = 4501020002 WHERE resident_id = 4501020002;
SET LOCAL ROLE p450102_grid1;
SELECT resident_id FROM love_account ORDER BY resident_id;
RESET ROLE;
SET LOCAL ROLE p450102_grid2;
SELECT resident_id, area_code FROM love_account ORDER BY resident_id;
RESET ROLE;
SET LOCAL ROLE p450102_comm2;
SELECT resident_id, area_code FROM love_account WHERE kind = 'resident' ORDER BY resident_id;
RESET ROLE;
ROLLBACK TO SAVEPOINT moved;
-- so a grid worker looks the accounts up itself, as at the counter
SET LOCAL ROLE p450102_grid1;
SELECT (SELECT account_id FROM love_account WHERE resident_id = 4501020001) AS r1,
       (SELECT account_id FROM love_account WHERE resident_id = 4501020002) AS r2 \gset
RESET ROLE;
SET LOCAL ROLE p450102_grid2;
SELECT account_id AS r7 FROM love_account WHERE resident_id = 4501020007 \gset
RESET ROLE;
INSERT INTO redemption_item (item_id, area_code, name, kind, price_points, stock) VALUES
 (4501020001, '450102001', '大米5kg', 'goods', 10, 2),
 (4501020002, '450102001', '家政服务1小时', 'household_help', 100, 5);
-- the catalogue as each staff group sees it: the subdistrict bank's items (they are offered to
-- every resident below it) and a community bank's items in that community only; the grid
-- worker and the community staff read the subdistrict's items but do not change them
INSERT INTO redemption_item (item_id, area_code, name, kind, price_points, stock) VALUES
 (4501020003, '450102001002', '理发券', 'household_help', 5, 3);
SET LOCAL ROLE p450102_grid1;
SELECT item_id, area_code, name FROM redemption_item ORDER BY 1;
SELECT item_id, stock, redeemed FROM redemption_stock ORDER BY 1;
UPDATE redemption_item SET stock = 99 WHERE item_id = 4501020001;
RESET ROLE;
SET LOCAL ROLE p450102_comm1;
SELECT item_id, area_code, name FROM redemption_item ORDER BY 1;
SELECT item_id, stock, redeemed FROM redemption_stock ORDER BY 1;
UPDATE redemption_item SET stock = 99 WHERE item_id IN (4501020001, 4501020003);
RESET ROLE;
SET LOCAL ROLE p450102_comm2;
SELECT item_id, area_code, name FROM redemption_item ORDER BY 1;
SELECT item_id, stock, redeemed FROM redemption_stock ORDER BY 1;
RESET ROLE;
SET LOCAL ROLE p450102_town;
SELECT item_id, area_code, name FROM redemption_item ORDER BY 1;
RESET ROLE;
SET LOCAL ROLE p450102_bi;
SELECT item_id FROM redemption_stock;
RESET ROLE;
SELECT item_id, stock FROM redemption_item WHERE item_id BETWEEN 4501020001 AND 4501020003 ORDER BY 1;
-- redemptions: a grid worker for the residents of its grid only (another grid's, a missing
-- account: one refusal); the stock and the balance still refuse what is not there
SET LOCAL ROLE p450102_grid2;
SELECT redeem(:r1, 4501020001);
RESET ROLE;
SET LOCAL ROLE p450102_grid1;
SELECT redeem(4501029999, 4501020001);
SELECT redeem(:r1, 4501020001) IS NOT NULL AS redeemed;
SELECT redeem(:r1, 4501020001, 5);
SELECT redeem(:r1, 4501020002);
RESET ROLE;
-- an item not offered to the account (another community's, out of stock or not, or none):
-- one refusal that names neither its name, its area nor its stock
INSERT INTO redemption_item (item_id, area_code, name, kind, price_points, stock) VALUES
 (4501020013, '450102001002', '乙社区食用油', 'goods', 1, 3),
 (4501020014, '450102001002', '乙社区理发', 'household_help', 1, 0);
SET LOCAL ROLE p450102_grid1;
SELECT redeem(:r1, 4501020013);
SELECT redeem(:r1, 4501020014);
SELECT redeem(:r1, 4501029999);
RESET ROLE;
SET LOCAL ROLE p450102_comm2;
SELECT redeem(:r1, 4501020001);
SELECT redeem(:r7, 4501020001) IS NOT NULL AS redeemed;
SELECT redeem(:r7, 4501020001);
RESET ROLE;
SET LOCAL ROLE p450102_bi;
SELECT redeem(:r1, 4501020001);
RESET ROLE;
SELECT item_id, stock FROM redemption_item WHERE item_id IN (4501020001, 4501020002, 4501020003, 4501020013, 4501020014) ORDER BY 1;
SELECT t.posted_by, a.resident_id, m.amount FROM love_transaction t JOIN love_movement m USING (transaction_id)
JOIN love_account a USING (account_id) WHERE t.kind = 'redemption' AND a.kind = 'resident' AND t.area_code <@ '450102' ORDER BY 2;
SELECT * FROM ledger_check();

-- transfers: both holders must be reached
SET LOCAL ROLE p450102_grid1;
SELECT transfer_points(:r1, :r2, 5, '母亲') IS NOT NULL AS transferred;
SELECT transfer_points(:r1, :r7, 5, '母亲');
RESET ROLE;
SET LOCAL ROLE p450102_town;
SELECT transfer_points(:r1, :r7, 5, '母亲') IS NOT NULL AS transferred;
SELECT transfer_points(:r1, :r7, 500, '母亲');
RESET ROLE;
SELECT resident_id, balance FROM love_account WHERE resident_id IN (4501020001, 4501020002, 4501020007) ORDER BY 1;

-- reversals: community staff and above, every holder moved in reach (the transactions looked
-- up as the owner: a redemption is posted to the bank's area, the subdistrict)
SELECT (SELECT min(transaction_id) FROM love_transaction WHERE item_id = 4501020001) AS rice,
       (SELECT max(transaction_id) FROM love_transaction WHERE kind = 'transfer' AND area_code <@ '450102') AS xfer \gset
SET LOCAL ROLE p450102_grid1;
SELECT reverse_transaction(:rice, '登记错误');
RESET ROLE;
SET LOCAL ROLE p450102_comm2;
SELECT reverse_transaction(:rice, '登记错误');
SELECT reverse_transaction(4501029999, '登记错误');
RESET ROLE;
SET LOCAL ROLE p450102_comm1;
SELECT reverse_transaction(:rice, '登记错误') IS NOT NULL AS reversed;
SELECT reverse_transaction(:rice, '登记错误');
SELECT reverse_transaction(:xfer, '转错了');
RESET ROLE;
SET LOCAL ROLE p450102_town;
SELECT reverse_transaction(:xfer, '转错了') IS NOT NULL AS reversed;
RESET ROLE;
SELECT kind, posted_by, note FROM love_transaction WHERE kind = 'reversal' AND area_code <@ '450102' ORDER BY transaction_id;
SELECT item_id, stock FROM redemption_item WHERE item_id = 4501020001;
SELECT * FROM ledger_check();

-- the tables themselves: no staff role writes them; a district administrator's posting is
-- checked alike
SET LOCAL ROLE p450102_comm1;
INSERT INTO love_transaction (kind, area_code, note) VALUES ('donation', '450102001001', 'x');
UPDATE love_account SET balance = 1000 WHERE resident_id = 4501020001;
RESET ROLE;
SET LOCAL ROLE p450102_admin;
SELECT redeem(:r2, 4501020001) IS NOT NULL AS redeemed;
RESET ROLE;
\set VERBOSITY default
SELECT count(*) AS postings, count(DISTINCT posted_by) AS posters FROM love_transaction WHERE area_code <@ '450102';
SELECT * FROM ledger_check();

-- a sign-up for another community's activity is refused by the policy before the capacity
-- rule could tell how full that activity is (甲's repair, capacity 3, is full here); its own
-- community's staff are told
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (4501020001, 4501020003);
SET LOCAL ROLE p450102_comm2;
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (4501020001, 4501020007);
RESET ROLE;
SET LOCAL ROLE p450102_comm1;
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (4501020001, 4501020004);
RESET ROLE;

-- a row naming another jurisdiction's resident or account is refused exactly as one naming a
-- missing one (attack8): the needy register took another community's resident (whose points
-- needy_member_participation then showed), an item another area's donor account
\set VERBOSITY terse
INSERT INTO love_account (account_id, kind, area_code, donor_name, balance) VALUES
 (4501020901, 'donor', '450102001002', '乙社区超市', 0),
 (4501020902, 'donor', '450102001001', '甲社区超市', 0);
SET LOCAL ROLE p450102_comm1;
INSERT INTO needy_member VALUES (4501020007, '450102001001', '2016-01-01', '甲社区党委', '因病致困');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
INSERT INTO needy_member VALUES (4501029999, '450102001001', '2016-01-01', '甲社区党委', '因病致困');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
INSERT INTO needy_member VALUES (4501020001, '450102001001', '2016-01-01', '甲社区党委', '因病致困');
UPDATE needy_member SET resident_id = 4501020007 WHERE resident_id = 4501020001;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT DISTINCT resident_id FROM needy_member_participation ORDER BY 1;
INSERT INTO redemption_item (item_id, area_code, name, kind, price_points, stock, donor_account_id)
VALUES (4501020021, '450102001001', '捐赠食用油', 'goods', 5, 1, 4501020901);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
INSERT INTO redemption_item (item_id, area_code, name, kind, price_points, stock, donor_account_id)
VALUES (4501020021, '450102001001', '捐赠食用油', 'goods', 5, 1, 4501029999);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
INSERT INTO redemption_item (item_id, area_code, name, kind, price_points, stock, donor_account_id)
VALUES (4501020021, '450102001001', '捐赠食用油', 'goods', 5, 1, 4501020902);
UPDATE redemption_item SET donor_account_id = 4501020901 WHERE item_id = 4501020021;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT item_id, donor_account_id FROM redemption_item WHERE item_id = 4501020021;
RESET ROLE;
-- a holder who moved keeps the account of the community where it was opened; the new grid's
-- worker redeems for it only items of its own catalogue (the subdistrict's), and an item of the
-- old community's bank, which it may not read, is refused as a missing one, in stock or not
SAVEPOINT moved_holder;
INSERT INTO redemption_item (item_id, area_code, name, kind, price_points, stock) VALUES
 (4501020031, '450102001001', '甲社区月饼', 'goods', 1, 0),
 (4501020032, '450102001001', '甲社区粽子', 'goods', 1, 5),
 (4501020033, '450102001', '街道肥皂', 'goods', 1, 5);
UPDATE resident SET household_id = 4501020002 WHERE resident_id = 4501020002;
SET LOCAL ROLE p450102_grid2;
SELECT item_id FROM redemption_item WHERE item_id BETWEEN 4501020031 AND 4501020033 ORDER BY 1;
SELECT redeem(:r2, 4501020031);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT redeem(:r2, 4501020032);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT redeem(:r2, 4501029999);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT redeem(:r2, 4501020033) IS NOT NULL AS redeemed;
RESET ROLE;
SELECT item_id, stock FROM redemption_item WHERE item_id BETWEEN 4501020031 AND 4501020033 ORDER BY 1;
ROLLBACK TO SAVEPOINT moved_holder;
-- a credited attendance stays as the ledger credited it while its earning stands: township
-- staff neither take its verification back, change its hours nor move it to another resident
-- (428C9; the points stayed, and the verified hours behind the star board told another story);
-- its other columns still change, and once the earning is reversed the attendance may be
-- corrected (last: crediting and reversing take transaction ids)
SAVEPOINT credited;
INSERT INTO activity_attendance (attendance_id, activity_id, resident_id, attended, hours, verified_by, verified_on)
VALUES (4501020104, 4501020004, 4501020003, true, 2, '服务站张三', '2016-05-02');
SET LOCAL ROLE p450102_town;
SELECT credit_attendance(4501020104) AS earning_104 \gset
\set VERBOSITY default
UPDATE activity_attendance SET verified_on = NULL, verified_by = NULL WHERE attendance_id = 4501020104;
UPDATE activity_attendance SET hours = 12 WHERE attendance_id = 4501020104;
UPDATE activity_attendance SET resident_id = 4501020004 WHERE attendance_id = 4501020104;
\set VERBOSITY terse
UPDATE activity_attendance SET volunteer_id = 'ZY000123' WHERE attendance_id = 4501020104 RETURNING attendance_id, volunteer_id;
SELECT reverse_transaction(:earning_104, '工时登记有误') IS NOT NULL AS reversed;
UPDATE activity_attendance SET hours = 1.5 WHERE attendance_id = 4501020104 RETURNING attendance_id, hours;
RESET ROLE;
ROLLBACK TO credited;
ROLLBACK;
