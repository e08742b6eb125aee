/*
 * shared_index.h
 *	  Boundary indexes shared by every backend through dynamic shared memory,
 *	  when pg_commgrid is in shared_preload_libraries (shared_index.c).  Used
 *	  by locate.c's cache, which decides when a shared index may be used.
 */
#ifndef SHARED_INDEX_H
#define SHARED_INDEX_H

#include "postgres.h"

#include "storage/dsm.h"

#include "boundary_index.h"

extern void shared_index_init(void);
extern bool shared_index_enabled(void);
extern BoundaryIndex *shared_index_attach(int depth, const char *level, TransactionId xmin,
										  int64 counter, dsm_segment **segment);
extern BoundaryIndex *shared_index_publish(int depth, const char *level, TransactionId xmin,
										   int64 counter, bool replace_newer,
										   const BoundaryIndex *built, dsm_segment **segment);

#endif							/* SHARED_INDEX_H */
