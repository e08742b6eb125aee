/*
 * orientation.h
 *	  The exact orientation predicate: on which side of a directed line a
 *	  point lies, decided without rounding error.  The half-open rule of
 *	  boundary_index.c rests on it (two areas sharing an edge must always
 *	  disagree about a point on it).
 *
 * The floating-point filter is inline, as it runs for every edge a lookup
 * tests and almost always decides; only the near-zero case calls into
 * orientation.c.
 */
#ifndef ORIENTATION_H
#define ORIENTATION_H

#include <math.h>

extern int	orientation_exact(double ax, double ay, double bx, double by,
							  double cx, double cy);

/*
 * Sign of the cross product (b - a) x (c - a): positive when c lies left of
 * the directed line a->b, negative when right, zero when on it.  The bound
 * is the error of the two products and the subtraction (Shewchuk's
 * ccwerrboundA, rounded up): beyond it the sign of det is right.
 */
static inline int
orientation(double ax, double ay, double bx, double by, double cx, double cy)
{
	double		left = (bx - ax) * (cy - ay);
	double		right = (by - ay) * (cx - ax);
	double		det = left - right;
	double		bound = 3.3306690738754716e-16 * (fabs(left) + fabs(right));

	if (det > bound)
		return 1;
	if (-det > bound)
		return -1;
	return orientation_exact(ax, ay, bx, by, cx, cy);
}

#endif							/* ORIENTATION_H */
