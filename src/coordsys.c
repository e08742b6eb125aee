/*
 * coordsys.c
 *	  Point conversions between the coordinate systems of Chinese web maps:
 *	  WGS-84 / CGCS2000 (GPS, government GIS), GCJ-02 (Amap, Tencent) and
 *	  BD-09 (Baidu), in every direction.
 *
 * The forward conversions are the published formulas: GCJ-02 adds an offset
 * computed on the Krasovsky ellipsoid from two trigonometric polynomials of
 * (longitude - 105, latitude - 35), and is the identity outside a rough
 * bounding box of China; BD-09 perturbs the GCJ-02 point in polar form and
 * shifts it.  Neither has a closed-form inverse, so the inverses solve
 * forward(p) = q by fixed-point iteration: the offsets change by less than
 * 0.3 % of a step per step, so every iteration gains more than two digits and
 * a few iterations reach the limit of double precision.
 *
 * Geometries are read and written as EWKB through the geometry type's own
 * binary send and receive functions, the documented format, so nothing here
 * depends on PostGIS's internal layout or links against it.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "coordsys.h"
#include "echo.h"
#include "ewkb_reader.h"
#include "srid.h"

typedef enum CoordSystem
{
	CS_WGS84,
	CS_CGCS2000,
	CS_GCJ02,
	CS_BD09
} CoordSystem;

static const char *const coord_system_names[] = {"wgs84", "cgcs2000", "gcj02", "bd09"};

/* GCJ-02: Krasovsky 1940 semi-major axis and first eccentricity squared */
#define GCJ_A		6378245.0
#define GCJ_EE		0.00669342162296594323

/* BD-09 */
#define BD_X_PI		(M_PI * 3000.0 / 180.0)
#define BD_DLON		0.0065
#define BD_DLAT		0.006

/* inverse iteration: stop when forward(p) is this close to the target (degrees) */
#define INVERSE_TOLERANCE	1e-12
#define INVERSE_MAX_STEPS	50

/* A point as read from EWKB */
typedef struct EwkbPoint
{
	int32		srid;
	bool		has_z;
	bool		has_m;
	bool		empty;
	double		x,
				y,
				z,
				m;
} EwkbPoint;

/* Per-call-site cache of the geometry type's binary I/O functions */
typedef struct GeometryIO
{
	Oid			typoid;
	Oid			typioparam;
	FmgrInfo	send;
	FmgrInfo	recv;
} GeometryIO;

PG_FUNCTION_INFO_V1(coordsys_convert);
PG_FUNCTION_INFO_V1(coordsys_wgs84_to_gcj02);
PG_FUNCTION_INFO_V1(coordsys_gcj02_to_wgs84);
PG_FUNCTION_INFO_V1(coordsys_gcj02_to_bd09);
PG_FUNCTION_INFO_V1(coordsys_bd09_to_gcj02);
PG_FUNCTION_INFO_V1(coordsys_wgs84_to_bd09);
PG_FUNCTION_INFO_V1(coordsys_bd09_to_wgs84);

/*
 * The published rough test for "inside China": outside this box GCJ-02 is
 * defined to equal WGS-84.
 */
static bool
gcj_out_of_china(double lon, double lat)
{
	return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

/* The published latitude offset polynomial, in metres on the Krasovsky sphere */
static double
gcj_offset_lat(double x, double y)
{
	double		r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y +
		0.2 * sqrt(fabs(x));

	r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
	r += (20.0 * sin(y * M_PI) + 40.0 * sin(y / 3.0 * M_PI)) * 2.0 / 3.0;
	r += (160.0 * sin(y / 12.0 * M_PI) + 320.0 * sin(y * M_PI / 30.0)) * 2.0 / 3.0;
	return r;
}

/* The published longitude offset polynomial */
static double
gcj_offset_lon(double x, double y)
{
	double		r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y +
		0.1 * sqrt(fabs(x));

	r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
	r += (20.0 * sin(x * M_PI) + 40.0 * sin(x / 3.0 * M_PI)) * 2.0 / 3.0;
	r += (150.0 * sin(x / 12.0 * M_PI) + 300.0 * sin(x / 30.0 * M_PI)) * 2.0 / 3.0;
	return r;
}

/* WGS-84 to GCJ-02: the offsets turned into degrees on the Krasovsky ellipsoid */
static void
wgs84_to_gcj02(double lon, double lat, double *out_lon, double *out_lat)
{
	double		dlat,
				dlon,
				radlat,
				magic,
				sqrtmagic;

	if (gcj_out_of_china(lon, lat))
	{
		*out_lon = lon;
		*out_lat = lat;
		return;
	}
	dlat = gcj_offset_lat(lon - 105.0, lat - 35.0);
	dlon = gcj_offset_lon(lon - 105.0, lat - 35.0);
	radlat = lat / 180.0 * M_PI;
	magic = sin(radlat);
	magic = 1.0 - GCJ_EE * magic * magic;
	sqrtmagic = sqrt(magic);
	dlat = (dlat * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrtmagic) * M_PI);
	dlon = (dlon * 180.0) / (GCJ_A / sqrtmagic * cos(radlat) * M_PI);
	*out_lon = lon + dlon;
	*out_lat = lat + dlat;
}

/* GCJ-02 to BD-09: Baidu's published polar perturbation and shift */
static void
gcj02_to_bd09(double lon, double lat, double *out_lon, double *out_lat)
{
	double		z = sqrt(lon * lon + lat * lat) + 0.00002 * sin(lat * BD_X_PI);
	double		theta = atan2(lat, lon) + 0.000003 * cos(lon * BD_X_PI);

	*out_lon = z * cos(theta) + BD_DLON;
	*out_lat = z * sin(theta) + BD_DLAT;
}

/*
 * Solve forward(p) = target by fixed-point iteration from a first guess:
 * p <- p - (forward(p) - target).  Keeps the best iterate, so a point where
 * the iteration cannot settle (only next to the edges of GCJ-02's box, where
 * the forward map jumps) still gets the closest answer found.
 */
static void
invert(void (*forward) (double, double, double *, double *),
	   double lon, double lat, double guess_lon, double guess_lat,
	   double *out_lon, double *out_lat)
{
	double		x = guess_lon,
				y = guess_lat,
				best_x = guess_lon,
				best_y = guess_lat,
				best_err = INFINITY;
	int			step;

	for (step = 0; step < INVERSE_MAX_STEPS; step++)
	{
		double		fx,
					fy,
					dx,
					dy,
					err;

		forward(x, y, &fx, &fy);
		dx = fx - lon;
		dy = fy - lat;
		err = fmax(fabs(dx), fabs(dy));
		if (err < best_err)
		{
			best_err = err;
			best_x = x;
			best_y = y;
		}
		if (err <= INVERSE_TOLERANCE)
			break;
		x -= dx;
		y -= dy;
	}
	*out_lon = best_x;
	*out_lat = best_y;
}

/* GCJ-02 to WGS-84, by iteration from the point itself; also used by care_ingest.c */
void
gcj02_to_wgs84(double lon, double lat, double *out_lon, double *out_lat)
{
	if (gcj_out_of_china(lon, lat))
	{
		*out_lon = lon;
		*out_lat = lat;
		return;
	}
	invert(wgs84_to_gcj02, lon, lat, lon, lat, out_lon, out_lat);
}

/* BD-09 to GCJ-02, by iteration from Baidu's published approximate inverse */
static void
bd09_to_gcj02(double lon, double lat, double *out_lon, double *out_lat)
{
	double		x = lon - BD_DLON;
	double		y = lat - BD_DLAT;
	double		z = sqrt(x * x + y * y) - 0.00002 * sin(y * BD_X_PI);
	double		theta = atan2(y, x) - 0.000003 * cos(x * BD_X_PI);

	invert(gcj02_to_bd09, lon, lat, z * cos(theta), z * sin(theta),
		   out_lon, out_lat);
}

/* Convert a longitude/latitude pair between two systems */
static void
convert_lonlat(CoordSystem from, CoordSystem to, double lon, double lat,
			   double *out_lon, double *out_lat)
{
	bool		from_wgs = (from == CS_WGS84 || from == CS_CGCS2000);
	bool		to_wgs = (to == CS_WGS84 || to == CS_CGCS2000);

	/* first to GCJ-02 (or stay on the WGS side), then on to the target */
	if (from_wgs && to_wgs)
	{
		*out_lon = lon;
		*out_lat = lat;
		return;
	}
	if (from == CS_BD09)
		bd09_to_gcj02(lon, lat, &lon, &lat);
	else if (from_wgs)
		wgs84_to_gcj02(lon, lat, &lon, &lat);
	/* now (lon, lat) is GCJ-02 */
	if (to == CS_BD09)
		gcj02_to_bd09(lon, lat, &lon, &lat);
	else if (to_wgs)
		gcj02_to_wgs84(lon, lat, &lon, &lat);
	*out_lon = lon;
	*out_lat = lat;
}

/* Parse a system name: wgs84, cgcs2000, gcj02 or bd09, any case, with - _ or space */
static CoordSystem
coord_system_from_text(text *name, const char *argname)
{
	char	   *raw = text_to_cstring(name);
	char		norm[16];
	int			n = 0;
	int			i;
	const char *p;

	for (p = raw; *p; p++)
	{
		if (*p == '-' || *p == '_' || *p == ' ')
			continue;
		if (n >= (int) sizeof(norm) - 1)
		{
			n = 0;
			break;
		}
		norm[n++] = pg_ascii_tolower((unsigned char) *p);
	}
	norm[n] = '\0';
	for (i = 0; i < lengthof(coord_system_names); i++)
		if (strcmp(norm, coord_system_names[i]) == 0)
			return (CoordSystem) i;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown coordinate system \"%s\"", echo_value(raw)),
			 errdetail("%s must be one of wgs84, cgcs2000, gcj02 or bd09.", argname)));
	pg_unreachable();
}

/* The geometry type's binary I/O, found once per call site from our own signature */
static GeometryIO *
geometry_io(FunctionCallInfo fcinfo)
{
	GeometryIO *io = (GeometryIO *) fcinfo->flinfo->fn_extra;

	if (io == NULL)
	{
		Oid		   *argtypes;
		int			nargs;
		Oid			sendfn,
					recvfn;
		bool		isvarlena;

		io = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(GeometryIO));
		(void) get_func_signature(fcinfo->flinfo->fn_oid, &argtypes, &nargs);
		io->typoid = argtypes[0];
		pfree(argtypes);
		getTypeBinaryOutputInfo(io->typoid, &sendfn, &isvarlena);
		getTypeBinaryInputInfo(io->typoid, &recvfn, &io->typioparam);
		fmgr_info_cxt(sendfn, &io->send, fcinfo->flinfo->fn_mcxt);
		fmgr_info_cxt(recvfn, &io->recv, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = io;
	}
	return io;
}

/* Raise the error for a geometry whose binary form we cannot read */
static void
geometry_wkb_error(const EwkbReader *r, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("unexpected binary form of a geometry"),
			 errdetail("Its well-known binary is %s.", what)));
}

/* Decode a geometry's EWKB, which must be a point; errors name what it is instead */
static void
read_point(FunctionCallInfo fcinfo, Datum geom, EwkbPoint *pt)
{
	GeometryIO *io = geometry_io(fcinfo);
	bytea	   *wkb = DatumGetByteaPP(SendFunctionCall(&io->send, geom));
	EwkbReader	r;
	EwkbHeader	header;

	ewkb_reader_init(&r, (const uint8 *) VARDATA_ANY(wkb), VARSIZE_ANY_EXHDR(wkb),
					 geometry_wkb_error, NULL);
	ewkb_read_header(&r, &header);
	if (header.type != WKB_POINT)
	{
		static const char *const names[] = {"geometry", "point", "linestring",
			"polygon", "multipoint", "multilinestring", "multipolygon",
		"geometrycollection"};

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("location must be a point"),
				 errdetail("The geometry is a %s.",
						   header.type < lengthof(names) ? names[header.type] : "curve or surface"),
				 errhint("Convert each point separately, e.g. over ST_DumpPoints.")));
	}
	pt->srid = header.srid;
	pt->has_z = header.has_z;
	pt->has_m = header.has_m;
	pt->x = ewkb_read_double(&r);
	pt->y = ewkb_read_double(&r);
	pt->z = pt->has_z ? ewkb_read_double(&r) : 0.0;
	pt->m = pt->has_m ? ewkb_read_double(&r) : 0.0;
	/* WKB writes an empty point as NaN NaN */
	pt->empty = isnan(pt->x) && isnan(pt->y);
}

/* Build a point geometry through the type's receive function (EWKB, native order) */
static Datum
make_point(FunctionCallInfo fcinfo, const EwkbPoint *pt)
{
	GeometryIO *io = geometry_io(fcinfo);
	StringInfoData buf;
	uint32		type = WKB_POINT | EWKB_SRID;
#ifdef WORDS_BIGENDIAN
	char		order = 0;
#else
	char		order = 1;
#endif

	if (pt->has_z)
		type |= EWKB_Z;
	if (pt->has_m)
		type |= EWKB_M;
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, &order, 1);
	appendBinaryStringInfo(&buf, (const char *) &type, 4);
	appendBinaryStringInfo(&buf, (const char *) &pt->srid, 4);
	appendBinaryStringInfo(&buf, (const char *) &pt->x, 8);
	appendBinaryStringInfo(&buf, (const char *) &pt->y, 8);
	if (pt->has_z)
		appendBinaryStringInfo(&buf, (const char *) &pt->z, 8);
	if (pt->has_m)
		appendBinaryStringInfo(&buf, (const char *) &pt->m, 8);
	return ReceiveFunctionCall(&io->recv, &buf, io->typioparam, -1);
}

/*
 * Convert one point geometry.  Input SRIDs: 4326, 4490 or 0 (unlabelled).
 * GCJ-02 and BD-09 have no EPSG code, so their points come out with SRID 0,
 * which keeps them from being mixed with real longitude/latitude data;
 * wgs84 gives 4326 and cgcs2000 gives 4490.
 */
static Datum
convert_point(FunctionCallInfo fcinfo, Datum geom, CoordSystem from, CoordSystem to,
			  bool *isnull)
{
	EwkbPoint	pt;

	read_point(fcinfo, geom, &pt);
	*isnull = false;
	if (pt.empty)
	{
		*isnull = true;
		return (Datum) 0;
	}
	if (pt.srid != SRID_UNKNOWN && pt.srid != SRID_WGS84 && pt.srid != SRID_CGCS2000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("location has SRID %d", pt.srid),
				 errdetail("Conversions between %s and %s take longitude/latitude points with SRID "
						   CppAsString2(SRID_WGS84) ", " CppAsString2(SRID_CGCS2000) " or " CppAsString2(SRID_UNKNOWN) ".",
						   coord_system_names[from], coord_system_names[to]),
				 errhint("Transform it with ST_Transform(location, " CppAsString2(SRID_WGS84) ") first.")));
	if (!isfinite(pt.x) || !isfinite(pt.y))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("location has a coordinate that is not a finite number"),
				 errdetail("The point is (%g %g).", pt.x, pt.y)));
	if (fabs(pt.x) > 180.0 || fabs(pt.y) > 90.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("location (%g %g) is not a longitude/latitude", pt.x, pt.y),
				 errdetail("Longitude must lie within [-180, 180] and latitude within [-90, 90]."),
				 errhint("A projected point must be transformed to EPSG:" CppAsString2(SRID_WGS84) " first.")));

	convert_lonlat(from, to, pt.x, pt.y, &pt.x, &pt.y);
	pt.srid = (to == CS_WGS84) ? SRID_WGS84 :
		(to == CS_CGCS2000) ? SRID_CGCS2000 : SRID_UNKNOWN;
	return make_point(fcinfo, &pt);
}

/* convert_coordinates(location, from_system, to_system) */
Datum
coordsys_convert(PG_FUNCTION_ARGS)
{
	CoordSystem from = coord_system_from_text(PG_GETARG_TEXT_PP(1), "from_system");
	CoordSystem to = coord_system_from_text(PG_GETARG_TEXT_PP(2), "to_system");
	bool		isnull;
	Datum		result = convert_point(fcinfo, PG_GETARG_DATUM(0), from, to, &isnull);

	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/* The named conversions: one entry point each, no name parsing per row */
#define NAMED_CONVERSION(fname, from, to) \
Datum \
fname(PG_FUNCTION_ARGS) \
{ \
	bool		isnull; \
	Datum		result = convert_point(fcinfo, PG_GETARG_DATUM(0), from, to, &isnull); \
\
	if (isnull) \
		PG_RETURN_NULL(); \
	PG_RETURN_DATUM(result); \
}

NAMED_CONVERSION(coordsys_wgs84_to_gcj02, CS_WGS84, CS_GCJ02)
NAMED_CONVERSION(coordsys_gcj02_to_wgs84, CS_GCJ02, CS_WGS84)
NAMED_CONVERSION(coordsys_gcj02_to_bd09, CS_GCJ02, CS_BD09)
NAMED_CONVERSION(coordsys_bd09_to_gcj02, CS_BD09, CS_GCJ02)
NAMED_CONVERSION(coordsys_wgs84_to_bd09, CS_WGS84, CS_BD09)
NAMED_CONVERSION(coordsys_bd09_to_wgs84, CS_BD09, CS_WGS84)
