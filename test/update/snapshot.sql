-- The update check's picture of the data (test/update/run.sh): for every table of the
-- extension, its row count and a checksum of its rows over the columns it had before the
-- update, the sequences' positions, and the reports' figures.  Run with :phase = before or
-- after; the pictures live in schema commgrid_update_check, which run.sh drops before the dump.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT set_config('commgrid_update_check.phase', :'phase', false) AS phase \gset
CREATE SCHEMA IF NOT EXISTS commgrid_update_check;
-- the columns are fixed before the update: an update may add columns (ADD COLUMN appends or
-- fills them), never change what the old columns hold
CREATE TABLE IF NOT EXISTS commgrid_update_check.columns AS
SELECT c.oid::regclass::text AS tbl,
       array_agg(a.attname::text ORDER BY a.attname) AS cols
FROM pg_class c
JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_commgrid'
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p')
GROUP BY c.oid;
CREATE TABLE IF NOT EXISTS commgrid_update_check.tables
  (phase text, tbl text, row_count bigint, checksum text, missing_cols text[]);
CREATE TABLE IF NOT EXISTS commgrid_update_check.report
  (phase text, report text, item text, figure text);

DO $check$
DECLARE
  t record;
  present text[];
  n bigint;
  sum text;
BEGIN
  FOR t IN SELECT * FROM commgrid_update_check.columns ORDER BY tbl LOOP
    IF to_regclass(t.tbl) IS NULL THEN
      INSERT INTO commgrid_update_check.tables VALUES (current_setting('commgrid_update_check.phase'), t.tbl, NULL, 'table gone', NULL);
      CONTINUE;
    END IF;
    SELECT array_agg(a.attname::text ORDER BY a.attname) INTO present
    FROM pg_attribute a WHERE a.attrelid = t.tbl::regclass AND a.attnum > 0 AND NOT a.attisdropped
      AND a.attname = ANY (t.cols);
    EXECUTE format('SELECT count(*), md5(coalesce(string_agg(x, E''\n'' ORDER BY x), '''')) '
                   'FROM (SELECT ROW(%s)::text AS x FROM %s) s',
                   (SELECT string_agg(format('%I', c), ', ') FROM unnest(present) c), t.tbl)
      INTO n, sum;
    INSERT INTO commgrid_update_check.tables
    VALUES (current_setting('commgrid_update_check.phase'), t.tbl, n, sum,
            (SELECT array_agg(c) FROM unnest(t.cols) c WHERE c <> ALL (present)));
  END LOOP;
END
$check$;

-- the sequences' positions
INSERT INTO commgrid_update_check.tables
SELECT :'phase', 'sequence ' || s.schemaname || '.' || s.sequencename, s.last_value, NULL, NULL
FROM pg_sequences s WHERE s.schemaname = 'commgrid';

-- the reports: the district report's figures, and the summaries' rows (as jsonb, so that a
-- column the new version adds shows as an addition, not as every row changed)
INSERT INTO commgrid_update_check.report
SELECT :'phase', 'district_report', r.indicator, r.value::text || ' ' || coalesce(r.unit, '')
FROM commgrid.district_report('500112') AS r(indicator, value, unit);
INSERT INTO commgrid_update_check.report
SELECT :'phase', 'community_summary', j ->> 'community_code', j::text
FROM (SELECT to_jsonb(s) AS j FROM commgrid.community_summary s) x;
INSERT INTO commgrid_update_check.report
SELECT :'phase', 'grid_summary', j ->> 'grid_code', j::text
FROM (SELECT to_jsonb(s) AS j FROM commgrid.grid_summary s) x;
