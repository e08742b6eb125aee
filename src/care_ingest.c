/*
 * care_ingest.c
 *	  The ingest path of wearable care: the BEFORE INSERT trigger of
 *	  commgrid.care_ping, for COPY and INSERT alike.
 *
 * Per ping, under the device's state row locked FOR UPDATE (so two backends
 * ingesting one device take turns, and a restart continues from the table):
 *	 1. a duplicate (device, fixed_at, message, no alarm flag) is dropped;
 *	 2. without a consented binding a ping is dropped; an alarm is kept
 *		without a position (PIPL: no consent, no tracking);
 *	 3. the fix is converted to EPSG:4490 (GCJ-02 through the one conversion
 *		of coordsys.c; WGS-84 is taken as is);
 *	 4. the fix is classified for the fences: no_fix, out_of_order, cell,
 *		inaccurate, jump or accepted, and only an accepted fix moves the state;
 *	 5. fences (docs/guide/care.md): outer ring r + max(0.1 r, 20 m), two
 *		consecutive accepted fixes beyond it: fence_exit once; one inside r:
 *		fence_return; two consecutive accepted fixes outside every area of the
 *		district level (locate_point): left_district once, until a fix is back in;
 *	 6. alarm flags raise their alarm whatever the filters said; without a fix
 *		the alarm takes the last known position and says so.
 * Alarms are rows of care_alarm, whose trigger sends NOTIFY at commit.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "coordsys.h"
#include "ewkb_reader.h"
#include "locate.h"
#include "srid.h"

#define EARTH_RADIUS_M	6371008.8
#define DEG				(M_PI / 180.0)
#define RING_MIN_M		20.0

/* The plans, prepared once per backend */
static SPIPlanPtr state_plan = NULL;
static SPIPlanPtr duplicate_plan = NULL;
static SPIPlanPtr fence_plan = NULL;
static SPIPlanPtr update_plan = NULL;
static SPIPlanPtr alarm_plan = NULL;

/* Where a fix stands against the active fences */
typedef enum FencePosition
{
	FENCE_NONE,					/* no active fence */
	FENCE_INSIDE,				/* inside some fence */
	FENCE_RING,					/* between a fence and its outer ring */
	FENCE_BEYOND				/* beyond every outer ring */
} FencePosition;

static SPIPlanPtr
prepare(const char *sql, int nargs, Oid *types)
{
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, types);

	if (plan == NULL)
		elog(ERROR, "care_ingest: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	return plan;
}

static void
prepare_plans(Oid gridcode_type)
{
	if (state_plan != NULL)
		return;
	{
		Oid			t[] = {INT8OID};

		state_plan = prepare(
							 "SELECT s.tracking, s.resident_id, s.grid_code, s.last_fixed_at, s.last_lon, s.last_lat,"
							 " s.outside_count, s.is_out, s.exit_alarm_id, s.battery_low,"
							 " s.newest_fixed_at, s.district_outside_count, s.left_district,"
							 " c.jump_speed_kmh, c.accuracy_limit_m, c.low_battery_percent"
							 " FROM commgrid.care_device_state s, commgrid.care_setting c"
							 " WHERE s.device_id OPERATOR(pg_catalog.=) $1 FOR UPDATE OF s", 1, t);
	}
	{
		Oid			t[] = {INT8OID, TIMESTAMPTZOID, TEXTOID};

		duplicate_plan = prepare(
								 "SELECT 1 FROM commgrid.care_ping p WHERE p.device_id OPERATOR(pg_catalog.=) $1"
								 " AND p.fixed_at OPERATOR(pg_catalog.=) $2 AND p.message OPERATOR(pg_catalog.=) $3"
								 " AND NOT (p.sos OR p.fall OR p.removed OR p.power_off) LIMIT 1", 3, t);
	}
	{
		Oid			t[] = {INT8OID, TIMESTAMPTZOID};

		fence_plan = prepare(
							 "WITH t AS (SELECT ($2 AT TIME ZONE 'Asia/Shanghai')::pg_catalog.time AS tod)"
							 " SELECT f.kind OPERATOR(pg_catalog.=) 'circle', public.st_x(f.centre), public.st_y(f.centre),"
							 " f.radius_m, public.st_asbinary(f.area)"
							 " FROM commgrid.care_fence f, t WHERE f.resident_id OPERATOR(pg_catalog.=) $1"
							 " AND (f.active_from IS NULL OR CASE WHEN f.active_from OPERATOR(pg_catalog.<=) f.active_until"
							 " THEN t.tod OPERATOR(pg_catalog.>=) f.active_from AND t.tod OPERATOR(pg_catalog.<) f.active_until"
							 " ELSE t.tod OPERATOR(pg_catalog.>=) f.active_from OR t.tod OPERATOR(pg_catalog.<) f.active_until END)",
							 2, t);
	}
	{
		Oid			t[] = {INT8OID, TIMESTAMPTZOID, FLOAT8OID, FLOAT8OID, INT4OID, BOOLOID,
		INT8OID, BOOLOID, TIMESTAMPTZOID, BOOLOID, TIMESTAMPTZOID, INT4OID, BOOLOID};

		update_plan = prepare(
							  "UPDATE commgrid.care_device_state SET last_fixed_at = $2, last_lon = $3, last_lat = $4,"
							  " outside_count = $5, is_out = $6, exit_alarm_id = $7, battery_low = $8,"
							  " last_seen_at = GREATEST(last_seen_at, $9), no_signal_since = NULL,"
							  " newest_fixed_at = CASE WHEN $10 THEN GREATEST(newest_fixed_at, $11) ELSE newest_fixed_at END,"
							  " district_outside_count = $12, left_district = $13"
							  " WHERE device_id OPERATOR(pg_catalog.=) $1", 13, t);
	}
	{
		Oid			t[] = {TEXTOID, INT8OID, INT8OID, gridcode_type, INT8OID, TIMESTAMPTZOID,
		FLOAT8OID, FLOAT8OID, BOOLOID};

		/* a retransmitted alarm message is stored again but raises its alarm once */
		alarm_plan = prepare(
							 "INSERT INTO commgrid.care_alarm (kind, device_id, resident_id, grid_code, ping_id, fixed_at,"
							 " location, position_assumed)"
							 " SELECT $1, $2, $3, $4, $5, $6,"
							 " CASE WHEN $7 IS NOT NULL THEN public.st_setsrid(public.st_makepoint($7, $8), 4490) END, $9"
							 " WHERE NOT EXISTS (SELECT 1 FROM commgrid.care_alarm a"
							 " WHERE a.device_id OPERATOR(pg_catalog.=) $2 AND a.kind OPERATOR(pg_catalog.=) $1"
							 " AND a.fixed_at OPERATOR(pg_catalog.=) $6 AND $1 OPERATOR(pg_catalog.<>) ALL"
							 " ('{fence_exit,fence_return}'::text[]))"
							 " RETURNING alarm_id", 9, t);
	}
}

/* Metres between two lon/lat points, on the local tangent plane (fences are small) */
static void
local_xy(double lon0, double lat0, double lon, double lat, double *x, double *y)
{
	*x = (lon - lon0) * DEG * cos(lat0 * DEG) * EARTH_RADIUS_M;
	*y = (lat - lat0) * DEG * EARTH_RADIUS_M;
}

static double
distance_m(double lon0, double lat0, double lon, double lat)
{
	double		x,
				y;

	local_xy(lon0, lat0, lon, lat, &x, &y);
	return sqrt(x * x + y * y);
}

static void
fence_wkb_error(const EwkbReader *r, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("unreadable fence polygon"),
			 errdetail("Its well-known binary is %s.", what)));
}

/*
 * Distance in metres from the fix to a polygon (0 inside): even-odd crossing
 * over every ring, and the nearest edge, on the plane around the fix.
 */
static double
polygon_distance_m(bytea *wkb, double lon, double lat)
{
	EwkbReader	r;
	EwkbHeader	h;
	uint32		nrings,
				i;
	bool		inside = false;
	double		best = INFINITY;

	ewkb_reader_init(&r, (const uint8 *) VARDATA_ANY(wkb), VARSIZE_ANY_EXHDR(wkb), fence_wkb_error, NULL);
	ewkb_read_header(&r, &h);
	if (h.type != WKB_POLYGON)
		fence_wkb_error(&r, "not a polygon");
	nrings = ewkb_read_uint32(&r);
	for (i = 0; i < nrings; i++)
	{
		uint32		npoints = ewkb_read_uint32(&r);
		uint32		k;
		double		px = 0,
					py = 0;

		ewkb_need(&r, (uint64) npoints * h.ndims * sizeof(double));
		for (k = 0; k < npoints; k++)
		{
			double		vx,
						vy,
						x,
						y;
			int			d;

			CHECK_FOR_INTERRUPTS();
			/* two statements: the order of evaluation of arguments is unspecified */
			vx = ewkb_read_double(&r);
			vy = ewkb_read_double(&r);
			local_xy(lon, lat, vx, vy, &x, &y);
			for (d = 2; d < h.ndims; d++)
				(void) ewkb_read_double(&r);
			if (k > 0)
			{
				double		ex = x - px,
							ey = y - py,
							len2 = ex * ex + ey * ey,
							t = len2 > 0 ? -(px * ex + py * ey) / len2 : 0,
							cx,
							cy;

				t = t < 0 ? 0 : (t > 1 ? 1 : t);
				cx = px + t * ex;
				cy = py + t * ey;
				best = fmin(best, sqrt(cx * cx + cy * cy));
				/* the ray from the fix (origin) along +x crosses this edge? */
				if ((py > 0) != (y > 0) && px + (0 - py) * (x - px) / (y - py) > 0)
					inside = !inside;
			}
			px = x;
			py = y;
		}
	}
	return inside ? 0.0 : best;
}

/* Where the fix lies against the person's fences active at fixed_at */
static FencePosition
fence_position(int64 resident, TimestampTz fixed_at, double lon, double lat)
{
	Datum		args[2] = {Int64GetDatum(resident), TimestampTzGetDatum(fixed_at)};
	FencePosition result = FENCE_NONE;
	uint64		i;

	if (SPI_execute_plan(fence_plan, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "care_ingest: fence query failed");
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		bool		circle = DatumGetBool(SPI_getbinval(tup, desc, 1, &isnull));
		double		d,
					r,
					ring;

		if (circle)
		{
			double		cx = DatumGetFloat8(SPI_getbinval(tup, desc, 2, &isnull));
			double		cy = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull));

			r = DatumGetFloat8(SPI_getbinval(tup, desc, 4, &isnull));
			d = distance_m(cx, cy, lon, lat);
		}
		else
		{
			r = 0.0;
			d = polygon_distance_m(DatumGetByteaPP(SPI_getbinval(tup, desc, 5, &isnull)), lon, lat);
		}
		ring = r + fmax(0.1 * r, RING_MIN_M);
		if (d <= r)
			return FENCE_INSIDE;
		if (d <= ring)
			result = FENCE_RING;
		else if (result == FENCE_NONE)
			result = FENCE_BEYOND;
	}
	return result;
}

/* The depth of the district level, looked up once */
static int
district_depth(void)
{
	static int	depth = -1;

	if (depth < 0)
		depth = locate_level_depth("district", strlen("district"));
	return depth;
}

/* Raise one alarm (unless it is a retransmission); returns its id or 0 */
static int64
raise_alarm(const char *kind, int64 device, int64 resident, bool resident_null,
			Datum grid, bool grid_null, int64 ping, TimestampTz fixed_at,
			bool has_position, double lon, double lat, bool assumed)
{
	Datum		args[9];
	char		nulls[9];
	bool		isnull;

	memset(nulls, ' ', sizeof(nulls));
	args[0] = CStringGetTextDatum(kind);
	args[1] = Int64GetDatum(device);
	args[2] = Int64GetDatum(resident);
	nulls[2] = resident_null ? 'n' : ' ';
	args[3] = grid;
	nulls[3] = grid_null ? 'n' : ' ';
	args[4] = Int64GetDatum(ping);
	args[5] = TimestampTzGetDatum(fixed_at);
	args[6] = Float8GetDatum(lon);
	args[7] = Float8GetDatum(lat);
	nulls[6] = nulls[7] = has_position ? ' ' : 'n';
	args[8] = BoolGetDatum(assumed);
	if (SPI_execute_plan(alarm_plan, args, nulls, false, 0) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "care_ingest: alarm insert failed");
	if (SPI_processed == 0)
		return 0;
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* The geometry type's binary input, found from the location column */
static Datum
make_point_4490(Oid geometry_type, double lon, double lat)
{
	static FmgrInfo recv;
	static Oid	recv_type = InvalidOid;
	static Oid	typioparam;
	StringInfoData buf;
	uint32		type = WKB_POINT | EWKB_SRID;
	int32		srid = SRID_CGCS2000;
#ifdef WORDS_BIGENDIAN
	char		order = 0;
#else
	char		order = 1;
#endif

	if (recv_type != geometry_type)
	{
		Oid			fn;

		getTypeBinaryInputInfo(geometry_type, &fn, &typioparam);
		fmgr_info_cxt(fn, &recv, TopMemoryContext);
		recv_type = geometry_type;
	}
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, &order, 1);
	appendBinaryStringInfo(&buf, (const char *) &type, 4);
	appendBinaryStringInfo(&buf, (const char *) &srid, 4);
	appendBinaryStringInfo(&buf, (const char *) &lon, 8);
	appendBinaryStringInfo(&buf, (const char *) &lat, 8);
	return ReceiveFunctionCall(&recv, &buf, typioparam, -1);
}

static int
attnum_of(TupleDesc desc, const char *name)
{
	int			n = SPI_fnumber(desc, name);

	if (n <= 0)
		elog(ERROR, "care_ingest: care_ping has no column %s", name);
	return n;
}

#define GET(name) \
	heap_getattr(tuple, attnum_of(desc, name), desc, &isnull)

PG_FUNCTION_INFO_V1(care_ingest);
Datum
care_ingest(PG_FUNCTION_ARGS)
{
	TriggerData *trig = (TriggerData *) fcinfo->context;
	HeapTuple	tuple;
	TupleDesc	desc;
	bool		isnull;
	int64		device,
				ping;
	TimestampTz fixed_at,
				received_at;
	text	   *message;
	char	   *fix_source,
			   *coord_system;
	bool		sos,
				fall,
				removed,
				power_off,
				invalid_fix,
				alarm;
	bool		has_fix = false;
	double		lon = 0,
				lat = 0;
	bool		accuracy_null,
				battery_null;
	double		accuracy;
	int			battery;
	/* state */
	bool		tracking,
				resident_null,
				grid_null,
				last_null,
				is_out,
				battery_low;
	int64		resident = 0,
				exit_alarm;
	bool		exit_alarm_null;
	Datum		grid;
	TimestampTz last_fixed_at = 0;
	TimestampTz newest_fixed_at = 0;
	bool		newest_null;
	double		last_lon = 0,
				last_lat = 0,
				speed_limit,
				accuracy_limit;
	int			outside_count,
				district_outside_count,
				battery_limit;
	bool		left_district;
	const char *status;
	bool		assumed = false;
	Oid			location_type;
	Oid			grid_type;

	/* what the result tuple gets */
	Datum		values[5];
	bool		nulls[5];
	int			cols[5];

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trig->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trig->tg_event) || !TRIGGER_FIRED_BY_INSERT(trig->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("care_ingest must be a BEFORE INSERT row trigger")));
	tuple = trig->tg_trigtuple;
	desc = RelationGetDescr(trig->tg_relation);
	location_type = TupleDescAttr(desc, attnum_of(desc, "location") - 1)->atttypid;
	grid_type = TupleDescAttr(desc, attnum_of(desc, "grid_code") - 1)->atttypid;

	device = DatumGetInt64(GET("device_id"));
	ping = DatumGetInt64(GET("ping_id"));
	fixed_at = DatumGetTimestampTz(GET("fixed_at"));
	received_at = DatumGetTimestampTz(GET("received_at"));
	message = DatumGetTextPP(GET("message"));
	fix_source = TextDatumGetCString(GET("fix_source"));
	coord_system = TextDatumGetCString(GET("coord_system"));
	sos = DatumGetBool(GET("sos"));
	fall = DatumGetBool(GET("fall"));
	removed = DatumGetBool(GET("removed"));
	power_off = DatumGetBool(GET("power_off"));
	invalid_fix = DatumGetBool(GET("invalid_fix"));
	alarm = sos || fall || removed || power_off;
	accuracy = DatumGetFloat4(GET("accuracy_m"));
	accuracy_null = isnull;
	battery = DatumGetInt16(GET("battery"));
	battery_null = isnull;
	{
		Datum		loc = GET("location");

		if (!isnull && point_read_lonlat(loc, &lon, &lat) && !invalid_fix &&
			strcmp(fix_source, "none") != 0 && !(lon == 0.0 && lat == 0.0))
		{
			if (fabs(lon) > 180.0 || fabs(lat) > 90.0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ping location (%g %g) is not a longitude/latitude", lon, lat),
						 errdetail("Device %lld, fixed at %s.", (long long) device, timestamptz_to_str(fixed_at))));
			has_fix = true;
			if (strcmp(coord_system, "gcj02") == 0)
				gcj02_to_wgs84(lon, lat, &lon, &lat);
		}
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "care_ingest: SPI_connect failed");
	prepare_plans(grid_type);

	/* the device's state, locked: pings of one device are ingested one at a time */
	{
		Datum		args[1] = {Int64GetDatum(device)};
		HeapTuple	st;
		TupleDesc	sd;

		if (SPI_execute_plan(state_plan, args, NULL, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "care_ingest: state query failed");
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("device %lld is not registered", (long long) device),
					 errdetail("No row of commgrid.care_device has device_id %lld.", (long long) device),
					 errhint("Register the device (care_device) before loading its pings.")));
		st = SPI_tuptable->vals[0];
		sd = SPI_tuptable->tupdesc;
		tracking = DatumGetBool(SPI_getbinval(st, sd, 1, &isnull));
		resident = DatumGetInt64(SPI_getbinval(st, sd, 2, &resident_null));
		grid = SPI_getbinval(st, sd, 3, &grid_null);
		last_fixed_at = DatumGetTimestampTz(SPI_getbinval(st, sd, 4, &last_null));
		last_lon = DatumGetFloat8(SPI_getbinval(st, sd, 5, &isnull));
		last_lat = DatumGetFloat8(SPI_getbinval(st, sd, 6, &isnull));
		outside_count = DatumGetInt32(SPI_getbinval(st, sd, 7, &isnull));
		is_out = DatumGetBool(SPI_getbinval(st, sd, 8, &isnull));
		exit_alarm = DatumGetInt64(SPI_getbinval(st, sd, 9, &exit_alarm_null));
		battery_low = DatumGetBool(SPI_getbinval(st, sd, 10, &isnull));
		newest_fixed_at = DatumGetTimestampTz(SPI_getbinval(st, sd, 11, &newest_null));
		district_outside_count = DatumGetInt32(SPI_getbinval(st, sd, 12, &isnull));
		left_district = DatumGetBool(SPI_getbinval(st, sd, 13, &isnull));
		speed_limit = DatumGetFloat8(SPI_getbinval(st, sd, 14, &isnull));
		accuracy_limit = DatumGetFloat8(SPI_getbinval(st, sd, 15, &isnull));
		battery_limit = DatumGetInt32(SPI_getbinval(st, sd, 16, &isnull));
	}
	/* gridcode is 8 bytes by value (gridcode.h), so it survives SPI_finish */
	Assert(get_typbyval(grid_type));

	/* a duplicate is dropped; an alarm never is */
	if (!alarm)
	{
		Datum		args[3] = {Int64GetDatum(device), TimestampTzGetDatum(fixed_at), PointerGetDatum(message)};

		if (SPI_execute_plan(duplicate_plan, args, NULL, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "care_ingest: duplicate query failed");
		if (SPI_processed > 0)
		{
			SPI_finish();
			return PointerGetDatum(NULL);
		}
	}

	/* no consent, no tracking: a plain ping is not kept; an alarm is, without position */
	if (!tracking)
	{
		if (!alarm)
		{
			SPI_finish();
			return PointerGetDatum(NULL);
		}
		status = "no_consent";
		has_fix = false;
	}
	else if (!has_fix)
		status = "no_fix";
	else if (!newest_null && fixed_at <= newest_fixed_at)
		status = "out_of_order";
	else if (strcmp(fix_source, "cell") == 0)
		status = "cell";
	else if (!accuracy_null && accuracy > accuracy_limit)
		status = "inaccurate";
	else if (!last_null &&
			 distance_m(last_lon, last_lat, lon, lat) * 3.6 >
			 speed_limit * ((double) (fixed_at - last_fixed_at) / USECS_PER_SEC))
		status = "jump";
	else
		status = "accepted";

	if (strcmp(status, "accepted") == 0)
	{
		FencePosition where = resident_null ? FENCE_NONE :
			fence_position(resident, fixed_at, lon, lat);

		if (where == FENCE_INSIDE)
		{
			outside_count = 0;
			if (is_out)
			{
				is_out = false;
				exit_alarm_null = true;
				raise_alarm("fence_return", device, resident, resident_null, grid, grid_null,
							ping, fixed_at, true, lon, lat, false);
			}
		}
		else if (where == FENCE_BEYOND && !is_out)
		{
			outside_count++;
			if (outside_count >= 2)
			{
				is_out = true;
				exit_alarm = raise_alarm("fence_exit", device, resident, resident_null, grid, grid_null,
										 ping, fixed_at, true, lon, lat, false);
				exit_alarm_null = false;
			}
		}
		/*
		 * The district: outside every district-level area (the engine's
		 * index, as locate() answers) on two consecutive accepted fixes, so
		 * one fix jittering over the border raises nothing; once per
		 * excursion, until an accepted fix is inside again.
		 */
		if (!resident_null)
		{
			GridCode	district;

			if (locate_point(district_depth(), lon, lat, &district))
			{
				district_outside_count = 0;
				left_district = false;
			}
			else if (!left_district && ++district_outside_count >= 2)
			{
				left_district = true;
				raise_alarm("left_district", device, resident, resident_null, grid, grid_null,
							ping, fixed_at, true, lon, lat, false);
			}
		}
		last_fixed_at = fixed_at;
		last_lon = lon;
		last_lat = lat;
		last_null = false;
	}

	/* alarms: whatever the filters said; without a fix, the last known position */
	if (alarm || (!battery_null && strcmp(status, "out_of_order") != 0))
	{
		bool		pos = has_fix || (tracking && !last_null);
		double		alon = has_fix ? lon : last_lon;
		double		alat = has_fix ? lat : last_lat;

		assumed = !has_fix && pos;
		if (sos)
			raise_alarm("sos", device, resident, resident_null, grid, grid_null, ping, fixed_at, pos, alon, alat, assumed);
		if (fall)
			raise_alarm("fall", device, resident, resident_null, grid, grid_null, ping, fixed_at, pos, alon, alat, assumed);
		if (removed)
			raise_alarm("removed", device, resident, resident_null, grid, grid_null, ping, fixed_at, pos, alon, alat, assumed);
		if (power_off)
			raise_alarm("power_off", device, resident, resident_null, grid, grid_null, ping, fixed_at, pos, alon, alat, assumed);
		if (!battery_null && strcmp(status, "out_of_order") != 0 && tracking)
		{
			if (battery <= battery_limit && !battery_low)
			{
				battery_low = true;
				raise_alarm("low_battery", device, resident, resident_null, grid, grid_null, ping, fixed_at, pos, alon, alat, assumed);
			}
			else if (battery > battery_limit)
				battery_low = false;
		}
	}

	{
		Datum		args[13];
		char		n[13];

		memset(n, ' ', sizeof(n));
		args[0] = Int64GetDatum(device);
		args[1] = TimestampTzGetDatum(last_fixed_at);
		args[2] = Float8GetDatum(last_lon);
		args[3] = Float8GetDatum(last_lat);
		n[1] = n[2] = n[3] = last_null ? 'n' : ' ';
		args[4] = Int32GetDatum(outside_count);
		args[5] = BoolGetDatum(is_out);
		args[6] = Int64GetDatum(exit_alarm);
		n[6] = exit_alarm_null ? 'n' : ' ';
		args[7] = BoolGetDatum(battery_low);
		args[8] = TimestampTzGetDatum(received_at);
		args[9] = BoolGetDatum(has_fix);
		args[10] = TimestampTzGetDatum(fixed_at);
		args[11] = Int32GetDatum(district_outside_count);
		args[12] = BoolGetDatum(left_district);
		if (SPI_execute_plan(update_plan, args, n, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "care_ingest: state update failed");
	}
	SPI_finish();

	/* the stored row: 4490 location (or the last known one for an alarm), wearer, status */
	cols[0] = attnum_of(desc, "location");
	if (has_fix)
		values[0] = make_point_4490(location_type, lon, lat), nulls[0] = false;
	else if (assumed)
		values[0] = make_point_4490(location_type, last_lon, last_lat), nulls[0] = false;
	else
		values[0] = (Datum) 0, nulls[0] = true;
	cols[1] = attnum_of(desc, "resident_id");
	values[1] = Int64GetDatum(resident);
	nulls[1] = resident_null;
	cols[2] = attnum_of(desc, "grid_code");
	values[2] = grid;
	nulls[2] = grid_null;
	cols[3] = attnum_of(desc, "status");
	values[3] = CStringGetTextDatum(status);
	nulls[3] = false;
	cols[4] = attnum_of(desc, "position_assumed");
	values[4] = BoolGetDatum(assumed);
	nulls[4] = false;
	return PointerGetDatum(heap_modify_tuple_by_cols(tuple, desc, 5, cols, values, nulls));
}
