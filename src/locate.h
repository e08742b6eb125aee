/*
 * locate.h
 *	  The spatial assignment engine: reading a point, and the per-backend
 *	  cache of boundary indexes (boundary_index.h) that answers which area
 *	  holds it.  Shared by point_reader.c, locate.c and assign_location.c.
 */
#ifndef LOCATE_H
#define LOCATE_H

#include "postgres.h"
#include "fmgr.h"

#include "gridcode.h"

/* point_reader.c */
extern bool point_read_lonlat(Datum geometry, double *x, double *y);
extern bool point_peek_lonlat(Datum geometry, double *x, double *y);

/* locate.c */
extern int	locate_level_depth(const char *name, int len);
extern int	locate_level_depth_if_known(const char *name);
extern const char *locate_level_name(int depth);
extern bool locate_point(int depth, double x, double y, GridCode *code);
extern void locate_prefetch(int depth, double x, double y);
extern void boundary_lock_for_write(void);
extern bool locate_point_for_write(int depth, double x, double y, GridCode *code);
/* the most rows locate_batch_for_write takes at once */
#define LOCATE_BATCH_MAX 16
extern void locate_batch_for_write(const void *owner, int depth, const double *x, const double *y, int n);
extern void locate_batch_expect(int i);
extern bool locate_batch_answer(int depth, double x, double y, bool *found, GridCode *code);
extern int	locate_batch_taken(const void *owner);

/* assign_lookahead.c */
extern void assign_lookahead_init(void);

#endif							/* LOCATE_H */
