-- Benchmark of the scoring aggregates against their plain-SQL equivalents, measured in the same
-- run; prints ratios (plain SQL time / aggregate time: above 1 means the aggregate is faster),
-- never bare times.  Serial plans.  Run: psql -X -f test/bench/units_aggregates.sql
-- (in a database with pg_commgrid; :rows defaults to 1,000,000).
\if :{?rows}
\else
\set rows 1000000
\endif
SET search_path = commgrid, public;
SET max_parallel_workers_per_gather = 0;
SET client_min_messages = warning;
\set QUIET on
SELECT setseed(0.4403) \gset
CREATE TEMP TABLE units_bench AS SELECT random() * 100 AS v, floor(random() * 4) AS w FROM generate_series(1, :rows);
ANALYZE units_bench;

CREATE FUNCTION pg_temp.best_ms(query text, repeat int DEFAULT 3) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  best float8 := 'Infinity';
BEGIN
  FOR i IN 1 .. repeat LOOP
    t0 := clock_timestamp();
    EXECUTE query;
    best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
  RETURN best;
END $$;

SELECT x.comparison,
       round((pg_temp.best_ms(x.plain) / pg_temp.best_ms(x.aggregate))::numeric, 2) AS ratio_plain_over_aggregate
FROM (VALUES
  ('weighted_mean vs sum(v*w)/sum(w)',
   'SELECT commgrid.weighted_mean(v, w) FROM units_bench',
   'SELECT sum(v * w) / sum(w) FROM units_bench'),
  ('trimmed_mean trim 10 vs row_number window',
   'SELECT commgrid.trimmed_mean(v, 10) FROM units_bench',
   'SELECT avg(v) FROM (SELECT v, row_number() OVER (ORDER BY v) rn, count(*) OVER () n FROM units_bench) s WHERE rn > 10 AND rn <= n - 10'),
  ('trimmed_mean trim 25% vs row_number window',
   format('SELECT commgrid.trimmed_mean(v, %s) FROM units_bench', :rows / 4),
   format('SELECT avg(v) FROM (SELECT v, row_number() OVER (ORDER BY v) rn FROM units_bench) s WHERE rn > %s AND rn <= %s', :rows / 4, :rows - :rows / 4))
) x(comparison, aggregate, plain);
