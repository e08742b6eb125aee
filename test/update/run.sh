#!/usr/bin/env bash
# `make updatecheck`: the path from the previous release to this one, against the server in
# PGHOST/PGPORT (as installcheck) with this tree installed (`make install`, which ships
# sql/updates/).  It
#   1. installs the previous release (FROM, its frozen install script) with the demo district
#      at a small scale (SCALE) by that release's loaders (test/update/demo-FROM/), and checks that this shared library has every C symbol that
#      release's SQL names (nm -D);
#   2. runs ALTER EXTENSION pg_commgrid UPDATE;
#   3. compares the extension's objects (pg_dump --binary-upgrade --schema-only, normalised by
#      schemadiff.py) with a fresh install of this version, after create_roles() in both;
#   4. compares each table's row count and checksum, the sequences and the reports' figures
#      before and after the update (snapshot.sql, compare.sql);
#   5. checks that the ratings' history is in the audit log once (a history row the log lacked
#      is added before the update and must come back as a copied entry);
#   6. checks that create_roles() after the update grants objects the new version added.
# Prints every difference and `updatecheck: N passed, M failed`; exits 1 on a failure.
# KEEP=1 keeps the two databases (commgrid_update_old, commgrid_update_fresh) to look at.
set -uo pipefail
cd "$(dirname "$0")/../.."
# Every session on the district's clock, as the district's server runs: 0.1.0 took "today"
# from the session's time zone (current_date), 0.2.0 takes the district's day
# (district_today(), Asia/Shanghai) whatever the server's.  On a server in UTC the two differ
# from 16:00 to 24:00 UTC, and reports that count by date would differ for that reason alone.
export PGTZ=Asia/Shanghai
FROM=${FROM:-0.1.0}
SCALE=${SCALE:-0.01}
SEED=${SEED:-2016}
PG_CONFIG=${PG_CONFIG:-pg_config}
BINDIR=$("$PG_CONFIG" --bindir)
LIB=$("$PG_CONFIG" --pkglibdir)/pg_commgrid.so
TO=$(sed -n "s/^default_version = '\(.*\)'/\1/p" pg_commgrid.control)
OLD=commgrid_update_old
FRESH=commgrid_update_fresh
OUT=${OUT:-results/updatecheck}
mkdir -p "$OUT"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAILED: $*"; }

roles_before=$(psql -X -Atc "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'commgrid\_%'" postgres)
for db in $OLD $FRESH; do dropdb --if-exists "$db"; createdb "$db"; done

echo "== $FROM with the demo district (scale $SCALE, seed $SEED)"
"${PSQL[@]}" -d $OLD -c "CREATE EXTENSION pg_commgrid VERSION '$FROM' CASCADE" || { fail "CREATE EXTENSION pg_commgrid VERSION '$FROM'"; exit 1; }

# every C function of the old release's SQL resolves in this library (a district's server runs
# the new library under the old SQL between the package upgrade and ALTER EXTENSION UPDATE)
nm -D --defined-only "$LIB" | awk '{print $NF}' | sort -u > "$OUT/symbols"
missing=$(psql -X -Atc "SELECT DISTINCT prosrc FROM pg_proc WHERE probin LIKE '%pg_commgrid' ORDER BY 1" $OLD |
  while read -r sym; do
    grep -qx "$sym" "$OUT/symbols" && grep -qx "pg_finfo_$sym" "$OUT/symbols" || echo "$sym"
  done | tr '\n' ' ')
nsym=$(psql -X -Atc "SELECT count(DISTINCT prosrc) FROM pg_proc WHERE probin LIKE '%pg_commgrid'" $OLD)
if [ -z "$missing" ]; then pass "the $nsym C symbols of $FROM's SQL are in $LIB (nm -D)"
else fail "C symbols of $FROM missing from $LIB: $missing"; fi

# the demo's loaders as 0.1.0 had them (test/update/demo-$FROM/, frozen)
for step in test/update/demo-$FROM/[0-9][0-9]_*.sql; do
  "${PSQL[@]}" -d $OLD -v scale="$SCALE" -v seed="$SEED" -f "$step" > "$OUT/load_${step##*/}.out" 2>&1 ||
    { fail "demo step $step on $FROM (see $OUT/load_${step##*/}.out)"; tail -5 "$OUT/load_${step##*/}.out"; exit 1; }
done
# the old SQL on the new library works, not only loads: weighted_mean's state grew a scale
# element in 0.2.0 (src/aggregates.c widens the old aggregate's 4-element state)
wm=$(psql -X -Atc "SELECT commgrid.weighted_mean(x, w) FROM (VALUES (1.0::float8, 2.0::float8), (3.0, 4.0), (NULL, 1.0)) v(x, w)" $OLD 2>&1)
[ "$wm" = "2.3333333333333335" ] && pass "$FROM's weighted_mean aggregate on this library: $wm" ||
  fail "$FROM's weighted_mean aggregate on this library: $wm (expected 2.3333333333333335)"

# roles as a district had them: the group roles, and a member with a jurisdiction (stored by
# role name in 0.1.0, by OID after the update)
"${PSQL[@]}" -d $OLD <<'SQL' > "$OUT/roles_before.out"
SET client_min_messages = warning;
SELECT count(*) FROM commgrid.create_roles();
DROP ROLE IF EXISTS commgrid_update_grid;
CREATE ROLE commgrid_update_grid IN ROLE commgrid_grid_worker;
SELECT commgrid.grant_jurisdiction('commgrid_update_grid', (SELECT min(code::text) FROM commgrid.area WHERE kind = 'grid'));
SQL
# a rating change the history kept and the audit log did not (0.1.0 wrote each change to both;
# a log entry can be missing, as for a superuser's bulk change with commgrid.audit = off): the
# update copies it into the log, and copies none of the changes the log has (no duplicates)
"${PSQL[@]}" -d $OLD > "$OUT/history_extra.out" <<'SQL'
INSERT INTO commgrid.assessment_rating_history (rating_id, action, campaign_id, indicator_id, rater_code,
  rater_unit_id, ratee_unit_id, ratee_code, old_score, new_score, changed_by, community_code, unit_id)
SELECT rating_id, 'update', campaign_id, indicator_id, rater_code, rater_unit_id, ratee_unit_id, ratee_code,
       score, score + 1, entered_by, community_code, unit_id
  FROM commgrid.assessment_rating ORDER BY rating_id LIMIT 1;
SQL
history_before=$(psql -X -Atc "SELECT string_agg(format('%s %s', upper(action), n), ', ' ORDER BY action)
  FROM (SELECT action, count(*) AS n FROM commgrid.assessment_rating_history GROUP BY action) x" $OLD)
"${PSQL[@]}" -d $OLD -v phase=before -f test/update/snapshot.sql > "$OUT/snapshot_before.out" ||
  { fail "snapshot before the update"; exit 1; }

echo "== ALTER EXTENSION pg_commgrid UPDATE ($FROM -> $TO)"
if "${PSQL[@]}" -d $OLD -c "ALTER EXTENSION pg_commgrid UPDATE" > "$OUT/update.out" 2>&1; then
  v=$(psql -X -Atc "SELECT extversion FROM pg_extension WHERE extname = 'pg_commgrid'" $OLD)
  [ "$v" = "$TO" ] && pass "ALTER EXTENSION pg_commgrid UPDATE: $FROM -> $v" || fail "after the update the version is $v, not $TO"
else
  fail "ALTER EXTENSION pg_commgrid UPDATE:"; sed 's/^/  /' "$OUT/update.out"
  [ -n "${KEEP:-}" ] || for db in $OLD $FRESH; do dropdb --if-exists "$db"; done
  echo "updatecheck: $passed passed, $failed failed"; exit 1
fi
"${PSQL[@]}" -d $OLD -c "SET client_min_messages = warning" -c "SELECT count(*) FROM commgrid.create_roles()" > /dev/null

echo "== the data and the reports, before and after"
"${PSQL[@]}" -d $OLD -v phase=after -f test/update/snapshot.sql > "$OUT/snapshot_after.out" ||
  fail "snapshot after the update (see $OUT/snapshot_after.out)"
psql -X -v ON_ERROR_STOP=1 -v from="$FROM" -v to="$TO" -d $OLD -f test/update/compare.sql > "$OUT/data.diff" 2>&1
sed 's/^/  /' "$OUT/data.diff"
grep -q '^ data: 0 differ' "$OUT/data.diff" && pass "rows, checksums, sequences and reports unchanged" ||
  fail "the data or the reports differ (above; $OUT/data.diff)"

echo "== the ratings' history in the audit log"
history_after=$(psql -X -Atc "SELECT string_agg(format('%s %s', action, n), ', ' ORDER BY action)
  FROM (SELECT action, count(*) AS n FROM commgrid.assessment_rating_changes GROUP BY action) x" $OLD)
copied=$(psql -X -Atc "SELECT string_agg(format('%s %s->%s by %s', c.action, c.old_score, c.new_score, c.changed_by), ', ')
  FROM commgrid.assessment_rating_changes c JOIN commgrid.audit_log a ON a.id = c.change_id
  WHERE a.via = 'assessment_rating_history'" $OLD)
[ "$history_after" = "$history_before" ] && [ -n "$copied" ] && [ "${copied#*,}" = "$copied" ] &&
  pass "assessment_rating_changes after the update: $history_after, as assessment_rating_history had (copied from it: $copied)" ||
  fail "assessment_rating_changes after the update: $history_after; the history had $history_before; copied: ${copied:-none}"

echo "== create_roles() after the update grants what $TO added"
granted=$(psql -X -Atc "
  SELECT string_agg(format('%s %s', r, o), ', ') FROM (VALUES
    ('commgrid_district_admin', 'commgrid.masking_setting'),
    ('commgrid_bi_reader', 'commgrid.bi_district_report')) x(r, o)
  WHERE to_regclass(o) IS NULL OR NOT has_table_privilege(r, o, 'SELECT')" $OLD)
[ -z "$granted" ] && pass "create_roles() after the update: SELECT on masking_setting (district admin), bi_district_report (BI reader)" ||
  fail "create_roles() after the update does not grant: $granted"

echo "== the schema: updated database against a fresh $TO install"
"${PSQL[@]}" -d $OLD -c "SET client_min_messages = warning" -c "DROP SCHEMA commgrid_update_check CASCADE" -c "DROP OWNED BY commgrid_update_grid" \
  -c "DROP ROLE commgrid_update_grid"
"${PSQL[@]}" -d $FRESH -c "SET client_min_messages = warning" -c "CREATE EXTENSION pg_commgrid CASCADE" \
  -c "SELECT count(*) FROM commgrid.create_roles()" > /dev/null
"$BINDIR/pg_dump" --binary-upgrade --schema-only $OLD 2>/dev/null > "$OUT/updated.dump"
"$BINDIR/pg_dump" --binary-upgrade --schema-only $FRESH 2>/dev/null > "$OUT/fresh.dump"
# the configuration tables (pg_extension_config_dump) by name: the dump has them as OIDs
for db in $OLD $FRESH; do
  f=$OUT/updated.dump; [ $db = $FRESH ] && f=$OUT/fresh.dump
  printf '%s\n' '--' '-- Name: pg_commgrid; Type: EXTENSION CONFIG; Schema: commgrid; Owner: -' '--' >> "$f"
  psql -X -At -d $db -c "SELECT c::regclass::text || ' ' || coalesce(nullif(w, ''), '(all rows)')
    FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(c, w)
    WHERE e.extname = 'pg_commgrid' ORDER BY 1" >> "$f"
done
python3 test/update/schemadiff.py "$OUT/updated.dump" "$OUT/fresh.dump" > "$OUT/schema.diff"
if [ $? -eq 0 ]; then pass "pg_dump --schema-only of the updated database equals a fresh $TO install ($(tail -1 "$OUT/schema.diff"))"
else fail "the updated database's schema differs from a fresh $TO install:"; sed 's/^/  /' "$OUT/schema.diff"; fi
grep '^column order' "$OUT/schema.diff" | sed 's/^/  note: /'

if [ -z "${KEEP:-}" ]; then
  for db in $OLD $FRESH; do dropdb --if-exists "$db"; done
  if [ "$roles_before" = 0 ]; then
    for r in $(psql -X -Atc "SELECT rolname FROM pg_roles WHERE rolname LIKE 'commgrid\_%' ORDER BY oid DESC" postgres); do
      psql -X -q -c "DROP ROLE $r" postgres 2>/dev/null || echo "note: role $r kept (objects elsewhere depend on it)"
    done
  fi
fi
echo "updatecheck: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
