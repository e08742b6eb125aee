#!/bin/bash
# Bulk intake (issue 12): N requests (default 18,000, 60,000 and 120,000) in one INSERT into an
# empty table with every trigger on (location assignment, deadlines, the submit event, repeats
# judged by the statement trigger), against the demo's former way: the same INSERT with the
# repeat trigger disabled, then recompute_repeats over it.  Each in its own session (plans are
# cached per session) and rolled back.  BEFORE_SQL: a file run in each database before the
# ANALYZE (to measure an older definition).  Prints rows, seconds, rows/s and the ratio; the repeats
# found both ways must be equal.  Never fails on a time.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZES=${SIZES:-"18000 60000 120000"}
db=services_bulk_$$
trap 'dropdb --if-exists "$db"' EXIT
. test/bench/services_fresh_db.sh
run() {  # $1 rows, $2 on|off: prints seconds and repeats
  psql -X -qAt -v ON_ERROR_STOP=1 -d "$db" -v n="$1" -v way="$2" <<'SQL'
SET client_min_messages = warning;
SET commgrid.audit = off;
BEGIN;
SELECT setseed(0.12);
SELECT :'way' = 'off' AS off \gset
\if :off
ALTER TABLE commgrid.service_request DISABLE TRIGGER service_request_judge_new;
\endif
SELECT clock_timestamp() AS t0 \gset
-- a day's requests every 120 (about 1,500 a day at 120,000), 30 % of them within 300 m of a
-- few hundred places, so that repeats are found
INSERT INTO commgrid.service_request (category_code, nature, description, location, requester_kind,
  channel, requested_at, response_due, resolution_due)
SELECT b.code, 'help', '基准', ST_SetSRID(ST_MakePoint(x, y), 4490), 'anonymous', 'walk_in',
       timestamptz '2015-01-01 08:00+08' + g * interval '57 seconds', 'infinity', 'infinity'
FROM (SELECT g, 1 + floor(random() * (SELECT count(*) FROM bench_category))::int AS c,
             CASE WHEN random() < 0.3 THEN 114.21 + (g % 300) * 0.0006 + random() * 0.003
                  ELSE 114.20 + random() * 0.2 END AS x,
             CASE WHEN random() < 0.3 THEN 30.51 + (g % 7) * 0.02 + random() * 0.003
                  ELSE 30.50 + random() * 0.2 END AS y
      FROM generate_series(1, :n) g) d JOIN bench_category b ON b.n = d.c
ORDER BY g;
\if :off
SELECT commgrid.recompute_repeats('-infinity', 'infinity') AS judged \gset
\endif
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 2),
       (SELECT count(*) FILTER (WHERE earlier_request_id IS NOT NULL) FROM commgrid.service_repeat);
ROLLBACK;
SQL
}
echo "rows|trigger_s|trigger_rows_per_s|disabled_then_recompute_s|ratio|repeats_trigger|repeats_recompute"
for n in $SIZES; do
  fresh
  IFS="|" read -r on rep_on < <(run "$n" on | tail -1)
  fresh
  IFS="|" read -r off rep_off < <(run "$n" off | tail -1)
  psql -X -qAt -d "$db" -c "SELECT $n, $on, round($n / $on), $off, round($on / $off, 2), $rep_on, $rep_off"
done
