/*
 * srid.h
 *	  The spatial reference systems the C code names, in one place, so that
 *	  every reader of a location refuses and accepts the same ones.
 *
 * CppAsString2(SRID_CGCS2000) gives "4490", for messages that name an SRID.
 */
#ifndef SRID_H
#define SRID_H

/* no SRID set (ST_SetSRID has not been called); also GCJ-02 and BD-09 */
#define SRID_UNKNOWN	0

/* longitude/latitude on (practically) one datum: they agree to a few cm */
#define SRID_CGCS2000	4490	/* China Geodetic Coordinate System 2000 */
#define SRID_WGS84		4326	/* WGS 84, as GPS reports it */

#endif							/* SRID_H */
