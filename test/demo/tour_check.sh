#!/usr/bin/env bash
# `make tourcheck`: the README's tour (test/demo/tour.sql) as each demo role, against a
# small demo (SCALE, default 0.01) in a database of the server in PGHOST/PGPORT (as
# installcheck).  For each role and statement it records what came back: the rows ("rows",
# "1 row", "0 rows") or the SQLSTATE of the refusal, and compares that with
# test/demo/tour_check.expected.  Prints `tourcheck: N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/../.."
SCALE=${SCALE:-0.01}
SEED=${SEED:-2016}
DB=commgrid_tour
OUT=${OUT:-results/tourcheck}
mkdir -p "$OUT"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d $DB)
roles_before=$(psql -X -Atc "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'commgrid\_%'" postgres)
dropdb --if-exists $DB 2>/dev/null
createdb $DB
"${PSQL[@]}" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION pg_commgrid CASCADE'
for step in test/demo/10_territory.sql test/demo/20_people.sql test/demo/30_units.sql test/demo/roles.sql; do
  "${PSQL[@]}" -v scale="$SCALE" -v seed="$SEED" -f "$step" > "$OUT/${step##*/}.out" 2>&1 ||
    { echo "FAILED: $step (see $OUT/${step##*/}.out)"; tail -5 "$OUT/${step##*/}.out"; exit 1; }
done
# the places of the tour: the demo grid worker's grid (inside every staff role's area), a
# point in it, a resident there and one outside the township
IFS='|' read -r town comm grid point inside outside < <(psql -X -q -At -F '|' -d $DB -c "SET search_path = commgrid, public" -c "
  SELECT t.scope, c.scope, g.scope, ST_AsEWKT(ST_PointOnSurface(a.boundary)),
         (SELECT min(resident_id) FROM commgrid.resident WHERE grid_code = g.scope),
         (SELECT min(resident_id) FROM commgrid.resident WHERE NOT grid_code <@ t.scope)
  FROM commgrid.jurisdiction t, commgrid.jurisdiction c, commgrid.jurisdiction g, commgrid.area a
  WHERE t.role_name = 'demo_township_staff'::regrole AND c.role_name = 'demo_community_staff'::regrole
    AND g.role_name = 'demo_grid_worker'::regrole AND a.code = g.scope")
: > "$OUT/tour.summary"
for r in demo_grid_worker:$grid demo_community_staff:$comm demo_township_staff:$town \
         demo_district_admin:500112 demo_bi_reader:500112 demo_unit_liaison:$comm demo_social_worker:$town; do
  role=${r%%:*} scope=${r#*:}
  psql -X -d $DB -v point="$point" -v scope="$scope" -v inside="$inside" -v outside="$outside" \
       -v VERBOSITY=sqlstate -c "SET SESSION AUTHORIZATION $role" -f test/demo/tour.sql > "$OUT/$role.out" 2>&1
  # one line per statement of the tour: its rows or its refusal
  grep -E '^\([0-9]+ rows?\)$|^(ERROR|psql):' "$OUT/$role.out" |
    sed -E 's/^psql:[^:]*:[0-9]+: //; s/^\(([2-9]|[1-9][0-9]+) rows\)$/rows/; s/^\(1 row\)$/1 row/; s/^\(0 rows\)$/0 rows/; s/^ERROR: +/refused /' |
    paste -sd ' ' | sed "s/^/$role: /" >> "$OUT/tour.summary"
done
passed=0 failed=0
while read -r line; do
  if grep -qxF "$line" "$OUT/tour.summary"; then passed=$((passed + 1)); echo "ok: $line"
  else failed=$((failed + 1)); echo "FAILED: expected  $line"
       echo "        got       $(grep "^${line%%:*}:" "$OUT/tour.summary")"; fi
done < <(grep -v '^#' test/demo/tour_check.expected)
if [ -z "${KEEP:-}" ]; then
  dropdb $DB
  for r in demo_grid_worker demo_community_staff demo_township_staff demo_district_admin demo_bi_reader demo_unit_liaison demo_social_worker; do
    psql -X -q -c "DROP ROLE IF EXISTS $r" postgres
  done
  if [ "$roles_before" = 0 ]; then
    for r in $(psql -X -Atc "SELECT rolname FROM pg_roles WHERE rolname LIKE 'commgrid\_%' ORDER BY oid DESC" postgres); do
      psql -X -q -c "DROP ROLE $r" postgres 2>/dev/null || echo "note: role $r kept (objects elsewhere depend on it)"
    done
  fi
fi
echo "tourcheck: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
