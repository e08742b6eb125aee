#!/usr/bin/env bash
# `make bench-participation`: the love bank's cost (issue 14 §5), against the server in
# PGHOST/PGPORT/PGUSER, in a database of its own (commgrid_bench_participation).
#  1. Redemptions per second, 8 pgbench clients, TRANSACTIONS each, over ACCOUNTS accounts and
#     20 items: commgrid.redeem (ledger, locks, checks) against the competitor, a plain guarded
#     UPDATE of a balance and a stock in two bare tables; then ledger_check() must be empty.
#  2. Earning postings for ATTENDANCES verified attendances in one statement (post_earnings)
#     against a plain INSERT of the same rows (one transaction and two movements each) into bare
#     tables without triggers.
# Prints ratios measured in the same run; never fails on a time.
set -euo pipefail
cd "$(dirname "$0")"
TRANSACTIONS=${TRANSACTIONS:-500}
ACCOUNTS=${ACCOUNTS:-1000}
ATTENDANCES=${ATTENDANCES:-100000}
BINDIR=$(${PG_CONFIG:-pg_config} --bindir)
PGBENCH=${PGBENCH:-$BINDIR/pgbench}
DB=commgrid_bench_participation
export PGDATABASE=postgres
WORK=$(mktemp -d)
cleanup() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
cleanup
WORK=$(mktemp -d)
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DB"
export PGDATABASE=$DB
psql -X -q -v ON_ERROR_STOP=1 -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION pg_commgrid CASCADE'
psql -X -q -v ON_ERROR_STOP=1 -v accounts="$ACCOUNTS" -v attendances="$ATTENDANCES" >/dev/null <<'SQL'
SET search_path = commgrid, public;
SET commgrid.audit = off;
INSERT INTO area (code, name, kind, boundary) VALUES
 ('450102', '青秀区', 'district', ST_MakeEnvelope(108.30, 22.80, 108.40, 22.90, 4490)),
 ('450102001', '新竹街道', 'subdistrict', ST_MakeEnvelope(108.30, 22.80, 108.40, 22.90, 4490)),
 ('450102001001', '甲社区', 'community', ST_MakeEnvelope(108.30, 22.80, 108.40, 22.90, 4490)),
 ('450102001001001', '甲社区第1网格', 'grid', ST_MakeEnvelope(108.30, 22.80, 108.40, 22.90, 4490));
INSERT INTO household (household_id, address, location)
VALUES (1, '青秀区甲路1号', ST_SetSRID(ST_MakePoint(108.31, 22.81), 4490));
INSERT INTO resident (resident_id, name, household_id) SELECT p, '志愿者' || p, 1 FROM generate_series(1, :accounts) p;
SELECT FROM open_love_bank('450102001');
INSERT INTO love_account (account_id, kind, area_code, resident_id, balance)
SELECT 100 + p, 'resident', '450102001001', p, 0 FROM generate_series(1, :accounts) p;
BEGIN;
INSERT INTO love_transaction (transaction_id, kind, area_code) VALUES (1, 'donation', '450102001');
INSERT INTO love_movement (transaction_id, account_id, amount)
SELECT 1, 100 + p, 1000000 FROM generate_series(1, :accounts) p
UNION ALL SELECT 1, love_bank_account('450102001', 'issuance'), -1000000 * :accounts;
COMMIT;
SELECT FROM setval(pg_get_serial_sequence('commgrid.love_transaction', 'transaction_id'), 1);
INSERT INTO redemption_item (item_id, area_code, name, kind, price_points, stock)
SELECT i, '450102001', '物品' || i, 'goods', 10, 1000000 FROM generate_series(1, 20) i;
-- the competitor: bare tables, a guarded update of each
CREATE SCHEMA bare;
CREATE TABLE bare.balance (id bigint PRIMARY KEY, points numeric(12, 2) NOT NULL CHECK (points >= 0));
CREATE TABLE bare.stock (id bigint PRIMARY KEY, stock int NOT NULL CHECK (stock >= 0));
INSERT INTO bare.balance SELECT 100 + p, 1000000 FROM generate_series(1, :accounts) p;
INSERT INTO bare.stock SELECT i, 1000000 FROM generate_series(1, 20) i;
-- the attendances to credit: 100 activities of one kind
INSERT INTO earning_rate VALUES ('free_repair', '2016-01-01', 10);
INSERT INTO organiser (organiser_id, name, kind, community_code) VALUES (1, '服务站', 'service_station', '450102001001');
INSERT INTO activity (activity_id, organiser_id, kind, title, location, starts_at, ends_at)
SELECT a, 1, 'free_repair', '维修', ST_SetSRID(ST_MakePoint(108.31, 22.81), 4490),
       timestamptz '2025-01-01 09:00+08' + a * interval '1 day', timestamptz '2025-01-01 12:00+08' + a * interval '1 day'
FROM generate_series(1, greatest(1, ceil(:attendances::numeric / :accounts)::int)) a;
ALTER TABLE activity_attendance DISABLE TRIGGER activity_attendance_admit;
INSERT INTO activity_attendance (activity_id, resident_id, community_code, attended, hours, verified_by, verified_on)
SELECT 1 + (n - 1) / :accounts, 1 + (n - 1) % :accounts, '450102001001', true, 2, '服务站', '2025-12-31'
FROM generate_series(1, :attendances) n;
ALTER TABLE activity_attendance ENABLE TRIGGER activity_attendance_admit;
CREATE TABLE bare.txn (transaction_id bigint PRIMARY KEY, kind text, area_code text, attendance_id bigint UNIQUE, value_date date);
CREATE TABLE bare.movement (movement_id bigserial PRIMARY KEY, transaction_id bigint, account_id bigint, amount numeric(12, 2));
CREATE INDEX ON bare.movement (transaction_id);
CREATE INDEX ON bare.movement (account_id);
VACUUM ANALYZE;
SQL
cat > "$WORK/redeem.sql" <<EOF2
\set a random(101, $((100 + ACCOUNTS)))
\set i random(1, 20)
SELECT commgrid.redeem(:a, :i);
EOF2
cat > "$WORK/bare.sql" <<EOF2
\set a random(101, $((100 + ACCOUNTS)))
\set i random(1, 20)
BEGIN;
UPDATE bare.stock SET stock = stock - 1 WHERE id = :i AND stock >= 1;
UPDATE bare.balance SET points = points - 10 WHERE id = :a AND points >= 10;
COMMIT;
EOF2
tps() { grep -Eo 'tps = [0-9.]+' "$1" | head -1 | awk '{print $3}'; }
"$PGBENCH" -n -c 8 -j 8 -t "$TRANSACTIONS" -f "$WORK/bare.sql" > "$WORK/bare.log" 2>&1
"$PGBENCH" -n -c 8 -j 8 -t "$TRANSACTIONS" -f "$WORK/redeem.sql" > "$WORK/redeem.log" 2>&1
bare=$(tps "$WORK/bare.log"); ledger=$(tps "$WORK/redeem.log")
problems=$(psql -X -At -c "SELECT count(*) FROM commgrid.ledger_check()")
echo "redemptions, 8 clients x $TRANSACTIONS, $ACCOUNTS accounts, 20 items:"
echo "  commgrid.redeem:        $ledger per second"
echo "  bare guarded UPDATEs:   $bare per second"
echo "  ratio bare / ledger:    $(echo "scale=2; $bare / $ledger" | bc)"
echo "  ledger_check() rows afterwards: $problems"
psql -X -At -v ON_ERROR_STOP=1 <<'SQL'
SET search_path = commgrid, public;
SET commgrid.audit = off;
SELECT clock_timestamp() AS t0 \gset
INSERT INTO bare.txn
SELECT 1000000 + t.attendance_id, 'earning', '450102001001', t.attendance_id, '2025-01-02'
FROM activity_attendance t;
INSERT INTO bare.movement (transaction_id, account_id, amount)
SELECT 1000000 + t.attendance_id, leg.account_id, leg.amount
FROM activity_attendance t,
     LATERAL (VALUES (1::bigint, -20::numeric), (100 + t.resident_id, 20)) leg (account_id, amount);
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS bare_s \gset
SELECT clock_timestamp() AS t0 \gset
SELECT post_earnings() AS credited \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS ledger_s \gset
SELECT format(E'earning postings, %s attendances in one statement:\n  post_earnings:            %s s\n  plain INSERT of the rows: %s s\n  ratio ledger / plain:     %s\n  ledger_check() rows afterwards: %s',
              :credited, round(:ledger_s, 2), round(:bare_s, 2), round(:ledger_s / :bare_s, 2),
              (SELECT count(*) FROM ledger_check()));
SQL
