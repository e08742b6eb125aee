-- Benchmark of the response clock (issue 12): commgrid.service_deadline in C against the
-- PL/pgSQL reference (test/fixtures/services_reference.sql) over :n random instants (default
-- 1,000,000), in the same run; prints the ratio and the number of differences (must be 0).
-- Run: psql -v n=1000000 -f test/bench/services_clock.sql  (make bench-services)
\set QUIET on
\if :{?n}
\else
\set n 1000000
\endif
\i test/fixtures/services_reference.sql
CREATE TEMP TABLE instant AS
SELECT timestamptz '2013-01-01 00:00+08' + random() * interval '5475 days' AS t FROM generate_series(1, :n);
CREATE TEMP TABLE timing (what text, seconds float8);
DO $$
DECLARE s timestamptz; x bigint;
BEGIN
  -- each twice, the second timed (warm cache, rules loaded)
  FOR i IN 1..2 LOOP
    s := clock_timestamp();
    SELECT count(commgrid.service_deadline(t)) INTO x FROM instant;
    IF i = 2 THEN INSERT INTO timing VALUES ('c', extract(epoch FROM clock_timestamp() - s)); END IF;
    s := clock_timestamp();
    SELECT count(pg_temp.reference_deadline(t)) INTO x FROM instant;
    IF i = 2 THEN INSERT INTO timing VALUES ('plpgsql', extract(epoch FROM clock_timestamp() - s)); END IF;
    s := clock_timestamp();
    SELECT count(t) INTO x FROM instant;
    IF i = 2 THEN INSERT INTO timing VALUES ('scan', extract(epoch FROM clock_timestamp() - s)); END IF;
  END LOOP;
END $$;
\set QUIET off
SELECT :n AS instants,
       (SELECT count(*) FROM instant WHERE commgrid.service_deadline(t) IS DISTINCT FROM pg_temp.reference_deadline(t)) AS differences,
       round((SELECT seconds FROM timing WHERE what = 'c')::numeric, 3) AS c_seconds,
       round((SELECT seconds FROM timing WHERE what = 'plpgsql')::numeric, 3) AS plpgsql_seconds,
       round(((SELECT seconds FROM timing WHERE what = 'plpgsql') - (SELECT seconds FROM timing WHERE what = 'scan'))::numeric
             / nullif(((SELECT seconds FROM timing WHERE what = 'c') - (SELECT seconds FROM timing WHERE what = 'scan'))::numeric, 0), 1)
         AS plpgsql_over_c_per_call;
