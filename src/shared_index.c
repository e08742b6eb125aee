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

#ifdef __linux__
#include <sys/statvfs.h>
#endif

#include "miscadmin.h"
#include "storage/dsm_impl.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

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

/* commgrid.shared_index_max_memory (kB): a larger index is built in each backend */
static int	shared_index_max_memory_kb = 1048576;

/* Test only: fail every publication just after its segment is created */
static bool shared_index_test_failure = false;

/* The first failure to share an index is logged; later ones only at DEBUG1 */
static bool failure_logged = false;
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
	DefineCustomIntVariable("commgrid.shared_index_max_memory",
							"Largest boundary index of commgrid.locate placed in shared memory.",
							"A larger index is built in each backend that needs it, as without the preload.",
							&shared_index_max_memory_kb,
							1048576, 0, MAX_KILOBYTES,
							PGC_SUSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
	DefineCustomBoolVariable("commgrid.shared_index_test_failure",
							 "Test only: make every publication of a shared boundary index fail.",
							 "The segment is created, then an error is raised, as when the system refuses it; locate falls back to the backend's own index.",
							 &shared_index_test_failure,
							 false, PGC_SUSET, GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
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

/*
 * Log why an index is not shared: LOG the first time in a backend (an
 * administrator should see that every backend now builds its own), DEBUG1
 * after.
 */
static void
report_not_shared(const char *level, const char *what, const char *reason)
{
	ereport(failure_logged ? DEBUG1 : LOG,
			(errmsg("the %s boundary index is built in this backend only: %s",
					level, what),
			 reason ? errdetail_internal("%s", reason) : 0,
			 errhint("Each backend that needs it builds its own; answers are the same.")));
	failure_logged = true;
}

/*
 * Create a segment (slot NULL) or map a listed one, for the rest of the
 * session, without raising an error: NULL, with the reason, when the system
 * refuses (no space in /dev/shm, too many segments, no address space).  The
 * call runs under a resource owner of its own, which releases whatever the
 * failed call left behind (a descriptor, a created segment), so the
 * transaction goes on unharmed; no lock but ours is held across the call.
 */
static dsm_segment *
dsm_guarded(Size size, const SharedIndexSlot *slot, char **reason)
{
	ResourceOwner saved = CurrentResourceOwner;
	ResourceOwner owner;
	MemoryContext mcxt = CurrentMemoryContext;
	dsm_segment *volatile seg = NULL;

	*reason = NULL;
	owner = ResourceOwnerCreate(saved, "pg_commgrid shared index");
	CurrentResourceOwner = owner;
	PG_TRY();
	{
		if (slot == NULL)
		{
			seg = dsm_create(size, DSM_CREATE_NULL_IF_MAXSEGMENTS);
			if (seg == NULL)
				*reason = pstrdup("too many dynamic shared memory segments");
			else if (shared_index_test_failure)
				ereport(ERROR,
						(errcode(ERRCODE_OUT_OF_MEMORY),
						 errmsg("could not place the index in shared memory (commgrid.shared_index_test_failure)")));
		}
		else
		{
			seg = dsm_find_mapping(slot->handle);
			if (seg == NULL)
				seg = dsm_attach(slot->handle);
		}
		/* the session's, not the resource owner's */
		if (seg != NULL)
			dsm_pin_mapping(seg);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		CurrentResourceOwner = saved;
		MemoryContextSwitchTo(mcxt);
		edata = CopyErrorData();
		/* a cancel or timeout is not a refusal of the system: let it end the statement */
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
			PG_RE_THROW();
		FlushErrorState();
		if (LWLockHeldByMe(control->lock))
			LWLockRelease(control->lock);
		*reason = edata->message;
		seg = NULL;
	}
	PG_END_TRY();
	CurrentResourceOwner = saved;
	/* as at an abort: what a failed call left is detached (a created segment goes) */
	ResourceOwnerRelease(owner, RESOURCE_RELEASE_BEFORE_LOCKS, false, false);
	ResourceOwnerRelease(owner, RESOURCE_RELEASE_LOCKS, false, false);
	ResourceOwnerRelease(owner, RESOURCE_RELEASE_AFTER_LOCKS, false, false);
	ResourceOwnerDelete(owner);
	return seg;
}

/*
 * Would a segment of this size fit in /dev/shm?  Checked before creating it,
 * so that the usual way to run out (a small /dev/shm, as in containers)
 * raises no error at all; a race with another process filling it is caught
 * by dsm_guarded.
 */
static bool
shm_space_for(Size size, char **reason)
{
#ifdef __linux__
	struct statvfs fs;

	if (dynamic_shared_memory_type == DSM_IMPL_POSIX && statvfs("/dev/shm", &fs) == 0 &&
		(uint64) fs.f_bavail * fs.f_frsize < (uint64) size)
	{
		*reason = psprintf("/dev/shm has %llu kB free, the index needs %llu kB",
						   (unsigned long long) ((uint64) fs.f_bavail * fs.f_frsize / 1024),
						   (unsigned long long) (size / 1024));
		return false;
	}
#endif
	return true;
}

/*
 * The published index of a key, mapped for the session, or NULL (none, or
 * it cannot be mapped: then the caller builds its own).  The returned index
 * reads the segment in place; *segment is to be detached when the index is
 * dropped.
 */
BoundaryIndex *
shared_index_attach(int depth, const char *level, TransactionId xmin, int64 counter,
					dsm_segment **segment)
{
	dsm_segment *seg = NULL;
	char	   *reason = NULL;
	bool		listed = false;
	int			i;

	LWLockAcquire(control->lock, LW_SHARED);
	for (i = 0; i < SHARED_INDEX_SLOTS; i++)
		if (slot_matches(&control->slots[i], depth, xmin, counter))
		{
			/* a listed segment is pinned, so it cannot go while we hold the lock */
			listed = true;
			seg = dsm_guarded(0, &control->slots[i], &reason);
			break;
		}
	if (LWLockHeldByMe(control->lock))
		LWLockRelease(control->lock);
	if (seg == NULL)
	{
		if (listed && reason)
			report_not_shared(level, "the shared copy cannot be mapped", reason);
		return NULL;
	}
	*segment = seg;
	return boundary_index_from_flat(dsm_segment_address(seg));
}

/*
 * Publish an index built by this backend under its key, and return the
 * shared copy (NULL when none can be made: keep the private one; the reason
 * is logged).  Older generations of the level in this database are
 * unpinned; a newer one is kept (and this one not published) unless
 * replace_newer, which the caller passes when its generation is the latest
 * committed one.
 */
BoundaryIndex *
shared_index_publish(int depth, const char *level, TransactionId xmin, int64 counter,
					 bool replace_newer, const BoundaryIndex *built, dsm_segment **segment)
{
	dsm_segment *seg;
	SharedIndexSlot *slot = NULL;
	Size		size = boundary_index_flat_size(built);
	char	   *reason = NULL;
	int			i;

	if ((uint64) size > (uint64) shared_index_max_memory_kb * 1024)
	{
		report_not_shared(level, "it is larger than commgrid.shared_index_max_memory",
						  psprintf("The index needs %llu kB; the setting is %d kB.",
								   (unsigned long long) (size / 1024), shared_index_max_memory_kb));
		return NULL;
	}
	if (!shm_space_for(size, &reason))
	{
		report_not_shared(level, "there is not enough shared memory", reason);
		return NULL;
	}
	seg = dsm_guarded(size, NULL, &reason);
	if (seg == NULL)
	{
		report_not_shared(level, "the shared memory segment could not be created", reason);
		return NULL;
	}
	boundary_index_flatten(built, dsm_segment_address(seg));

	LWLockAcquire(control->lock, LW_EXCLUSIVE);
	for (i = 0; i < SHARED_INDEX_SLOTS; i++)
	{
		SharedIndexSlot *s = &control->slots[i];

		if (slot_matches(s, depth, xmin, counter))
		{
			/* another backend published it meanwhile: use theirs */
			dsm_segment *theirs = dsm_guarded(0, s, &reason);

			if (LWLockHeldByMe(control->lock))
				LWLockRelease(control->lock);
			dsm_detach(seg);
			if (theirs == NULL)
			{
				report_not_shared(level, "the shared copy cannot be mapped", reason);
				return NULL;
			}
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

	*segment = seg;
	return boundary_index_from_flat(dsm_segment_address(seg));
}
