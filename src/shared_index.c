/*
 * shared_index.c
 *	  One boundary index per level and generation for all backends, in
 *	  dynamic shared memory, when the library is in shared_preload_libraries.
 *
 * A small fixed control block in the main shared memory (allocated from
 * shmem_startup_hook; PG15 has no DSM registry) lists the published indexes
 * by (database, level depth, xmin and counter of the boundary_generation
 * row version they were built from), each in a pinned DSM segment holding
 * the index's flat copy (boundary_index_flatten).  A backend that finds its
 * key maps the segment and reads it in place: the first locate() of a new
 * backend or parallel worker then costs a lookup and a mapping instead of a
 * build, and the index is in memory once, not once per backend.
 *
 * Which key a backend may look up or publish is locate.c's decision (the
 * MVCC rule); this file only stores and finds.  Publishing a newer
 * generation of a level unpins the older ones: backends still mapping them
 * keep reading them until they move on, and the segment goes with the last.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/guc.h"

#include "shared_index.h"

/* At most this many published indexes (levels x generations x databases) */
#define SHARED_INDEX_SLOTS	32

typedef struct SharedIndexSlot
{
	bool		in_use;
	Oid			dbid;
	int			depth;
	TransactionId xmin;
	int64		counter;
	dsm_handle	handle;
	uint64		published;		/* order of publication, the oldest goes first */
} SharedIndexSlot;

typedef struct SharedIndexControl
{
	LWLock	   *lock;
	uint64		publications;
	SharedIndexSlot slots[SHARED_INDEX_SLOTS];
} SharedIndexControl;

static SharedIndexControl *control = NULL;
static bool shared_index_setting = true;
static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static void
shared_index_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(MAXALIGN(sizeof(SharedIndexControl)));
	RequestNamedLWLockTranche("pg_commgrid", 1);
}

static void
shared_index_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	control = ShmemInitStruct("pg_commgrid shared boundary indexes",
							  sizeof(SharedIndexControl), &found);
	if (!found)
	{
		memset(control, 0, sizeof(SharedIndexControl));
		control->lock = &(GetNamedLWLockTranche("pg_commgrid"))->lock;
	}
	LWLockRelease(AddinShmemInitLock);
}

/* The setting, and the shared memory when loaded by shared_preload_libraries */
void
shared_index_init(void)
{
	DefineCustomBoolVariable("commgrid.shared_index",
							 "Share commgrid.locate's boundary indexes between backends.",
							 "Takes effect only when pg_commgrid is in shared_preload_libraries; off builds a private index in each backend.",
							 &shared_index_setting,
							 true, PGC_USERSET, 0,
							 NULL, NULL, NULL);
	if (!process_shared_preload_libraries_in_progress)
		return;
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = shared_index_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = shared_index_shmem_startup;
}

/* Can this backend use the shared indexes? */
bool
shared_index_enabled(void)
{
	return control != NULL && shared_index_setting;
}

static bool
slot_matches(const SharedIndexSlot *s, int depth, TransactionId xmin, int64 counter)
{
	return s->in_use && s->dbid == MyDatabaseId && s->depth == depth &&
		s->xmin == xmin && s->counter == counter;
}

/* Map a published segment for the rest of the session (the caller holds the lock) */
static dsm_segment *
map_slot(const SharedIndexSlot *s)
{
	dsm_segment *seg = dsm_find_mapping(s->handle);

	if (seg == NULL)
		seg = dsm_attach(s->handle);
	return seg;
}

/*
 * The published index of a key, mapped for the session, or NULL.  The
 * returned index reads the segment in place; *segment is to be detached
 * when the index is dropped.
 */
BoundaryIndex *
shared_index_attach(int depth, TransactionId xmin, int64 counter, dsm_segment **segment)
{
	dsm_segment *seg = NULL;
	int			i;

	LWLockAcquire(control->lock, LW_SHARED);
	for (i = 0; i < SHARED_INDEX_SLOTS; i++)
		if (slot_matches(&control->slots[i], depth, xmin, counter))
		{
			/* a listed segment is pinned, so it cannot go while we hold the lock */
			seg = map_slot(&control->slots[i]);
			break;
		}
	LWLockRelease(control->lock);
	if (seg == NULL)
		return NULL;
	dsm_pin_mapping(seg);
	*segment = seg;
	return boundary_index_from_flat(dsm_segment_address(seg));
}

/*
 * Publish an index built by this backend under its key, and return the
 * shared copy (NULL when none can be made: keep the private one).  Older
 * generations of the level in this database are unpinned; a newer one is
 * kept (and this one not published) unless replace_newer, which the caller
 * passes when its generation is the latest committed one.
 */
BoundaryIndex *
shared_index_publish(int depth, TransactionId xmin, int64 counter, bool replace_newer,
					 const BoundaryIndex *built, dsm_segment **segment)
{
	dsm_segment *seg;
	SharedIndexSlot *slot = NULL;
	int			i;

	seg = dsm_create(boundary_index_flat_size(built), DSM_CREATE_NULL_IF_MAXSEGMENTS);
	if (seg == NULL)
		return NULL;
	boundary_index_flatten(built, dsm_segment_address(seg));

	LWLockAcquire(control->lock, LW_EXCLUSIVE);
	for (i = 0; i < SHARED_INDEX_SLOTS; i++)
	{
		SharedIndexSlot *s = &control->slots[i];

		if (slot_matches(s, depth, xmin, counter))
		{
			/* another backend published it meanwhile: use theirs */
			dsm_segment *theirs = map_slot(s);

			LWLockRelease(control->lock);
			dsm_detach(seg);
			if (theirs == NULL)
				return NULL;
			dsm_pin_mapping(theirs);
			*segment = theirs;
			return boundary_index_from_flat(dsm_segment_address(theirs));
		}
		if (s->in_use && s->dbid == MyDatabaseId && s->depth == depth &&
			s->counter > counter && !replace_newer)
		{
			/* an old snapshot's index: keep the newer one shared */
			LWLockRelease(control->lock);
			dsm_detach(seg);
			return NULL;
		}
	}
	for (i = 0; i < SHARED_INDEX_SLOTS; i++)
	{
		SharedIndexSlot *s = &control->slots[i];

		if (s->in_use && s->dbid == MyDatabaseId && s->depth == depth)
		{
			/* another generation of this level: no backend will look it up again */
			dsm_unpin_segment(s->handle);
			s->in_use = false;
		}
		if (!s->in_use)
			slot = s;
	}
	if (slot == NULL)
	{
		/* all full: the oldest publication goes */
		slot = &control->slots[0];
		for (i = 1; i < SHARED_INDEX_SLOTS; i++)
			if (control->slots[i].published < slot->published)
				slot = &control->slots[i];
		dsm_unpin_segment(slot->handle);
	}
	dsm_pin_segment(seg);
	slot->in_use = true;
	slot->dbid = MyDatabaseId;
	slot->depth = depth;
	slot->xmin = xmin;
	slot->counter = counter;
	slot->handle = dsm_segment_handle(seg);
	slot->published = ++control->publications;
	LWLockRelease(control->lock);

	dsm_pin_mapping(seg);
	*segment = seg;
	return boundary_index_from_flat(dsm_segment_address(seg));
}
