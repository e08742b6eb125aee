#!/usr/bin/env bash
# What the reach checks cost a bulk load by the owner (the demo, a district's import): a
# referenced_row_in_reach trigger asks who acts for every row, and returns at once for the
# owner.  In one session, on the same rows, medians of REACH_RUNS:
#   (a) INSERT of REACH_ROWS rows into a plain table (id, resident_id)
#   (b) the same with a referenced_row_in_reach trigger on resident_id
#   (c) commgrid.acting_role() and commgrid.is_owner() per call (C), against the SQL they
#       replaced (a SQL function with a pinned search_path; a query of pg_roles and
#       pg_namespace), recreated here as temporary functions
# and prints the ratios.  It never fails on a time.
#
#   bash test/bench/reach_checks.sh    # against the server in PGHOST/PGPORT, with this tree
#                                      # installed; its own database, dropped at the end
set -euo pipefail
ROWS=${REACH_ROWS:-100000}
RUNS=${REACH_RUNS:-5}
DB=commgrid_reach_bench
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS '$DB'"' EXIT
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -v rows="$ROWS" -v runs="$RUNS" <<'EOF'
SET client_min_messages = warning;
SET bench.rows = :'rows';
SET bench.runs = :'runs';
CREATE EXTENSION pg_commgrid CASCADE;
CREATE TABLE plain_rows (id bigint, resident_id bigint);
CREATE TABLE checked_rows (id bigint, resident_id bigint);
CREATE TRIGGER checked_rows_resident_in_reach BEFORE INSERT OR UPDATE OF resident_id ON checked_rows
  FOR EACH ROW EXECUTE FUNCTION commgrid.referenced_row_in_reach('resident_id', 'resident', 'resident_id', 'grid_code');
CREATE FUNCTION pg_temp.sql_acting_role() RETURNS name
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT COALESCE(NULLIF(current_setting('role'), 'none'), session_user)::name
$$;
CREATE FUNCTION pg_temp.sql_is_owner(role name) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT COALESCE((SELECT r.rolsuper OR r.oid = n.nspowner
                   FROM pg_catalog.pg_roles r, pg_catalog.pg_namespace n
                   WHERE r.rolname = sql_is_owner.role AND n.nspname = 'commgrid'), false)
$$;
-- milliseconds of one statement
CREATE FUNCTION pg_temp.ms(stmt text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t timestamptz := clock_timestamp();
BEGIN
  EXECUTE stmt;
  RETURN extract(epoch FROM clock_timestamp() - t) * 1000;
END $$;
CREATE TEMP TABLE timing (what text, ms float8);
DO $$
DECLARE
  n int := current_setting('bench.rows')::int;
BEGIN
  FOR r IN 1 .. current_setting('bench.runs')::int LOOP
    TRUNCATE plain_rows, checked_rows;
    INSERT INTO timing SELECT 'a', pg_temp.ms(format('INSERT INTO plain_rows SELECT g, g FROM generate_series(1, %s) g', n));
    INSERT INTO timing SELECT 'b', pg_temp.ms(format('INSERT INTO checked_rows SELECT g, g FROM generate_series(1, %s) g', n));
    INSERT INTO timing SELECT 'role_c', pg_temp.ms(format('SELECT count(commgrid.acting_role()) FROM generate_series(1, %s)', n));
    INSERT INTO timing SELECT 'role_sql', pg_temp.ms(format('SELECT count(pg_temp.sql_acting_role()) FROM generate_series(1, %s)', n));
    INSERT INTO timing SELECT 'owner_c', pg_temp.ms(format('SELECT count(commgrid.is_owner(''postgres'')) FROM generate_series(1, %s)', n));
    INSERT INTO timing SELECT 'owner_sql', pg_temp.ms(format('SELECT count(pg_temp.sql_is_owner(''postgres'')) FROM generate_series(1, %s)', n));
  END LOOP;
END $$;
WITH m AS (SELECT what, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM timing GROUP BY what),
     v AS (SELECT jsonb_object_agg(what, round(ms::numeric, 1)) AS j, current_setting('bench.rows')::numeric / 1000 AS k FROM m)
SELECT format('rows %s, runs %s (medians)', current_setting('bench.rows'), current_setting('bench.runs')) AS reach_checks
UNION ALL SELECT format('(a) plain INSERT: %s ms, %s us a row', j->>'a', round((j->>'a')::numeric / k, 2)) FROM v
UNION ALL SELECT format('(b) with the reach trigger: %s ms, %s us a row; trigger / plain = %s',
                        j->>'b', round((j->>'b')::numeric / k, 2), round((j->>'b')::numeric / (j->>'a')::numeric, 2)) FROM v
UNION ALL SELECT format('(c) acting_role: C %s us, SQL %s us a call; SQL / C = %s',
                        round((j->>'role_c')::numeric / k, 2), round((j->>'role_sql')::numeric / k, 2),
                        round((j->>'role_sql')::numeric / (j->>'role_c')::numeric, 1)) FROM v
UNION ALL SELECT format('    is_owner: C %s us, SQL %s us a call; SQL / C = %s',
                        round((j->>'owner_c')::numeric / k, 2), round((j->>'owner_sql')::numeric / k, 2),
                        round((j->>'owner_sql')::numeric / (j->>'owner_c')::numeric, 1)) FROM v;
EOF
