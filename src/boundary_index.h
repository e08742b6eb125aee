/*
 * boundary_index.h
 *	  The in-memory index of the boundaries of one level, answering which
 *	  area holds a point under the half-open rule (boundary_index.c).  Built
 *	  and cached by locate.c.
 */
#ifndef BOUNDARY_INDEX_H
#define BOUNDARY_INDEX_H

#include "postgres.h"

#include "gridcode.h"

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
extern void boundary_index_prefetch(const BoundaryIndex *index, double x, double y);
extern void boundary_index_define_settings(void);
extern Size boundary_index_flat_size(const BoundaryIndex *index);
extern void boundary_index_flatten(const BoundaryIndex *index, void *dest);
extern BoundaryIndex *boundary_index_from_flat(const void *flat);
extern Size boundary_index_memory(const BoundaryIndex *index);

#endif							/* BOUNDARY_INDEX_H */
