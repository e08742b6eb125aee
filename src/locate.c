/*
 * locate.c
 *	  commgrid.locate() and commgrid.locate_at(): the SQL face of the spatial
 *	  assignment engine, and the per-backend cache of boundary indexes that
 *	  makes it fast while staying right under MVCC.
 *
 * The cache.  Each backend (and each parallel worker) keeps one boundary
 * index per level, built on first use from commgrid.area.  A statement-level
 * trigger on commgrid.area bumps the single row of
 * commgrid.boundary_generation whenever boundaries change; an index
 * remembers the (xmin, generation) of the row version it was built from.
 * Once per statement or command (detected from the transaction, the
 * subtransaction and the active snapshot, so the check costs a few
 * comparisons per call), the generation row is read again under the active
 * snapshot.  So another session's committed change is seen by our next
 * statement, our own uncommitted change is seen within our transaction, and
 * after a rollback (or rollback to savepoint) the old row version is visible
 * again and the index is rebuilt from the old boundaries.
 */
#include "postgres.h"

#include <math.h>

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "boundary_index.h"
#include "echo.h"
#include "locate.h"
#include "shared_index.h"

/* Which statement/snapshot the generation was last read under */
typedef struct ValidationKey
{
	bool		valid;
	LocalTransactionId lxid;
	SubTransactionId subxid;
	CommandId	curcid;
	TransactionId xmin;
	TransactionId xmax;
	uint64		completion;
	TimestampTz statement;
} ValidationKey;

/* A version of the generation row */
typedef struct Generation
{
	TransactionId xmin;
	int64		counter;
} Generation;

/* One cached index */
typedef struct CachedIndex
{
	BoundaryIndex *index;
	dsm_segment *segment;		/* the shared copy it reads, or NULL: private */
	Generation	built_from;
	/* for historical indexes: the level and the span of time it is right for */
	int			depth;
	TimestampTz valid_from;
	TimestampTz valid_until;
} CachedIndex;

static ValidationKey validated;
static Generation current_generation;
static Oid	generation_relid = InvalidOid;
static bool callback_registered = false;
static CachedIndex level_cache[GRIDCODE_MAX_DEPTH + 1];
static CachedIndex history_cache;


/* Forget the generation table's OID when its relcache entry goes */
static void
generation_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == generation_relid)
		generation_relid = InvalidOid;
}

/* Read the generation row (xmin and counter) under the active snapshot */
static Generation
read_generation(void)
{
	Generation	g = {InvalidTransactionId, 0};
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tuple;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(generation_relcache_callback, (Datum) 0);
		callback_registered = true;
	}
	if (!OidIsValid(generation_relid))
	{
		Oid			nsp = get_namespace_oid("commgrid", false);

		generation_relid = get_relname_relid("boundary_generation", nsp);
		if (!OidIsValid(generation_relid))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("table commgrid.boundary_generation is missing"),
					 errhint("Reinstall the extension pg_commgrid.")));
	}
	rel = table_open(generation_relid, AccessShareLock);
	scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	tuple = heap_getnext(scan, ForwardScanDirection);
	if (tuple)
	{
		bool		isnull;
		Datum		d = heap_getattr(tuple, 1, RelationGetDescr(rel), &isnull);

		g.xmin = HeapTupleHeaderGetRawXmin(tuple->t_data);
		g.counter = isnull ? 0 : DatumGetInt64(d);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	return g;
}

/* The key of the active snapshot (there must be one) */
static void
snapshot_key(ValidationKey *key)
{
	Snapshot	snap = GetActiveSnapshot();

	key->valid = true;
#if PG_VERSION_NUM >= 170000
	key->lxid = MyProc->vxid.lxid;
#else
	key->lxid = MyProc->lxid;
#endif
	key->subxid = GetCurrentSubTransactionId();
	key->curcid = snap->curcid;
	key->xmin = snap->xmin;
	key->xmax = snap->xmax;
	key->completion = snap->snapXactCompletionCount;
	key->statement = GetCurrentStatementStartTimestamp();
}

static bool
same_key(const ValidationKey *a, const ValidationKey *b)
{
	return a->valid && b->valid &&
		a->lxid == b->lxid &&
		a->subxid == b->subxid &&
		a->curcid == b->curcid &&
		a->xmin == b->xmin &&
		a->xmax == b->xmax &&
		a->completion == b->completion &&
		a->statement == b->statement;
}

/*
 * Make sure current_generation is the one visible to this statement.  The
 * key changes with every new statement, command, transaction, savepoint
 * rollback and snapshot that could see another commit, so the row is read
 * at most once per statement and command.
 */
static void
validate_generation(void)
{
	ValidationKey key;

	if (!ActiveSnapshotSet())
	{
		/* no statement snapshot (rare): read under the transaction's */
		PushActiveSnapshot(GetTransactionSnapshot());
		validated.valid = false;
		current_generation = read_generation();
		PopActiveSnapshot();
		return;
	}
	snapshot_key(&key);
	if (same_key(&key, &validated))
		return;
	validated.valid = false;
	current_generation = read_generation();
	validated = key;
}

/*
 * The caller must hold SELECT on the table an index is built from, whoever
 * built the cached copy: the answer must not depend on who called first in
 * the session.  Checked once per statement and role (a security-definer
 * function changes the role mid-statement).
 */
static void
check_read_privilege(const char *relname)
{
	static ValidationKey checked_key;
	static Oid	checked_user = InvalidOid;
	static const char *checked_rel = NULL;
	Oid			relid;
	AclResult	acl;

	if (same_key(&validated, &checked_key) && checked_user == GetUserId() &&
		checked_rel == relname)
		return;
	relid = get_relname_relid(relname, get_namespace_oid("commgrid", false));
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table commgrid.%s is missing", relname),
				 errhint("Reinstall the extension pg_commgrid.")));
	acl = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT);
	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, OBJECT_TABLE, get_rel_name(relid));
	checked_key = validated;
	checked_user = GetUserId();
	checked_rel = relname;
}

static bool
same_generation(Generation a, Generation b)
{
	return a.xmin == b.xmin && a.counter == b.counter;
}

/* Build an index from a query returning (code gridcode, boundary geometry) */
static BoundaryIndex *
load_index(const char *query, int nargs, Oid *argtypes, Datum *values, int depth)
{
	BoundaryIndexBuilder *builder = boundary_index_begin();
	BoundaryIndex *index;
	FmgrInfo	send;
	Oid			sendfn;
	bool		isvarlena;
	uint64		i;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args(query, nargs, argtypes, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading boundaries failed: %s", query);
	if (SPI_processed > 0)
	{
		getTypeBinaryOutputInfo(SPI_gettypeid(SPI_tuptable->tupdesc, 2), &sendfn, &isvarlena);
		fmgr_info(sendfn, &send);
	}
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		bool		isnull;
		GridCode	code = DatumGetGridCode(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &isnull));
		Datum		geom = SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &isnull);
		bytea	   *ewkb;

		CHECK_FOR_INTERRUPTS();
		if (isnull)
			continue;
		/* the geometry type's binary output is EWKB, a documented format */
		ewkb = SendFunctionCall(&send, geom);
		boundary_index_add_wkb(builder, code, (const uint8 *) VARDATA(ewkb),
							   VARSIZE(ewkb) - VARHDRSZ);
		pfree(ewkb);
	}
	SPI_finish();
	index = boundary_index_finish(builder, locate_level_name(depth));
	boundary_index_keep(index);
	return index;
}

/* Drop a cached index: free a private one, unmap a shared one */
static void
cached_index_drop(CachedIndex *c)
{
	BoundaryIndex *index = c->index;
	dsm_segment *segment = c->segment;

	c->index = NULL;
	c->segment = NULL;
	boundary_index_free(index);
	if (segment)
		dsm_detach(segment);
}

/*
 * May this backend use the shared index of the generation it sees?  Only
 * when that row version is another transaction's: then this snapshot sees
 * it committed, and every snapshot that sees it sees the same committed
 * boundaries (each change of boundaries writes a new version).  Our own
 * uncommitted redraw, and a parallel worker's view of its leader's, are
 * built privately.
 */
static bool
may_share(Generation g)
{
	/* and only while every reader of commgrid.area reads it whole (no row security) */
	return shared_index_enabled() && TransactionIdIsValid(g.xmin) &&
		!TransactionIdIsCurrentTransactionId(g.xmin) &&
		check_enable_rls(get_relname_relid("area", get_namespace_oid("commgrid", false)),
						 InvalidOid, true) != RLS_ENABLED;
}

/*
 * May an index built now be published for others?  Only when this
 * transaction has written nothing (so the boundaries it read are exactly
 * the committed ones of its generation, not changed by a statement of ours
 * whose generation bump is still to come).  Returns in *latest whether the
 * generation is also the latest committed one, which may replace a newer
 * shared generation (found only by a new snapshot after, say, the extension
 * was created again and its counter began anew).
 */
static bool
may_publish(Generation g, bool *latest)
{
	*latest = false;
	if (!may_share(g) || TransactionIdIsValid(GetTopTransactionIdIfAny()))
		return false;
	if (!IsInParallelMode())
	{
		Generation	newest;

		PushActiveSnapshot(GetLatestSnapshot());
		newest = read_generation();
		PopActiveSnapshot();
		*latest = same_generation(newest, g);
	}
	return true;
}

/* The current index of a level, rebuilt if the boundaries changed */
static BoundaryIndex *
level_index(int depth)
{
	CachedIndex *c = &level_cache[depth];

	validate_generation();
	check_read_privilege("area");
	if (c->index == NULL || !same_generation(c->built_from, current_generation))
	{
		Oid			argtypes[1] = {INT4OID};
		Datum		values[1] = {Int32GetDatum(depth)};
		Generation	g = current_generation;
		BoundaryIndex *built;
		bool		latest;

		cached_index_drop(c);
		if (may_share(g))
			c->index = shared_index_attach(depth, locate_level_name(depth), g.xmin, g.counter,
										   &c->segment);
		if (c->index == NULL)
		{
			/* every operator and function qualified: the caller's search_path must not matter */
			built = load_index("SELECT code, boundary FROM commgrid.area "
							   "WHERE commgrid.depth(code) OPERATOR(pg_catalog.=) $1 "
							   "AND boundary IS NOT NULL",
							   1, argtypes, values, depth);
			if (may_publish(g, &latest))
			{
				PG_TRY();
				{
					c->index = shared_index_publish(depth, locate_level_name(depth), g.xmin,
													g.counter, latest, built, &c->segment);
				}
				PG_CATCH();
				{
					boundary_index_free(built);
					PG_RE_THROW();
				}
				PG_END_TRY();
			}
			if (c->index == NULL)
				c->index = built;
			else
			{
				boundary_index_keep(c->index);
				boundary_index_free(built);
			}
		}
		else
			boundary_index_keep(c->index);
		c->built_from = g;
	}
	return c->index;
}

/*
 * commgrid.index_memory() -> TABLE (level text, boundaries text, path text,
 *   index_bytes bigint, backend_bytes bigint, generation bigint)
 * The boundary indexes this backend holds: shared (mapped from shared
 * memory; the backend holds only a header) or private (built here).
 */
PG_FUNCTION_INFO_V1(commgrid_index_memory);
Datum
commgrid_index_memory(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			depth;

	InitMaterializedSRF(fcinfo, 0);
	for (depth = 0; depth <= GRIDCODE_MAX_DEPTH + 1; depth++)
	{
		CachedIndex *c = depth <= GRIDCODE_MAX_DEPTH ? &level_cache[depth] : &history_cache;
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};
		Size		own;

		if (c->index == NULL)
			continue;
		own = boundary_index_memory(c->index);
		values[0] = CStringGetTextDatum(locate_level_name(depth <= GRIDCODE_MAX_DEPTH ? depth : c->depth));
		values[1] = CStringGetTextDatum(depth <= GRIDCODE_MAX_DEPTH ? "current" : "history");
		values[2] = CStringGetTextDatum(c->segment ? "shared" : "private");
		values[3] = Int64GetDatum((int64) (c->segment ? dsm_segment_map_length(c->segment) : own));
		values[4] = Int64GetDatum((int64) own);
		values[5] = Int64GetDatum(c->built_from.counter);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* The area of a level holding a point, for locate() and the trigger */
bool
locate_point(int depth, double x, double y, GridCode *code)
{
	return boundary_index_lookup(level_index(depth), x, y, code);
}

/*
 * Start fetching the cell of a point in the index this backend used last for
 * the level (a hint for a lookup to come, which validates the index first).
 */
void
locate_prefetch(int depth, double x, double y)
{
	if (level_cache[depth].index != NULL)
		boundary_index_prefetch(level_cache[depth].index, x, y);
}

/*
 * The boundary lock.  Every write that derives an area code from the
 * boundaries (the assignment trigger, the SQL triggers that place residents,
 * units and hand-set grids) holds it shared until its transaction ends;
 * every change of boundaries takes it exclusively (area_bump_generation), so
 * the change waits for those writers, and its reassignment, whose snapshot
 * is taken after the lock, sees their rows, while writers that come later
 * wait and then see the new boundaries.  It is an advisory lock in a key
 * space of its own (objsubid BOUNDARY_LOCK_SPACE in pg_locks, never the 1 or
 * 2 of pg_advisory_lock), so no role can take or block it by hand.
 */
#define BOUNDARY_LOCK_KEY1		0x636F6D6D	/* "comm" */
#define BOUNDARY_LOCK_KEY2		0x67726964	/* "grid" */
#define BOUNDARY_LOCK_SPACE		0x6367	/* "cg" */

/* The statement whose snapshot predates a boundary change we waited for */
static ValidationKey stale_statement;

static void
boundary_lock_tag(LOCKTAG *tag)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, BOUNDARY_LOCK_KEY1, BOUNDARY_LOCK_KEY2,
						 BOUNDARY_LOCK_SPACE);
}

/*
 * Take the boundary lock shared for this transaction.  A snapshot taken
 * before the lock may still show boundaries that a change committed since
 * has replaced: then READ COMMITTED locates with the latest boundaries for
 * the rest of this statement (later statements' snapshots are newer than the
 * lock), and REPEATABLE READ or SERIALIZABLE fails with 40001.
 */
void
boundary_lock_for_write(void)
{
	static struct
	{
		LocalTransactionId lxid;
		SubTransactionId subxid;
	}			held_in = {InvalidLocalTransactionId, InvalidSubTransactionId};
	LOCKTAG		tag;
	bool		held;
	Generation	seen,
				latest;

	/*
	 * Held since this (sub)transaction took it: a subtransaction's id is never
	 * reused in its transaction, so the lock cannot have gone with a rollback
	 * to savepoint.  Saves two lock-table lookups per inserted row.
	 */
#if PG_VERSION_NUM >= 170000
	if (held_in.lxid == MyProc->vxid.lxid &&
#else
	if (held_in.lxid == MyProc->lxid &&
#endif
		held_in.subxid == GetCurrentSubTransactionId())
		return;
	boundary_lock_tag(&tag);
#if PG_VERSION_NUM >= 170000
	held = LockHeldByMe(&tag, ShareLock, true);
	held_in.lxid = MyProc->vxid.lxid;
#else
	held = LockHeldByMe(&tag, ShareLock) || LockHeldByMe(&tag, ExclusiveLock);
	held_in.lxid = MyProc->lxid;
#endif
	held_in.subxid = GetCurrentSubTransactionId();
	if (held)
		return;
	(void) LockAcquire(&tag, ShareLock, false, false);

	if (!ActiveSnapshotSet())
		return;					/* the next snapshot is taken under the lock */
	validate_generation();
	seen = current_generation;
	PushActiveSnapshot(GetLatestSnapshot());
	latest = read_generation();
	PopActiveSnapshot();
	if (same_generation(seen, latest))
		return;
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to a concurrent change of area boundaries"),
				 errdetail("Boundaries changed after this transaction's snapshot was taken, so the area codes it would write are out of date."),
				 errhint("Retry the transaction.")));
	snapshot_key(&stale_statement);
}

/*
 * locate_point for a write: under the boundary lock, and with the latest
 * boundaries when this statement's snapshot predates the last change.
 */
bool
locate_point_for_write(int depth, double x, double y, GridCode *code)
{
	boundary_lock_for_write();
	if (stale_statement.valid && ActiveSnapshotSet())
	{
		ValidationKey key;

		snapshot_key(&key);
		if (same_key(&key, &stale_statement))
		{
			bool		found;

			PushActiveSnapshot(GetLatestSnapshot());
			found = locate_point(depth, x, y, code);
			PopActiveSnapshot();
			return found;
		}
	}
	return locate_point(depth, x, y, code);
}

/*
 * The answers the assignment read-ahead (assign_lookahead.c) found for its
 * batch of rows, for the trigger to take instead of looking up again: the
 * same point, level and statement snapshot give the same answer.
 */
static struct
{
	const void *owner;			/* the read-ahead node that asked */
	ValidationKey key;
	int			depth;
	int			n;
	int			expect;			/* the row being handed on */
	int			taken;			/* answers the trigger took */
	double		x[LOCATE_BATCH_MAX];
	double		y[LOCATE_BATCH_MAX];
	bool		found[LOCATE_BATCH_MAX];
	GridCode	code[LOCATE_BATCH_MAX];
}			batch;

/*
 * Look up a batch of points for a write, as locate_point_for_write would
 * one by one (under the boundary lock, with the index this statement sees),
 * but with their trips to memory overlapped; kept for locate_batch_answer.
 * A NaN x is a row without a point.  A batch without any point takes
 * neither the lock nor the index, as the trigger would not.  When this
 * statement must locate with the latest boundaries, nothing is kept.
 */
void
locate_batch_for_write(const void *owner, int depth, const double *x, const double *y, int n)
{
	BoundaryIndex *ix;
	bool		any = false;
	int			i;

	batch.owner = owner;
	batch.n = 0;
	batch.expect = -1;
	batch.taken = 0;
	for (i = 0; i < n; i++)
		any |= !isnan(x[i]);
	if (!any || n > LOCATE_BATCH_MAX || !ActiveSnapshotSet())
		return;
	boundary_lock_for_write();
	if (stale_statement.valid)
	{
		ValidationKey key;

		snapshot_key(&key);
		if (same_key(&key, &stale_statement))
			return;
	}
	ix = level_index(depth);
	/* every cell asked for first, so that the trips to memory overlap */
	for (i = 0; i < n; i++)
		boundary_index_prefetch(ix, x[i], y[i]);
	for (i = 0; i < n; i++)
	{
		batch.x[i] = x[i];
		batch.y[i] = y[i];
		batch.found[i] = !isnan(x[i]) && boundary_index_lookup(ix, x[i], y[i], &batch.code[i]);
	}
	snapshot_key(&batch.key);
	batch.depth = depth;
	batch.n = n;
}

/* The read-ahead hands on row i of its batch */
void
locate_batch_expect(int i)
{
	batch.expect = i;
}

/*
 * The read-ahead's answer for the row being handed on, when it is this
 * point of this level under this statement's snapshot; false otherwise (a
 * trigger before ours moved the point, say), and the caller looks it up.
 */
bool
locate_batch_answer(int depth, double x, double y, bool *found, GridCode *code)
{
	int			i = batch.expect;
	ValidationKey key;

	if (i < 0 || i >= batch.n || batch.depth != depth ||
		batch.x[i] != x || batch.y[i] != y || !ActiveSnapshotSet())
		return false;
	snapshot_key(&key);
	if (!same_key(&key, &batch.key))
		return false;
	*found = batch.found[i];
	*code = batch.code[i];
	batch.taken++;
	return true;
}

/*
 * How many answers the trigger took from the owner's last batch (0 when a
 * nested statement's read-ahead has replaced it), for EXPLAIN ANALYZE
 */
int
locate_batch_taken(const void *owner)
{
	return batch.owner == owner ? batch.taken : 0;
}

/*
 * commgrid.boundary_share_lock(): the shared boundary lock for SQL triggers
 * that copy or derive area codes.  The statements that follow it (under READ
 * COMMITTED) see the latest boundaries and codes.
 */
PG_FUNCTION_INFO_V1(commgrid_boundary_share_lock);
Datum
commgrid_boundary_share_lock(PG_FUNCTION_ARGS)
{
	boundary_lock_for_write();
	PG_RETURN_VOID();
}

/*
 * commgrid.boundary_change_lock(): the exclusive boundary lock, for every
 * change of boundaries.  Under REPEATABLE READ or SERIALIZABLE the change's
 * reassignment would read with the transaction's old snapshot and miss rows
 * committed since, so any commit since that snapshot fails it with 40001.
 */
PG_FUNCTION_INFO_V1(commgrid_boundary_change_lock);
Datum
commgrid_boundary_change_lock(PG_FUNCTION_ARGS)
{
	LOCKTAG		tag;

	boundary_lock_tag(&tag);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);
	if (IsolationUsesXactSnapshot() &&
		GetTransactionSnapshot()->snapXactCompletionCount !=
		GetLatestSnapshot()->snapXactCompletionCount)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to concurrent writes during a change of area boundaries"),
				 errdetail("Other transactions committed after this transaction's snapshot was taken; the reassignment of their rows would read an old snapshot."),
				 errhint("Change boundaries in a READ COMMITTED transaction, or retry.")));
	PG_RETURN_VOID();
}

/* Depth from a level argument */
static int
level_argument(text *level)
{
	return locate_level_depth(VARDATA_ANY(level), VARSIZE_ANY_EXHDR(level));
}

/*
 * commgrid.locate(location geometry, level text) -> gridcode
 * The area of the level whose current boundary holds the point under the
 * half-open rule; NULL for an empty point or a point outside every area.
 */
PG_FUNCTION_INFO_V1(commgrid_locate);
Datum
commgrid_locate(PG_FUNCTION_ARGS)
{
	int			depth = level_argument(PG_GETARG_TEXT_PP(1));
	double		x,
				y;
	GridCode	code;

	if (!point_read_lonlat(PG_GETARG_DATUM(0), &x, &y))
		PG_RETURN_NULL();
	if (!locate_point(depth, x, y, &code))
		PG_RETURN_NULL();
	PG_RETURN_GRIDCODE(code);
}

/*
 * The index of a level's boundaries as they were at a time, from
 * commgrid.area_boundary_history.  It is kept with the span of time over
 * which the level's boundaries stayed the same, so a report that asks for
 * many times inside one span builds it once.
 */
static BoundaryIndex *
history_index(int depth, TimestampTz at)
{
	CachedIndex *c = &history_cache;

	validate_generation();
	check_read_privilege("area_boundary_history");
	if (c->index == NULL || c->depth != depth ||
		!same_generation(c->built_from, current_generation) ||
		at < c->valid_from || at >= c->valid_until)
	{
		Oid			argtypes[2] = {INT4OID, TIMESTAMPTZOID};
		Datum		values[2] = {Int32GetDatum(depth), TimestampTzGetDatum(at)};
		TimestampTz from = DT_NOBEGIN,
					until = DT_NOEND;
		bool		isnull;

		boundary_index_free(c->index);
		c->index = NULL;

		/*
		 * The span around `at` with no change of this level's boundaries: from
		 * the last start or end of a generation at or before `at` to the first
		 * one after it (an area removed before `at` ends the span's past too).
		 */
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute_with_args("SELECT GREATEST(pg_catalog.max(valid_from) FILTER (WHERE valid_from OPERATOR(pg_catalog.<=) $2), "
								  "                pg_catalog.max(valid_to) FILTER (WHERE valid_to OPERATOR(pg_catalog.<=) $2)), "
								  "       LEAST(pg_catalog.min(valid_from) FILTER (WHERE valid_from OPERATOR(pg_catalog.>) $2), "
								  "             pg_catalog.min(valid_to) FILTER (WHERE valid_to OPERATOR(pg_catalog.>) $2)) "
								  "FROM commgrid.area_boundary_history "
								  "WHERE commgrid.depth(code) OPERATOR(pg_catalog.=) $1",
								  2, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "reading boundary history failed");
		if (SPI_processed == 1)
		{
			Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

			if (!isnull)
				from = DatumGetTimestampTz(d);
			d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
			if (!isnull)
				until = DatumGetTimestampTz(d);
		}
		SPI_finish();

		c->index = load_index("SELECT code, boundary FROM commgrid.area_boundary_history "
							  "WHERE commgrid.depth(code) OPERATOR(pg_catalog.=) $1 "
							  "AND valid_from OPERATOR(pg_catalog.<=) $2 "
							  "AND (valid_to IS NULL OR valid_to OPERATOR(pg_catalog.>) $2)",
							  2, argtypes, values, depth);
		c->depth = depth;
		c->valid_from = from;
		c->valid_until = until;
		c->built_from = current_generation;
	}
	return c->index;
}

/*
 * commgrid.locate_at(location geometry, at timestamptz, level text)
 * The area that held the point at a past time, under the same rule.
 */
PG_FUNCTION_INFO_V1(commgrid_locate_at);
Datum
commgrid_locate_at(PG_FUNCTION_ARGS)
{
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(1);
	int			depth = level_argument(PG_GETARG_TEXT_PP(2));
	double		x,
				y;
	GridCode	code;

	if (TIMESTAMP_NOT_FINITE(at))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the time for locate_at must be finite"),
				 errhint("Use commgrid.locate for the current boundaries.")));
	if (!point_read_lonlat(PG_GETARG_DATUM(0), &x, &y))
		PG_RETURN_NULL();
	if (!boundary_index_lookup(history_index(depth, at), x, y, &code))
		PG_RETURN_NULL();
	PG_RETURN_GRIDCODE(code);
}
