/*
 * orientation.c
 *	  The exact case of the orientation predicate (see orientation.h): the
 *	  determinant expanded into exact products and summed without rounding.
 */
#include "postgres.h"

#include <math.h>

#include "orientation.h"

/* a + b = *s + *e exactly (Knuth's two-sum) */
static inline void
two_sum(double a, double b, double *s, double *e)
{
	double		x = a + b;
	double		bv = x - a;
	double		av = x - bv;

	*s = x;
	*e = (a - av) + (b - bv);
}

/* Exact sign of a sum of doubles, through a growing nonoverlapping expansion */
static int
exact_sum_sign(const double *terms, int nterms)
{
	double		expansion[16];
	int			n = 0;
	int			i,
				j;

	Assert(nterms <= lengthof(expansion));
	for (i = 0; i < nterms; i++)
	{
		double		q = terms[i];

		for (j = 0; j < n; j++)
		{
			double		s,
						e;

			two_sum(q, expansion[j], &s, &e);
			expansion[j] = e;
			q = s;
		}
		expansion[n++] = q;
	}
	for (i = n - 1; i >= 0; i--)
		if (expansion[i] != 0.0)
			return expansion[i] > 0.0 ? 1 : -1;
	return 0;
}

/*
 * The exact sign of (b - a) x (c - a), for when the floating-point filter
 * cannot decide: the determinant as six products, each split by fma into
 * its rounded value and its exact rounding error, summed exactly.
 */
int
orientation_exact(double ax, double ay, double bx, double by, double cx, double cy)
{
	double		terms[12];
	int			n = 0;

	/*
	 * det = bx*cy - bx*ay - ax*cy - by*cx + by*ax + ay*cx  (ax*ay cancels)
	 */
#define EXACT_PRODUCT(p, q) \
	do { \
		double prod = (p) * (q); \
		terms[n++] = prod; \
		terms[n++] = fma((p), (q), -prod); \
	} while (0)
	EXACT_PRODUCT(bx, cy);
	EXACT_PRODUCT(-bx, ay);
	EXACT_PRODUCT(-ax, cy);
	EXACT_PRODUCT(-by, cx);
	EXACT_PRODUCT(by, ax);
	EXACT_PRODUCT(ay, cx);
#undef EXACT_PRODUCT
	return exact_sum_sign(terms, n);
}
