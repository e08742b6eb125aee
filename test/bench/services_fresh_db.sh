# Sourced by the bulk benchmarks (services_bulk_*, people_bulk_plans.sh): fresh makes the
# database $db anew with the services benchmarks' district (services_setup.sql), runs BEFORE_SQL
# if given (to measure an older definition), and analyses it while it has no requests or people,
# as the demo's step 20 leaves the requests.  Each
# run gets a database of its own: a run rolled back leaves pages behind that change the plans of
# the next.
fresh() {
  dropdb --if-exists "$db"
  createdb "$db"
  psql -X -q -d "$db" -c 'CREATE EXTENSION postgis' -c 'CREATE EXTENSION pg_commgrid'
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f test/bench/services_setup.sql
  if [ -n "${BEFORE_SQL:-}" ]; then psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$BEFORE_SQL"; fi
  psql -X -q -d "$db" -c 'ANALYZE'
}
