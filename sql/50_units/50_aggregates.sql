-- Scoring aggregates for bidirectional assessment (src/aggregates.c).
-- States are plain float8[] (not internal) with combine functions, so both aggregates run
-- in parallel plans and on Citus; the sums are compensated, so results do not depend on
-- row order or on how the rows were split between workers.

CREATE FUNCTION weighted_mean_accum(float8[], float8, float8) RETURNS float8[]
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION weighted_mean_combine(float8[], float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION weighted_mean_final(float8[]) RETURNS float8
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION weighted_mean_accum(float8[], float8, float8) IS
  'Transition function of weighted_mean; state {sum(v*w), its error, sum(w), its error, scale}: the weights are divided by 2^scale, just above the largest weight';
COMMENT ON FUNCTION weighted_mean_combine(float8[], float8[]) IS
  'Combine function of weighted_mean: merges two partial states';
COMMENT ON FUNCTION weighted_mean_final(float8[]) IS
  'Final function of weighted_mean: sum(v*w) / sum(w), NULL when sum(w) = 0';

CREATE AGGREGATE weighted_mean(value float8, weight float8) (
  SFUNC = weighted_mean_accum,
  STYPE = float8[],
  FINALFUNC = weighted_mean_final,
  COMBINEFUNC = weighted_mean_combine,
  INITCOND = '{0,0,0,0,0}',
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE weighted_mean(float8, float8) IS
  'Weighted mean sum(v*w) / sum(w), with the weights scaled so that no weight from 5e-324 to 1.8e308 overflows or underflows. Rows whose value or weight is NULL are skipped, and rows of weight 0 are left out (even an Infinity or NaN value); a negative or non-finite weight is an error (22023); NULL when there are no rows or every weight is 0';

CREATE FUNCTION trimmed_mean_accum(float8[], float8, int) RETURNS float8[]
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION trimmed_mean_combine(float8[], float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION trimmed_mean_final(float8[]) RETURNS float8
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION trimmed_mean_accum(float8[], float8, int) IS
  'Transition function of trimmed_mean; state {trim, n, middle sum, its error, n_low, n_high, low heap, high heap}';
COMMENT ON FUNCTION trimmed_mean_combine(float8[], float8[]) IS
  'Combine function of trimmed_mean: merges two partial states exactly';
COMMENT ON FUNCTION trimmed_mean_final(float8[]) IS
  'Final function of trimmed_mean: mean of the values left after trimming';

CREATE AGGREGATE trimmed_mean(value float8, "trim" int) (
  SFUNC = trimmed_mean_accum,
  STYPE = float8[],
  FINALFUNC = trimmed_mean_final,
  COMBINEFUNC = trimmed_mean_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE trimmed_mean(float8, int) IS
  'Mean after dropping the trim highest and trim lowest values; with 2*trim values or fewer, the mean of all. NULL values are skipped; trim must be >= 0, not NULL and the same for every row of a group (22023)';
