/*
 * gridcode.c
 *	  The gridcode type: one 8-byte value for any level of the administrative
 *	  hierarchy, from province down to grid, with ancestor operators whose
 *	  planner support turns `code <@ x` into a B-tree range scan.
 */
#include "postgres.h"

#include <ctype.h>

#include "access/stratnum.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_type_d.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "gridcode.h"
#include "locate.h"

const int	gridcode_depth_digits[GRIDCODE_MAX_DEPTH + 1] = {0, 2, 4, 6, 9, 12, 15};

static const int64 pow10[GRIDCODE_DIGITS + 1] = {
	1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
	100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
	1000000000000LL, 10000000000000LL, 100000000000000LL,
	1000000000000000LL
};

/* The segment of a padded code that belongs to one depth, as a number */
static int64
segment_value(GridCode code, int depth)
{
	int			width = gridcode_depth_digits[depth] - gridcode_depth_digits[depth - 1];

	return (code / pow10[GRIDCODE_DIGITS - gridcode_depth_digits[depth]]) % pow10[width];
}

/* The deepest depth with a non-zero segment; 0 for an all-zero value */
int
gridcode_depth(GridCode code)
{
	int			depth;

	for (depth = GRIDCODE_MAX_DEPTH; depth >= 1; depth--)
		if (segment_value(code, depth) != 0)
			return depth;
	return 0;
}

/* Number of significant digits */
int
gridcode_digits(GridCode code)
{
	return gridcode_depth_digits[gridcode_depth(code)];
}

/*
 * True for a code below a prefecture-level city without counties (不设区的地级市,
 * e.g. 东莞 4419): the statistical code numbers its townships directly under
 * the city, with the county segment 00 (441900003, a subdistrict).  The only zero
 * segment a valid code may have before a non-zero one.
 */
static bool
skips_county(GridCode code)
{
	return segment_value(code, 2) != 0 && segment_value(code, 3) == 0 &&
		segment_value(code, 4) != 0;
}

/* True when every segment down to the code's depth is non-zero, but for skips_county */
bool
gridcode_is_valid(GridCode code)
{
	int			depth,
				d;

	if (code <= 0 || code >= pow10[GRIDCODE_DIGITS])
		return false;
	depth = gridcode_depth(code);
	for (d = 1; d <= depth; d++)
		if (segment_value(code, d) == 0 && !(d == 3 && skips_county(code)))
			return false;
	return true;
}

/* The code's ancestor at a depth no deeper than its own */
GridCode
gridcode_ancestor(GridCode code, int depth)
{
	int64		unit = pow10[GRIDCODE_DIGITS - gridcode_depth_digits[depth]];

	return code - code % unit;
}

/* The largest padded value inside the code's subtree: the end of its range */
GridCode
gridcode_subtree_last(GridCode code)
{
	return code + pow10[GRIDCODE_DIGITS - gridcode_digits(code)] - 1;
}

/* Error for malformed text input; the detail names the offending part */
#define GRIDCODE_SYNTAX_ERROR(str, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION), \
			 errmsg("invalid input syntax for type %s: \"%s\"", "gridcode", str), \
			 __VA_ARGS__))

/* True when a separator may follow this many digits */
static bool
is_level_boundary(int ndigits)
{
	int			depth;

	for (depth = 1; depth < GRIDCODE_MAX_DEPTH; depth++)
		if (gridcode_depth_digits[depth] == ndigits)
			return true;
	return false;
}

/* Depth whose code has exactly this many digits, or 0 */
static int
depth_of_digit_count(int ndigits)
{
	int			depth;

	for (depth = 1; depth <= GRIDCODE_MAX_DEPTH; depth++)
		if (gridcode_depth_digits[depth] == ndigits)
			return depth;
	return 0;
}

/* Parse digits with optional '-' or ' ' at level boundaries */
GridCode
gridcode_from_cstring(const char *str)
{
	int64		value = 0;
	int			ndigits = 0;
	bool		after_separator = false;
	const char *p;
	int			depth,
				d,
				first_zero = 0;

	for (p = str; *p; p++)
	{
		int			position = (int) (p - str) + 1;

		if (isdigit((unsigned char) *p))
		{
			if (ndigits == GRIDCODE_DIGITS)
				GRIDCODE_SYNTAX_ERROR(str,
									  errdetail("The digit at position %d is the 16th; a gridcode has at most 15 digits.",
												position));
			value = value * 10 + (*p - '0');
			ndigits++;
			after_separator = false;
		}
		else if (*p == '-' || *p == ' ')
		{
			if (ndigits == 0 || after_separator || !is_level_boundary(ndigits))
				GRIDCODE_SYNTAX_ERROR(str,
									  errdetail("The separator \"%c\" at position %d is not at a level boundary.",
												*p, position),
									  errhint("A separator may stand only once, after digit 2, 4, 6, 9 or 12."));
			after_separator = true;
		}
		else
		{
			/* name the whole character, never reading past the string */
			int			len = IS_HIGHBIT_SET(*p) ? pg_mblen(p) : 1;

			len = (int) strnlen(p, len);
			GRIDCODE_SYNTAX_ERROR(str,
								  errdetail("The character \"%.*s\" at position %d is not a digit.",
											len, p, position),
								  errhint("A gridcode is digits, optionally separated by \"-\" or a space between levels."));
		}
	}
	if (after_separator)
		GRIDCODE_SYNTAX_ERROR(str,
							  errdetail("The code ends with a separator."));

	depth = depth_of_digit_count(ndigits);
	if (depth == 0)
		GRIDCODE_SYNTAX_ERROR(str,
							  errdetail("It has %d digits; a gridcode has 2, 4, 6, 9, 12 or 15.", ndigits),
							  errhint("Province 2, city 4, county 6, township 9, community 12, grid 15 digits."));

	value *= pow10[GRIDCODE_DIGITS - ndigits];
	if (segment_value(value, 1) == 0)
		GRIDCODE_SYNTAX_ERROR(str,
							  errdetail("The province segment \"00\" is zero."));

	for (d = 2; d <= depth; d++)
	{
		int64		seg = segment_value(value, d);
		int			width = gridcode_depth_digits[d] - gridcode_depth_digits[d - 1];

		if (seg == 0 && first_zero == 0 && !(d == 3 && skips_county(value)))
			first_zero = d;
		else if (seg != 0 && first_zero != 0)
			GRIDCODE_SYNTAX_ERROR(str,
								  errdetail("The %s segment (digits %d-%d) is zero but the %s segment \"%0*lld\" after it is not.",
											locate_level_name(first_zero),
											gridcode_depth_digits[first_zero - 1] + 1,
											gridcode_depth_digits[first_zero],
											locate_level_name(d), width, (long long) seg),
								  errhint("Trailing zero segments name a higher level; only a county segment 00 may stand before a non-zero township (a city without counties)."));
	}
	return value;
}

/* Canonical text: the significant digits, unpadded */
char *
gridcode_to_cstring(GridCode code)
{
	int			digits = gridcode_digits(code);

	return psprintf("%0*lld", digits,
					(long long) (code / pow10[GRIDCODE_DIGITS - digits]));
}

/* Raise a clear error for a depth argument outside 1..6 */
static void
check_depth_argument(int depth)
{
	if (depth < 1 || depth > GRIDCODE_MAX_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("depth %d is out of range", depth),
				 errdetail("Depths run from 1 (province) to 6 (grid).")));
}

PG_FUNCTION_INFO_V1(gridcode_in);
Datum
gridcode_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_GRIDCODE(gridcode_from_cstring(PG_GETARG_CSTRING(0)));
}

PG_FUNCTION_INFO_V1(gridcode_out);
Datum
gridcode_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(gridcode_to_cstring(PG_GETARG_GRIDCODE(0)));
}

/* Binary input: the padded int64, validated as text input is */
PG_FUNCTION_INFO_V1(gridcode_recv);
Datum
gridcode_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	GridCode	code = (GridCode) pq_getmsgint64(buf);

	if (!gridcode_is_valid(code))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external gridcode value %lld", (long long) code),
				 errdetail("A binary gridcode is a 15-digit padded code with no zero segment before a non-zero one, but a county segment 00 before a township.")));
	PG_RETURN_GRIDCODE(code);
}

PG_FUNCTION_INFO_V1(gridcode_depth_sql);
Datum
gridcode_depth_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(gridcode_depth(PG_GETARG_GRIDCODE(0)));
}

PG_FUNCTION_INFO_V1(gridcode_level);
Datum
gridcode_level(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(locate_level_name(gridcode_depth(PG_GETARG_GRIDCODE(0)))));
}

/*
 * The parent is one level up; a province has none.  A township under a city
 * without counties gets the city (the code's own prefix), not a county.
 */
PG_FUNCTION_INFO_V1(gridcode_parent);
Datum
gridcode_parent(PG_FUNCTION_ARGS)
{
	GridCode	code = PG_GETARG_GRIDCODE(0);
	int			depth = gridcode_depth(code);

	if (depth <= 1)
		PG_RETURN_NULL();
	PG_RETURN_GRIDCODE(gridcode_ancestor(code, depth - 1));
}

/*
 * The code's prefix at a depth.  Under a city without counties the depth-3
 * prefix is the city itself (441900, GB/T 2260's code for 东莞), so
 * ancestor(code, 3) is then the city, at depth 2.
 */
PG_FUNCTION_INFO_V1(gridcode_ancestor_sql);
Datum
gridcode_ancestor_sql(PG_FUNCTION_ARGS)
{
	GridCode	code = PG_GETARG_GRIDCODE(0);
	int			depth = PG_GETARG_INT32(1);
	int			own = gridcode_depth(code);

	check_depth_argument(depth);
	if (depth > own)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("gridcode %s has no ancestor at depth %d",
						gridcode_to_cstring(code), depth),
				 errdetail("The code is at depth %d (%s).", own, locate_level_name(own)),
				 errhint("Ask for a depth from 1 to %d.", own)));
	PG_RETURN_GRIDCODE(gridcode_ancestor(code, depth));
}

/* The zero-padded form, e.g. the 12-digit statistical division code */
PG_FUNCTION_INFO_V1(gridcode_padded);
Datum
gridcode_padded(PG_FUNCTION_ARGS)
{
	GridCode	code = PG_GETARG_GRIDCODE(0);
	int			digits = PG_GETARG_INT32(1);
	int			own = gridcode_digits(code);

	if (depth_of_digit_count(digits) == 0 || digits < own)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot pad gridcode %s to %d digits",
						gridcode_to_cstring(code), digits),
				 errdetail("The code has %d digits; the padded length must be one of 2, 4, 6, 9, 12, 15 and at least that.",
						   own)));
	PG_RETURN_TEXT_P(cstring_to_text(psprintf("%0*lld", digits,
											  (long long) (code / pow10[GRIDCODE_DIGITS - digits]))));
}

/* a @> b: a is b or an ancestor of b */
PG_FUNCTION_INFO_V1(gridcode_contains);
Datum
gridcode_contains(PG_FUNCTION_ARGS)
{
	GridCode	a = PG_GETARG_GRIDCODE(0);
	GridCode	b = PG_GETARG_GRIDCODE(1);

	PG_RETURN_BOOL(b >= a && b <= gridcode_subtree_last(a));
}

/* a <@ b: a is b or a descendant of b */
PG_FUNCTION_INFO_V1(gridcode_contained);
Datum
gridcode_contained(PG_FUNCTION_ARGS)
{
	GridCode	a = PG_GETARG_GRIDCODE(0);
	GridCode	b = PG_GETARG_GRIDCODE(1);

	PG_RETURN_BOOL(a >= b && a <= gridcode_subtree_last(b));
}

PG_FUNCTION_INFO_V1(gridcode_subtree_last_sql);
Datum
gridcode_subtree_last_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_GRIDCODE(gridcode_subtree_last(PG_GETARG_GRIDCODE(0)));
}

/* True for a B-tree operator family (the only kind a range helps) */
static bool
opfamily_is_btree(Oid opfamily)
{
	HeapTuple	tup = SearchSysCache1(OPFAMILYOID, ObjectIdGetDatum(opfamily));
	bool		result;

	if (!HeapTupleIsValid(tup))
		return false;
	result = ((Form_pg_opfamily) GETSTRUCT(tup))->opfmethod == BTREE_AM_OID;
	ReleaseSysCache(tup);
	return result;
}

/*
 * Build `key >= ancestor AND key <= subtree_last(ancestor)` for a B-tree
 * index on key, the way LIKE 'abc%' becomes a range.  A constant ancestor
 * folds the upper bound now; a parameter keeps it as a function call, so
 * prepared statements (JDBC) get the range scan too.
 */
static List *
subtree_range_condition(SupportRequestIndexCondition *req, Node *key, Node *ancestor)
{
	Oid			type = exprType(key);
	Oid			ge,
				le;
	Expr	   *upper;

	if (!opfamily_is_btree(req->opfamily) ||
		exprType(ancestor) != type ||
		!is_pseudo_constant_for_index(req->root, ancestor, req->index))
		return NIL;
	ge = get_opfamily_member(req->opfamily, type, type, BTGreaterEqualStrategyNumber);
	le = get_opfamily_member(req->opfamily, type, type, BTLessEqualStrategyNumber);
	if (!OidIsValid(ge) || !OidIsValid(le))
		return NIL;

	if (IsA(ancestor, Const))
	{
		Const	   *c = (Const *) ancestor;

		if (c->constisnull)
			return NIL;
		upper = (Expr *) makeConst(type, -1, InvalidOid, sizeof(int64),
								   GridCodeGetDatum(gridcode_subtree_last(DatumGetGridCode(c->constvalue))),
								   false, FLOAT8PASSBYVAL);
	}
	else
	{
		Oid			argtypes[1] = {type};
		Oid			fn = LookupFuncName(list_make2(makeString("commgrid"),
												   makeString("subtree_last")),
										1, argtypes, true);

		if (!OidIsValid(fn))
			return NIL;
		upper = (Expr *) makeFuncExpr(fn, type, list_make1(ancestor),
									  InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
	}

	req->lossy = false;
	return list_make2(make_opclause(ge, BOOLOID, false, (Expr *) key,
									(Expr *) ancestor, InvalidOid, InvalidOid),
					  make_opclause(le, BOOLOID, false, (Expr *) key,
									upper, InvalidOid, InvalidOid));
}

/*
 * Answer an index-condition request when the descendant argument (0 or 1)
 * is the indexed one; the other argument is then the ancestor.
 */
static Node *
subtree_support(Node *rawreq, int descendant_arg)
{
	SupportRequestIndexCondition *req;
	List	   *args = NIL;

	if (!IsA(rawreq, SupportRequestIndexCondition))
		return NULL;
	req = (SupportRequestIndexCondition *) rawreq;
	if (IsA(req->node, OpExpr))
		args = ((OpExpr *) req->node)->args;
	else if (IsA(req->node, FuncExpr))
		args = ((FuncExpr *) req->node)->args;
	if (list_length(args) != 2 || req->indexarg != descendant_arg)
		return NULL;
	return (Node *) subtree_range_condition(req, list_nth(args, descendant_arg),
											list_nth(args, 1 - descendant_arg));
}

/* Planner support for <@: an index on the left argument gets a range */
PG_FUNCTION_INFO_V1(gridcode_contained_support);
Datum
gridcode_contained_support(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(subtree_support((Node *) PG_GETARG_POINTER(0), 0));
}

/* Planner support for @>: an index on the right argument gets a range */
PG_FUNCTION_INFO_V1(gridcode_contains_support);
Datum
gridcode_contains_support(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(subtree_support((Node *) PG_GETARG_POINTER(0), 1));
}
