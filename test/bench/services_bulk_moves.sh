#!/bin/bash
# Bulk workflow moves (issue 12, the cached plans of request_event_apply): in one session of a
# fresh database analysed while it has no requests, a few requests are signed for one by one
# (the session's first moves, on a nearly empty request_event), then N requests are taken in and
# signed for in ONE INSERT into request_event, then resolved in another.  A plan kept from the
# first moves would scan the whole event table for every row of the bulk moves.  BEFORE_SQL: a
# file run in the database before the ANALYZE (to measure an older definition).  Prints rows,
# seconds and rows/s per statement, and checks that every request ended resolved with its
# events in order; never fails on a time.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZES=${SIZES:-"10000 30000"}
FIRST=${FIRST:-10}  # the session's first moves, one by one (0: none)
db=services_moves_$$
trap 'dropdb --if-exists "$db"' EXIT
. test/bench/services_fresh_db.sh
run() {  # $1 rows: prints intake s, sign_for s, resolve s, requests resolved, events out of order
  psql -X -qAt -v ON_ERROR_STOP=1 -d "$db" -v n="$1" -v first="$FIRST" <<'SQL'
SET client_min_messages = warning;
SET commgrid.audit = off;
BEGIN;
SELECT setseed(0.12);
CREATE TEMP TABLE intake (request_id bigint);
-- the session's first moves: ten requests signed for one statement each
WITH r AS (
  INSERT INTO commgrid.service_request (category_code, nature, description, location, requester_kind,
    channel, requested_at, response_due, resolution_due)
  SELECT (SELECT code FROM bench_category WHERE n = 1), 'help', '基准', ST_SetSRID(ST_MakePoint(114.25, 30.55), 4490),
         'anonymous', 'walk_in', timestamptz '2014-12-31 08:00+08' + g * interval '1 minute', 'infinity', 'infinity'
  FROM generate_series(1, :first) g RETURNING request_id)
INSERT INTO intake SELECT request_id FROM r;
SELECT format('INSERT INTO commgrid.request_event (request_id, action, at) VALUES (%s, %L, %L)',
              request_id, 'sign_for', timestamptz '2014-12-31 09:00+08')
FROM intake ORDER BY request_id \gexec
SELECT clock_timestamp() AS t0 \gset
INSERT INTO commgrid.service_request (category_code, nature, description, location, requester_kind,
  channel, requested_at, response_due, resolution_due)
SELECT b.code, 'help', '基准', ST_SetSRID(ST_MakePoint(114.20 + random() * 0.2, 30.50 + random() * 0.2), 4490),
       'anonymous', 'walk_in', timestamptz '2015-01-01 08:00+08' + g * interval '57 seconds', 'infinity', 'infinity'
FROM (SELECT g, 1 + floor(random() * (SELECT count(*) FROM bench_category))::int AS c
      FROM generate_series(1, :n) g) d JOIN bench_category b ON b.n = d.c
ORDER BY g;
SELECT clock_timestamp() AS t1 \gset
INSERT INTO commgrid.request_event (request_id, action, at)
SELECT request_id, 'sign_for', requested_at + interval '1 hour'
FROM commgrid.service_request WHERE status = 'submitted' ORDER BY request_id;
SELECT clock_timestamp() AS t2 \gset
INSERT INTO commgrid.request_event (request_id, action, at, note)
SELECT request_id, 'resolve', requested_at + interval '2 hours', '已解决'
FROM commgrid.service_request WHERE status = 'signed' ORDER BY request_id;
SELECT clock_timestamp() AS t3 \gset
SELECT round(extract(epoch FROM :'t1'::timestamptz - :'t0'::timestamptz)::numeric, 2),
       round(extract(epoch FROM :'t2'::timestamptz - :'t1'::timestamptz)::numeric, 2),
       round(extract(epoch FROM :'t3'::timestamptz - :'t2'::timestamptz)::numeric, 2),
       (SELECT count(*) FILTER (WHERE status = 'resolved') FROM commgrid.service_request),
       (SELECT count(*) FROM (SELECT e.at < lag(e.at) OVER (PARTITION BY e.request_id ORDER BY e.event_id) AS back
                              FROM commgrid.request_event e) x WHERE back);
ROLLBACK;
SQL
}
echo "rows|intake_s|sign_for_s|sign_for_rows_per_s|resolve_s|resolve_rows_per_s|resolved|events_out_of_order"
for n in $SIZES; do
  fresh
  IFS="|" read -r intake sign resolve resolved back < <(run "$n" | tail -1)
  if [ "$resolved" != "$((n + FIRST))" ] || [ "$back" != 0 ]; then
    echo "wrong result: $resolved of $((n + FIRST)) requests resolved, $back events out of order" >&2
    exit 1
  fi
  psql -X -qAt -d "$db" -c "SELECT $n, $intake, $sign, round($n / $sign), $resolve, round(($n + $FIRST) / $resolve), $resolved, $back"
done
