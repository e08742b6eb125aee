#!/usr/bin/env bash
# Rows formed by the C triggers carry the right descriptor version across a 4 GB boundary of WAL.
#
# PostgreSQL 15.20 (Debian) stamps each column with the WAL position where it was created
# (pg_attribute.attoptions pg_attver) and each row a descriptor forms with that version (in
# the row header's typmod and t_ctid); the executor refuses a row whose version is not its
# slot's: 22P07 "row type of datum tuple was altered after the datum's creation".  care_ingest
# once formed its row with the partition's descriptor and kept t_ctid (the upper half of the
# version) from the row the executor formed with the parent's, so a COPY into a day partition
# failed exactly when the partition's columns were created in another 4 GB of WAL than
# care_ping's: never in a young cluster, first in a full-size bench database.  This cluster is
# made young at 1/FC000000 (pg_resetwal), the extension created there, the boundary 2/00000000
# crossed, and then a day partition made and pings copied into it.  A registered table's
# partition (assign_location) is checked the same way.
#
# Needs the module installed (make install) and PG_CONFIG; runs its own throwaway cluster
# (as user postgres when run by root).  Prints `N passed, M failed`; exits 1 on a failure.
set -euo pipefail
BIN=$("${PG_CONFIG:-pg_config}" --bindir)
tmp=$(mktemp -d)
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$tmp"
cleanup() { as_owner "$BIN/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT

as_owner "$BIN/initdb" -D "$tmp/data" -A trust -U postgres >/dev/null
as_owner "$BIN/pg_resetwal" -l 0000000100000001000000FC -D "$tmp/data" >/dev/null
# wal_init_zero off: crossing the boundary creates a few WAL segments, unwritten
as_owner "$BIN/pg_ctl" -D "$tmp/data" -l "$tmp/log" -w -o "-p 5432 -k $tmp -c listen_addresses='' \
  -c shared_preload_libraries=pgaudit,pg_cron,pg_commgrid -c pgaudit.role=commgrid_auditor \
  -c cron.database_name=postgres -c wal_init_zero=off" start >/dev/null
q() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$tmp" -p 5432 -U postgres -d postgres "$@"; }

q >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION pg_commgrid CASCADE;
SET search_path = commgrid, public;
INSERT INTO area (code, name, kind, boundary)
SELECT code, name, kind, ST_MakeEnvelope(x0, 20.00, x1, 20.06, 4490)
FROM (VALUES
  ('460102', '美兰区', 'district', 110.30, 110.40),
  ('460102001', '海甸街道', 'subdistrict', 110.30, 110.40),
  ('460102001001', '海甸社区', 'community', 110.30, 110.40),
  ('460102001001001', '海甸第1网格', 'grid', 110.30, 110.35),
  ('460102001001002', '海甸第2网格', 'grid', 110.35, 110.40)
) a(code, name, kind, x0, x1) ORDER BY code;
INSERT INTO household (household_id, address, location) VALUES
  (460102000001, '海甸一路1号', ST_SetSRID(ST_MakePoint(110.32, 20.03), 4490));
INSERT INTO resident (resident_id, name, household_id, empty_nest_elderly) VALUES
  (460102000001, '王秀英', 460102000001, true);
INSERT INTO care_device (device_id, imei, sim, provider, owner_code, interval_s) VALUES
  (460102000001, '490154203237518', '13800000001', '甲公司', '460102001', 30);
INSERT INTO care_binding (binding_id, device_id, resident_id, bound_from, consent_by, consent_at) VALUES
  (460102000001, 460102000001, 460102000001, now() - interval '1 day', 'person', now() - interval '1 day');
-- a registered table partitioned by its code's level: a row's grid is set by assign_location
CREATE TABLE public.visit_log (id bigint, location geometry(Point, 4490), grid gridcode, at date)
  PARTITION BY RANGE (at);
SELECT register_assigned_table('public.visit_log', 'location', 'grid', 'grid');
SQL

# cross 2/00000000: a WAL record, then a switch to the next segment, until past it
before=$(q -c "SELECT pg_current_wal_lsn()")
for i in $(seq 8); do
  q -c "SELECT pg_logical_emit_message(false, 'wal_versions', 'x')" -c "SELECT pg_switch_wal()" >/dev/null
  [ "$(q -c "SELECT pg_current_wal_lsn() >= '2/0'")" = t ] && break
done
after=$(q -c "SELECT pg_current_wal_lsn()")
echo "== extension created below $before, boundary crossed: $after"

q <<'SQL' > "$tmp/out" 2>&1 || true
\set ON_ERROR_STOP off
SET search_path = commgrid, public;
SET client_min_messages = warning;
-- today's partition, made in the upper 4 GB; and one of the registered table
DO $$ BEGIN EXECUTE format('DROP TABLE IF EXISTS commgrid.care_ping_%s', to_char(commgrid.district_today(), 'YYYYMMDD')); END $$;
SELECT care_ping_create_partitions(1) AS made;
CREATE TABLE public.visit_log_now PARTITION OF public.visit_log FOR VALUES FROM ('2000-01-01') TO ('2100-01-01');
SELECT 'versions', (SELECT (a.attoptions[1] ~ '^pg_attver=') FROM pg_attribute a
                    WHERE a.attrelid = 'commgrid.care_ping'::regclass AND a.attname = 'device_id')
       AS parent_stamped,
       (SELECT split_part(a.attoptions[1], '=', 2)::bigint >> 32 FROM pg_attribute a
        WHERE a.attrelid = 'commgrid.care_ping'::regclass AND a.attname = 'device_id') AS parent_high,
       (SELECT split_part(a.attoptions[1], '=', 2)::bigint >> 32 FROM pg_attribute a
        WHERE a.attrelid = format('commgrid.care_ping_%s', to_char(district_today(), 'YYYYMMDD'))::regclass
          AND a.attname = 'device_id') AS partition_high;
\set VERBOSITY sqlstate
COPY care_ping (device_id, fixed_at, location, fix_source, accuracy_m, battery) FROM stdin;
460102000001	now	SRID=4326;POINT(110.32 20.03)	gps	10	80
\.
INSERT INTO care_ping (device_id, fixed_at, location, fix_source, accuracy_m, battery)
VALUES (460102000001, now() + interval '1 second', 'SRID=4326;POINT(110.3201 20.0301)', 'gps', 10, 79);
INSERT INTO public.visit_log (id, location, at) VALUES (1, ST_SetSRID(ST_MakePoint(110.37, 20.03), 4490), current_date);
COPY public.visit_log (id, location, at) FROM stdin;
2	SRID=4490;POINT(110.32 20.03)	2026-12-03
\.
SELECT 'stored', count(*), count(*) FILTER (WHERE resident_id = 460102000001 AND grid_code = '460102001001001'
                                      AND ST_SRID(location) = 4490) FROM care_ping;
SELECT 'assigned', string_agg(id || ':' || grid, ',' ORDER BY id) FROM public.visit_log;
SQL

pass=0; fail=0
check() { # what, expected line
  if grep -qxF "$2" "$tmp/out"; then pass=$((pass + 1)); echo "ok     $1"
  else fail=$((fail + 1)); echo "FAILED $1: expected '$2'"; fi
}
check "care_ping's columns stamped, the new partition's in the upper 4 GB" "versions|t|1|2"
check "a COPY and an INSERT into the new partition stored, each with its resident and grid" "stored|2|2"
check "assign_location on a partition made in the upper 4 GB: INSERT and COPY" "assigned|1:460102001001002,2:460102001001001"
if grep -q "ERROR\|^[0-9A-Z]\{5\}$" "$tmp/out"; then fail=$((fail + 1)); echo "FAILED no error expected:"; grep -v "^$" "$tmp/out" | head -20; fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
