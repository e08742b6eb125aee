/*
 * point_reader.c
 *	  Read the longitude and latitude of a PostGIS point straight from its
 *	  serialized form (GSERIALIZED version 1 of PostGIS 2 and version 2 of
 *	  PostGIS 3), without a function call into PostGIS and without copying
 *	  the datum: this is the per-row cost of locate().
 *
 * Layout (both versions): varlena header, 3 bytes SRID (21 bits, sign
 * extended), 1 byte flags, [v2 with EXTENDED: 8 bytes extended flags],
 * [BBOX: float4 per dimension, min and max], then uint32 type, uint32
 * number of points, and the coordinates as float8 in machine byte order.
 */
#include "postgres.h"

#include <math.h>

#include "locate.h"
#include "srid.h"

#define GFLAG_Z			0x01
#define GFLAG_M			0x02
#define GFLAG_BBOX		0x04
#define GFLAG_GEODETIC	0x08
#define G2FLAG_EXTENDED 0x10	/* v2 only; in v1 0x10 is "read only" */
#define G2FLAG_VERSION	0x40	/* set in v2, never in v1 */

#define POINTTYPE		1

static const char *const geometry_type_names[] = {
	"Unknown", "Point", "LineString", "Polygon", "MultiPoint",
	"MultiLineString", "MultiPolygon", "GeometryCollection",
	"CircularString", "CompoundCurve", "CurvePolygon", "MultiCurve",
	"MultiSurface", "PolyhedralSurface", "Triangle", "Tin"
};

/* Name of a serialized geometry type number for error messages */
static const char *
geometry_type_name(uint32 type)
{
	if (type < lengthof(geometry_type_names))
		return geometry_type_names[type];
	return "unknown geometry type";
}

/* Raise the error for a datum that is not a geometry we understand */
static void
malformed_geometry(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("cannot read the location geometry"),
			 errdetail("The serialized geometry is %s.", what)));
}

/* What reading a serialized geometry as a point found */
typedef enum PointFound
{
	POINT_OK,
	POINT_EMPTY,
	POINT_SHORT_HEADER,
	POINT_GEODETIC,
	POINT_SHORT_TYPE,
	POINT_NOT_POINT,
	POINT_BAD_SRID,
	POINT_SHORT_COORDS,
	POINT_NOT_FINITE
} PointFound;

/*
 * The one reading of the layout, for the reader that raises errors and for
 * the one that only peeks.  Sets *srid and *type as far as it got, and x
 * and y for POINT_OK and POINT_NOT_FINITE.
 */
static PointFound
point_parse(struct varlena *v, int32 *srid, uint32 *type, double xy[2])
{
	const uint8 *p = (const uint8 *) VARDATA_ANY(v);
	const uint8 *end = p + VARSIZE_ANY_EXHDR(v);
	uint8		flags;
	uint32		npoints;
	int			ndims;

	if (end - p < 4)
		return POINT_SHORT_HEADER;
	*srid = (int32) (((uint32) p[0] << 16) | ((uint32) p[1] << 8) | p[2]);
	*srid = (*srid << 11) >> 11;
	flags = p[3];
	p += 4;

	if (flags & GFLAG_GEODETIC)
		return POINT_GEODETIC;
	ndims = 2 + ((flags & GFLAG_Z) ? 1 : 0) + ((flags & GFLAG_M) ? 1 : 0);
	if ((flags & G2FLAG_VERSION) && (flags & G2FLAG_EXTENDED))
		p += 8;
	if (flags & GFLAG_BBOX)
		p += 2 * ndims * sizeof(float4);
	if (end - p < 8)
		return POINT_SHORT_TYPE;
	memcpy(type, p, sizeof(uint32));
	memcpy(&npoints, p + 4, sizeof(uint32));
	p += 8;

	/* an empty geometry of any type has a zero count of points or parts */
	if (npoints == 0)
		return POINT_EMPTY;
	if (*type != POINTTYPE)
		return POINT_NOT_POINT;
	if (*srid != SRID_CGCS2000 && *srid != SRID_WGS84)
		return POINT_BAD_SRID;
	if (end - p < (ptrdiff_t) (ndims * sizeof(double)))
		return POINT_SHORT_COORDS;
	memcpy(xy, p, 2 * sizeof(double));
	if (!isfinite(xy[0]) || !isfinite(xy[1]))
		return POINT_NOT_FINITE;
	return POINT_OK;
}

/*
 * Read a point's x and y.  Returns false for an empty geometry; raises an error
 * for a non-point, an SRID other than 4490 or 4326, or a NaN or infinite
 * coordinate.  4326 (WGS-84) is accepted as is: it agrees with CGCS2000 to a
 * few centimetres, far below the accuracy of any grid boundary.
 */
bool
point_read_lonlat(Datum geometry, double *x, double *y)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(geometry);
	int32		srid = 0;
	uint32		type = 0;
	double		xy[2];

	/*
	 * A short or plain in-line value (the common case) needs no copy.  A
	 * TOAST pointer has a one-byte header too: it is fetched, as is a
	 * compressed value.
	 */
	if (VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v))
		v = pg_detoast_datum_packed(v);

	switch (point_parse(v, &srid, &type, xy))
	{
		case POINT_OK:
			break;
		case POINT_EMPTY:
			return false;
		case POINT_SHORT_HEADER:
			malformed_geometry("shorter than its header");
			break;
		case POINT_GEODETIC:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("location must be a geometry, not a geography"),
					 errhint("Cast it: location::geometry.")));
			break;
		case POINT_SHORT_TYPE:
			malformed_geometry("shorter than its type and size");
			break;
		case POINT_NOT_POINT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("location must be a point, not a %s", geometry_type_name(type)),
					 errhint("Use ST_PointOnSurface or ST_Centroid for a footprint, or commgrid.footprint_shares for a campus.")));
			break;
		case POINT_BAD_SRID:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("location has SRID %d", srid),
					 errdetail("Locations must be longitude/latitude in EPSG:" CppAsString2(SRID_CGCS2000) " (CGCS2000) or EPSG:" CppAsString2(SRID_WGS84) " (WGS-84)."),
					 errhint(srid == SRID_UNKNOWN ?
							 "Set the SRID with ST_SetSRID(location, " CppAsString2(SRID_CGCS2000) ") if the coordinates are longitude/latitude." :
							 "Transform it with ST_Transform(location, " CppAsString2(SRID_CGCS2000) ").")));
			break;
		case POINT_SHORT_COORDS:
			malformed_geometry("shorter than its coordinates");
			break;
		case POINT_NOT_FINITE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("location has a non-finite coordinate"),
					 errdetail("The point is (%g %g).", xy[0], xy[1])));
			break;
	}
	*x = xy[0];
	*y = xy[1];
	return true;
}

/*
 * A point's x and y when it is one point_read_lonlat would read, in line
 * and uncompressed; false for anything else, without an error or a copy.  For a hint taken
 * ahead of the row's turn (assign_lookahead.c), whose own read raises any
 * error in its turn.
 */
bool
point_peek_lonlat(Datum geometry, double *x, double *y)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(geometry);
	int32		srid;
	uint32		type;
	double		xy[2];

	if (VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v))
		return false;
	if (point_parse(v, &srid, &type, xy) != POINT_OK)
		return false;
	*x = xy[0];
	*y = xy[1];
	return true;
}
