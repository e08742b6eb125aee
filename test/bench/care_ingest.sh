#!/bin/bash
# Wearable care ingest (issue 15 §4) against the server in PGHOST/PGPORT, in a throwaway
# database.  The district is the demo's (demo.build_territory of test/district/territory.sql at
# DISTRICT_SCALE, default 1: 1,452 km2, a boundary of about 1,200 vertices, 3,311 grids);
# DEVICES devices (default 9,000) live where the demo's residents live, at least 1.8 km inside
# it, in 200 m circle fences (one in eight a home polygon, one in five a second fence with
# active hours); PINGS per device (default 40) every 30 s: jittered walks, one device in
# twenty leaving its fence, GPS jumps, cell and Wi-Fi fixes, late and retransmitted pings,
# batteries running low, SOS and falls (the generator below says how many).
# The same pings go by COPY in batches of 1,000, one transaction each (CareIngestBench.java,
# Java 17 and Debian's JDBC driver; the first two tables batch by batch, alternately), into:
#   commgrid.care_ping   the C trigger care_ingest (while it loads, a listener measures each
#                        alarm's latency from its batch's commit);
#   public.base_ping     the faithful baseline: the same rules in PL/pgSQL, the plain PostGIS
#                        checks per ping (test/bench/care_ingest_baseline.sql); the bench fails
#                        unless it stored the same statuses and raised the same alarms;
#   public.nodist_ping   the same without its district check (what ST_Covers on the boundary costs);
#   public.lean_ping     the lean baseline of the first two rounds (fences only), for comparison;
#   public.bare_ping     no trigger: the ceiling, what storing the rows costs;
# then single-row INSERTs from CLIENTS pgbench clients (default 8, SECONDS each, default 20)
# into care_ping and the two baselines.  Prints pings/s, the ratios measured in the same run,
# the cost per ping, the latency and the memory per device; never fails on a time.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEVICES=${DEVICES:-9000}
PINGS=${PINGS:-40}
CLIENTS=${CLIENTS:-8}
SECONDS_EACH=${SECONDS:-20}
DISTRICT_SCALE=${DISTRICT_SCALE:-1}
db=care_bench_$$
work=$(mktemp -d)
createdb "$db"
# KEEP=1 keeps the database and the batches (for perf), and says where they are
if [ -n "${KEEP:-}" ]; then
  trap 'echo "kept: database $db, batches in $work" >&2' EXIT
else
  trap 'dropdb --if-exists "$db"; rm -rf "$work"' EXIT
fi
export PGDATABASE=$db
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
q -c 'CREATE EXTENSION postgis' -c 'CREATE EXTENSION pg_commgrid'
q -c 'SET client_min_messages = warning' -f test/district/territory.sql >/dev/null
q -v devices="$DEVICES" -v scale="$DISTRICT_SCALE" <<'SQL'
SET search_path = commgrid, public;
SET commgrid.audit = off;
-- the demo's district (test/district/territory.sql at the demo's scale): the report's 1,452 km2
-- with its detailed boundary, 28 townships, 131 communities and 3,311 grids at scale 1
SELECT count(*) AS levels FROM demo.build_territory(:scale, 2016) \gset
SELECT format('district 500112: %s km2, boundary of %s vertices; %s grids', round(ST_Area(boundary::geography) / 1e6),
              ST_NPoints(boundary), (SELECT count(*) FROM area WHERE kind = 'grid'))
FROM area WHERE code = '500112' \gset
\echo :format
-- homes where the demo's residents live, each at least 1.8 km inside the boundary, so that a
-- walk (its jitter and the 1.5 km excursions) stays in the district
CREATE TABLE public.bench_home AS
SELECT row_number() OVER (ORDER BY p.id) AS device_id, ST_X(p.location) AS lon, ST_Y(p.location) AS lat, p.location
FROM demo.population_points(:devices * 2, 2017) p, area a
WHERE a.code = '500112' AND ST_Covers(a.boundary, ST_SetSRID(ST_Buffer(p.location::geography, 1800)::geometry, 4490))
ORDER BY p.id LIMIT :devices;
INSERT INTO household (household_id, address, location)
SELECT device_id, '门牌' || device_id, location FROM public.bench_home;
INSERT INTO resident (resident_id, name, household_id, empty_nest_elderly)
SELECT device_id, '老人' || device_id, device_id, true FROM public.bench_home;
INSERT INTO care_device (device_id, imei, provider, owner_code, interval_s)
SELECT n, (SELECT b || c FROM generate_series(0, 9) c WHERE is_valid_imei(b || c))::imei, '甲公司', '500112', 30
FROM generate_series(1, :devices) n, LATERAL (SELECT '86' || lpad(n::text, 12, '0') AS b) x;
INSERT INTO care_binding (device_id, resident_id, consent_by, consent_at)
SELECT d, d, 'person', now() - interval '1 day' FROM generate_series(1, :devices) d;
-- fences: a 200 m circle at home; one resident in eight lives in a compound with a home polygon
-- (300 m x 240 m) instead; one in five has a second circle (a park 1 km north, 300 m) watched
-- from 07:00 to 19:00
INSERT INTO care_fence (resident_id, kind, centre, radius_m)
SELECT device_id, 'circle', location, 200 FROM public.bench_home WHERE device_id % 8 <> 0;
INSERT INTO care_fence (resident_id, kind, area)
SELECT device_id, 'polygon', ST_MakeEnvelope(lon - 0.00155, lat - 0.00108, lon + 0.00155, lat + 0.00108, 4490)
FROM public.bench_home WHERE device_id % 8 = 0;
INSERT INTO care_fence (resident_id, kind, centre, radius_m, active_from, active_until)
SELECT device_id, 'circle', ST_SetSRID(ST_MakePoint(lon, lat + 0.009), 4490), 300, '07:00', '19:00'
FROM public.bench_home WHERE device_id % 5 = 2;
SELECT care_ping_create_partitions(3, district_today() - 1) AS partitions \gset

-- the baselines and the ceiling: partitioned copies of care_ping with its indexes and checks
CREATE TABLE public.base_ping (LIKE commgrid.care_ping INCLUDING ALL) PARTITION BY RANGE (fixed_at);
CREATE TABLE public.nodist_ping (LIKE commgrid.care_ping INCLUDING ALL) PARTITION BY RANGE (fixed_at);
CREATE TABLE public.lean_ping (LIKE commgrid.care_ping INCLUDING ALL) PARTITION BY RANGE (fixed_at);
CREATE TABLE public.bare_ping (LIKE commgrid.care_ping INCLUDING ALL) PARTITION BY RANGE (fixed_at);
DO $$
DECLARE p record; t text;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'commgrid.care_ping'::regclass LOOP
    FOREACH t IN ARRAY ARRAY['base', 'nodist', 'lean', 'bare'] LOOP
      EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I %s',
                     replace(p.relname, 'care', t), t || '_ping', p.bound);
    END LOOP;
  END LOOP;
END $$;
-- the ceiling stores the input as it comes (4326): no trigger sets 4490
ALTER TABLE public.bare_ping DROP CONSTRAINT enforce_srid_location;
\i test/bench/care_ingest_baseline.sql
-- the loaded tables; the ping partitions stay as care_ping_create_partitions leaves a new day
-- (never analysed: a plan made for an empty table would scan it sequentially as it fills)
ANALYZE area; ANALYZE household; ANALYZE resident; ANALYZE care_device; ANALYZE care_binding;
ANALYZE care_fence; ANALYZE care_device_state; ANALYZE public.base_state; ANALYZE public.nodist_state;
ANALYZE public.lean_state; ANALYZE public.bench_home;
SQL

# The day's pings (PINGS per device, every 30 s), in the order they arrive: a 60 m jitter
# around home; every 20th device 1.5 km out in the middle of the run; one fix in 200 a 20 km
# GPS jump; one in 50 a cell (LBS) fix (up to 1 km off, 1,500 m accuracy), one in 100 a
# Wi-Fi fix of 150 m; one in 1,000 arriving two rounds late (out of order) and one in 1,000
# sent twice (a retransmission); batteries running down, one device in 20 below 15 % by the
# end; one device in 1,000 pressing SOS (half of them indoors without a fix), one in 2,000
# falling.  setseed makes the day the same in every run.
q -v devices="$DEVICES" -v pings="$PINGS" <<SQL
SELECT setseed(0.2016) \\gset
CREATE TABLE public.bench_day AS
SELECT h.device_id AS d, i, now() - interval '1 day' + i * interval '30 s' AS fixed_at,
       CASE WHEN h.device_id % 1000 = 7 AND i = $PINGS / 2 OR h.device_id % 2000 = 1503 AND i = $PINGS / 3
            THEN 'alarm' ELSE 'position' END AS message,
       h.device_id % 1000 = 7 AND i = $PINGS / 2 AS sos,
       h.device_id % 2000 = 1503 AND i = $PINGS / 3 AS fall,
       h.device_id % 2000 = 7 AND i = $PINGS / 2 AS indoors,
       h.lon + (random() - 0.5) * 0.0012
         + CASE WHEN h.device_id % 20 = 0 AND i BETWEEN $PINGS / 3 AND 2 * $PINGS / 3 THEN 0.015 ELSE 0 END
         + CASE WHEN random() < 0.005 THEN 0.2 ELSE 0 END AS lon,
       h.lat + (random() - 0.5) * 0.001 AS lat,
       random() AS source, (random() - 0.5) * 0.02 AS cell_dx, (random() - 0.5) * 0.02 AS cell_dy,
       greatest(5, round(100 - i * CASE WHEN h.device_id % 20 = 10 THEN 95 ELSE 20 + h.device_id % 3 * 10 END / $PINGS::numeric)) AS battery,
       i + CASE WHEN random() < 0.001 THEN 2 ELSE 0 END AS arrives,
       random() < 0.001 AS twice
FROM generate_series(0, $PINGS - 1) i, public.bench_home h;
SQL
q -c "\copy (SELECT d, fixed_at, message,
    CASE WHEN NOT indoors THEN 'SRID=4326;POINT(' || (lon + CASE WHEN source < 0.02 THEN cell_dx ELSE 0 END)
                               || ' ' || (lat + CASE WHEN source < 0.02 THEN cell_dy ELSE 0 END) || ')' END,
    CASE WHEN indoors THEN 'none' WHEN source < 0.02 THEN 'cell' WHEN source < 0.03 THEN 'wifi' ELSE 'gps' END,
    CASE WHEN source < 0.02 THEN 1500 WHEN source < 0.03 THEN 150 ELSE 10 END, battery, sos, fall
  FROM public.bench_day b, generate_series(1, CASE WHEN twice THEN 2 ELSE 1 END)
  ORDER BY arrives, d) TO '$work/pings.tsv'"
total=$(wc -l < "$work/pings.tsv")
split -l 1000 -d -a 5 "$work/pings.tsv" "$work/batch."

jar=${PGJDBC_JAR:-/usr/share/java/postgresql.jar}
mkdir -p "$work/java"
javac -Xlint:all -Werror -d "$work/java" -cp "$jar" test/bench/CareIngestBench.java
host=${PGHOST:-localhost}
case "$host" in /*) host=localhost ;; esac
url="jdbc:postgresql://$host:${PGPORT:-5432}/$db?user=${PGUSER:-$(id -un)}${PGPASSWORD:+&password=$PGPASSWORD}"
copy_run() {  # table [--listen] -> the program's output
  java -cp "$work/java:$jar" CareIngestBench "$url" "$@" "$work"/batch.*
}
# care_ingest and the faithful baseline batch by batch, alternately (the goal's ratio: both
# through the same minutes of the machine); the others one after the other
copy_run commgrid.care_ping --listen --paired public.base_ping > "$work/ext.out"
copy_run public.nodist_ping > "$work/nodist.out"
copy_run public.lean_ping > "$work/lean.out"
copy_run public.bare_ping > "$work/bare.out"
s_ext=$(sed -n 's/^seconds //p' "$work/ext.out")
s_base=$(sed -n 's/^seconds2 //p' "$work/ext.out")
r_paired=$(sed -n 's/^paired_ratio_median //p' "$work/ext.out")
s_lean=$(sed -n 's/^seconds //p' "$work/lean.out")
s_nodist=$(sed -n 's/^seconds //p' "$work/nodist.out")
s_bare=$(sed -n 's/^seconds //p' "$work/bare.out")
cache_devices=$(sed -n 's/^cache devices \([0-9]*\) bytes.*/\1/p' "$work/ext.out")
cache_bytes=$(sed -n 's/^cache devices [0-9]* bytes \([0-9]*\)/\1/p' "$work/ext.out")

# Equal work: the faithful baseline must have stored the same pings with the same statuses
# (and the same assumed positions) and raised the same alarms as care_ingest from the same input.
q -At > "$work/check.out" <<'SQL'
WITH e AS (SELECT device_id, fixed_at, message, status, position_assumed, sos, fall FROM commgrid.care_ping),
     b AS (SELECT device_id, fixed_at, message, status, position_assumed, sos, fall FROM public.base_ping),
     ea AS (SELECT kind, device_id, fixed_at, position_assumed FROM commgrid.care_alarm),
     ba AS (SELECT kind, device_id, fixed_at, position_assumed FROM public.base_alarm)
SELECT format('equal work: pings stored %s / %s, statuses differing %s; alarms %s / %s (kind, device, fixed_at), differing %s',
  (SELECT count(*) FROM e), (SELECT count(*) FROM b),
  (SELECT count(*) FROM ((TABLE e EXCEPT ALL TABLE b) UNION ALL (TABLE b EXCEPT ALL TABLE e)) x),
  (SELECT count(*) FROM ea), (SELECT count(*) FROM ba),
  (SELECT count(*) FROM ((TABLE ea EXCEPT ALL TABLE ba) UNION ALL (TABLE ba EXCEPT ALL TABLE ea)) x));
SELECT format('COPY pings by status: %s; alarms by kind: %s',
  (SELECT string_agg(status || ' ' || n, ', ' ORDER BY status) FROM (SELECT status, count(*) n FROM commgrid.care_ping GROUP BY 1) s),
  (SELECT string_agg(kind || ' ' || n, ', ' ORDER BY kind) FROM (SELECT kind, count(*) n FROM commgrid.care_alarm GROUP BY 1) k));
SQL
cat "$work/check.out"
differ=$(sed -n 's/^equal work:.*statuses differing \([0-9]*\); .*differing \([0-9]*\)$/\1 \2/p' "$work/check.out")
if [ "$differ" != "0 0" ]; then
  echo "the faithful baseline did not do the same work as care_ingest: the ratio would mean nothing" >&2
  q -At -c "SELECT 'care_ingest only: ' || kind || ' ' || device_id || ' ' || fixed_at FROM (SELECT kind, device_id, fixed_at FROM commgrid.care_alarm EXCEPT ALL SELECT kind, device_id, fixed_at FROM public.base_alarm) x LIMIT 5" \
       -c "SELECT 'baseline only: ' || kind || ' ' || device_id || ' ' || fixed_at FROM (SELECT kind, device_id, fixed_at FROM public.base_alarm EXCEPT ALL SELECT kind, device_id, fixed_at FROM commgrid.care_alarm) x LIMIT 5" \
       -c "SELECT 'status: ' || e.device_id || ' ' || e.fixed_at || ' care_ingest ' || e.status || ', baseline ' || coalesce(b.status, '-') FROM commgrid.care_ping e LEFT JOIN public.base_ping b USING (device_id, fixed_at, message) WHERE b.status IS DISTINCT FROM e.status LIMIT 5" >&2
  exit 1
fi

# single-row INSERTs from CLIENTS clients: a device at random, fixed now (always newest)
cat > "$work/ext.pgb" <<EOF2
\set d random(1, $DEVICES)
INSERT INTO commgrid.care_ping (device_id, fixed_at, location, accuracy_m, battery) SELECT :d, clock_timestamp(), ST_SetSRID(ST_MakePoint(h.lon + (random() - 0.5) * 0.0012, h.lat + (random() - 0.5) * 0.001), 4326), 10, 80 FROM public.bench_home h WHERE h.device_id = :d;
EOF2
sed 's/commgrid.care_ping/public.base_ping/' "$work/ext.pgb" > "$work/base.pgb"
sed 's/commgrid.care_ping/public.lean_ping/' "$work/ext.pgb" > "$work/lean.pgb"
tps() { pgbench -n -c "$CLIENTS" -j "$CLIENTS" -T "$SECONDS_EACH" -f "$1" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p'; }
i_ext=$(tps "$work/ext.pgb")
i_base=$(tps "$work/base.pgb")
i_lean=$(tps "$work/lean.pgb")

q -At <<SQL
SELECT format('devices %s, pings per device %s, COPY pings %s (batches of 1,000)', $DEVICES, $PINGS, $total);
SELECT format('COPY   care_ingest (C): %s pings/s; faithful PL/pgSQL baseline: %s pings/s; ratio %s (median of the batches'' ratios %s; batch by batch, alternately)',
  round($total / $s_ext), round($total / $s_base), round(($s_base / $s_ext)::numeric, 1), $r_paired);
SELECT format('COPY   lean PL/pgSQL baseline (rounds 1-2: fences only, no duplicates, consent, filters, battery, district, NOTIFY): %s pings/s; ratio %s',
  round($total / $s_lean), round(($s_lean / $s_ext)::numeric, 1));
SELECT format('COPY   same table, no trigger (the ceiling): %s pings/s; care_ingest reaches %s of it, the faithful baseline %s, the lean %s',
  round($total / $s_bare), round(($s_bare / $s_ext)::numeric, 2), round(($s_bare / $s_base)::numeric, 2), round(($s_bare / $s_lean)::numeric, 2));
SELECT format('per ping: store %s us (the ceiling); evaluation care_ingest %s us, faithful baseline %s us, lean baseline %s us',
  round(($s_bare / $total * 1e6)::numeric, 1), round((($s_ext - $s_bare) / $total * 1e6)::numeric, 1),
  round((($s_base - $s_bare) / $total * 1e6)::numeric, 1), round((($s_lean - $s_bare) / $total * 1e6)::numeric, 1));
SELECT format('faithful baseline without its district check: %s pings/s; the district ST_Covers costs %s us per ping, the rest of its evaluation %s us',
  round($total / $s_nodist), round((($s_base - $s_nodist) / $total * 1e6)::numeric, 1), round((($s_nodist - $s_bare) / $total * 1e6)::numeric, 1));
SELECT format('INSERT %s clients, single row: care_ingest %s pings/s; faithful baseline %s pings/s, ratio %s; lean baseline %s pings/s, ratio %s',
  $CLIENTS, round($i_ext), round($i_base), round(($i_ext / $i_base)::numeric, 1), round($i_lean), round(($i_ext / $i_lean)::numeric, 1));
SELECT format('alarms: care_ingest %s (%s), faithful baseline %s, lean baseline %s',
  (SELECT count(*) FROM commgrid.care_alarm),
  (SELECT string_agg(kind || ' ' || n, ', ' ORDER BY kind) FROM (SELECT kind, count(*) n FROM commgrid.care_alarm GROUP BY 1) k),
  (SELECT count(*) FROM public.base_alarm), (SELECT count(*) FROM public.lean_alarm));
SELECT format('pings by status (COPY and INSERT): %s', (SELECT string_agg(status || ' ' || n, ', ' ORDER BY status)
  FROM (SELECT status, count(*) n FROM commgrid.care_ping GROUP BY 1) s));
SELECT format('state per device: %s bytes (care_device_state with its index, %s devices)',
  round(pg_total_relation_size('commgrid.care_device_state')::numeric / $DEVICES), $DEVICES);
SELECT format('fence cache of the ingesting backend: %s devices, %s bytes, %s bytes per device (bounded: at most 200,000 devices)',
  $cache_devices, $cache_bytes, round($cache_bytes::numeric / greatest($cache_devices, 1)));
SQL
sed -n 's/^\(alarms\|commit_to\|raised_to\)/alarm latency (COPY, listener): &/p' "$work/ext.out"
