/*
 * coordsys.h
 *	  The one GCJ-02 to WGS-84 conversion, shared by coordsys.c (the SQL
 *	  functions) and care_ingest.c (device fixes resolved by Chinese map services).
 */
#ifndef COORDSYS_H
#define COORDSYS_H

extern void gcj02_to_wgs84(double lon, double lat, double *out_lon, double *out_lat);

#endif							/* COORDSYS_H */
