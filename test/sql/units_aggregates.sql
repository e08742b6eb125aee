-- weighted_mean and trimmed_mean: small cases by hand, errors, then random data checked
-- against an exact numeric computation in plain SQL, serial, split by hand, and in a
-- forced parallel plan.
SET search_path = commgrid, public;

-- by hand: (1*1 + 2*2 + 3*0 + 10*1) / 4; the row with a NULL value and the one with a NULL weight are skipped
SELECT weighted_mean(v, w) FROM (VALUES (1, 1), (2, 2), (3, 0), (10, 1), (NULL, 5), (4, NULL)) t(v, w);
-- no rows, only NULLs, every weight zero: NULL
SELECT weighted_mean(v, w) IS NULL AS no_rows FROM (VALUES (1.0, 1.0)) t(v, w) WHERE false;
SELECT weighted_mean(v, w) IS NULL AS only_nulls FROM (VALUES (NULL::float8, 1.0), (2.0, NULL)) t(v, w);
SELECT weighted_mean(v, w) IS NULL AS zero_weights FROM (VALUES (1.0, 0.0), (2.0, 0.0)) t(v, w);
-- a single weighted row gives its value, whatever the weight
SELECT weighted_mean(87.5, 0.3);
-- compensated: 1e16 + 1 - 1e16 in naive float8 is 0
SELECT weighted_mean(v, 1) * 3 AS compensated, sum(v) AS naive
FROM (VALUES (1e16::float8), (1), (-1e16)) t(v);

-- errors: negative weight (naming the value), non-finite weight
SELECT weighted_mean(v, w) FROM (VALUES (90, 1), (75, -0.5)) t(v, w);
SELECT weighted_mean(v, w) FROM (VALUES (90, 'NaN'::float8)) t(v, w);
SELECT weighted_mean(v, w) FROM (VALUES (90, 'Infinity'::float8)) t(v, w);

-- weight 0 leaves the value out, even Infinity or NaN
SELECT weighted_mean(v, w) AS zero_weight_left_out
FROM (VALUES (10, 1), ('Infinity'::float8, 0), ('NaN', 0), ('-Infinity', 0)) t(v, w);
-- extreme weights: the weights are scaled, so neither 1e308 nor 1e-300 spoils the mean;
-- checked against the exact mean in numeric
SELECT c, weighted_mean(v, w) AS mean,
       (sum(v::numeric * w::numeric) / sum(w::numeric))::float8 AS exact,
       abs(weighted_mean(v, w) - (sum(v::numeric * w::numeric) / sum(w::numeric))::float8)
         <= 4e-16 * abs((sum(v::numeric * w::numeric) / sum(w::numeric))::float8) AS agrees
FROM (VALUES ('huge', 10, 1e308), ('huge', 10, 1e308),
             ('huge, three', 10, 1.7e308), ('huge, three', 20, 1.7e308), ('huge, three', 30, 1),
             ('tiny', 10, 1e-300), ('tiny', 10, 1e-300),
             ('tiny values', 1e-30, 1e-300), ('tiny values', 3e-30, 1e-300),
             ('subnormal', 5, 5e-324), ('subnormal', 7, 5e-324),
             ('both ends', 1, 1e308), ('both ends', 2, 1e-308)) t(c, v, w)
GROUP BY c ORDER BY c;
-- partial states at different scales combine in either order to the exact mean (15)
SELECT weighted_mean_final(weighted_mean_combine(a, b)) AS ab, weighted_mean_final(weighted_mean_combine(b, a)) AS ba,
       weighted_mean_final(weighted_mean_combine(a, '{0,0,0,0,0}')) AS a_and_empty
FROM (SELECT weighted_mean_accum(weighted_mean_accum('{0,0,0,0,0}', 10, 1e308), 20, 1e-300) AS a,
             weighted_mean_accum('{0,0,0,0,0}', 20, 1e308) AS b) s;

-- trimmed_mean by hand: 1 2 3 4 10
SELECT trimmed_mean(v, 0) AS t0, trimmed_mean(v, 1) AS t1, trimmed_mean(v, 2) AS t2,
       trimmed_mean(v, 3) AS t3, trimmed_mean(v, 1000000) AS huge
FROM (VALUES (3), (10), (NULL), (1), (4), (2)) t(v);
-- exactly 2*trim values: all of them are averaged
SELECT trimmed_mean(v, 2) FROM (VALUES (1), (2), (3), (100)) t(v);
-- ties are trimmed once each: 5 5 5 5 9 9 with trim 2 leaves 5 5
SELECT trimmed_mean(v, 2) FROM (VALUES (5), (9), (5), (9), (5), (5)) t(v);
-- outliers do not disturb the middle: a naive sum minus the trimmed ends would give 0, not 2
SELECT trimmed_mean(v, 2) FROM (VALUES (1e300::float8), (1), (-1e300), (2), (3), (1e299), (-1e299)) t(v);
-- no rows, only NULL values
SELECT trimmed_mean(v, 1) IS NULL AS no_rows FROM (VALUES (1.0)) t(v) WHERE false;
SELECT trimmed_mean(v, 1) IS NULL AS only_nulls FROM (VALUES (NULL::float8), (NULL)) t(v);
-- NaN sorts above everything, as in SQL: trimmed away here
SELECT trimmed_mean(v, 1) FROM (VALUES ('NaN'::float8), (1), (2), (3), (-50)) t(v);
-- per group, each group with its own trim
SELECT g, trimmed_mean(v, g) FROM (VALUES (1, 1), (1, 50), (1, 2), (2, 7), (2, 1), (2, 8), (2, 9), (2, 100)) t(g, v)
GROUP BY g ORDER BY g;

-- errors: negative trim, NULL trim, a trim that changes within a group
SELECT trimmed_mean(v, -1) FROM (VALUES (1), (2)) t(v);
SELECT trimmed_mean(v, NULL) FROM (VALUES (1), (2)) t(v);
SELECT trimmed_mean(v, t) FROM (VALUES (1, 1), (2, 1), (3, 2)) t(v, t);
-- a hand-made state is checked before it is read
SELECT trimmed_mean_final('{1,5,0,0,3,0,1,2}');
SELECT weighted_mean_final('{1,2}');
SELECT weighted_mean_final('{{1,2},{3,4}}');
-- direct calls never change their argument
SELECT s, weighted_mean_accum(s, 2, 3) FROM (VALUES ('{1,0,0.5,0,1}'::float8[])) t(s);
SELECT weighted_mean_final('{1,0,1,0,1e300}');
SELECT weighted_mean_accum('{1,0,1,0,0.5}', 2, 3);

-- random data: 8 groups, heavy tails (about 2 % of values are +-1e12 outliers), weights 0..3
CREATE TABLE units_agg_data (id int, g int, v float8, w float8);
SELECT setseed(0.4403);
INSERT INTO units_agg_data
SELECT i, i % 8,
       CASE WHEN random() < 0.01 THEN NULL
            WHEN random() < 0.02 THEN (CASE WHEN random() < 0.5 THEN -1 ELSE 1 END) * 1e12 * random()
            ELSE round((random() * 100)::numeric, 6)::float8 END,
       CASE WHEN random() < 0.01 THEN NULL ELSE floor(random() * 4) END
FROM generate_series(1, 200000) i;
ANALYZE units_agg_data;

-- the exact answers, in numeric, by plain SQL (trim = 300 + 100 * g per group)
CREATE TABLE units_agg_expected AS
WITH ranked AS (
  SELECT g, v, 300 + 100 * g AS k,
         row_number() OVER (PARTITION BY g ORDER BY v) AS rn,
         count(*) OVER (PARTITION BY g) AS n
  FROM units_agg_data WHERE v IS NOT NULL
)
SELECT g,
       avg(v::numeric) FILTER (WHERE n <= 2 * k OR (rn > k AND rn <= n - k)) AS trimmed,
       (SELECT sum(d.v::numeric * d.w::numeric) / sum(d.w::numeric)
        FROM units_agg_data d WHERE d.g = ranked.g AND d.v IS NOT NULL AND d.w IS NOT NULL) AS weighted
FROM ranked GROUP BY g;

-- serial
SET max_parallel_workers_per_gather = 0;
SELECT e.g, abs(a.trimmed - e.trimmed) < 1e-9 AS trimmed_exact,
       abs(a.weighted - e.weighted) < 1e-9 * greatest(1, abs(e.weighted)) AS weighted_exact,
       round(a.trimmed::numeric, 6) AS trimmed
FROM (SELECT g, trimmed_mean(v, 300 + 100 * g) AS trimmed, weighted_mean(v, w) AS weighted
      FROM units_agg_data GROUP BY g) a
JOIN units_agg_expected e USING (g) ORDER BY g;

-- split by hand into three partial states and combined in two orders: the combine is exact
CREATE AGGREGATE pg_temp.trimmed_state(float8, int) (SFUNC = trimmed_mean_accum, STYPE = float8[]);
CREATE AGGREGATE pg_temp.weighted_state(float8, float8) (SFUNC = weighted_mean_accum, STYPE = float8[], INITCOND = '{0,0,0,0,0}');
WITH parts AS (
  SELECT g, id % 3 AS part, pg_temp.trimmed_state(v, 300 + 100 * g) AS ts, pg_temp.weighted_state(v, w) AS ws
  FROM units_agg_data GROUP BY g, id % 3
), combined AS (
  SELECT p0.g,
         trimmed_mean_final(trimmed_mean_combine(trimmed_mean_combine(p0.ts, p1.ts), p2.ts)) AS t012,
         trimmed_mean_final(trimmed_mean_combine(p2.ts, trimmed_mean_combine(p1.ts, p0.ts))) AS t210,
         weighted_mean_final(weighted_mean_combine(weighted_mean_combine(p0.ws, p1.ws), p2.ws)) AS w012
  FROM parts p0 JOIN parts p1 ON p1.g = p0.g AND p1.part = 1 JOIN parts p2 ON p2.g = p0.g AND p2.part = 2
  WHERE p0.part = 0
)
SELECT c.g, abs(c.t012 - e.trimmed) < 1e-9 AS t012_exact, abs(c.t210 - e.trimmed) < 1e-9 AS t210_exact,
       abs(c.w012 - e.weighted) < 1e-9 * greatest(1, abs(e.weighted)) AS w012_exact
FROM combined c JOIN units_agg_expected e USING (g) ORDER BY g;
-- a NULL partial state (a worker that saw no rows) is the identity
SELECT trimmed_mean_final(trimmed_mean_combine(NULL, '{1,1,0,0,1,0,42,0}')) AS left_null,
       trimmed_mean_final(trimmed_mean_combine('{1,1,0,0,1,0,42,0}', NULL)) AS right_null;

-- forced parallel plan: partial aggregates in the workers, combined in the leader
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET force_parallel_mode = on;
EXPLAIN (COSTS OFF)
SELECT g, trimmed_mean(v, 300 + 100 * g), weighted_mean(v, w) FROM units_agg_data GROUP BY g;
EXPLAIN (COSTS OFF)
SELECT trimmed_mean(v, 2500), weighted_mean(v, w) FROM units_agg_data;
SELECT e.g, abs(a.trimmed - e.trimmed) < 1e-9 AS trimmed_exact,
       abs(a.weighted - e.weighted) < 1e-9 * greatest(1, abs(e.weighted)) AS weighted_exact
FROM (SELECT g, trimmed_mean(v, 300 + 100 * g) AS trimmed, weighted_mean(v, w) AS weighted
      FROM units_agg_data GROUP BY g) a
JOIN units_agg_expected e USING (g) ORDER BY g;
-- one group over the whole table, against plain SQL
WITH ranked AS (
  SELECT v, row_number() OVER (ORDER BY v) AS rn, count(*) OVER () AS n
  FROM units_agg_data WHERE v IS NOT NULL
)
SELECT abs((SELECT trimmed_mean(v, 2500) FROM units_agg_data)
           - (SELECT avg(v::numeric) FROM ranked WHERE rn > 2500 AND rn <= n - 2500)) < 1e-9 AS whole_table_exact,
       (SELECT abs(a - e) < 1e-9 * greatest(1, abs(e))
        FROM (SELECT weighted_mean(v, w) AS a,
                     (SELECT sum(v::numeric * w::numeric) / sum(w::numeric) FROM units_agg_data
                      WHERE v IS NOT NULL AND w IS NOT NULL) AS e
              FROM units_agg_data) x) AS whole_weighted_exact;
-- the errors surface from the workers too (whether leader or worker meets the row varies)
\set SHOW_CONTEXT never
SELECT weighted_mean(v, CASE WHEN id = 123456 THEN -2 ELSE w END) FROM units_agg_data;
\set SHOW_CONTEXT errors
RESET force_parallel_mode;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

DROP TABLE units_agg_expected;
DROP TABLE units_agg_data;
-- partial states of different trims never combine
SELECT trimmed_mean_combine('{1,1,0,0,1,0,42,0}', '{2,1,0,0,1,0,7,0}');
-- as a window function (the final function leaves the state alone)
SELECT v, trimmed_mean(v, 1) OVER (ORDER BY v) AS running, weighted_mean(v, 1) OVER (ORDER BY v) AS running_mean
FROM (VALUES (1.0::float8), (2), (3), (10), (100)) t(v) ORDER BY v;
