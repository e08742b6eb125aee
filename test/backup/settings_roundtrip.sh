#!/usr/bin/env bash
# A user's settings and vocabulary survive pg_dump and restore (docs/design/backup-restore.md):
# change an installed setting, relabel an installed vocabulary entry, add one of each, leave
# the rest alone; dump, restore into a fresh database the documented way, and compare.
# Uses the server of the environment (PGHOST/PGPORT) and pg_dump from PG_CONFIG's bindir.
# Prints the compared rows and `settings round trip: ok`; exits non-zero on any difference.
set -euo pipefail
cd "$(dirname "$0")/../.."
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
BIN=$("$PG_CONFIG" --bindir)
SRC=commgrid_settings_src
DST=commgrid_settings_dst
DUMP=$(mktemp)
trap 'rm -f "$DUMP"; "$BIN/dropdb" --if-exists "$SRC"; "$BIN/dropdb" --if-exists "$DST"' EXIT
"$BIN/dropdb" --if-exists "$SRC"; "$BIN/dropdb" --if-exists "$DST"
"$BIN/createdb" "$SRC"
"$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$SRC" <<'SQL'
CREATE EXTENSION pg_commgrid CASCADE;
UPDATE commgrid.compliance_setting SET value = 6 WHERE name = 'staff_per_grid_min';
INSERT INTO commgrid.compliance_setting VALUES ('visits_per_month_min', 2, 'a setting of the user');
UPDATE commgrid.unit_vocabulary SET label = '党政机关单位' WHERE field = 'kind' AND code = 'organ';
INSERT INTO commgrid.unit_vocabulary VALUES ('rank', 'ministry', '省部级', 0);
SQL
"$BIN/pg_dump" -d "$SRC" > "$DUMP"
"$BIN/createdb" "$DST"
PGOPTIONS='-c session_replication_role=replica' "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DST" -f "$DUMP" > /dev/null
QUERY="SELECT 'compliance_setting', name, value::text, description FROM commgrid.compliance_setting
       UNION ALL
       SELECT 'unit_vocabulary', field || '/' || code, label, sort_order::text FROM commgrid.unit_vocabulary
       ORDER BY 1, 2"
before=$("$BIN/psql" -X -A -t -d "$SRC" -c "$QUERY")
after=$("$BIN/psql" -X -A -t -d "$DST" -c "$QUERY")
echo "$after"
if [ "$before" != "$after" ]; then
  diff <(echo "$before") <(echo "$after") || true
  echo "settings round trip: FAILED"
  exit 1
fi
echo "settings round trip: ok"
