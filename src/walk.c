/*
 * walk.c
 *	  The order of a worklist's walk: a nearest-neighbour tour over points on
 *	  a plane (metres east and north of the start), from the start.
 *
 * O(n^2) distance comparisons in plain C: a grid of 9,000 households is
 * 40 million comparisons, well under a second, where the PL/pgSQL loop took
 * minutes.  Ties go to the lower index, so the order is deterministic.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(commgrid_nearest_neighbour_walk);

/* the float8 elements of a one-dimensional array without NULLs, or an error */
static double *
walk_coordinates(ArrayType *a, const char *what, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	double	   *out;
	int			i;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array", what)));
	deconstruct_array(a, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, n);
	out = palloc(sizeof(double) * Max(*n, 1));
	for (i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", what),
					 errdetail("Element %d is NULL.", i + 1)));
		out[i] = DatumGetFloat8(elems[i]);
		if (!isfinite(out[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be finite", what),
					 errdetail("Element %d is not a finite number.", i + 1)));
	}
	return out;
}

/*
 * nearest_neighbour_walk(xs float8[], ys float8[]) returns int[]: from (0, 0),
 * always to the closest point not yet visited; the 1-based indexes in walking
 * order.
 */
Datum
commgrid_nearest_neighbour_walk(PG_FUNCTION_ARGS)
{
	int			nx,
				ny,
				i,
				step;
	double	   *xs = walk_coordinates(PG_GETARG_ARRAYTYPE_P(0), "xs", &nx);
	double	   *ys = walk_coordinates(PG_GETARG_ARRAYTYPE_P(1), "ys", &ny);
	bool	   *done;
	Datum	   *order;
	double		cx = 0.0,
				cy = 0.0;

	if (nx != ny)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("xs and ys must have the same length"),
				 errdetail("xs has %d elements, ys %d.", nx, ny)));
	done = palloc0(sizeof(bool) * Max(nx, 1));
	order = palloc(sizeof(Datum) * Max(nx, 1));
	for (step = 0; step < nx; step++)
	{
		int			best = -1;
		double		best_d = INFINITY;

		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < nx; i++)
		{
			double		dx,
						dy,
						d;

			if (done[i])
				continue;
			dx = xs[i] - cx;
			dy = ys[i] - cy;
			d = dx * dx + dy * dy;
			if (best < 0 || d < best_d)
			{
				best = i;
				best_d = d;
			}
		}
		done[best] = true;
		cx = xs[best];
		cy = ys[best];
		order[step] = Int32GetDatum(best + 1);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(order, nx, INT4OID, sizeof(int32), true, TYPALIGN_INT));
}
