#!/usr/bin/env bash
# `make concurrencycheck` (with redraw_race.sh): love-bank redemptions racing (issue 14 §2),
# bounded by a number of transactions, never by time.  Against the server in
# PGHOST/PGPORT/PGUSER, in a database of its own, commgrid_redeem_race, on district 450102:
# 4 resident accounts (101..104) of 100 points each and 3 catalogue items (stock 20, 20, 5).  Eight
# pgbench clients run TRANSACTIONS transactions each: a redemption of a random item by a
# random account (weight 8: half as the owner, half as the grid's grid worker through the
# staff path, security definer with the reach checked), an earning of 10 points by a random
# account (weight 1) and a transfer of 5 points between two random accounts (weight 1, as the
# community's staff).  Refusals (no points, no stock)
# are expected and counted; afterwards ledger_check() must be empty, every balance and stock
# must be at or above zero, and the points and items must add up.  Prints one line per check
# and `N passed, M failed`; exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")"
TRANSACTIONS=${TRANSACTIONS:-100}
BINDIR=$(${PG_CONFIG:-pg_config} --bindir)
PGBENCH=${PGBENCH:-$BINDIR/pgbench}
DB=commgrid_redeem_race
export PGDATABASE=postgres
WORK=$(mktemp -d)
roles_before=$(psql -X -At -c "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'commgrid\_%'")
cleanup() {  # from the postgres database: PGDATABASE is the race's own by then
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  psql -X -q -d postgres -c "DROP ROLE IF EXISTS rr450102_grid, rr450102_comm" >/dev/null 2>&1 || true
  if [ "$roles_before" = 0 ]; then
    for r in $(psql -X -At -d postgres -c "SELECT rolname FROM pg_roles WHERE rolname LIKE 'commgrid\_%'" 2>/dev/null); do
      psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1 || true
    done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
cleanup
WORK=$(mktemp -d)
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DB"
export PGDATABASE=$DB
psql -X -q -v ON_ERROR_STOP=1 -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION pg_commgrid CASCADE'
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SET search_path = commgrid, public;
INSERT INTO area (code, name, kind, boundary) VALUES
 ('450102', '青秀区', 'district', ST_MakeEnvelope(108.30, 22.80, 108.40, 22.90, 4490)),
 ('450102001', '新竹街道', 'subdistrict', ST_MakeEnvelope(108.30, 22.80, 108.40, 22.90, 4490)),
 ('450102001001', '甲社区', 'community', ST_MakeEnvelope(108.30, 22.80, 108.40, 22.90, 4490)),
 ('450102001001001', '甲社区第1网格', 'grid', ST_MakeEnvelope(108.30, 22.80, 108.40, 22.90, 4490));
INSERT INTO household (household_id, address, location)
VALUES (1, '青秀区甲路1号', ST_SetSRID(ST_MakePoint(108.31, 22.81), 4490));
INSERT INTO resident (resident_id, name, household_id) SELECT p, '志愿者' || p, 1 FROM generate_series(1, 4) p;
SELECT FROM open_love_bank('450102001');
INSERT INTO love_account (account_id, kind, area_code, resident_id, balance)
SELECT 100 + p, 'resident', '450102001001', p, 0 FROM generate_series(1, 4) p;
BEGIN;
INSERT INTO love_transaction (transaction_id, kind, area_code) VALUES (1, 'donation', '450102001');
INSERT INTO love_movement (transaction_id, account_id, amount)
SELECT 1, 100 + p, 100 FROM generate_series(1, 4) p
UNION ALL SELECT 1, love_bank_account('450102001', 'issuance'), -400;
COMMIT;
SELECT FROM setval(pg_get_serial_sequence('commgrid.love_transaction', 'transaction_id'), 1);
INSERT INTO redemption_item (item_id, area_code, name, kind, price_points, stock) VALUES
 (1, '450102001', '大米5kg', 'goods', 15, 20), (2, '450102001', '食用油5L', 'goods', 10, 20),
 (3, '450102001', '家政服务1小时', 'household_help', 30, 5);
-- staff: the grid worker of the accounts' grid and the community's staff
SELECT count(*) FROM create_roles();
CREATE ROLE rr450102_grid IN ROLE commgrid_grid_worker;
CREATE ROLE rr450102_comm IN ROLE commgrid_community_staff;
SELECT grant_jurisdiction('rr450102_grid', '450102001001001'), grant_jurisdiction('rr450102_comm', '450102001001');
-- the earnings of the run: each a donation of 10 points from the issuance account
CREATE SCHEMA redeem_race;
CREATE FUNCTION redeem_race.earn(account bigint) RETURNS void LANGUAGE sql AS $$
  WITH t AS (INSERT INTO commgrid.love_transaction (kind, area_code) VALUES ('donation', '450102001')
             RETURNING transaction_id)
  INSERT INTO commgrid.love_movement (transaction_id, account_id, amount)
  SELECT transaction_id, x.account_id, x.amount FROM t,
    (VALUES (account, 10::numeric), (commgrid.love_bank_account('450102001', 'issuance'), -10)) x (account_id, amount)
$$;
-- one attempt (as a staff role when one is given), its refusal (no points, no stock)
-- counted instead of raised; the outcome is written as the owner (the role is local to the
-- attempt's block)
CREATE TABLE redeem_race.outcome (what text NOT NULL, sqlstate text);
CREATE FUNCTION redeem_race.try(what text, stmt text, as_role name DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    IF as_role IS NOT NULL THEN
      EXECUTE format('SET LOCAL ROLE %I', as_role);
    END IF;
    EXECUTE stmt;
    RESET ROLE;
  EXCEPTION WHEN check_violation THEN
    INSERT INTO redeem_race.outcome VALUES (what, SQLSTATE);
    RETURN;
  END;
  INSERT INTO redeem_race.outcome VALUES (what, NULL);
END $$;
SQL
cat > "$WORK/redeem.sql" <<'SQL'
\set a random(101, 104)
\set i random(1, 3)
SELECT redeem_race.try('redeem', format('SELECT commgrid.redeem(%s, %s)', :a, :i));
SQL
cat > "$WORK/staff_redeem.sql" <<'SQL'
\set a random(101, 104)
\set i random(1, 3)
SELECT redeem_race.try('redeem', format('SELECT commgrid.redeem(%s, %s)', :a, :i), 'rr450102_grid');
SQL
cat > "$WORK/earn.sql" <<'SQL'
\set a random(101, 104)
SELECT redeem_race.try('earn', format('SELECT redeem_race.earn(%s)', :a));
SQL
cat > "$WORK/transfer.sql" <<'SQL'
\set a random(101, 104)
\set b random(1, 3)
SELECT redeem_race.try('transfer', format('SELECT commgrid.transfer_points(%s, %s, 5, %L)', :a, (:a - 101 + :b) % 4 + 101, '亲属'), 'rr450102_comm');
SQL

status=0
"$PGBENCH" -n -c 8 -j 8 -t "$TRANSACTIONS" --max-tries=10 -f "$WORK/redeem.sql@4" -f "$WORK/staff_redeem.sql@4" -f "$WORK/earn.sql@1" -f "$WORK/transfer.sql@1" \
  > "$WORK/pgbench.log" 2>&1 || status=1
passed=0
failed=0
check() {  # name, expected, actual
  if [ "$2" = "$3" ]; then
    echo "ok - $1: $3"; passed=$((passed + 1))
  else
    echo "not ok - $1: expected $2, got $3"; failed=$((failed + 1))
  fi
}
q() { psql -X -At -v ON_ERROR_STOP=1 -c "$1"; }
check "pgbench runs finished without error" 0 "$status"
[ "$status" = 0 ] || cat "$WORK/pgbench.log"
check "attempts recorded" $((8 * TRANSACTIONS)) "$(q "SELECT count(*) FROM redeem_race.outcome")"
echo "# $(q "SELECT string_agg(format('%s %s: %s', what, COALESCE(sqlstate, 'ok'), n), ', ' ORDER BY what, sqlstate NULLS FIRST) FROM (SELECT what, sqlstate, count(*) n FROM redeem_race.outcome GROUP BY 1, 2) x")"
check "redemptions refused for lack of points or stock" t "$(q "SELECT count(*) > 0 FROM redeem_race.outcome WHERE what = 'redeem' AND sqlstate = '23514'")"
check "ledger_check()" 0 "$(q "SELECT count(*) FROM commgrid.ledger_check()")"
check "balances below zero" 0 "$(q "SELECT count(*) FROM commgrid.love_account WHERE balance < 0")"
check "stock below zero" 0 "$(q "SELECT count(*) FROM commgrid.redemption_item WHERE stock < 0")"
check "items redeemed + stock = items at start" 45 "$(q "SELECT sum(stock) + (SELECT COALESCE(sum(quantity), 0) FROM commgrid.love_transaction WHERE kind = 'redemption') FROM commgrid.redemption_item")"
check "points held + redeemed = points issued" t "$(q "SELECT (SELECT sum(balance) FROM commgrid.love_account WHERE kind = 'resident') + (SELECT COALESCE(sum(amount), 0) FROM commgrid.love_movement WHERE account_id = commgrid.love_bank_account('450102001', 'redemption')) = -(SELECT sum(amount) FROM commgrid.love_movement WHERE account_id = commgrid.love_bank_account('450102001', 'issuance'))")"
check "redemptions and transfers posted by the staff roles" t "$(q "SELECT count(DISTINCT posted_by) FILTER (WHERE kind = 'redemption' AND posted_by = 'rr450102_grid') = 1 AND count(*) FILTER (WHERE kind = 'transfer' AND posted_by <> 'rr450102_comm') = 0 FROM commgrid.love_transaction")"
check "successful redemptions = redemption transactions" "$(q "SELECT count(*) FROM redeem_race.outcome WHERE what = 'redeem' AND sqlstate IS NULL")" "$(q "SELECT count(*) FROM commgrid.love_transaction WHERE kind = 'redemption'")"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
