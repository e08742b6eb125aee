#!/bin/bash
# Wearable care ingest (issue 15 §4) against the server in PGHOST/PGPORT, in a throwaway
# database: DEVICES devices (default 9,000) at home in 200 m circle fences, PINGS per device
# (default 40; jittered walks, one device in twenty leaving its fence, one fix in 200 a GPS
# jump, batteries running low).  The same pings go (1) by COPY in batches of 1,000, one
# transaction each (CareIngestBench.java, Java 17 and Debian's JDBC driver), and (2) as
# single-row INSERTs from CLIENTS pgbench clients (default 8, SECONDS each, default 20) into
# commgrid.care_ping (the C trigger care_ingest: filters, fences, alarms) and into a baseline
# of the same schema (a partitioned copy of care_ping with its indexes and checks) whose
# PL/pgSQL trigger does the plain PostGIS checks per ping (state row locked, ST_DWithin /
# ST_Covers against each fence, alarms on exit and return), and by COPY into the same table
# without any trigger (the ceiling: what storing the rows costs).  While care_ping is loaded
# by COPY a listener measures each alarm's latency from its batch's commit to the listener.
# Prints pings/s, the ratios measured in the same run, the latency and the memory per device;
# never fails on a time.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEVICES=${DEVICES:-9000}
PINGS=${PINGS:-40}
CLIENTS=${CLIENTS:-8}
SECONDS_EACH=${SECONDS:-20}
db=care_bench_$$
work=$(mktemp -d)
createdb "$db"
trap 'dropdb --if-exists "$db"; rm -rf "$work"' EXIT
export PGDATABASE=$db
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
q -c 'CREATE EXTENSION postgis' -c 'CREATE EXTENSION pg_commgrid'
q -v devices="$DEVICES" <<'SQL'
SET search_path = commgrid, public;
SET commgrid.audit = off;
-- a district of 0.5° × 0.5°, one township, community and grid; homes on a 100 m lattice
INSERT INTO area (code, name, kind, boundary)
SELECT code, name, kind, ST_MakeEnvelope(106.30, 29.30, 106.80, 29.80, 4490)
FROM (VALUES ('500112', '渝北区', 'district'), ('500112001', '街道', 'subdistrict'),
             ('500112001001', '社区', 'community'), ('500112001001001', '网格', 'grid')) a(code, name, kind)
ORDER BY code;
CREATE FUNCTION public.bench_home(d bigint) RETURNS geometry LANGUAGE sql IMMUTABLE AS
  $$ SELECT ST_SetSRID(ST_MakePoint(106.4 + (d % 200) * 0.001, 29.4 + (d / 200) * 0.001), 4490) $$;
INSERT INTO household (household_id, address, location)
SELECT d, '门牌' || d, public.bench_home(d) FROM generate_series(1, :devices) d;
INSERT INTO resident (resident_id, name, household_id, empty_nest_elderly)
SELECT d, '老人' || d, d, true FROM generate_series(1, :devices) d;
INSERT INTO care_device (device_id, imei, provider, owner_code, interval_s)
SELECT n, (SELECT b || c FROM generate_series(0, 9) c WHERE is_valid_imei(b || c))::imei, '甲公司', '500112', 30
FROM generate_series(1, :devices) n, LATERAL (SELECT '86' || lpad(n::text, 12, '0') AS b) x;
INSERT INTO care_binding (device_id, resident_id, consent_by, consent_at)
SELECT d, d, 'person', now() - interval '1 day' FROM generate_series(1, :devices) d;
INSERT INTO care_fence (resident_id, kind, centre, radius_m)
SELECT d, 'circle', public.bench_home(d), 200 FROM generate_series(1, :devices) d;
SELECT care_ping_create_partitions(3, district_today() - 1);

-- the baseline: same columns, a PL/pgSQL trigger with the plain PostGIS checks
CREATE TABLE public.base_ping (LIKE commgrid.care_ping INCLUDING ALL) PARTITION BY RANGE (fixed_at);
CREATE TABLE public.bare_ping (LIKE commgrid.care_ping INCLUDING ALL) PARTITION BY RANGE (fixed_at);
DO $$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'commgrid.care_ping'::regclass LOOP
    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.base_ping %s', replace(p.relname, 'care_ping', 'base_ping'), p.bound);
    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.bare_ping %s', replace(p.relname, 'care_ping', 'bare_ping'), p.bound);
  END LOOP;
END $$;
-- the ceiling stores the input as it comes (4326): no trigger sets 4490
ALTER TABLE public.bare_ping DROP CONSTRAINT enforce_srid_location;
CREATE TABLE public.base_state (device_id bigint PRIMARY KEY, resident_id bigint, last_fixed_at timestamptz,
  outside_count int NOT NULL DEFAULT 0, is_out boolean NOT NULL DEFAULT false);
INSERT INTO public.base_state (device_id, resident_id) SELECT d, d FROM generate_series(1, :devices) d;
CREATE TABLE public.base_alarm (alarm_id bigserial PRIMARY KEY, kind text, device_id bigint, fixed_at timestamptz, location geometry);
CREATE FUNCTION public.base_ingest() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE s public.base_state; inside boolean; beyond boolean; loc geometry;
BEGIN
  SELECT * INTO s FROM public.base_state WHERE device_id = NEW.device_id FOR UPDATE;
  loc := ST_SetSRID(NEW.location, 4490);
  NEW.location := loc;
  NEW.resident_id := s.resident_id;
  IF s.last_fixed_at IS NOT NULL AND NEW.fixed_at <= s.last_fixed_at THEN
    NEW.status := 'out_of_order'; RETURN NEW;
  END IF;
  SELECT bool_or(CASE f.kind WHEN 'circle' THEN ST_DWithin(f.centre::geography, loc::geography, f.radius_m)
                             ELSE ST_Covers(f.area, loc) END),
         bool_and(CASE f.kind WHEN 'circle' THEN NOT ST_DWithin(f.centre::geography, loc::geography, f.radius_m + greatest(0.1 * f.radius_m, 20))
                              ELSE NOT ST_DWithin(f.area::geography, loc::geography, 20) END)
    INTO inside, beyond
  FROM commgrid.care_fence f WHERE f.resident_id = s.resident_id;
  IF inside THEN
    IF s.is_out THEN INSERT INTO public.base_alarm (kind, device_id, fixed_at, location) VALUES ('fence_return', NEW.device_id, NEW.fixed_at, loc); END IF;
    s.outside_count := 0; s.is_out := false;
  ELSIF beyond AND NOT s.is_out THEN
    s.outside_count := s.outside_count + 1;
    IF s.outside_count >= 2 THEN
      s.is_out := true;
      INSERT INTO public.base_alarm (kind, device_id, fixed_at, location) VALUES ('fence_exit', NEW.device_id, NEW.fixed_at, loc);
    END IF;
  END IF;
  UPDATE public.base_state SET last_fixed_at = NEW.fixed_at, outside_count = s.outside_count, is_out = s.is_out
  WHERE device_id = NEW.device_id;
  NEW.status := 'accepted';
  RETURN NEW;
END $$;
CREATE TRIGGER base_ingest BEFORE INSERT ON public.base_ping FOR EACH ROW EXECUTE FUNCTION public.base_ingest();
SQL

# the day's pings, in time order: a 60 m jitter, every 20th device 1.5 km out in the middle
# of the run, one fix in 200 a 20 km jump, batteries from 100 % down
q -v devices="$DEVICES" -v pings="$PINGS" -c "\\copy (SELECT d, now() - interval '1 day' + i * interval '30 s',
  'SRID=4326;POINT(' || (106.4 + (d % 200) * 0.001 + (random() - 0.5) * 0.0012
     + CASE WHEN d % 20 = 0 AND i BETWEEN $PINGS / 3 AND 2 * $PINGS / 3 THEN 0.015 ELSE 0 END
     + CASE WHEN random() < 0.005 THEN 0.2 ELSE 0 END)
  || ' ' || (29.4 + (d / 200) * 0.001 + (random() - 0.5) * 0.001) || ')',
  10, greatest(5, 100 - i * (1 + d % 3))
  FROM generate_series(0, $PINGS - 1) i, generate_series(1, $DEVICES) d ORDER BY i, d) TO '$work/pings.tsv'"
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
copy_run commgrid.care_ping --listen > "$work/ext.out"
copy_run public.base_ping > "$work/base.out"
copy_run public.bare_ping > "$work/bare.out"
s_ext=$(sed -n 's/^seconds //p' "$work/ext.out")
s_base=$(sed -n 's/^seconds //p' "$work/base.out")
s_bare=$(sed -n 's/^seconds //p' "$work/bare.out")
cache_devices=$(sed -n 's/^cache devices \([0-9]*\) bytes.*/\1/p' "$work/ext.out")
cache_bytes=$(sed -n 's/^cache devices [0-9]* bytes \([0-9]*\)/\1/p' "$work/ext.out")

# single-row INSERTs from CLIENTS clients: a device at random, fixed now (always newest)
cat > "$work/ext.pgb" <<EOF2
\set d random(1, $DEVICES)
INSERT INTO commgrid.care_ping (device_id, fixed_at, location, accuracy_m, battery) VALUES (:d, clock_timestamp(), ST_SetSRID(ST_MakePoint(106.4 + (:d % 200) * 0.001 + (random() - 0.5) * 0.0012, 29.4 + (:d / 200) * 0.001), 4326), 10, 80);
EOF2
sed 's/commgrid.care_ping/public.base_ping/' "$work/ext.pgb" > "$work/base.pgb"
tps() { pgbench -n -c "$CLIENTS" -j "$CLIENTS" -T "$SECONDS_EACH" -f "$1" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p'; }
i_ext=$(tps "$work/ext.pgb")
i_base=$(tps "$work/base.pgb")

q -At <<SQL
SELECT format('devices %s, pings per device %s, COPY pings %s (batches of 1,000)', $DEVICES, $PINGS, $total);
SELECT format('COPY   care_ingest (C): %s pings/s; PL/pgSQL baseline: %s pings/s; ratio %s',
  round($total / $s_ext), round($total / $s_base), round(($s_base / $s_ext)::numeric, 1));
SELECT format('COPY   same table, no trigger (the ceiling): %s pings/s; care_ingest reaches %s of it, the baseline %s',
  round($total / $s_bare), round(($s_bare / $s_ext)::numeric, 2), round(($s_bare / $s_base)::numeric, 2));
SELECT format('INSERT %s clients, single row: care_ingest %s pings/s; baseline %s pings/s; ratio %s',
  $CLIENTS, round($i_ext), round($i_base), round(($i_ext / $i_base)::numeric, 1));
SELECT format('alarms: care_ingest %s (%s), baseline %s (%s)',
  (SELECT count(*) FROM commgrid.care_alarm),
  (SELECT string_agg(kind || ' ' || n, ', ' ORDER BY kind) FROM (SELECT kind, count(*) n FROM commgrid.care_alarm GROUP BY 1) k),
  (SELECT count(*) FROM public.base_alarm),
  (SELECT string_agg(kind || ' ' || n, ', ' ORDER BY kind) FROM (SELECT kind, count(*) n FROM public.base_alarm GROUP BY 1) k));
SELECT format('pings by status: %s', (SELECT string_agg(status || ' ' || n, ', ' ORDER BY status)
  FROM (SELECT status, count(*) n FROM commgrid.care_ping GROUP BY 1) s));
SELECT format('state per device: %s bytes (care_device_state with its index, %s devices)',
  round(pg_total_relation_size('commgrid.care_device_state')::numeric / $DEVICES), $DEVICES);
SELECT format('fence cache of the ingesting backend: %s devices, %s bytes, %s bytes per device (bounded: at most 200,000 devices)',
  $cache_devices, $cache_bytes, round($cache_bytes::numeric / greatest($cache_devices, 1)));
SQL
sed -n 's/^\(alarms\|commit_to\|raised_to\)/alarm latency (COPY, listener): &/p' "$work/ext.out"
