-- The update check's verdict on the data (test/update/run.sh): the pictures taken before and
-- after ALTER EXTENSION ... UPDATE must agree.  Prints each difference, then `data: N differ`.
\set ON_ERROR_STOP on
\pset footer off
\set QUIET on
CREATE TABLE IF NOT EXISTS commgrid_update_check.accepted (kind text, item text, reason text);
TRUNCATE commgrid_update_check.accepted;
\ir accepted_:from--:to.sql
CREATE TEMP VIEW table_diff AS
SELECT b.tbl AS "table", b.row_count AS rows_before, a.row_count AS rows_after,
       CASE WHEN a.checksum IS DISTINCT FROM b.checksum THEN 'rows changed' END AS checksum,
       a.missing_cols AS columns_gone, x.reason AS accepted_because
FROM commgrid_update_check.tables b
LEFT JOIN commgrid_update_check.tables a ON a.phase = 'after' AND a.tbl = b.tbl
LEFT JOIN commgrid_update_check.accepted x ON x.kind = 'table' AND x.item = b.tbl
WHERE b.phase = 'before'
  AND (a.row_count IS DISTINCT FROM b.row_count OR a.checksum IS DISTINCT FROM b.checksum
       OR a.missing_cols IS NOT NULL);
\set QUIET off
-- tables: same rows over the old columns, no old column gone
SELECT * FROM table_diff ORDER BY 1;
-- reports: each figure and each summary row; a key the new version adds to a summary row is
-- listed apart (added), not as a difference
\set QUIET on
CREATE TEMP VIEW report_diff AS
SELECT coalesce(b.report, a.report) AS report, coalesce(b.item, a.item) AS item,
       b.figure AS before, a.figure AS after,
       CASE WHEN b.report = 'district_report' OR a.report = 'district_report' OR a.figure IS NULL OR b.figure IS NULL
            THEN a.figure IS DISTINCT FROM b.figure
            ELSE (SELECT jsonb_object_agg(k, v) FROM jsonb_each(a.figure::jsonb) x(k, v)
                  WHERE b.figure::jsonb ? k) IS DISTINCT FROM b.figure::jsonb END AS differs,
       x.reason AS accepted_because
FROM (SELECT * FROM commgrid_update_check.report WHERE phase = 'before') b
FULL JOIN (SELECT * FROM commgrid_update_check.report WHERE phase = 'after') a
  ON a.report = b.report AND a.item = b.item
LEFT JOIN commgrid_update_check.accepted x ON x.kind = coalesce(b.report, a.report) AND x.item = coalesce(b.item, a.item);
\set QUIET off
SELECT report, item, left(before, 200) AS before, left(after, 200) AS after, accepted_because
FROM report_diff WHERE differs ORDER BY 1, 2;
SELECT report, string_agg(DISTINCT k, ', ') AS columns_added_by_the_update
FROM (SELECT d.report, k FROM report_diff d, jsonb_object_keys(d.after::jsonb) k
      WHERE d.report <> 'district_report' AND d.before IS NOT NULL AND NOT d.before::jsonb ? k) x
GROUP BY report;
SELECT 'data: ' || ((SELECT count(*) FROM table_diff WHERE accepted_because IS NULL)
                    + (SELECT count(*) FROM report_diff WHERE differs AND accepted_because IS NULL))
       || ' differ' AS verdict;
