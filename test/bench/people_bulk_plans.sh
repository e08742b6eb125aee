#!/bin/bash
# Bulk loads after a session's first rows (the cached plans of the keyed-lookup triggers,
# docs/design/cached-plans.md): in one session of a fresh database analysed empty, FIRST rows of
# each table are written one statement each (the session's first rows, on nearly empty tables),
# then each table is loaded with ONE statement: N households, 2N residents, 2N residence events,
# N must-visit tasks, N visits closing them, N findings flagging the residents, N Party members,
# N dues, 2N sign-ups to activities (a hundred each) and N resident units.  A plan kept from the
# first rows scans a whole table for every row of the bulk loads; the sign-ups and the units'
# communities look up the table their own statement fills, which degrades even with FIRST=0.
#   "before": the same database with the triggers' enable_seqscan setting reset (every function
#   of the extension that has it, but those of the services round); "after": as installed.
# Prints rows/s per load before and after, measured in the same run, and checks the rows (every
# grid and community taken, every task closed by its visit, every finding and due applied, the
# counts); exits non-zero if not.  Never fails on a time.  PostgreSQL's own foreign-key checks
# keep plans made by the first rows too (outside any function of the extension): ANALYZE_STEPS=1
# analyses each table after its load, which makes the session plan them again.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZES=${SIZES:-"3000 9000"}
FIRST=${FIRST:-10}  # the session's first rows of each table, one statement each (0: none)
ANALYZE_STEPS=${ANALYZE_STEPS:-0}
db=people_plans_$$
before_sql=$(mktemp)
trap 'dropdb --if-exists "$db"; rm -f "$before_sql"' EXIT
cat > "$before_sql" <<'SQL'
DO $$
DECLARE f regprocedure;
BEGIN
  FOR f IN SELECT p.oid FROM pg_proc p
           WHERE p.pronamespace = 'commgrid'::regnamespace AND 'enable_seqscan=off' = ANY (p.proconfig)
             AND p.proname NOT IN ('request_event_apply', 'service_repeat_judge') LOOP
    EXECUTE format('ALTER FUNCTION %s RESET enable_seqscan', f);
  END LOOP;
END $$;
SQL
. test/bench/services_fresh_db.sh
run() {  # $1 rows: prints the seconds of each load, then the rows found wrong
  psql -X -qAt -v ON_ERROR_STOP=1 -d "$db" -v n="$1" -v first="$FIRST" -v analyse="$ANALYZE_STEPS" <<'SQL'
SET client_min_messages = warning;
SET commgrid.audit = off;
SET search_path = commgrid, public;
BEGIN;
SELECT setseed(0.34);
INSERT INTO grid_staff (name, role, full_time, location)
VALUES ('基准网格员', 'full_time_worker', true, ST_SetSRID(ST_MakePoint(114.201, 30.501), 4490))
RETURNING staff_id AS staff \gset
INSERT INTO party_org (name, kind, community_code, term_start) VALUES ('基准支部', 'branch', '420102001001', '2024-01-01')
RETURNING org_id AS branch \gset
INSERT INTO organiser (name, kind, community_code) VALUES ('基准服务站', 'service_station', '420102001001')
RETURNING organiser_id AS organiser \gset
-- the session's first rows: one statement each
SELECT format('INSERT INTO household (address, location) VALUES (%L, ST_SetSRID(ST_MakePoint(%s, 30.501), 4490))',
              '首批' || g, 114.201 + g * 0.001)
FROM generate_series(1, :first) g \gexec
SELECT format('INSERT INTO resident (name, household_id) VALUES (%L, %s)', '首批' || household_id, household_id)
FROM household ORDER BY household_id \gexec
SELECT format('INSERT INTO residence_event (resident_id, kind, status, on_date) VALUES (%s, %L, %L, %L)',
              resident_id, 'arrival', 'registered_resident', '2024-01-01')
FROM resident ORDER BY resident_id \gexec
SELECT format('INSERT INTO must_visit_task (situation, resident_id, raised_on) VALUES (%L, %s, %L)',
              'serious_illness', resident_id, '2024-06-01')
FROM resident ORDER BY resident_id \gexec
SELECT format('INSERT INTO visit (household_id, resident_id, staff_id, visited_at, kind, outcome, task_id) VALUES (%s, %s, %s, %L, %L, %L, %s)',
              household_id, resident_id, :staff, '2024-06-02 10:00+08', 'must_visit', 'visited', task_id)
FROM must_visit_task ORDER BY task_id \gexec
SELECT format('INSERT INTO visit_finding (visit_id, kind, resident_id, living_alone) VALUES (%s, %L, %s, true)',
              visit_id, 'flag_change', resident_id)
FROM visit ORDER BY visit_id \gexec
SELECT format('INSERT INTO party_member (resident_id, org_id, status, category) VALUES (%s, %s, %L, %L)',
              resident_id, :branch, 'full', 'retired')
FROM resident ORDER BY resident_id \gexec
SELECT format('INSERT INTO party_dues (resident_id, month, amount, paid_on) VALUES (%s, %L, 1, %L)',
              resident_id, '2024-06-01', '2024-06-10')
FROM party_member ORDER BY resident_id \gexec
SELECT format('INSERT INTO activity (organiser_id, kind, title, location, starts_at, ends_at, capacity) VALUES (%s, %L, %L, ST_SetSRID(ST_MakePoint(114.21, 30.51), 4490), %L, %L, 1000)',
              :organiser, 'free_repair', '首批' || g, '2024-07-01 09:00+08', '2024-07-01 11:00+08')
FROM generate_series(1, :first) g \gexec
SELECT format('INSERT INTO activity_attendance (activity_id, resident_id) VALUES (%s, %s)', activity_id, activity_id)
FROM activity ORDER BY activity_id \gexec
SELECT coalesce(max(household_id), 0) AS h0, (SELECT coalesce(max(resident_id), 0) FROM resident) AS r0,
       (SELECT coalesce(max(task_id), 0) FROM must_visit_task) AS t0,
       (SELECT coalesce(max(visit_id), 0) FROM visit) AS v0, (SELECT coalesce(max(activity_id), 0) FROM activity) AS a0
FROM household \gset
-- the bulk loads: one statement each
SELECT clock_timestamp() AS c0 \gset
INSERT INTO household (address, location)
SELECT '批量' || g, ST_SetSRID(ST_MakePoint(114.20 + random() * 0.2, 30.50 + random() * 0.2), 4490)
FROM generate_series(1, :n) g;
SELECT 'ANALYZE household' WHERE :analyse = 1 \gexec
SELECT clock_timestamp() AS c1 \gset
INSERT INTO resident (name, household_id)
SELECT '批量' || h.household_id || '-' || k, h.household_id
FROM household h, generate_series(1, 2) k WHERE h.household_id > :h0 ORDER BY h.household_id, k;
SELECT 'ANALYZE resident' WHERE :analyse = 1 \gexec
SELECT clock_timestamp() AS c2 \gset
INSERT INTO residence_event (resident_id, kind, status, on_date)
SELECT resident_id, 'arrival', 'registered_resident', '2024-01-01' FROM resident WHERE resident_id > :r0 ORDER BY resident_id;
SELECT 'ANALYZE residence_event' WHERE :analyse = 1 \gexec
SELECT clock_timestamp() AS c3 \gset
INSERT INTO must_visit_task (situation, resident_id, raised_on)
SELECT 'serious_illness', min(resident_id), '2024-06-01' FROM resident WHERE resident_id > :r0
GROUP BY household_id ORDER BY household_id;
SELECT 'ANALYZE must_visit_task' WHERE :analyse = 1 \gexec
SELECT clock_timestamp() AS c4 \gset
INSERT INTO visit (household_id, resident_id, staff_id, visited_at, kind, outcome, task_id)
SELECT household_id, resident_id, :staff, '2024-06-02 10:00+08', 'must_visit', 'visited', task_id
FROM must_visit_task WHERE task_id > :t0 ORDER BY task_id;
SELECT 'ANALYZE visit' WHERE :analyse = 1 \gexec
SELECT clock_timestamp() AS c5 \gset
INSERT INTO visit_finding (visit_id, kind, resident_id, living_alone)
SELECT visit_id, 'flag_change', resident_id, true FROM visit WHERE visit_id > :v0 ORDER BY visit_id;
SELECT clock_timestamp() AS c6 \gset
INSERT INTO party_member (resident_id, org_id, status, category)
SELECT min(resident_id), :branch, 'full', 'retired' FROM resident WHERE resident_id > :r0
GROUP BY household_id ORDER BY household_id;
SELECT 'ANALYZE party_member' WHERE :analyse = 1 \gexec
SELECT clock_timestamp() AS c7 \gset
INSERT INTO party_dues (resident_id, month, amount, paid_on)
SELECT resident_id, '2024-06-01', 1, '2024-06-10' FROM party_member WHERE resident_id > :r0 ORDER BY resident_id;
-- a hundred residents an activity (not timed)
INSERT INTO activity (organiser_id, kind, title, location, starts_at, ends_at, capacity)
SELECT :organiser, 'free_repair', '批量' || g, ST_SetSRID(ST_MakePoint(114.21, 30.51), 4490),
       '2024-07-02 09:00+08', '2024-07-02 11:00+08', 1000
FROM generate_series(1, ceil(:n / 50.0)::int) g;
SELECT 'ANALYZE activity' WHERE :analyse = 1 \gexec
SELECT clock_timestamp() AS c8 \gset
INSERT INTO activity_attendance (activity_id, resident_id)
SELECT :a0 + 1 + (resident_id - :r0 - 1) / 100, resident_id FROM resident WHERE resident_id > :r0 ORDER BY resident_id;
SELECT clock_timestamp() AS c9 \gset
INSERT INTO unit (name, kind, affiliation, location)
SELECT '批量' || g, 'armed_police', 'district', ST_SetSRID(ST_MakePoint(114.20 + random() * 0.2, 30.50 + random() * 0.2), 4490)
FROM generate_series(1, :n) g;
SELECT clock_timestamp() AS c10 \gset
SELECT string_agg(round(extract(epoch FROM b - a)::numeric, 3)::text, '|' ORDER BY a)
FROM (VALUES (:'c0'::timestamptz, :'c1'::timestamptz), (:'c1', :'c2'), (:'c2', :'c3'), (:'c3', :'c4'),
             (:'c4', :'c5'), (:'c5', :'c6'), (:'c6', :'c7'), (:'c7', :'c8'), (:'c8', :'c9'),
             (:'c9', :'c10')) t(a, b);
SELECT (SELECT count(*) FROM resident r JOIN household h USING (household_id)
        WHERE r.grid_code IS DISTINCT FROM h.grid_code::gridcode OR h.grid_code IS NULL)
     + (SELECT count(*) FROM residence_event e JOIN resident r USING (resident_id) WHERE e.grid_code IS DISTINCT FROM r.grid_code)
     + (SELECT count(*) FROM must_visit_task t JOIN household h USING (household_id)
        WHERE t.grid_code IS DISTINCT FROM h.grid_code::gridcode OR t.closed_by_visit IS NULL OR t.due_on <> '2024-06-08')
     + (SELECT count(*) FROM visit v JOIN household h USING (household_id) WHERE v.grid_code IS DISTINCT FROM h.grid_code::gridcode)
     + (SELECT count(*) FROM resident r WHERE r.living_alone <> EXISTS (SELECT FROM visit_finding f WHERE f.resident_id = r.resident_id))
     + abs((SELECT count(*) FROM resident) - 2 * :n - :first)
     + abs((SELECT count(*) FROM resident WHERE living_alone) - :n - :first)
     + abs((SELECT count(*) FROM party_dues d JOIN party_member m USING (resident_id)
            WHERE d.community_code = '420102001001' AND m.community_code = '420102001001' AND d.paid_by_id = d.resident_id) - :n - :first)
     + abs((SELECT count(*) FROM activity_attendance t JOIN activity a USING (activity_id)
            WHERE t.community_code = a.community_code) - 2 * :n - :first)
     + abs((SELECT count(*) FROM unit_community c JOIN unit u USING (unit_id)
            WHERE c.is_home AND c.community_code = u.community_code AND c.share = 1) - :n);
ROLLBACK;
SQL
}
steps="households residents residence_events must_visit_tasks visits findings party_members party_dues attendances units"
echo "N|load|rows|before_s|after_s|before_rows_per_s|after_rows_per_s|after/before"
for n in $SIZES; do
  declare -A secs=()
  for variant in before after; do
    if [ "$variant" = before ]; then BEFORE_SQL=$before_sql; else BEFORE_SQL=; fi
    fresh
    out=$(run "$n")
    wrong=$(tail -1 <<<"$out")
    if [ "$wrong" != 0 ]; then
      echo "wrong result ($variant, N=$n): $wrong rows" >&2
      exit 1
    fi
    secs[$variant]=$(tail -2 <<<"$out" | head -1)
  done
  IFS='|' read -r -a b <<<"${secs[before]}"
  IFS='|' read -r -a a <<<"${secs[after]}"
  i=0
  for step in $steps; do
    case $step in households|must_visit_tasks|visits|findings|party_members|party_dues|units) rows=$n;; *) rows=$((2 * n));; esac
    awk -v n="$n" -v s="$step" -v r="$rows" -v b="${b[$i]}" -v a="${a[$i]}" 'BEGIN {
      printf "%d|%s|%d|%.3f|%.3f|%.0f|%.0f|%.2f\n", n, s, r, b, a, r / (b > 0 ? b : 0.005), r / (a > 0 ? a : 0.005), (b > 0 ? b : 0.005) / (a > 0 ? a : 0.005) }'
    i=$((i + 1))
  done
  unset secs
done
