/*
 * levels.c
 *	  The area levels, from one source: each level name (and each area kind)
 *	  with its depth.  locate(), the assignment trigger, gridcode's level()
 *	  and messages, and the SQL functions below (read by the area CHECK, the
 *	  level domains, level_kinds and register_assigned_table) all use this
 *	  table.  It lives apart from the engine so that the gridcode parser, and
 *	  its fuzz harness, can name levels without the engine.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "echo.h"
#include "gridcode.h"
#include "locate.h"

/*
 * The area levels, the one source of their names, depths and kinds: locate(),
 * the assign trigger, commgrid.level() and, through the SQL functions below
 * (area_levels, level_depth, kind_depth), the CHECK of commgrid.area, the
 * level domains (grid_code, community_code, ...), level_kinds and
 * register_assigned_table all read it.  A C table rather than an SQL one:
 * CHECKs and domains may call only IMMUTABLE functions, which a table read
 * is not, and locate() needs it without a catalog lookup.  The first name of
 * each depth is the level's own name; `kind` marks the names that are also
 * kinds of commgrid.area ("township" and "county" are levels only).
 */
static const struct
{
	const char *name;
	int			depth;
	bool		kind;
}			level_names[] =
{
	{"grid", 6, true},
	{"community", 5, true},
	{"village", 5, true},
	{"township", 4, false},
	{"subdistrict", 4, true},
	{"town", 4, true},
	{"rural_township", 4, true},
	{"township_unit", 4, true},
	{"county", 3, false},
	{"district", 3, true},
	{"city", 2, true},
	{"province", 1, true},
};

/* Is entry i the first (own) name of its depth? */
static bool
level_is_own_name(int i)
{
	int			j;

	for (j = 0; j < i; j++)
		if (level_names[j].depth == level_names[i].depth)
			return false;
	return true;
}

/*
 * The accepted names for a hint, from the table: "Use grid, community, ...
 * or province (or the kinds village, ..., district)."
 */
static char *
level_hint(void)
{
	StringInfoData buf;
	int			own = 0,
				seen,
				i;

	for (i = 0; i < lengthof(level_names); i++)
		own += level_is_own_name(i);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "Use ");
	for (seen = 0, i = 0; i < lengthof(level_names); i++)
		if (level_is_own_name(i))
		{
			appendStringInfoString(&buf, seen == 0 ? "" : seen == own - 1 ? " or " : ", ");
			appendStringInfoString(&buf, level_names[i].name);
			seen++;
		}
	appendStringInfoString(&buf, " (or the kinds ");
	for (seen = 0, i = 0; i < lengthof(level_names); i++)
		if (!level_is_own_name(i))
		{
			appendStringInfoString(&buf, seen == 0 ? "" : ", ");
			appendStringInfoString(&buf, level_names[i].name);
			seen++;
		}
	appendStringInfoString(&buf, ").");
	return buf.data;
}

/* Index of a level name in the table, or -1 */
static int
level_lookup(const char *name, int len)
{
	int			i;

	for (i = 0; i < lengthof(level_names); i++)
		if (strlen(level_names[i].name) == len &&
			memcmp(level_names[i].name, name, len) == 0)
			return i;
	return -1;
}

/* Depth of a level name, or raise 22023 naming the accepted names */
int
locate_level_depth(const char *name, int len)
{
	int			i = level_lookup(name, len);

	if (i < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown level \"%s\"", echo_value_len(name, len)),
				 errhint("%s", level_hint())));
	return level_names[i].depth;
}

/* Depth of a level name, or -1 (for a caller that must not raise) */
int
locate_level_depth_if_known(const char *name)
{
	int			i = level_lookup(name, strlen(name));

	return i < 0 ? -1 : level_names[i].depth;
}

/* The name of a depth: grid, community, township, county, city or province */
const char *
locate_level_name(int depth)
{
	int			i;

	for (i = 0; i < lengthof(level_names); i++)
		if (level_names[i].depth == depth)
			return level_names[i].name;
	return "unknown";
}

/*
 * commgrid.level_depth(level text) -> int
 * The depth of a level name; 22023 for an unknown name, as locate() raises.
 */
PG_FUNCTION_INFO_V1(commgrid_level_depth);
Datum
commgrid_level_depth(PG_FUNCTION_ARGS)
{
	text	   *level = PG_GETARG_TEXT_PP(0);

	PG_RETURN_INT32(locate_level_depth(VARDATA_ANY(level), VARSIZE_ANY_EXHDR(level)));
}

/*
 * commgrid.code_is_level(code gridcode, level text) -> bool
 * True when the code is of the level, else 23514 naming the code and its
 * level: the check of the level domains (grid_code, community_code, ...),
 * whose own message would not name the value.
 */
PG_FUNCTION_INFO_V1(commgrid_code_is_level);
Datum
commgrid_code_is_level(PG_FUNCTION_ARGS)
{
	GridCode	code = PG_GETARG_GRIDCODE(0);
	text	   *level = PG_GETARG_TEXT_PP(1);
	int			want = locate_level_depth(VARDATA_ANY(level), VARSIZE_ANY_EXHDR(level));
	int			own = gridcode_depth(code);

	if (own != want)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s is a %s code, not a %s", gridcode_to_cstring(code),
						locate_level_name(own), text_to_cstring(level)),
				 errdetail("A %s code has %d digits; this one has %d.", text_to_cstring(level),
						   gridcode_depth_digits[want], gridcode_depth_digits[own])));
	PG_RETURN_BOOL(true);
}

/*
 * commgrid.level_hint() -> text
 * The hint of an unknown level error, for the SQL functions that raise it.
 */
PG_FUNCTION_INFO_V1(commgrid_level_hint);
Datum
commgrid_level_hint(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(level_hint()));
}

/*
 * commgrid.kind_depth(kind text) -> int
 * The depth of an area kind; NULL for a name that is not a kind.
 */
PG_FUNCTION_INFO_V1(commgrid_kind_depth);
Datum
commgrid_kind_depth(PG_FUNCTION_ARGS)
{
	text	   *kind = PG_GETARG_TEXT_PP(0);
	int			i = level_lookup(VARDATA_ANY(kind), VARSIZE_ANY_EXHDR(kind));

	if (i < 0 || !level_names[i].kind)
		PG_RETURN_NULL();
	PG_RETURN_INT32(level_names[i].depth);
}

/*
 * commgrid.area_levels() -> TABLE (level text, depth int, is_kind bool)
 * The table above, in its order.
 */
PG_FUNCTION_INFO_V1(commgrid_area_levels);
Datum
commgrid_area_levels(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < lengthof(level_names); i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(level_names[i].name);
		values[1] = Int32GetDatum(level_names[i].depth);
		values[2] = BoolGetDatum(level_names[i].kind);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
