/*
 * aggregates.c
 *	  The scoring aggregates of bidirectional assessment: weighted_mean and
 *	  trimmed_mean.
 *
 * Both keep their state in a plain float8[] (as pgvector's avg(vector) does)
 * rather than `internal`, and both have a combine function, so they run in
 * parallel plans and can be pushed down to Citus workers.  Sums are
 * compensated (Neumaier, and Ogita-Rump-Oishi's Dot2 for the products v*w),
 * so the result does not depend on the order in which rows or partial states
 * arrive.
 *
 * trimmed_mean keeps the `trim` smallest values in a max-heap, the `trim`
 * largest of the rest in a min-heap and only a compensated sum of everything
 * in between, so its state is O(trim), not O(rows), and combining two states
 * is exact: every value in a state's middle sum has `trim` values of the same
 * state below it and `trim` above it, so it can never be one of the trimmed
 * values of a larger set.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/float.h"
#include "utils/memutils.h"

/* a compensated sum: the value is sum + comp */
typedef struct CompSum
{
	double		sum;
	double		comp;
} CompSum;

/* Neumaier's step: add x, keeping the rounding error of the addition */
static inline void
compsum_add(double *sum, double *comp, double x)
{
	double		t = *sum + x;

	if (!isfinite(t))
	{
		/* overflow or a non-finite input: the error term means nothing */
		*sum = t;
		return;
	}
	if (fabs(*sum) >= fabs(x))
		*comp += (*sum - t) + x;
	else
		*comp += (x - t) + *sum;
	*sum = t;
}

/* Add an exact product a*b: the rounded product and its error (via fma) */
static inline void
compsum_add_product(double *sum, double *comp, double a, double b)
{
	double		p = a * b;

	compsum_add(sum, comp, p);
	if (isfinite(p))
		*comp += fma(a, b, -p);
}

/*
 * The state array: reject anything but a one-dimensional float8 array
 * without NULLs of the expected length.  The support functions are callable
 * from SQL, so a hand-made array must not make us read out of bounds.
 */
static float8 *
state_values(ArrayType *state, const char *aggname, int minlen, int *len)
{
	int			n;

	if (ARR_NDIM(state) > 1 || ARR_HASNULL(state) ||
		ARR_ELEMTYPE(state) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s state", aggname),
				 errdetail("The state must be a one-dimensional float8 array without NULLs.")));
	n = ARR_NDIM(state) == 0 ? 0 : ARR_DIMS(state)[0];
	if (n < minlen)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s state", aggname),
				 errdetail("The state has %d elements; at least %d are needed.", n, minlen)));
	*len = n;
	return (float8 *) ARR_DATA_PTR(state);
}

/* A fresh one-dimensional float8 array of n zeros */
static ArrayType *
new_state(int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * n);
	ArrayType  *result;
	int			i;

	for (i = 0; i < n; i++)
		elems[i] = Float8GetDatumFast(0.0);
	result = construct_array(elems, n, FLOAT8OID, sizeof(float8),
							 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	pfree(elems);
	return result;
}

/*
 * The state to update: the input itself when called as an aggregate (which
 * owns it, so in-place updates save a palloc per row, as float8_accum does),
 * otherwise a copy, so a direct SQL call never changes its argument.
 */
static ArrayType *
writable_state(FunctionCallInfo fcinfo, int argno)
{
	if (AggCheckCallContext(fcinfo, NULL))
		return PG_GETARG_ARRAYTYPE_P(argno);
	return PG_GETARG_ARRAYTYPE_P_COPY(argno);
}


/* ---------------------------------------------------------------------
 * weighted_mean(value float8, weight float8): sum(v*w) / sum(w)
 *
 * State {sum_vw, comp_vw, sum_w, comp_w, scale}: the sums are of the weights
 * divided by 2^scale, where 2^scale is just above the largest weight seen, so
 * every scaled weight is at most 1: weights of 1e308 cannot overflow and
 * weights of 1e-300 cannot underflow (the scale cancels in the final
 * division).  Scaling by a power of two is exact, so the sums stay
 * compensated.  The transition function is strict with initial state
 * {0,0,0,0,0}, so rows whose value or weight is NULL are skipped, and a row
 * of weight 0 is left out entirely, even when its value is Infinity or NaN.
 * ---------------------------------------------------------------------
 */
#define WM_LEN 5

PG_FUNCTION_INFO_V1(weighted_mean_accum);
PG_FUNCTION_INFO_V1(weighted_mean_combine);
PG_FUNCTION_INFO_V1(weighted_mean_final);

/*
 * 0.1.0's state had no scale: {sum_vw, comp_vw, sum_w, comp_w}, initial
 * '{0,0,0,0}'.  Its aggregate still passes that state to this library from
 * the package upgrade until ALTER EXTENSION pg_commgrid UPDATE replaces it.
 * Unscaled sums are sums at scale 0, so such a state is widened with scale 0.
 */
#define WM_LEN_0_1_0 4

static ArrayType *
wm_widened(ArrayType *state)
{
	ArrayType  *wide;

	if (ARR_NDIM(state) != 1 || ARR_DIMS(state)[0] != WM_LEN_0_1_0 ||
		ARR_HASNULL(state) || ARR_ELEMTYPE(state) != FLOAT8OID)
		return state;			/* state_values() judges it */
	wide = new_state(WM_LEN);
	memcpy(ARR_DATA_PTR(wide), ARR_DATA_PTR(state), sizeof(float8) * WM_LEN_0_1_0);
	return wide;
}

/* Has the state seen a row of positive weight? */
static inline bool
wm_is_empty(const float8 *s)
{
	return s[2] == 0 && s[3] == 0;
}

/* Multiply the state's sums by 2^shift (shift <= 0) and set its scale */
static void
wm_rescale(float8 *s, int scale)
{
	int			shift = (int) s[4] - scale;
	int			i;

	for (i = 0; i < 4; i++)
		s[i] = ldexp(s[i], shift);
	s[4] = scale;
}

/* The scale of a state, refusing a hand-made one that is not a sane exponent */
static int
wm_scale(const float8 *s)
{
	if (!(s[4] >= -1100 && s[4] <= 1100) || s[4] != floor(s[4]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid weighted_mean state"),
				 errdetail("The scale (element 5) must be an integer exponent between -1100 and 1100.")));
	return (int) s[4];
}

/* Add one value with its weight; a negative or non-finite weight is refused */
Datum
weighted_mean_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state = wm_widened(writable_state(fcinfo, 0));
	float8		value = PG_GETARG_FLOAT8(1);
	float8		weight = PG_GETARG_FLOAT8(2);
	float8	   *s;
	int			len;
	int			exponent;

	s = state_values(state, "weighted_mean", WM_LEN, &len);
	if (isnan(weight) || isinf(weight))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weight of weighted_mean must be a finite number"),
				 errdetail("Value %s has weight %s.",
						   float8out_internal(value), float8out_internal(weight))));
	if (weight < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weight of weighted_mean must not be negative"),
				 errdetail("Value %s has weight %s.",
						   float8out_internal(value), float8out_internal(weight)),
				 errhint("Give the value weight 0 to leave it out.")));
	/* weight 0 leaves the value out: 0 * Infinity must not make the mean NaN */
	if (weight == 0)
		PG_RETURN_ARRAYTYPE_P(state);
	(void) frexp(weight, &exponent);	/* weight < 2^exponent */
	if (wm_is_empty(s))
		s[4] = exponent;
	else if (exponent > wm_scale(s))
		wm_rescale(s, exponent);
	weight = ldexp(weight, -(int) s[4]);
	compsum_add_product(&s[0], &s[1], value, weight);
	compsum_add(&s[2], &s[3], weight);
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Merge two partial states (parallel workers, Citus shards) at the larger scale */
Datum
weighted_mean_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *state1 = wm_widened(writable_state(fcinfo, 0));
	ArrayType  *state2 = wm_widened(PG_GETARG_ARRAYTYPE_P(1));
	float8	   *s1,
			   *s2;
	float8		other[WM_LEN];
	int			len;

	s1 = state_values(state1, "weighted_mean", WM_LEN, &len);
	s2 = state_values(state2, "weighted_mean", WM_LEN, &len);
	if (wm_is_empty(s2))
		PG_RETURN_ARRAYTYPE_P(state1);
	memcpy(other, s2, sizeof(other));
	if (wm_is_empty(s1))
		s1[4] = wm_scale(other);
	else if (wm_scale(other) > wm_scale(s1))
		wm_rescale(s1, (int) other[4]);
	else
		wm_rescale(other, (int) s1[4]);
	compsum_add(&s1[0], &s1[1], other[0]);
	compsum_add(&s1[0], &s1[1], other[1]);
	compsum_add(&s1[2], &s1[3], other[2]);
	compsum_add(&s1[2], &s1[3], other[3]);
	PG_RETURN_ARRAYTYPE_P(state1);
}

/* sum(v*w) / sum(w) (both scaled alike); NULL when no row or every weight is zero */
Datum
weighted_mean_final(PG_FUNCTION_ARGS)
{
	ArrayType  *state = wm_widened(PG_GETARG_ARRAYTYPE_P(0));
	float8	   *s;
	float8		sum_w;
	int			len;

	s = state_values(state, "weighted_mean", WM_LEN, &len);
	sum_w = s[2] + s[3];
	if (sum_w == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((s[0] + s[1]) / sum_w);
}


/* ---------------------------------------------------------------------
 * trimmed_mean(value float8, trim int)
 *
 * State {trim, n, mid_sum, mid_comp, n_low, n_high, low[cap], high[cap]}:
 * low is a max-heap of the trim smallest values seen, high a min-heap of
 * the trim largest of the others, mid_sum the sum of the rest.  The heaps'
 * capacity cap grows by doubling up to trim, so a large trim over few rows
 * costs only what the rows need.  Values order as float8 does in SQL (NaN
 * above +Infinity).
 * ---------------------------------------------------------------------
 */
#define TM_TRIM		0
#define TM_N		1
#define TM_SUM		2
#define TM_COMP		3
#define TM_NLOW		4
#define TM_NHIGH	5
#define TM_HEADER	6

typedef struct TrimState
{
	ArrayType  *array;
	float8	   *head;			/* the header fields */
	float8	   *low;			/* max-heap of n_low values */
	float8	   *high;			/* min-heap of n_high values */
	int			cap;			/* capacity of each heap */
	int			trim;
	int			n_low;
	int			n_high;
} TrimState;

PG_FUNCTION_INFO_V1(trimmed_mean_accum);
PG_FUNCTION_INFO_V1(trimmed_mean_combine);
PG_FUNCTION_INFO_V1(trimmed_mean_final);

/* Read the state array into a TrimState, checking every field */
static void
trim_unpack(ArrayType *array, TrimState *ts)
{
	int			len;
	float8	   *v = state_values(array, "trimmed_mean", TM_HEADER, &len);
	int			cap = (len - TM_HEADER) / 2;

	if ((len - TM_HEADER) % 2 != 0 ||
		!(v[TM_TRIM] >= 0 && v[TM_TRIM] <= PG_INT32_MAX) ||
		v[TM_TRIM] != floor(v[TM_TRIM]) ||
		!(v[TM_N] >= 0) ||
		!(v[TM_NLOW] >= 0 && v[TM_NLOW] <= cap && v[TM_NLOW] <= v[TM_TRIM]) ||
		!(v[TM_NHIGH] >= 0 && v[TM_NHIGH] <= cap && v[TM_NHIGH] <= v[TM_TRIM]) ||
		v[TM_NLOW] != floor(v[TM_NLOW]) || v[TM_NHIGH] != floor(v[TM_NHIGH]) ||
		v[TM_NLOW] + v[TM_NHIGH] > v[TM_N])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid trimmed_mean state"),
				 errdetail("The header {trim, n, sum, comp, n_low, n_high} does not fit an array of %d elements.", len)));
	ts->array = array;
	ts->head = v;
	ts->cap = cap;
	ts->low = v + TM_HEADER;
	ts->high = v + TM_HEADER + cap;
	ts->trim = (int) v[TM_TRIM];
	ts->n_low = (int) v[TM_NLOW];
	ts->n_high = (int) v[TM_NHIGH];
}

/* Write the heap sizes back into the header */
static void
trim_pack(TrimState *ts)
{
	ts->head[TM_NLOW] = ts->n_low;
	ts->head[TM_NHIGH] = ts->n_high;
}

/* A new empty state for a trim, with heaps of capacity cap */
static void
trim_new(TrimState *ts, int trim, int cap)
{
	ArrayType  *array = new_state(TM_HEADER + 2 * cap);

	((float8 *) ARR_DATA_PTR(array))[TM_TRIM] = trim;
	trim_unpack(array, ts);
}

/* Make room for one more value in each heap, doubling the capacity */
static void
trim_grow(TrimState *ts)
{
	TrimState	grown;
	int			cap;

	if (ts->cap >= ts->trim)
		return;
	cap = ts->cap == 0 ? Min(ts->trim, 8) : Min(ts->trim, ts->cap * 2);
	if (cap > (int) ((MaxAllocSize / sizeof(float8) - TM_HEADER - 64) / 2))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("trimmed_mean cannot keep %d values at each end", cap)));
	trim_new(&grown, ts->trim, cap);
	memcpy(grown.head, ts->head, sizeof(float8) * TM_HEADER);
	memcpy(grown.low, ts->low, sizeof(float8) * ts->n_low);
	memcpy(grown.high, ts->high, sizeof(float8) * ts->n_high);
	grown.n_low = ts->n_low;
	grown.n_high = ts->n_high;
	*ts = grown;
}

/* SQL's float8 order: sign of a - b, NaN above everything */
static inline int
cmp8(float8 a, float8 b)
{
	return float8_cmp_internal(a, b);
}

/*
 * Push x on a heap of n values; sign 1 makes a max-heap, -1 a min-heap.
 * The caller has made room.
 */
static void
heap_push(float8 *heap, int *n, float8 x, int sign)
{
	int			i = (*n)++;

	while (i > 0)
	{
		int			parent = (i - 1) / 2;

		if (sign * cmp8(heap[parent], x) >= 0)
			break;
		heap[i] = heap[parent];
		i = parent;
	}
	heap[i] = x;
}

/* Replace the top of a non-empty heap by x and restore the heap order */
static void
heap_replace_top(float8 *heap, int n, float8 x, int sign)
{
	int			i = 0;

	for (;;)
	{
		int			child = 2 * i + 1;

		if (child >= n)
			break;
		if (child + 1 < n && sign * cmp8(heap[child + 1], heap[child]) > 0)
			child++;
		if (sign * cmp8(heap[child], x) <= 0)
			break;
		heap[i] = heap[child];
		i = child;
	}
	heap[i] = x;
}

/*
 * Add one value: it enters the low heap; what overflows the low heap (its
 * largest) enters the high heap; what overflows that (its smallest) joins
 * the middle sum.
 */
static void
trim_add(TrimState *ts, float8 x)
{
	ts->head[TM_N] += 1;
	if (ts->trim == 0)
	{
		compsum_add(&ts->head[TM_SUM], &ts->head[TM_COMP], x);
		return;
	}
	if (ts->n_low < ts->trim)
	{
		if (ts->n_low == ts->cap)
			trim_grow(ts);
		heap_push(ts->low, &ts->n_low, x, 1);
		return;
	}
	if (cmp8(x, ts->low[0]) < 0)
	{
		float8		top = ts->low[0];

		heap_replace_top(ts->low, ts->n_low, x, 1);
		x = top;
	}
	if (ts->n_high < ts->trim)
	{
		if (ts->n_high == ts->cap)
			trim_grow(ts);
		heap_push(ts->high, &ts->n_high, x, -1);
		return;
	}
	if (cmp8(x, ts->high[0]) > 0)
	{
		float8		top = ts->high[0];

		heap_replace_top(ts->high, ts->n_high, x, -1);
		x = top;
	}
	compsum_add(&ts->head[TM_SUM], &ts->head[TM_COMP], x);
}

/* The trim of the group must not change from row to row */
static void
trim_check_same(int have, int32 trim)
{
	if (have != trim)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trim of trimmed_mean must be the same for every row of a group"),
				 errdetail("The group started with trim %d and now has trim %d.", have, trim)));
}

/* Add one value; the state is created at the first non-NULL value */
Datum
trimmed_mean_accum(PG_FUNCTION_ARGS)
{
	TrimState	ts;
	int32		trim;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("trim of trimmed_mean must not be NULL"),
				 errdetail("Value %s has a NULL trim.",
						   float8out_internal(PG_GETARG_FLOAT8(1)))));
	trim = PG_GETARG_INT32(2);
	if (trim < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trim of trimmed_mean must not be negative"),
				 errdetail("Value %s has trim %d.",
						   float8out_internal(PG_GETARG_FLOAT8(1)), trim)));
	if (PG_ARGISNULL(0))
		trim_new(&ts, trim, 0);
	else
	{
		trim_unpack(writable_state(fcinfo, 0), &ts);
		trim_check_same(ts.trim, trim);
	}
	trim_add(&ts, PG_GETARG_FLOAT8(1));
	trim_pack(&ts);
	PG_RETURN_ARRAYTYPE_P(ts.array);
}

/*
 * Merge two partial states: the second state's trimmed candidates are
 * added one by one; its middle sum joins the middle sum unchanged (see the
 * file header for why that is exact).
 */
Datum
trimmed_mean_combine(PG_FUNCTION_ARGS)
{
	TrimState	ts,
				other;
	int			i;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		/* adopt a copy of the second state, in the aggregate's context */
		trim_unpack(PG_GETARG_ARRAYTYPE_P_COPY(1), &ts);
		PG_RETURN_ARRAYTYPE_P(ts.array);
	}
	trim_unpack(writable_state(fcinfo, 0), &ts);
	trim_unpack(PG_GETARG_ARRAYTYPE_P(1), &other);
	trim_check_same(ts.trim, other.trim);

	for (i = 0; i < other.n_low; i++)
		trim_add(&ts, other.low[i]);
	for (i = 0; i < other.n_high; i++)
		trim_add(&ts, other.high[i]);
	ts.head[TM_N] += other.head[TM_N] - other.n_low - other.n_high;
	compsum_add(&ts.head[TM_SUM], &ts.head[TM_COMP], other.head[TM_SUM]);
	compsum_add(&ts.head[TM_SUM], &ts.head[TM_COMP], other.head[TM_COMP]);
	trim_pack(&ts);
	PG_RETURN_ARRAYTYPE_P(ts.array);
}

/*
 * The mean of the middle values; with 2*trim values or fewer, the mean of
 * all of them (then every value is in a heap and the middle sum is empty).
 */
Datum
trimmed_mean_final(PG_FUNCTION_ARGS)
{
	TrimState	ts;
	float8		n;
	CompSum		all;
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	trim_unpack(PG_GETARG_ARRAYTYPE_P(0), &ts);
	n = ts.head[TM_N];
	if (n == 0)
		PG_RETURN_NULL();
	if (n > 2.0 * ts.trim)
		PG_RETURN_FLOAT8((ts.head[TM_SUM] + ts.head[TM_COMP]) / (n - 2.0 * ts.trim));

	all.sum = ts.head[TM_SUM];
	all.comp = ts.head[TM_COMP];
	for (i = 0; i < ts.n_low; i++)
		compsum_add(&all.sum, &all.comp, ts.low[i]);
	for (i = 0; i < ts.n_high; i++)
		compsum_add(&all.sum, &all.comp, ts.high[i]);
	PG_RETURN_FLOAT8((all.sum + all.comp) / n);
}
