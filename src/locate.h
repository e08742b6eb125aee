/*
 * locate.h
 *	  The spatial assignment engine: reading a point, the in-memory boundary
 *	  index of one level, and the per-backend cache that keeps those indexes
 *	  current.  Shared by point_reader.c, boundary_index.c, locate.c and
 *	  assign_location.c.
 */
#ifndef LOCATE_H
#define LOCATE_H

#include "postgres.h"
#include "fmgr.h"

#include "gridcode.h"

/* SRIDs whose coordinates are longitude/latitude on (practically) one datum */
#define SRID_CGCS2000	4490
#define SRID_WGS84		4326

/* point_reader.c */
extern bool point_read_lonlat(Datum geometry, double *x, double *y);

/* boundary_index.c */
typedef struct BoundaryIndex BoundaryIndex;

typedef struct BoundaryIndexBuilder BoundaryIndexBuilder;

extern BoundaryIndexBuilder *boundary_index_begin(void);
extern void boundary_index_add_wkb(BoundaryIndexBuilder *builder, GridCode code,
								   const uint8 *wkb, size_t len);
extern BoundaryIndex *boundary_index_finish(BoundaryIndexBuilder *builder, const char *level);
extern void boundary_index_keep(BoundaryIndex *index);
extern void boundary_index_free(BoundaryIndex *index);
extern bool boundary_index_lookup(const BoundaryIndex *index, double x, double y,
								  GridCode *code);
extern int	boundary_index_area_count(const BoundaryIndex *index);
extern void boundary_index_define_settings(void);

/* locate.c */
extern int	locate_level_depth(const char *name, int len);
extern const char *locate_level_name(int depth);
extern bool locate_point(int depth, double x, double y, GridCode *code);
extern void boundary_lock_for_write(void);
extern bool locate_point_for_write(int depth, double x, double y, GridCode *code);

#endif							/* LOCATE_H */
