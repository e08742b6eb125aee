/*
 * assign_location.c
 *	  commgrid.assign_location(): a BEFORE INSERT OR UPDATE row trigger that
 *	  sets a row's area code from its location, in C so that a table with the
 *	  trigger keeps its insert throughput.
 *
 * Trigger arguments: location column, code column, level.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "locate.h"
#include "srid.h"

/* The geometry and gridcode type OIDs, resolved once per backend */
typedef struct AssignTypes
{
	bool		valid;
	Oid			geometry_type;
	Oid			gridcode_type;
} AssignTypes;

static AssignTypes assign_types_cache;
static bool assign_callback_registered = false;

/* Forget the type OIDs when any type changes (an extension dropped, say) */
static void
assign_types_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	assign_types_cache.valid = false;
}

/* The two type OIDs the trigger checks its columns against */
static const AssignTypes *
assign_types(void)
{
	if (!assign_callback_registered)
	{
		CacheRegisterSyscacheCallback(TYPEOID, assign_types_callback, (Datum) 0);
		assign_callback_registered = true;
	}
	if (!assign_types_cache.valid)
	{
		Oid			commgrid = get_namespace_oid("commgrid", false);
		Oid			area = get_relname_relid("area", commgrid);

		/* PostGIS's geometry, wherever it is installed: the type of area.boundary */
		assign_types_cache.geometry_type = OidIsValid(area) ?
			get_atttype(area, get_attnum(area, "boundary")) : InvalidOid;
		assign_types_cache.gridcode_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
														   CStringGetDatum("gridcode"),
														   ObjectIdGetDatum(commgrid));
		assign_types_cache.valid = true;
	}
	return &assign_types_cache;
}

/* Attribute number of a named column of the expected type (or a domain over it), or an error */
static int
trigger_column(Relation rel, const char *name, Oid type, const char *role, const char *trigger)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	int			attnum = SPI_fnumber(tupdesc, name);

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("trigger \"%s\" on \"%s\" names %s column \"%s\", which does not exist",
						trigger, RelationGetRelationName(rel), role, name),
				 errhint("Trigger arguments are (location column, code column, level).")));
	if (getBaseType(TupleDescAttr(tupdesc, attnum - 1)->atttypid) != type)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s column \"%s\" of \"%s\" has type %s, not %s",
						role, name, RelationGetRelationName(rel),
						format_type_be(TupleDescAttr(tupdesc, attnum - 1)->atttypid),
						OidIsValid(type) ? format_type_be(type) : "geometry")));
	return attnum;
}

/*
 * What the trigger works out from its arguments and its table, once per
 * statement: kept in fn_extra, whose FmgrInfo lives as long as the
 * statement, during which the table cannot change shape.
 */
typedef struct AssignPlan
{
	Oid			trigger;
	Oid			relation;
	int			location_att;
	int			code_att;
	int			depth;
	Oid			code_type;		/* the code column's type: gridcode or a level domain */
	bool		is_domain;
	void	   *domain_extra;	/* domain_check's own cache */
	bool		code_in_place;	/* the code column is stored as gridcode: 8 bytes, aligned 'd' */
	int			natts;			/* the row's columns, taken apart (when a row must be) into: */
	Datum	   *values;
	bool	   *isnull;
	uint32	   *from;			/* per column after the code's: where it is, where it goes */
	uint32	   *to;
	/* the header heap_form_tuple gives a row of header_desc (row_header) */
	TupleDesc	header_desc;
	Oid			header_typeid;
	int32		header_typmod;
	ItemPointerData header_ctid;
} AssignPlan;

static AssignPlan *
assign_plan(FunctionCallInfo fcinfo, Trigger *trigger, Relation rel)
{
	AssignPlan *plan = (AssignPlan *) fcinfo->flinfo->fn_extra;
	const AssignTypes *types;

	if (plan != NULL && plan->trigger == trigger->tgoid && plan->relation == RelationGetRelid(rel) &&
		plan->natts == RelationGetDescr(rel)->natts)
		return plan;
	types = assign_types();
	plan = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(AssignPlan));
	plan->trigger = trigger->tgoid;
	plan->relation = RelationGetRelid(rel);
	plan->location_att = trigger_column(rel, trigger->tgargs[0], types->geometry_type, "location", trigger->tgname);
	plan->code_att = trigger_column(rel, trigger->tgargs[1], types->gridcode_type, "code", trigger->tgname);
	plan->depth = locate_level_depth(trigger->tgargs[2], strlen(trigger->tgargs[2]));
	plan->code_type = TupleDescAttr(RelationGetDescr(rel), plan->code_att - 1)->atttypid;
	plan->is_domain = plan->code_type != types->gridcode_type;
	{
		Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), plan->code_att - 1);

		plan->code_in_place = att->attlen == sizeof(GridCode) && att->attbyval &&
			att->attalign == TYPALIGN_DOUBLE;
	}
	plan->natts = RelationGetDescr(rel)->natts;
	plan->values = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(Datum) * plan->natts);
	plan->isnull = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(bool) * plan->natts);
	plan->from = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(uint32) * plan->natts);
	plan->to = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(uint32) * plan->natts);
	fcinfo->flinfo->fn_extra = plan;
	return plan;
}

/*
 * The identification heap_form_tuple writes in the header of a row of desc:
 * its type, typmod and t_ctid, read from an all-NULL row formed once per
 * statement (the plan lives as long as the statement's trigger).  Since
 * 15.20 they also say which version of the descriptor formed the row, and
 * the executor refuses a row whose version is not its slot's (22P07).
 */
static void
row_header(AssignPlan *plan, TupleDesc desc)
{
	HeapTuple	t;

	if (plan->header_desc == desc)
		return;
	for (int i = 0; i < desc->natts; i++)
		plan->isnull[i] = true;
	t = heap_form_tuple(desc, plan->values, plan->isnull);
	plan->header_typeid = HeapTupleHeaderGetTypeId(t->t_data);
	plan->header_typmod = HeapTupleHeaderGetTypMod(t->t_data);
	plan->header_ctid = t->t_data->t_ctid;
	plan->header_desc = desc;
	heap_freetuple(t);
}

/* True when two non-null varlena datums hold the same bytes */
static bool
same_varlena(Datum a, Datum b)
{
	struct varlena *va = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(a));
	struct varlena *vb = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(b));

	return VARSIZE_ANY_EXHDR(va) == VARSIZE_ANY_EXHDR(vb) &&
		memcmp(VARDATA_ANY(va), VARDATA_ANY(vb), VARSIZE_ANY_EXHDR(va)) == 0;
}

/*
 * The row with room for a code, made by copying its bytes instead of taking
 * it apart and forming it again (heap_modify_tuple's way), for a row whose
 * code column is NULL (an INSERT that leaves the code to the trigger).  The columns before the code's keep
 * their place; the code goes at its alignment; each column after it is
 * moved as heap_fill_tuple would place it (a varlena with a short header
 * unaligned, any other at its alignment), and the null bitmap loses the
 * code's bit (the whole bitmap when no other column is NULL).  The padding
 * stays zero.  Returns NULL when the row is not of that shape (fewer stored
 * columns than the table has, a code that is not NULL, or a code column not
 * stored as gridcode), else the row and in *code_at where the code goes.
 */
static HeapTuple
row_with_room_for_code(HeapTuple tuple, TupleDesc desc, AssignPlan *plan, char **code_at)
{
	HeapTupleHeader old = tuple->t_data;
	HeapTupleHeader td;
	HeapTuple	result;
	bits8	   *bits = HeapTupleHasNulls(tuple) ? old->t_bits : NULL;
	char	   *src = (char *) old + old->t_hoff;
	char	   *dst;
	int			natts = desc->natts;
	int			code = plan->code_att - 1;
	bool		other_nulls = false;
	uint32		off = 0,
				prefix,
				code_off,
				to,
				len;
	int			i;
	Size		hoff;

	if (!plan->code_in_place || HeapTupleHeaderGetNatts(old) != natts ||
		bits == NULL || !att_isnull(code, bits))
		return NULL;

	/* where the columns before the code's end */
	for (i = 0; i < code; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (bits != NULL && att_isnull(i, bits))
		{
			other_nulls = true;
			continue;
		}
		off = att_align_pointer(off, att->attalign, att->attlen, src + off);
		off = att_addlength_pointer(off, att->attlen, src + off);
	}
	prefix = off;
	code_off = att_align_nominal(off, TYPALIGN_DOUBLE);

	/* where each column after it is, and where it goes */
	to = code_off + sizeof(GridCode);
	for (i = code + 1; i < natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (bits != NULL && att_isnull(i, bits))
		{
			other_nulls = true;
			continue;
		}
		off = att_align_pointer(off, att->attalign, att->attlen, src + off);
		if (att->attlen == -1 && VARATT_IS_1B(src + off))
			plan->to[i] = to;
		else
			plan->to[i] = att_align_nominal(to, att->attalign);
		plan->from[i] = off;
		len = att_addlength_pointer(0, att->attlen, src + off);
		off += len;
		to = plan->to[i] + len;
	}

	/* as heap_form_tuple makes it, with heap_modify_tuple's t_self and t_tableOid */
	row_header(plan, desc);
	hoff = MAXALIGN(other_nulls ? SizeofHeapTupleHeader + BITMAPLEN(natts) : SizeofHeapTupleHeader);
	result = (HeapTuple) palloc0(HEAPTUPLESIZE + hoff + to);
	result->t_len = hoff + to;
	result->t_self = tuple->t_self;
	result->t_tableOid = tuple->t_tableOid;
	result->t_data = td = (HeapTupleHeader) ((char *) result + HEAPTUPLESIZE);
	HeapTupleHeaderSetDatumLength(td, hoff + to);
	HeapTupleHeaderSetTypeId(td, plan->header_typeid);
	HeapTupleHeaderSetTypMod(td, plan->header_typmod);
	td->t_ctid = plan->header_ctid;
	HeapTupleHeaderSetNatts(td, natts);
	td->t_hoff = hoff;
	td->t_infomask = old->t_infomask & (HEAP_HASVARWIDTH | HEAP_HASEXTERNAL);
	if (other_nulls)
	{
		td->t_infomask |= HEAP_HASNULL;
		memcpy(td->t_bits, bits, BITMAPLEN(natts));
		td->t_bits[code >> 3] |= 1 << (code & 0x07);
	}
	dst = (char *) td + hoff;
	memcpy(dst, src, prefix);
	for (i = code + 1; i < natts; i++)
	{
		if (bits != NULL && att_isnull(i, bits))
			continue;
		len = att_addlength_pointer(0, TupleDescAttr(desc, i)->attlen, src + plan->from[i]);
		memcpy(dst + plan->to[i], src + plan->from[i], len);
	}
	*code_at = dst + code_off;
	return result;
}

/*
 * Set the code column from the location column on INSERT, and on UPDATE
 * when the location changed.  A NULL or empty location gives a NULL code,
 * as does a location outside every area of the level.
 */
PG_FUNCTION_INFO_V1(commgrid_assign_location);
Datum
commgrid_assign_location(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Trigger    *trigger;
	Relation	rel;
	AssignPlan *plan;
	HeapTuple	tuple,
				newtuple = NULL;
	TupleTableSlot *slot;
	char	   *code_at = NULL;
	int			location_att,
				code_att,
				depth;
	bool		isnull;
	Datum		location;
	Datum		code_value = (Datum) 0;
	bool		code_isnull = true;
	double		x,
				y;
	GridCode	code;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("commgrid.assign_location() must be called as a trigger")));
	if (!TRIGGER_FIRED_BEFORE(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("commgrid.assign_location() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW")));
	trigger = td->tg_trigger;
	rel = td->tg_relation;
	if (trigger->tgnargs != 3)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on \"%s\" has %d arguments, commgrid.assign_location() needs 3",
						trigger->tgname, RelationGetRelationName(rel), trigger->tgnargs),
				 errhint("Arguments: location column, code column, level, e.g. ('location', 'grid', 'grid').")));

	plan = assign_plan(fcinfo, trigger, rel);
	location_att = plan->location_att;
	code_att = plan->code_att;
	depth = plan->depth;

	tuple = TRIGGER_FIRED_BY_INSERT(td->tg_event) ? td->tg_trigtuple : td->tg_newtuple;
	/* the row goes back into this slot: made with its descriptor */
	slot = TRIGGER_FIRED_BY_INSERT(td->tg_event) ? td->tg_trigslot : td->tg_newslot;
	location = heap_getattr(tuple, location_att, RelationGetDescr(rel), &isnull);

	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		bool		old_isnull;
		Datum		old = heap_getattr(td->tg_trigtuple, location_att, RelationGetDescr(rel), &old_isnull);

		if (isnull && old_isnull)
			return PointerGetDatum(tuple);
		if (!isnull && !old_isnull && same_varlena(location, old))
			return PointerGetDatum(tuple);
	}

	if (!isnull && point_read_lonlat(location, &x, &y))
	{
		bool		found;

		if (locate_batch_answer(depth, x, y, &found, &code))
			newtuple = row_with_room_for_code(tuple, slot->tts_tupleDescriptor, plan, &code_at);
		else
		{
			/*
			 * The lookup of a row of a bulk INSERT waits for memory (the rows
			 * written since the last evict the index from the caches): start
			 * fetching its cell, and make the new row while it comes.
			 */
			locate_prefetch(depth, x, y);
			newtuple = row_with_room_for_code(tuple, slot->tts_tupleDescriptor, plan, &code_at);
			/* under the boundary lock, so a concurrent redraw cannot leave this row behind */
			found = locate_point_for_write(depth, x, y, &code);
		}
		if (found)
		{
			code_value = GridCodeGetDatum(code);
			code_isnull = false;
		}
	}
	/* a level domain (commgrid.grid_code, ...) checks the code as an INSERT would */
	if (plan->is_domain)
		domain_check(code_value, code_isnull, plan->code_type,
					 &plan->domain_extra, fcinfo->flinfo->fn_mcxt);

	if (newtuple != NULL)
	{
		if (!code_isnull)
		{
			store_att_byval(code_at, code_value, sizeof(GridCode));
			return PointerGetDatum(newtuple);
		}
		heap_freetuple(newtuple);	/* outside every area: the slow way below */
	}

	/*
	 * The row with the code set: taken apart into the plan's arrays (no
	 * allocation per row) and formed again, unless it holds that code already.
	 */
	slot_getallattrs(slot);
	memcpy(plan->values, slot->tts_values, plan->natts * sizeof(Datum));
	memcpy(plan->isnull, slot->tts_isnull, plan->natts * sizeof(bool));
	if (plan->isnull[code_att - 1] == code_isnull &&
		(code_isnull || DatumGetGridCode(plan->values[code_att - 1]) == DatumGetGridCode(code_value)))
		return PointerGetDatum(tuple);
	plan->values[code_att - 1] = code_value;
	plan->isnull[code_att - 1] = code_isnull;
	newtuple = heap_form_tuple(slot->tts_tupleDescriptor, plan->values, plan->isnull);
	/* what heap_modify_tuple keeps of the old row (not t_ctid: see row_header) */
	newtuple->t_self = tuple->t_self;
	newtuple->t_tableOid = tuple->t_tableOid;
	return PointerGetDatum(newtuple);
}

/*
 * The checks of commgrid.stored_location(), the one rule for the location
 * columns of the extension's tables: locate()'s own (a point, SRID 4490 or
 * 4326, finite coordinates, with its messages), then not empty, no Z or M,
 * inside longitude/latitude.  Raises 22023 for a location that breaks the
 * rule; returns true for a 4326 point (to be transformed to 4490), false for
 * a point stored as it is.  In C, so that the trigger's WHEN clause costs a
 * household insert next to nothing.
 */
PG_FUNCTION_INFO_V1(commgrid_location_needs_transform);
Datum
commgrid_location_needs_transform(PG_FUNCTION_ARGS)
{
	Datum		location = PG_GETARG_DATUM(0);
	const uint8 *header;
	int32		srid;
	double		x,
				y;

	if (!point_read_lonlat(location, &x, &y))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("location is empty"),
				 errdetail("A location is a point with a longitude and a latitude."),
				 errhint("Give the point, e.g. ST_SetSRID(ST_MakePoint(longitude, latitude), 4490).")));
	/* point_read_lonlat has read the header: 3 bytes SRID, then the flags */
	header = (const uint8 *) VARDATA_ANY(pg_detoast_datum_packed((struct varlena *) DatumGetPointer(location)));
	if (header[3] & 0x03)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("location has %d dimensions", 2 + (header[3] & 0x01) + ((header[3] & 0x02) >> 1)),
				 errhint("Drop Z and M with ST_Force2D(location).")));
	/* off the globe: ST_Transform fails obscurely, a geography cast clamps it */
	if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("location is not in longitude/latitude"),
				 errdetail("The point (%s %s) is outside longitude -180..180 or latitude -90..90.",
						   DatumGetCString(DirectFunctionCall1(float8out, Float8GetDatum(x))),
						   DatumGetCString(DirectFunctionCall1(float8out, Float8GetDatum(y)))),
				 errhint("Give longitude first, then latitude, in degrees (EPSG:4490 or 4326).")));
	srid = (int32) (((uint32) header[0] << 16) | ((uint32) header[1] << 8) | header[2]);
	srid = (srid << 11) >> 11;
	PG_RETURN_BOOL(srid == SRID_WGS84);
}
