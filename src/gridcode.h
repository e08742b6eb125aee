/*
 * gridcode.h
 *	  The administrative hierarchy code, shared by every file that reads or
 *	  returns one (the spatial engine, idcard's region, the support function).
 *
 * A gridcode is the statistical division code extended by a 3-digit grid
 * sequence, padded with zeros to 15 digits and stored in an int64: numeric
 * order is then depth-first order.
 */
#ifndef GRIDCODE_H
#define GRIDCODE_H

#include "postgres.h"
#include "fmgr.h"

typedef int64 GridCode;

#define GRIDCODE_DIGITS		15
#define GRIDCODE_MAX_DEPTH	6

#define DatumGetGridCode(d)		DatumGetInt64(d)
#define GridCodeGetDatum(c)		Int64GetDatum(c)
#define PG_GETARG_GRIDCODE(n)	DatumGetGridCode(PG_GETARG_DATUM(n))
#define PG_RETURN_GRIDCODE(c)	return GridCodeGetDatum(c)

/* digits of a code at each depth; depth 0 is unused */
extern const int gridcode_depth_digits[GRIDCODE_MAX_DEPTH + 1];

extern int	gridcode_depth(GridCode code);
extern int	gridcode_digits(GridCode code);
extern GridCode gridcode_ancestor(GridCode code, int depth);
extern GridCode gridcode_subtree_last(GridCode code);
extern bool gridcode_is_valid(GridCode code);
extern GridCode gridcode_from_cstring(const char *str);
extern char *gridcode_to_cstring(GridCode code);

#endif							/* GRIDCODE_H */
