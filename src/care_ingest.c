/*
 * care_ingest.c
 *	  The ingest path of wearable care: the BEFORE INSERT row trigger of
 *	  commgrid.care_ping, for COPY and INSERT alike, and its statement triggers.
 *
 * Per ping (a device's state row locked FOR UPDATE by its first ping of the
 * statement, so two backends ingesting one device take turns, and a restart
 * continues from the table):
 *	 1. a duplicate (device, fixed_at, message, no alarm flag) is dropped;
 *	 2. without a consented binding a ping is dropped; an alarm is kept
 *		without a position (PIPL: no consent, no tracking);
 *	 3. the fix is converted to EPSG:4490 (GCJ-02 through the one conversion
 *		of coordsys.c; WGS-84 is taken as is);
 *	 4. the fix is classified for the fences: no_fix, out_of_order, cell,
 *		inaccurate, jump or accepted, and only an accepted fix moves the state;
 *	 5. fences (docs/guide/care.md): outer ring r + max(0.1 r, 20 m), two
 *		consecutive accepted fixes beyond it: fence_exit once; one inside r:
 *		fence_return; two consecutive accepted fixes outside every area of the
 *		district level (locate_point): left_district once, until a fix is back in;
 *	 6. alarm flags raise their alarm whatever the filters said; without a fix
 *		the alarm takes the last known position and says so.
 * Alarms are rows of care_alarm, whose trigger sends NOTIFY at commit.
 *
 * The hot path (docs/guide/care.md#the-hot-path): per statement, a device's
 * state row is locked and read once (its first ping, by the primary key and
 * table_tuple_lock, no query; the table, its index scan and the snapshot are
 * the statement's, lock_state_row) into a statement cache,
 * moved in memory by every ping of the statement, and written back by the
 * AFTER STATEMENT trigger: each locked version replaced by its new one, as
 * an UPDATE would, without a query (stmt_flush).  Fences are parsed
 * once into a backend cache, valid while the state row's fence_version (read
 * under the lock, bumped by every fence or binding change) is the one they
 * were loaded at.  A ping of a device whose state is newer than any stored
 * ping (newest_stored_at) cannot be a duplicate and is not looked up.  So a
 * ping runs no query of its own; a statement runs one (the settings).
 */
#include "postgres.h"

#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "executor/tuptable.h"
#include "access/stratnum.h"
#include "utils/fmgroids.h"
#include "utils/timestamp.h"

#include "coordsys.h"
#include "ewkb_reader.h"
#include "locate.h"
#include "srid.h"

#define EARTH_RADIUS_M	6371008.8
#define DEG				(M_PI / 180.0)
#define RING_MIN_M		20.0
/* the fence cache is dropped whole beyond this many devices (memory bound) */
#define FENCE_CACHE_MAX 200000

/* The plans, prepared once per backend */
static SPIPlanPtr setting_plan = NULL;
static SPIPlanPtr duplicate_plan = NULL;
static SPIPlanPtr fence_plan = NULL;
static SPIPlanPtr alarm_plan = NULL;

/* Where a fix stands against the active fences */
typedef enum FencePosition
{
	FENCE_NONE,					/* no active fence */
	FENCE_INSIDE,				/* inside some fence */
	FENCE_RING,					/* between a fence and its outer ring */
	FENCE_BEYOND				/* beyond every outer ring */
} FencePosition;

/* One fence, parsed */
typedef struct CareFence
{
	bool		circle;
	double		cx,
				cy,
				r;				/* circle: centre (4490) and radius in metres */
	bytea	   *wkb;			/* polygon: its well-known binary */
	bool		hours;			/* active hours? */
	TimeADT		from,
				until;
} CareFence;

/*
 * The backend's device cache: a device's wearer's fences at a fence_version,
 * and where the device's state row was last found (the root of its HOT
 * chain, which the primary key points to), so that the next statement finds
 * it without descending the index (lock_state_version checks what it finds).
 */
typedef struct FenceEntry
{
	int64		device;			/* hash key */
	ItemPointerData state_root; /* in the state table state_root_relid; or invalid */
	bool		loaded;			/* fences read (else only the state row's place is known) */
	int64		resident;
	int64		version;
	int			nfences;
	CareFence  *fences;
} FenceEntry;

/* The statement cache: a device's state row, locked, as the statement moves it */
typedef struct StateEntry
{
	int64		device;			/* hash key */
	bool		dirty;
	bool		tracking;
	bool		resident_null;
	int64		resident;
	bool		grid_null;
	Datum		grid;			/* gridcode: by value */
	bool		last_null;
	TimestampTz last_fixed_at;
	double		last_lon,
				last_lat;
	int			outside_count;
	bool		is_out;
	bool		exit_alarm_null;
	int64		exit_alarm;
	int			exit_pending;	/* its fence_exit still pending: index + 1 (0: none) */
	bool		battery_low;
	bool		newest_null;
	TimestampTz newest_fixed_at;
	int			district_outside_count;
	bool		left_district;
	int64		fence_version;
	bool		stored_null;
	TimestampTz newest_stored_at;
	bool		seen_null;
	TimestampTz seen_at;		/* newest received_at of the statement */
	FenceEntry *fence;			/* its entry in the device cache (NULL: look it up) */
	ItemPointerData tid;		/* the version locked, which the write-back replaces */
	Datum	   *row_values;		/* its columns (in stmt_cxt), which the */
	bool	   *row_nulls;		/* write-back's new version starts from */
} StateEntry;

static MemoryContext fence_cxt = NULL;
static HTAB *fence_cache = NULL;
static Oid	state_root_relid = InvalidOid;	/* the table the cache's state_root are in */

static MemoryContext stmt_cxt = NULL;
static HTAB *stmt_states = NULL;
static bool stmt_active = false;	/* between the statement triggers */
static int	stmt_depth = 0;			/* statements of care_ping open (a writable CTE has two) */
static int	stmt_level = 0;			/* the transaction nest level it began at */
static bool stmt_lost = false;		/* a subtransaction inside it rolled back */
/*
 * The alarms the statement raised, inserted at its end in one INSERT (each
 * alarm's own INSERT, with its statement's triggers, cost about 230 us).
 */
typedef struct PendingAlarm
{
	const char *kind;
	int64		device;
	int64		resident;
	bool		resident_null;
	Datum		grid;
	bool		grid_null;
	int64		ping;
	TimestampTz fixed_at;
	TimestampTz raised_at;
	bool		has_position;
	double		lon,
				lat;
	bool		assumed;
} PendingAlarm;

static PendingAlarm *pending = NULL;	/* in stmt_cxt */
static int	npending = 0,
			maxpending = 0;

/*
 * SPI, connected only when a query is run (a ping mostly runs none), with
 * the search path pinned as a SECURITY DEFINER's SET clause would pin it:
 * the trigger runs as its owner (run_as_owner) but is no SECURITY DEFINER,
 * whose SET clause cost a GUC nest level and two search_path settings per
 * ping.
 */
typedef struct SpiScope
{
	bool		open;
	int			guc_nest;
	Oid			gridcode_type;	/* care_ping.grid_code's, for the alarm plan */
} SpiScope;

/* care_setting's limits, read once per statement */
static double speed_limit,
			accuracy_limit;
static int	battery_limit;

/*
 * The column numbers cached per relation (care_device_state's, a care_ping
 * partition's) are keyed by its OID: an ALTER TABLE that keeps the OID but
 * moves a column (dropped and added again) invalidates them.
 */
static Oid	lock_relid = InvalidOid;	/* lock_state_row's columns */
static Oid	flush_relid = InvalidOid;	/* stmt_flush's */
static Oid	ping_relid = InvalidOid;	/* ping_columns' */
static bool relcache_callback_registered = false;

static void
care_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == lock_relid)
		lock_relid = InvalidOid;
	if (relid == InvalidOid || relid == flush_relid)
		flush_relid = InvalidOid;
	if (relid == InvalidOid || relid == ping_relid)
		ping_relid = InvalidOid;
}

static int	attnum_of(TupleDesc desc, const char *name);
static FenceEntry *device_entry(int64 device);

/*
 * The numbers of the named columns of rel into attnums, looked up again only
 * when rel is not the relation *mapped names (another partition, or the
 * callback above forgot it).
 */
static void
map_columns(Relation rel, const char *const *names, int n, int *attnums, Oid *mapped)
{
	if (!relcache_callback_registered)
	{
		CacheRegisterRelcacheCallback(care_relcache_callback, (Datum) 0);
		relcache_callback_registered = true;
	}
	if (*mapped == RelationGetRelid(rel))
		return;
	*mapped = InvalidOid;		/* a column missing leaves nothing mapped */
	for (int i = 0; i < n; i++)
		attnums[i] = attnum_of(RelationGetDescr(rel), names[i]);
	*mapped = RelationGetRelid(rel);
}

/*
 * The statement's lookup of state rows (lock_state_row): the table, its
 * primary key, a slot and an index scan, opened by the statement's first
 * device and rescanned for each next one, with the snapshot they look under.
 * They belong to the resource owner the statement began under, so that a
 * subtransaction inside the statement neither takes them along (rolled
 * back) nor hands them over (committed).
 */
typedef struct StateLookup
{
	bool		open;
	ResourceOwner owner;
	Relation	rel;
	Relation	idx;
	TupleTableSlot *slot;
	IndexScanDesc scan;			/* under snap; NULL until the first lookup */
	Snapshot	snap;			/* registered on owner */
	CommandId	snap_cid;		/* the command it was taken in */
	BlockNumber nblocks;		/* the table's size (no VACUUM truncates it while it is open) */
} StateLookup;

static StateLookup lookup;

static void
lookup_release_snapshot(void)
{
	if (lookup.scan != NULL)
		index_endscan(lookup.scan);
	lookup.scan = NULL;
	if (lookup.snap != NULL)
		UnregisterSnapshotFromOwner(lookup.snap, lookup.owner);
	lookup.snap = NULL;
}

/* Close the statement's lookup (its normal end) */
static void
lookup_close(void)
{
	ResourceOwner saved = CurrentResourceOwner;

	if (!lookup.open)
		return;
	CurrentResourceOwner = lookup.owner;
	PG_TRY();
	{
		lookup_release_snapshot();
		if (lookup.slot != NULL)
			ExecDropSingleTupleTableSlot(lookup.slot);
		if (lookup.idx != NULL)
			index_close(lookup.idx, AccessShareLock);
		table_close(lookup.rel, NoLock);
	}
	PG_FINALLY();
	{
		CurrentResourceOwner = saved;
	}
	PG_END_TRY();
	memset(&lookup, 0, sizeof(lookup));
}

/*
 * The statement's end (or its error, when release is false: the resource
 * owners release what the lookup held, and it is only forgotten).
 */
static void
stmt_reset(bool release)
{
	if (release)
		lookup_close();
	memset(&lookup, 0, sizeof(lookup));
	stmt_active = false;
	stmt_depth = 0;
	stmt_lost = false;
	stmt_states = NULL;
	pending = NULL;
	npending = maxpending = 0;
	if (stmt_cxt != NULL)
		MemoryContextReset(stmt_cxt);
}

/* An error undoes the statement: its locks are gone, its cache with them */
static void
care_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_COMMIT ||
		event == XACT_EVENT_PARALLEL_ABORT || event == XACT_EVENT_PREPARE)
		stmt_reset(false);
}

static void
care_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					  SubTransactionId parentSubid, void *arg)
{
	if (event != SUBXACT_EVENT_ABORT_SUB || !stmt_active)
		return;
	if (GetCurrentTransactionNestLevel() <= stmt_level)
		stmt_reset(false);
	else
	{
		/*
		 * Pings ingested inside a subtransaction that rolled back moved the
		 * statement's states in memory: the statement cannot go on.
		 */
		stmt_lost = true;
	}
}

/* A hash keyed by device id (int64) in a memory context */
static HTAB *
device_hash(const char *name, Size entrysize, MemoryContext cxt)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = entrysize;
	ctl.hcxt = cxt;
	return hash_create(name, 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

static void
caches_init(void)
{
	if (stmt_cxt == NULL)
	{
		stmt_cxt = AllocSetContextCreate(TopMemoryContext, "care_ingest statement",
										 ALLOCSET_DEFAULT_SIZES);
		RegisterXactCallback(care_xact_callback, NULL);
		RegisterSubXactCallback(care_subxact_callback, NULL);
	}
	if (fence_cache == NULL)
	{
		if (fence_cxt == NULL)
			fence_cxt = AllocSetContextCreate(TopMemoryContext, "care_ingest fences",
											  ALLOCSET_DEFAULT_SIZES);
		fence_cache = device_hash("care_ingest fences", sizeof(FenceEntry), fence_cxt);
	}
}

static void
stmt_states_init(void)
{
	stmt_states = device_hash("care_ingest states", sizeof(StateEntry), stmt_cxt);
}

static SPIPlanPtr
prepare(const char *sql, int nargs, Oid *types)
{
	/*
	 * Generic plans only: a custom plan of the flush for a one-row INSERT
	 * looks cheaper than the generic one, so the plan cache would plan it
	 * again for every statement.
	 */
	SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, types, CURSOR_OPT_GENERIC_PLAN);

	if (plan == NULL)
		elog(ERROR, "care_ingest: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	return plan;
}

static void
prepare_plans(Oid gridcode_type)
{
	if (alarm_plan != NULL)
		return;
	setting_plan = prepare("SELECT c.jump_speed_kmh, c.accuracy_limit_m, c.low_battery_percent"
						   " FROM commgrid.care_setting c", 0, NULL);
	{
		Oid			t[] = {INT8OID, TIMESTAMPTZOID, TEXTOID};

		duplicate_plan = prepare(
								 "SELECT 1 FROM commgrid.care_ping p WHERE p.device_id OPERATOR(pg_catalog.=) $1"
								 " AND p.fixed_at OPERATOR(pg_catalog.=) $2 AND p.message OPERATOR(pg_catalog.=) $3"
								 " AND NOT (p.sos OR p.fall OR p.removed OR p.power_off) LIMIT 1", 3, t);
	}
	{
		Oid			t[] = {INT8OID};

		fence_plan = prepare(
							 "SELECT f.kind OPERATOR(pg_catalog.=) 'circle', public.st_x(f.centre), public.st_y(f.centre),"
							 " f.radius_m, public.st_asbinary(f.area), f.active_from, f.active_until"
							 " FROM commgrid.care_fence f WHERE f.resident_id OPERATOR(pg_catalog.=) $1"
							 " ORDER BY f.fence_id", 1, t);
	}
	{
		Oid			t[] = {TEXTARRAYOID, INT8ARRAYOID, INT8ARRAYOID, get_array_type(gridcode_type), INT8ARRAYOID,
		TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, FLOAT8ARRAYOID, FLOAT8ARRAYOID, BOOLARRAYOID};

		if (!OidIsValid(t[3]))
			elog(ERROR, "care_ingest: gridcode has no array type");

		/*
		 * A statement's alarms, in the order raised (the ids, the triggers'
		 * transition table and the NOTIFYs follow it).  A retransmitted alarm
		 * message is stored again but raises its alarm once: one raised by an
		 * earlier statement is skipped here, one of this statement in
		 * raise_alarm.  The OR keeps the check a subplan per alarm (the
		 * device's alarms by the index), never an anti join over all alarms.
		 */
		alarm_plan = prepare(
							 "INSERT INTO commgrid.care_alarm (kind, device_id, resident_id, grid_code, ping_id, fixed_at,"
							 " raised_at, location, position_assumed)"
							 " SELECT a.kind, a.device_id, a.resident_id, a.grid_code, a.ping_id, a.fixed_at, a.raised_at,"
							 " CASE WHEN a.lon IS NOT NULL THEN public.st_setsrid(public.st_makepoint(a.lon, a.lat), 4490) END,"
							 " a.assumed"
							 " FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3),"
							 " pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6), pg_catalog.unnest($7),"
							 " pg_catalog.unnest($8), pg_catalog.unnest($9), pg_catalog.unnest($10)) WITH ORDINALITY"
							 " AS a(kind, device_id, resident_id, grid_code, ping_id, fixed_at, raised_at, lon, lat, assumed, ord)"
							 " WHERE a.kind OPERATOR(pg_catalog.=) ANY ('{fence_exit,fence_return}'::pg_catalog.text[])"
							 " OR NOT EXISTS (SELECT 1 FROM commgrid.care_alarm x"
							 " WHERE x.device_id OPERATOR(pg_catalog.=) a.device_id AND x.kind OPERATOR(pg_catalog.=) a.kind"
							 " AND x.fixed_at OPERATOR(pg_catalog.=) a.fixed_at)"
							 " ORDER BY a.ord"
							 " RETURNING alarm_id, device_id, kind, fixed_at", 10, t);
	}
}

/* Connect SPI, the search path pinned (the plans prepared once per backend) */
static void
spi_open(SpiScope *spi)
{
	if (spi->open)
		return;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "care_ingest: SPI_connect failed");
	spi->guc_nest = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, commgrid, public, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	spi->open = true;
	prepare_plans(spi->gridcode_type);
}

static void
spi_close(SpiScope *spi)
{
	if (!spi->open)
		return;
	AtEOXact_GUC(true, spi->guc_nest);
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "care_ingest: SPI_finish failed");
	spi->open = false;
}

/* The limits of care_setting, read once per statement (a join with each state row costs more) */
static void
read_settings(SpiScope *spi)
{
	bool		isnull;
	HeapTuple	tup;
	TupleDesc	desc;

	spi_open(spi);
	if (SPI_execute_plan(setting_plan, NULL, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "care_ingest: care_setting has no row");
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	speed_limit = DatumGetFloat8(SPI_getbinval(tup, desc, 1, &isnull));
	accuracy_limit = DatumGetFloat8(SPI_getbinval(tup, desc, 2, &isnull));
	battery_limit = DatumGetInt32(SPI_getbinval(tup, desc, 3, &isnull));
}

/* Begin a statement of ingest (SPI connected) */
static void
stmt_begin(SpiScope *spi)
{
	caches_init();
	stmt_reset(true);
	read_settings(spi);
	stmt_states_init();
	stmt_level = GetCurrentTransactionNestLevel();
	lookup.owner = CurrentResourceOwner;
	stmt_active = true;
	stmt_depth = 1;
}

static void
stmt_check(void)
{
	if (stmt_lost)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("care_ping ingest state lost to a rolled-back subtransaction"),
				 errdetail("Pings were ingested in a subtransaction that rolled back inside the statement."),
				 errhint("Repeat the statement.")));
}

/*
 * The columns of care_device_state device_state reads, in this order, and
 * device_id last: the version locked must still be the device's.
 */
static const char *const state_columns[] = {
	"tracking", "resident_id", "grid_code", "last_fixed_at", "last_lon", "last_lat",
	"outside_count", "is_out", "exit_alarm_id", "battery_low", "newest_fixed_at",
	"district_outside_count", "left_district", "fence_version", "newest_stored_at",
	"device_id"
};
#define STATE_COLUMNS lengthof(state_columns)
#define STATE_DEVICE (STATE_COLUMNS - 1)
/* their numbers in care_device_state (map_columns) */
static int	state_att[STATE_COLUMNS];

static Oid
state_relid(void)
{
	Oid			rel_oid = get_relname_relid("care_device_state", get_namespace_oid("commgrid", false));

	if (!OidIsValid(rel_oid))
		elog(ERROR, "care_ingest: commgrid.care_device_state not found");
	return rel_oid;
}

/* Open the statement's lookup, at its first device (under its owner and in stmt_cxt) */
static void
lookup_open(void)
{
	Oid			pkey;

	lookup.rel = table_open(state_relid(), RowExclusiveLock);
	lookup.open = true;			/* from here on lookup_close closes what is set */
	pkey = RelationGetPrimaryKeyIndex(lookup.rel);
	if (!OidIsValid(pkey))
		elog(ERROR, "care_ingest: care_device_state has no primary key");
	lookup.idx = index_open(pkey, AccessShareLock);
	lookup.slot = table_slot_create(lookup.rel, NULL);
	lookup.nblocks = RelationGetNumberOfBlocks(lookup.rel);
	/* the places the device cache holds are in this table, or forgotten */
	if (state_root_relid != RelationGetRelid(lookup.rel))
	{
		HASH_SEQ_STATUS seq;
		FenceEntry *fe;

		hash_seq_init(&seq, fence_cache);
		while ((fe = hash_seq_search(&seq)) != NULL)
			ItemPointerSetInvalid(&fe->state_root);
		state_root_relid = RelationGetRelid(lookup.rel);
	}
}

/*
 * The snapshot the lookup looks under, and its scan: the statement's, taken
 * again when the command moved on (this transaction's own changes are seen
 * as by a fresh one) or when fresh is asked.  Returns whether it was taken
 * now.  Under REPEATABLE READ it is the transaction's anyway.
 */
static bool
lookup_snapshot(bool fresh)
{
	CommandId	cid = GetCurrentCommandId(false);

	if (lookup.snap != NULL && !fresh && lookup.snap_cid == cid)
		return false;
	lookup_release_snapshot();
	lookup.snap = RegisterSnapshotOnOwner(IsolationUsesXactSnapshot() ? GetTransactionSnapshot() : GetLatestSnapshot(),
										  lookup.owner);
	lookup.snap_cid = cid;
	lookup.scan = index_beginscan(lookup.rel, lookup.idx, lookup.snap, 1, 0);
	return true;
}

/*
 * Find the device's row by the primary key under the lookup's snapshot and
 * lock it, into lookup.slot.  If another transaction updated it since, the
 * lock waits for it and takes the newest version (as EvalPlanQual would;
 * under REPEATABLE READ that is a serialization failure).  Returns false
 * when there is no row, it was deleted, or the newest version is another
 * device's.
 */
static bool
lock_state_version(int64 device, const int *att, bool xact_snapshot, ItemPointer root)
{
	ScanKeyData key;
	TupleTableSlot *slot = lookup.slot;
	ItemPointerData tid;
	TM_FailureData tmfd;
	TM_Result	result;
	bool		isnull;
	bool		placed = false;

	/*
	 * Where the row was found before: the HOT chain from there, under the
	 * snapshot, as the index scan would fetch it.  Only the device's row
	 * visible to the snapshot is taken (the primary key allows one), else
	 * the place is forgotten and the index looked up: a version moved off
	 * the page by an update, a line pointer pruned and reused, a table
	 * rewritten.
	 */
	if (ItemPointerIsValid(root))
	{
		if (ItemPointerGetBlockNumber(root) < lookup.nblocks)
		{
			ItemPointerData t = *root;
			bool		call_again = false;
			bool		all_dead = false;

			placed = table_index_fetch_tuple(lookup.scan->xs_heapfetch, &t, lookup.snap, slot,
											 &call_again, &all_dead) &&
				DatumGetInt64(slot_getattr(slot, att[STATE_DEVICE], &isnull)) == device && !isnull;
			if (!placed)
				ExecClearTuple(slot);
		}
		if (!placed)
			ItemPointerSetInvalid(root);
	}
	if (!placed)
	{
		ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(device));
		index_rescan(lookup.scan, &key, 1, NULL, 0);

		/*
		 * index_getnext_slot, keeping the heap TID of the index entry that
		 * led to the row: the root of its HOT chain (the fetch moves
		 * xs_heaptid to the version found)
		 */
		for (;;)
		{
			if (!lookup.scan->xs_heap_continue)
			{
				ItemPointer entry = index_getnext_tid(lookup.scan, ForwardScanDirection);

				if (entry == NULL)
					return false;
				*root = *entry;
			}
			if (index_fetch_heap(lookup.scan, slot))
				break;
		}
	}
	tid = slot->tts_tid;
	result = table_tuple_lock(lookup.rel, &tid, lookup.snap, slot, GetCurrentCommandId(true),
							  LockTupleExclusive, LockWaitBlock,
							  xact_snapshot ? 0 : TUPLE_LOCK_FLAG_FIND_LAST_VERSION, &tmfd);
	switch (result)
	{
		case TM_Ok:
			break;
		case TM_Deleted:
			if (xact_snapshot)
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent delete")));
			return false;
		case TM_Updated:
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("could not serialize access due to concurrent update")));
			break;
		case TM_SelfModified:
			/* changed by this command (a writable CTE): what UPDATE says of such a row */
			ereport(ERROR,
					(errcode(ERRCODE_TRIGGERED_DATA_CHANGE_VIOLATION),
					 errmsg("the state of device %lld was changed by the statement that ingests its pings",
							(long long) device),
					 errhint("Change commgrid.care_device_state and load pings in separate statements.")));
			break;
		default:
			elog(ERROR, "care_ingest: unexpected result %d locking the state of device %lld",
				 (int) result, (long long) device);
	}
	/* the update chain followed may end in a version whose key was changed */
	if (DatumGetInt64(slot_getattr(slot, att[STATE_DEVICE], &isnull)) == device && !isnull)
		return true;
	ItemPointerSetInvalid(root);
	return false;
}

/*
 * Lock a device's state row and read it: what SELECT ... FOR UPDATE does,
 * without a query.  The table, its primary key, the slot and the index scan
 * are the statement's (opened by its first device), and so is the snapshot
 * the row is found under while the command does not move on (READ
 * COMMITTED; the transaction's otherwise): a row updated since is followed
 * to its newest version by the lock, and one the statement's snapshot does
 * not find, or finds deleted or changed by the time it is locked (a device
 * registered, or deleted and registered again, by a transaction committed
 * meanwhile), is looked up once more under the newest snapshot, as it was
 * for each device before (docs/guide/care.md#the-hot-path).  Returns false
 * when there is no row.
 */
static bool
lock_state_row(int64 device, ItemPointer root, ItemPointer locked, Datum **row_values, bool **row_nulls)
{
	int		   *att = state_att;
	bool		xact_snapshot = IsolationUsesXactSnapshot();
	ResourceOwner saved_owner = CurrentResourceOwner;
	MemoryContext saved_cxt = MemoryContextSwitchTo(stmt_cxt);
	bool		found;

	/* the scan lives across pings: none of it in a ping's memory or a subtransaction's owner */
	CurrentResourceOwner = lookup.owner;
	PG_TRY();
	{
		bool		fresh;

		if (!lookup.open)
			lookup_open();
		map_columns(lookup.rel, state_columns, STATE_COLUMNS, att, &lock_relid);
		fresh = lookup_snapshot(false);
		found = lock_state_version(device, att, xact_snapshot, root);
		if (!found && !fresh && !xact_snapshot)
		{
			(void) lookup_snapshot(true);
			found = lock_state_version(device, att, xact_snapshot, root);
		}
		if (found)
		{
			TupleTableSlot *slot = lookup.slot;
			TupleDesc	desc = slot->tts_tupleDescriptor;
			Datum	   *v = palloc(desc->natts * (sizeof(Datum) + sizeof(bool)));
			bool	   *n = (bool *) (v + desc->natts);

			/*
			 * The version locked, which the statement's write-back replaces:
			 * its columns, deformed once (a column by reference copied)
			 */
			*locked = slot->tts_tid;
			slot_getallattrs(slot);
			for (int i = 0; i < desc->natts; i++)
			{
				Form_pg_attribute a = TupleDescAttr(desc, i);

				n[i] = slot->tts_isnull[i];
				v[i] = n[i] ? (Datum) 0 : datumCopy(slot->tts_values[i], a->attbyval, a->attlen);
			}
			*row_values = v;
			*row_nulls = n;
		}
		ExecClearTuple(lookup.slot);
	}
	PG_FINALLY();
	{
		CurrentResourceOwner = saved_owner;
		MemoryContextSwitchTo(saved_cxt);
	}
	PG_END_TRY();
	return found;
}

/* The device's state: from the statement cache, else locked and read (its first ping) */
static StateEntry *
device_state(int64 device)
{
	bool		found;
	StateEntry *st = hash_search(stmt_states, &device, HASH_ENTER, &found);
	StateEntry	e;
	ItemPointerData tid;
	Datum	   *rv;
	bool	   *rn;
	FenceEntry *fe;

	/*
	 * Entered at once (one lookup per ping), filled below: an error on the
	 * way ends the statement (caught in a subtransaction, it is lost:
	 * stmt_check), so an entry left unfilled is never read.
	 */
	if (found)
		return st;
	st->dirty = false;
	fe = device_entry(device);
	if (!lock_state_row(device, &fe->state_root, &tid, &rv, &rn))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("device %lld is not registered", (long long) device),
				 errdetail("No row of commgrid.care_device has device_id %lld.", (long long) device),
				 errhint("Register the device (care_device) before loading its pings.")));
#define V(i) rv[state_att[i] - 1]
#define N(i) rn[state_att[i] - 1]
	memset(&e, 0, sizeof(e));
	e.device = device;
	e.tracking = DatumGetBool(V(0));
	e.resident = DatumGetInt64(V(1));
	e.resident_null = N(1);
	e.grid = V(2);
	e.grid_null = N(2);
	e.last_fixed_at = DatumGetTimestampTz(V(3));
	e.last_null = N(3);
	e.last_lon = N(4) ? 0 : DatumGetFloat8(V(4));
	e.last_lat = N(5) ? 0 : DatumGetFloat8(V(5));
	e.outside_count = DatumGetInt32(V(6));
	e.is_out = DatumGetBool(V(7));
	e.exit_alarm = DatumGetInt64(V(8));
	e.exit_alarm_null = N(8);
	e.battery_low = DatumGetBool(V(9));
	e.newest_fixed_at = DatumGetTimestampTz(V(10));
	e.newest_null = N(10);
	e.district_outside_count = DatumGetInt32(V(11));
	e.left_district = DatumGetBool(V(12));
	e.fence_version = DatumGetInt64(V(13));
	e.newest_stored_at = DatumGetTimestampTz(V(14));
	e.stored_null = N(14);
#undef V
#undef N
	e.seen_null = true;
	e.fence = fe;
	e.tid = tid;
	e.row_values = rv;
	e.row_nulls = rn;
	*st = e;
	return st;
}

/* The columns of care_device_state the write-back sets, in this order */
static const char *const flush_columns[] = {
	"last_fixed_at", "last_lon", "last_lat", "outside_count", "is_out", "exit_alarm_id",
	"battery_low", "newest_fixed_at", "district_outside_count", "left_district",
	"newest_stored_at", "last_seen_at", "no_signal_since"
};
#define FLUSH_COLUMNS lengthof(flush_columns)

/*
 * Write back every state the statement moved: each locked version replaced
 * by its new one, as an UPDATE of the row would, without a query (one
 * UPDATE of a statement's states cost a fifth of the ingest: its function
 * scan, join and whole-row copies for EvalPlanQual).  The rows are locked
 * by this transaction since the statement's first ping of each device, so
 * the version locked is still the newest; the table has no trigger that an
 * unchanged device_id would fire, and a version not on the same page gets
 * its index entries as in an UPDATE.
 */
static void
stmt_flush(void)
{
	static int	cols[FLUSH_COLUMNS];
	HASH_SEQ_STATUS seq;
	StateEntry *st;
	Relation	rel = NULL;
	ResultRelInfo *rri = NULL;
	EState	   *estate = NULL;
	TupleTableSlot *slot = NULL;
	TupleDesc	desc = NULL;
	Snapshot	snap = GetActiveSnapshot();

	/* the lookup's scan and pins are done with */
	lookup_close();
	if (hash_get_num_entries(stmt_states) == 0)
		return;
	hash_seq_init(&seq, stmt_states);
	while ((st = hash_seq_search(&seq)) != NULL)
	{
		Datum		v[FLUSH_COLUMNS];
		bool		nl[FLUSH_COLUMNS];
		HeapTuple	tup;
		bool		update_indexes;

		if (!st->dirty)
			continue;
		if (rel == NULL)
		{
			rel = table_open(state_relid(), RowExclusiveLock);
			desc = RelationGetDescr(rel);
			map_columns(rel, flush_columns, FLUSH_COLUMNS, cols, &flush_relid);
			estate = CreateExecutorState();
			rri = makeNode(ResultRelInfo);
			InitResultRelInfo(rri, rel, 1, NULL, 0);
			ExecOpenIndices(rri, false);
			slot = MakeSingleTupleTableSlot(desc, &TTSOpsHeapTuple);
		}
		v[0] = TimestampTzGetDatum(st->last_fixed_at);
		v[1] = Float8GetDatum(st->last_lon);
		v[2] = Float8GetDatum(st->last_lat);
		nl[0] = nl[1] = nl[2] = st->last_null;
		v[3] = Int32GetDatum(st->outside_count);
		nl[3] = false;
		v[4] = BoolGetDatum(st->is_out);
		nl[4] = false;
		v[5] = Int64GetDatum(st->exit_alarm);
		nl[5] = st->exit_alarm_null;
		v[6] = BoolGetDatum(st->battery_low);
		nl[6] = false;
		v[7] = TimestampTzGetDatum(st->newest_fixed_at);
		nl[7] = st->newest_null;
		v[8] = Int32GetDatum(st->district_outside_count);
		nl[8] = false;
		v[9] = BoolGetDatum(st->left_district);
		nl[9] = false;
		v[10] = TimestampTzGetDatum(st->newest_stored_at);
		nl[10] = st->stored_null;
		/* a message clears the silence; last_seen_at only moves forward */
		v[11] = st->row_values[cols[11] - 1];
		nl[11] = st->row_nulls[cols[11] - 1];
		v[12] = st->row_values[cols[12] - 1];
		nl[12] = st->row_nulls[cols[12] - 1];
		if (!st->seen_null)
		{
			if (nl[11] || DatumGetTimestampTz(v[11]) < st->seen_at)
				v[11] = TimestampTzGetDatum(st->seen_at), nl[11] = false;
			nl[12] = true;
		}
		/* the new version: the locked one's columns, deformed when it was locked, with these */
		for (int i = 0; i < (int) FLUSH_COLUMNS; i++)
		{
			st->row_values[cols[i] - 1] = v[i];
			st->row_nulls[cols[i] - 1] = nl[i];
		}
		tup = heap_form_tuple(desc, st->row_values, st->row_nulls);
		ExecStoreHeapTuple(tup, slot, true);
		simple_table_tuple_update(rel, &st->tid, slot, snap, &update_indexes);
		/*
		 * Not HOT: index entries for the new version.  update = false: its
		 * hint (the key unchanged) would look up the updated columns in a
		 * range table this executor state does not have.
		 */
		if (update_indexes)
			(void) ExecInsertIndexTuples(rri, slot, estate, false, false, NULL, NIL);
		ExecClearTuple(slot);
	}
	if (rel != NULL)
	{
		ExecDropSingleTupleTableSlot(slot);
		ExecCloseIndices(rri);
		FreeExecutorState(estate);
		table_close(rel, NoLock);
		/* the next statement of the transaction (or ping of an own statement) sees them */
		CommandCounterIncrement();
	}
}

/* Metres between two lon/lat points, on the local tangent plane (fences are small) */
static void
local_xy(double lon0, double lat0, double lon, double lat, double *x, double *y)
{
	*x = (lon - lon0) * DEG * cos(lat0 * DEG) * EARTH_RADIUS_M;
	*y = (lat - lat0) * DEG * EARTH_RADIUS_M;
}

static double
distance_m(double lon0, double lat0, double lon, double lat)
{
	double		x,
				y;

	local_xy(lon0, lat0, lon, lat, &x, &y);
	return sqrt(x * x + y * y);
}

static void
fence_wkb_error(const EwkbReader *r, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("unreadable fence polygon"),
			 errdetail("Its well-known binary is %s.", what)));
}

/*
 * Distance in metres from the fix to a polygon (0 inside): even-odd crossing
 * over every ring, and the nearest edge, on the plane around the fix.
 */
static double
polygon_distance_m(bytea *wkb, double lon, double lat)
{
	EwkbReader	r;
	EwkbHeader	h;
	uint32		nrings,
				i;
	bool		inside = false;
	double		best = INFINITY;

	ewkb_reader_init(&r, (const uint8 *) VARDATA_ANY(wkb), VARSIZE_ANY_EXHDR(wkb), fence_wkb_error, NULL);
	ewkb_read_header(&r, &h);
	if (h.type != WKB_POLYGON)
		fence_wkb_error(&r, "not a polygon");
	nrings = ewkb_read_uint32(&r);
	for (i = 0; i < nrings; i++)
	{
		uint32		npoints = ewkb_read_uint32(&r);
		uint32		k;
		double		px = 0,
					py = 0;

		ewkb_need(&r, (uint64) npoints * h.ndims * sizeof(double));
		for (k = 0; k < npoints; k++)
		{
			double		vx,
						vy,
						x,
						y;
			int			d;

			CHECK_FOR_INTERRUPTS();
			/* two statements: the order of evaluation of arguments is unspecified */
			vx = ewkb_read_double(&r);
			vy = ewkb_read_double(&r);
			local_xy(lon, lat, vx, vy, &x, &y);
			for (d = 2; d < h.ndims; d++)
				(void) ewkb_read_double(&r);
			if (k > 0)
			{
				double		ex = x - px,
							ey = y - py,
							len2 = ex * ex + ey * ey,
							t = len2 > 0 ? -(px * ex + py * ey) / len2 : 0,
							cx,
							cy;

				t = t < 0 ? 0 : (t > 1 ? 1 : t);
				cx = px + t * ex;
				cy = py + t * ey;
				best = fmin(best, sqrt(cx * cx + cy * cy));
				/* the ray from the fix (origin) along +x crosses this edge? */
				if ((py > 0) != (y > 0) && px + (0 - py) * (x - px) / (y - py) > 0)
					inside = !inside;
			}
			px = x;
			py = y;
		}
	}
	return inside ? 0.0 : best;
}

/*
 * The device's entry in the device cache, made (fences not loaded, state row
 * not placed) when missing.  Bounded: beyond the limit the cache starts
 * again, and the statement's states forget their entries.
 */
static FenceEntry *
device_entry(int64 device)
{
	FenceEntry *fe = hash_search(fence_cache, &device, HASH_FIND, NULL);
	bool		found;

	if (fe != NULL)
		return fe;
	if (hash_get_num_entries(fence_cache) >= FENCE_CACHE_MAX)
	{
		if (stmt_states != NULL)
		{
			HASH_SEQ_STATUS seq;
			StateEntry *st;

			hash_seq_init(&seq, stmt_states);
			while ((st = hash_seq_search(&seq)) != NULL)
				st->fence = NULL;
		}
		fence_cache = NULL;
		MemoryContextReset(fence_cxt);
		caches_init();
	}
	fe = hash_search(fence_cache, &device, HASH_ENTER, &found);
	ItemPointerSetInvalid(&fe->state_root);
	fe->loaded = false;
	fe->resident = 0;
	fe->version = 0;
	fe->nfences = 0;
	fe->fences = NULL;
	return fe;
}

/* The wearer's fences at the state's fence_version: cached, else read and parsed (SPI connected) */
static FenceEntry *
device_fences(StateEntry *st, SpiScope *spi)
{
	FenceEntry *fe = st->fence;
	Datum		args[1] = {Int64GetDatum(st->resident)};
	CareFence  *fences = NULL;
	int			n;
	MemoryContext old;

	if (fe == NULL)
		fe = st->fence = device_entry(st->device);
	if (fe->loaded && fe->resident == st->resident && fe->version == st->fence_version)
		return fe;
	/* not read-only: a fresh snapshot, taken after the wait for the state row's lock */
	spi_open(spi);
	if (SPI_execute_plan(fence_plan, args, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "care_ingest: fence query failed");
	n = (int) SPI_processed;
	old = MemoryContextSwitchTo(fence_cxt);
	if (n > 0)
		fences = palloc0(n * sizeof(CareFence));
	for (int i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		CareFence  *f = &fences[i];

		f->circle = DatumGetBool(SPI_getbinval(tup, desc, 1, &isnull));
		if (f->circle)
		{
			f->cx = DatumGetFloat8(SPI_getbinval(tup, desc, 2, &isnull));
			f->cy = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull));
			f->r = DatumGetFloat8(SPI_getbinval(tup, desc, 4, &isnull));
		}
		else
		{
			bytea	   *wkb = DatumGetByteaPP(SPI_getbinval(tup, desc, 5, &isnull));
			Size		len = VARSIZE_ANY_EXHDR(wkb);

			f->wkb = palloc(len + VARHDRSZ);
			SET_VARSIZE(f->wkb, len + VARHDRSZ);
			memcpy(VARDATA(f->wkb), VARDATA_ANY(wkb), len);
			f->r = 0.0;
		}
		f->from = DatumGetTimeADT(SPI_getbinval(tup, desc, 6, &isnull));
		f->hours = !isnull;
		f->until = DatumGetTimeADT(SPI_getbinval(tup, desc, 7, &isnull));
	}
	MemoryContextSwitchTo(old);
	if (fe->fences != NULL)
	{
		for (int i = 0; i < fe->nfences; i++)
			if (fe->fences[i].wkb != NULL)
				pfree(fe->fences[i].wkb);
		pfree(fe->fences);
	}
	fe->loaded = true;
	fe->resident = st->resident;
	fe->version = st->fence_version;
	fe->nfences = n;
	fe->fences = fences;
	return fe;
}

/* The time of day in district time (Asia/Shanghai), as a time value */
static TimeADT
district_time_of_day(TimestampTz t)
{
	static pg_tz *tz = NULL;
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;

	if (tz == NULL)
	{
		tz = pg_tzset("Asia/Shanghai");
		if (tz == NULL)
			elog(ERROR, "care_ingest: time zone Asia/Shanghai not found");
	}
	if (timestamp2tm(t, &tzoff, &tm, &fsec, NULL, tz) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return ((((tm.tm_hour * MINS_PER_HOUR) + tm.tm_min) * SECS_PER_MINUTE) + tm.tm_sec) * USECS_PER_SEC + fsec;
}

/* Where the fix lies against the person's fences active at fixed_at */
static FencePosition
fence_position(StateEntry *st, TimestampTz fixed_at, double lon, double lat, SpiScope *spi)
{
	FenceEntry *fe = device_fences(st, spi);
	FencePosition result = FENCE_NONE;
	TimeADT		tod = 0;
	bool		tod_known = false;

	for (int i = 0; i < fe->nfences; i++)
	{
		CareFence  *f = &fe->fences[i];
		double		d,
					ring;

		if (f->hours)
		{
			bool		active;

			if (!tod_known)
				tod = district_time_of_day(fixed_at), tod_known = true;
			if (f->from <= f->until)
				active = tod >= f->from && tod < f->until;
			else
				active = tod >= f->from || tod < f->until;
			if (!active)
				continue;
		}
		if (f->circle)
			d = distance_m(f->cx, f->cy, lon, lat);
		else
			d = polygon_distance_m(f->wkb, lon, lat);
		ring = f->r + fmax(0.1 * f->r, RING_MIN_M);
		if (d <= f->r)
			return FENCE_INSIDE;
		if (d <= ring)
			result = FENCE_RING;
		else if (result == FENCE_NONE)
			result = FENCE_BEYOND;
	}
	return result;
}

/* The depth of the district level, looked up once */
static int
district_depth(void)
{
	static int	depth = -1;

	if (depth < 0)
		depth = locate_level_depth("district", strlen("district"));
	return depth;
}

/*
 * Raise one alarm, inserted at the statement's end (alarm_flush), unless it
 * is a retransmission of one this statement raised already (a fence alarm
 * never is); returns its place in the statement's list + 1, or 0.
 */
static int
raise_alarm(const char *kind, int64 device, int64 resident, bool resident_null,
			Datum grid, bool grid_null, int64 ping, TimestampTz fixed_at,
			bool has_position, double lon, double lat, bool assumed)
{
	PendingAlarm *a;

	if (strncmp(kind, "fence_", 6) != 0)
		for (int i = 0; i < npending; i++)
			if (pending[i].device == device && pending[i].fixed_at == fixed_at &&
				strcmp(pending[i].kind, kind) == 0)
				return 0;
	if (npending == maxpending)
	{
		maxpending = maxpending == 0 ? 64 : maxpending * 2;
		pending = pending == NULL ?
			MemoryContextAlloc(stmt_cxt, maxpending * sizeof(PendingAlarm)) :
			repalloc(pending, maxpending * sizeof(PendingAlarm));
	}
	a = &pending[npending++];
	a->kind = kind;				/* a string constant */
	a->device = device;
	a->resident = resident;
	a->resident_null = resident_null;
	a->grid = grid;
	a->grid_null = grid_null;
	a->ping = ping;
	a->fixed_at = fixed_at;
	a->raised_at = GetCurrentTimestamp();
	a->has_position = has_position;
	a->lon = lon;
	a->lat = lat;
	a->assumed = assumed;
	return npending;
}

/* An array of n values of a type (nulls may be NULL) */
static Datum
make_array(Datum *values, bool *nulls, int n, Oid type)
{
	int16		len;
	bool		byval;
	char		align;
	int			dims[1] = {n};
	int			lbs[1] = {1};

	get_typlenbyvalalign(type, &len, &byval, &align);
	return PointerGetDatum(construct_md_array(values, nulls, 1, dims, lbs, type, len, byval, align));
}

/*
 * Insert the statement's alarms, in one INSERT, in the order raised; a
 * fence_exit's id goes to its device's state (exit_alarm_id) before the
 * states are written back.
 */
static void
alarm_flush(SpiScope *spi)
{
	int			n = npending;
	Datum	   *v;
	bool	   *nl;
	Datum		args[10];
	uint64		returned;
	int			next = 0;
	int			nest;
	int			ret;

	if (n == 0)
		return;
	spi_open(spi);
	v = palloc(n * sizeof(Datum));
	nl = palloc0(n * sizeof(bool));
#define COLUMN(arg, type, expr, isnull) \
	do { \
		for (int i = 0; i < n; i++) \
		{ \
			PendingAlarm *a = &pending[i]; \
			nl[i] = (isnull); \
			v[i] = nl[i] ? (Datum) 0 : (expr); \
		} \
		args[arg] = make_array(v, nl, n, type); \
	} while (0)
	COLUMN(0, TEXTOID, CStringGetTextDatum(a->kind), false);
	COLUMN(1, INT8OID, Int64GetDatum(a->device), false);
	COLUMN(2, INT8OID, Int64GetDatum(a->resident), a->resident_null);
	COLUMN(3, spi->gridcode_type, a->grid, a->grid_null);
	COLUMN(4, INT8OID, Int64GetDatum(a->ping), false);
	COLUMN(5, TIMESTAMPTZOID, TimestampTzGetDatum(a->fixed_at), false);
	COLUMN(6, TIMESTAMPTZOID, TimestampTzGetDatum(a->raised_at), false);
	COLUMN(7, FLOAT8OID, Float8GetDatum(a->lon), !a->has_position);
	COLUMN(8, FLOAT8OID, Float8GetDatum(a->lat), !a->has_position);
	COLUMN(9, BOOLOID, BoolGetDatum(a->assumed), false);
#undef COLUMN
	/* flushed: an error from here on ends the statement anyway */
	npending = 0;

	/*
	 * The retransmission check by the index, whatever the statistics say: a
	 * generic plan made while care_alarm was empty (a hash of its sequential
	 * scan) would be kept while it fills, a scan of every alarm per statement.
	 */
	nest = NewGUCNestLevel();
	(void) set_config_option("enable_seqscan", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	ret = SPI_execute_plan(alarm_plan, args, NULL, false, 0);
	AtEOXact_GUC(true, nest);
	if (ret != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "care_ingest: alarm insert failed");
	/* the rows come back in the order inserted: those skipped (retransmissions) are missing */
	returned = SPI_processed;
	for (uint64 r = 0; r < returned; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		int64		id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		int64		device = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
		char	   *kind = TextDatumGetCString(SPI_getbinval(tup, desc, 3, &isnull));
		TimestampTz fixed_at = DatumGetTimestampTz(SPI_getbinval(tup, desc, 4, &isnull));

		while (next < n && !(pending[next].device == device && pending[next].fixed_at == fixed_at &&
							 strcmp(pending[next].kind, kind) == 0))
			next++;
		if (next == n)
			elog(ERROR, "care_ingest: alarm %lld of device %lld was not raised by this statement",
				 (long long) id, (long long) device);
		if (strcmp(kind, "fence_exit") == 0)
		{
			StateEntry *st = hash_search(stmt_states, &device, HASH_FIND, NULL);

			if (st != NULL && st->exit_pending == next + 1)
			{
				st->exit_alarm = id;
				st->exit_alarm_null = false;
				st->exit_pending = 0;
			}
		}
		next++;
	}
}

/* The geometry type's binary input, found from the location column */
static Datum
make_point_4490(Oid geometry_type, double lon, double lat)
{
	static FmgrInfo recv;
	static Oid	recv_type = InvalidOid;
	static Oid	typioparam;
	StringInfoData buf;
	uint32		type = WKB_POINT | EWKB_SRID;
	int32		srid = SRID_CGCS2000;
#ifdef WORDS_BIGENDIAN
	char		order = 0;
#else
	char		order = 1;
#endif

	if (recv_type != geometry_type)
	{
		Oid			fn;

		getTypeBinaryInputInfo(geometry_type, &fn, &typioparam);
		fmgr_info_cxt(fn, &recv, TopMemoryContext);
		recv_type = geometry_type;
	}
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, &order, 1);
	appendBinaryStringInfo(&buf, (const char *) &type, 4);
	appendBinaryStringInfo(&buf, (const char *) &srid, 4);
	appendBinaryStringInfo(&buf, (const char *) &lon, 8);
	appendBinaryStringInfo(&buf, (const char *) &lat, 8);
	return ReceiveFunctionCall(&recv, &buf, typioparam, -1);
}

static int
attnum_of(TupleDesc desc, const char *name)
{
	int			n = SPI_fnumber(desc, name);

	if (n <= 0)
		elog(ERROR, "care_ingest: no column %s", name);
	return n;
}

/* The columns of care_ping the trigger reads and sets, per partition (looked up once) */
enum
{
	C_DEVICE, C_PING, C_FIXED, C_RECEIVED, C_MESSAGE, C_FIX_SOURCE, C_COORD, C_SOS, C_FALL,
	C_REMOVED, C_POWER_OFF, C_INVALID, C_ACCURACY, C_BATTERY, C_LOCATION, C_RESIDENT,
	C_GRID, C_STATUS, C_ASSUMED, C_COUNT
};
static const char *const column_names[C_COUNT] = {
	"device_id", "ping_id", "fixed_at", "received_at", "message", "fix_source", "coord_system",
	"sos", "fall", "removed", "power_off", "invalid_fix", "accuracy_m", "battery", "location",
	"resident_id", "grid_code", "status", "position_assumed"
};

static const int *
ping_columns(Relation rel)
{
	static int	cols[C_COUNT];

	map_columns(rel, column_names, C_COUNT, cols, &ping_relid);
	return cols;
}

/*
 * The ping's columns from the trigger's slot: deformed once, up to the last
 * column read (heap_getattr on the tuple walks it again for each column
 * after a null or a varlena).
 */
#define GET(c) \
	slot_getattr(trig->tg_trigslot, col[c], &isnull)

/*
 * A trigger of care_ping runs as the function's owner, as a SECURITY DEFINER
 * function would, but switches the user itself: fmgr's definer call set and
 * reset the SET clause's search_path in a GUC nest level per ping (4.5 % of
 * the ingest).  What the trigger does without a query depends on no search
 * path (relations by OID, types from the columns); each query it runs has
 * the path pinned (spi_open), so the caller's search_path reaches nothing.
 * An error undoes the switch with the (sub)transaction, as for a definer.
 */
typedef Datum (*TriggerBody) (FunctionCallInfo fcinfo);

/* What run_as_owner keeps in fn_extra (the trigger's FmgrInfo is its table's) */
typedef struct OwnerCall
{
	Oid			owner;			/* the function's owner */
	Oid			checked_relid;	/* the table found to be care_ping or its partition */
} OwnerCall;

/*
 * The table is care_ping of the function's schema or one of its partitions:
 * the function acts as its owner, so a trigger made with it on any other
 * table (by a role someone granted EXECUTE) is refused before it does
 * anything.
 */
static void
check_ingest_table(Oid fn_namespace, Relation rel)
{
	Oid			ping = get_relname_relid("care_ping", fn_namespace);
	Oid			relid = RelationGetRelid(rel);
	bool		ok = OidIsValid(ping) && relid == ping;

	if (!ok && OidIsValid(ping) && rel->rd_rel->relispartition)
		ok = list_member_oid(get_partition_ancestors(relid), ping);
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("care ingest runs only on commgrid.care_ping"),
				 errdetail("The trigger fired on table \"%s\".", RelationGetRelationName(rel)),
				 errhint("Insert pings into commgrid.care_ping.")));
}

static Datum
run_as_owner(FunctionCallInfo fcinfo, TriggerBody body)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	Relation	rel = ((TriggerData *) fcinfo->context)->tg_relation;
	OwnerCall  *call = (OwnerCall *) flinfo->fn_extra;
	Oid			save_user;
	int			save_sec;
	Datum		result;

	if (call == NULL || call->checked_relid != RelationGetRelid(rel))
	{
		HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(flinfo->fn_oid));
		Form_pg_proc proc;

		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for function %u", flinfo->fn_oid);
		proc = (Form_pg_proc) GETSTRUCT(tup);
		check_ingest_table(proc->pronamespace, rel);
		if (call == NULL)
			call = MemoryContextAlloc(flinfo->fn_mcxt, sizeof(OwnerCall));
		call->owner = proc->proowner;
		call->checked_relid = RelationGetRelid(rel);
		ReleaseSysCache(tup);
		flinfo->fn_extra = call;
	}
	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(call->owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	result = body(fcinfo);
	SetUserIdAndSecContext(save_user, save_sec);
	return result;
}

/* One statement of ingest: its beginning opens the statement cache, its end writes the states */
static Datum
ingest_statement(FunctionCallInfo fcinfo)
{
	TriggerData *trig = (TriggerData *) fcinfo->context;
	SpiScope	spi = {false};

	{
		TupleDesc	desc = RelationGetDescr(trig->tg_relation);

		spi.gridcode_type = TupleDescAttr(desc, attnum_of(desc, "grid_code") - 1)->atttypid;
	}
	if (TRIGGER_FIRED_BEFORE(trig->tg_event))
	{
		if (!stmt_active)
			stmt_begin(&spi);
		else
			stmt_depth++;
	}
	else if (stmt_active)
	{
		/*
		 * Checked at every end, not only the outermost: a nested statement
		 * rolled back inside this one never reached its end, so the depth
		 * would not come back to 0 and the states would never be written.
		 */
		stmt_check();
		if (--stmt_depth == 0)
		{
			alarm_flush(&spi);
			stmt_flush();
			stmt_reset(true);
		}
	}
	spi_close(&spi);
	return PointerGetDatum(NULL);
}

PG_FUNCTION_INFO_V1(care_ingest_statement);
Datum
care_ingest_statement(PG_FUNCTION_ARGS)
{
	TriggerData *trig = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BY_INSERT(trig->tg_event) ||
		TRIGGER_FIRED_FOR_ROW(trig->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("care_ingest_statement must be an INSERT statement trigger")));
	return run_as_owner(fcinfo, ingest_statement);
}

/* The fence cache of this backend: devices and bytes */
PG_FUNCTION_INFO_V1(care_ingest_cache);
Datum
care_ingest_cache(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "care_ingest_cache: return type must be a row type");
	{
		int64		loaded = 0;

		/* devices whose fences it holds (the others, only where their state row is) */
		if (fence_cache != NULL)
		{
			HASH_SEQ_STATUS seq;
			FenceEntry *fe;

			hash_seq_init(&seq, fence_cache);
			while ((fe = hash_seq_search(&seq)) != NULL)
				loaded += fe->loaded ? 1 : 0;
		}
		values[0] = Int64GetDatum(loaded);
	}
	values[1] = Int64GetDatum(fence_cxt ? MemoryContextMemAllocated(fence_cxt, true) : 0);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/*
 * Is this the last BEFORE INSERT row trigger of the table to fire?  The
 * executor fires them in the order of its trigger descriptor, whatever
 * their enabled state (checked here conservatively).
 */
static bool
last_before_insert_row_trigger(TriggerData *trig)
{
	TriggerDesc *td = trig->tg_relation->trigdesc;
	bool		after_this = false;

	for (int i = 0; i < td->numtriggers; i++)
	{
		Trigger    *t = &td->triggers[i];

		if (after_this && TRIGGER_TYPE_MATCHES(t->tgtype, TRIGGER_TYPE_ROW, TRIGGER_TYPE_BEFORE, TRIGGER_TYPE_INSERT))
			return false;
		if (t->tgoid == trig->tg_trigger->tgoid)
			after_this = true;
	}
	return after_this;
}

static Datum
ingest_ping(FunctionCallInfo fcinfo)
{
	TriggerData *trig = (TriggerData *) fcinfo->context;
	SpiScope	spi = {false};
	HeapTuple	tuple;
	TupleDesc	desc;
	const int  *col;
	bool		isnull;
	int64		device,
				ping;
	TimestampTz fixed_at,
				received_at;
	text	   *message;
	char	   *fix_source,
			   *coord_system;
	bool		sos,
				fall,
				removed,
				power_off,
				invalid_fix,
				alarm;
	bool		has_fix = false;
	double		lon = 0,
				lat = 0;
	bool		accuracy_null,
				battery_null;
	double		accuracy;
	int			battery;
	StateEntry *st;
	bool		own_statement;
	const char *status;
	bool		assumed = false;
	Oid			location_type;
	Oid			grid_type;

	/* what the result tuple gets */
	Datum		values[5];
	bool		nulls[5];
	int			cols[5];

	tuple = trig->tg_trigtuple;
	desc = RelationGetDescr(trig->tg_relation);
	col = ping_columns(trig->tg_relation);
	location_type = TupleDescAttr(desc, col[C_LOCATION] - 1)->atttypid;
	grid_type = TupleDescAttr(desc, col[C_GRID] - 1)->atttypid;
	spi.gridcode_type = grid_type;

	device = DatumGetInt64(GET(C_DEVICE));
	ping = DatumGetInt64(GET(C_PING));
	fixed_at = DatumGetTimestampTz(GET(C_FIXED));
	received_at = DatumGetTimestampTz(GET(C_RECEIVED));
	message = DatumGetTextPP(GET(C_MESSAGE));
	fix_source = TextDatumGetCString(GET(C_FIX_SOURCE));
	coord_system = TextDatumGetCString(GET(C_COORD));
	sos = DatumGetBool(GET(C_SOS));
	fall = DatumGetBool(GET(C_FALL));
	removed = DatumGetBool(GET(C_REMOVED));
	power_off = DatumGetBool(GET(C_POWER_OFF));
	invalid_fix = DatumGetBool(GET(C_INVALID));
	alarm = sos || fall || removed || power_off;
	accuracy = DatumGetFloat4(GET(C_ACCURACY));
	accuracy_null = isnull;
	battery = DatumGetInt16(GET(C_BATTERY));
	battery_null = isnull;
	{
		Datum		loc = GET(C_LOCATION);

		if (!isnull && point_read_lonlat(loc, &lon, &lat) && !invalid_fix &&
			strcmp(fix_source, "none") != 0 && !(lon == 0.0 && lat == 0.0))
		{
			if (fabs(lon) > 180.0 || fabs(lat) > 90.0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ping location (%g %g) is not a longitude/latitude", lon, lat),
						 errdetail("Device %lld, fixed at %s.", (long long) device, timestamptz_to_str(fixed_at))));
			has_fix = true;
			if (strcmp(coord_system, "gcj02") == 0)
				gcj02_to_wgs84(lon, lat, &lon, &lat);
		}
	}

	/* straight into a partition: no statement trigger, the ping is its own statement */
	own_statement = !stmt_active;
	if (own_statement)
		stmt_begin(&spi);
	stmt_check();

	/* the device's state, locked by its first ping of the statement */
	st = device_state(device);

	/*
	 * A duplicate is dropped; an alarm never is.  A ping newer than any
	 * stored is none, and so is the first of a device with none stored
	 * (newest_stored_at NULL: the state row starts with the newest ping
	 * stored before it was made, care_device_new_state).
	 */
	if (!alarm && !st->stored_null && fixed_at <= st->newest_stored_at)
	{
		Datum		args[3] = {Int64GetDatum(device), TimestampTzGetDatum(fixed_at), PointerGetDatum(message)};
		int			nest;
		int			ret;

		spi_open(&spi);
		nest = NewGUCNestLevel();

		/*
		 * By the index, whatever the statistics say: the day's partition is
		 * empty when it is made, and a plan made while it looked empty (a
		 * sequential scan) would be kept while it fills.  The plan is made
		 * (and remade) when it is run, so the setting holds at that moment.
		 */
		(void) set_config_option("enable_seqscan", "off", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		ret = SPI_execute_plan(duplicate_plan, args, NULL, false, 1);
		AtEOXact_GUC(true, nest);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "care_ingest: duplicate query failed");
		if (SPI_processed > 0)
		{
			if (own_statement)
				stmt_reset(true);
			spi_close(&spi);
			return PointerGetDatum(NULL);
		}
	}

	/* no consent, no tracking: a plain ping is not kept; an alarm is, without position */
	if (!st->tracking)
	{
		if (!alarm)
		{
			if (own_statement)
				stmt_reset(true);
			spi_close(&spi);
			return PointerGetDatum(NULL);
		}
		status = "no_consent";
		has_fix = false;
	}
	else if (!has_fix)
		status = "no_fix";
	else if (!st->newest_null && fixed_at <= st->newest_fixed_at)
		status = "out_of_order";
	else if (strcmp(fix_source, "cell") == 0)
		status = "cell";
	else if (!accuracy_null && accuracy > accuracy_limit)
		status = "inaccurate";
	else if (!st->last_null &&
			 distance_m(st->last_lon, st->last_lat, lon, lat) * 3.6 >
			 speed_limit * ((double) (fixed_at - st->last_fixed_at) / USECS_PER_SEC))
		status = "jump";
	else
		status = "accepted";

	if (strcmp(status, "accepted") == 0)
	{
		FencePosition where = st->resident_null ? FENCE_NONE :
			fence_position(st, fixed_at, lon, lat, &spi);

		if (where == FENCE_INSIDE)
		{
			st->outside_count = 0;
			if (st->is_out)
			{
				st->is_out = false;
				st->exit_alarm_null = true;
				st->exit_pending = 0;
				raise_alarm("fence_return", device, st->resident, st->resident_null, st->grid, st->grid_null,
							ping, fixed_at, true, lon, lat, false);
			}
		}
		else if (where == FENCE_BEYOND && !st->is_out)
		{
			st->outside_count++;
			if (st->outside_count >= 2)
			{
				st->is_out = true;
				/* its id comes with the statement's alarms, inserted at its end */
				st->exit_pending = raise_alarm("fence_exit", device, st->resident, st->resident_null,
											   st->grid, st->grid_null, ping, fixed_at, true, lon, lat, false);
				st->exit_alarm = 0;
				st->exit_alarm_null = false;
			}
		}
		/*
		 * The district: outside every district-level area (the engine's
		 * index, as locate() answers) on two consecutive accepted fixes, so
		 * one fix jittering over the border raises nothing; once per
		 * excursion, until an accepted fix is inside again.
		 */
		if (!st->resident_null)
		{
			GridCode	district;

			if (locate_point(district_depth(), lon, lat, &district))
			{
				st->district_outside_count = 0;
				st->left_district = false;
			}
			else if (!st->left_district && ++st->district_outside_count >= 2)
			{
				st->left_district = true;
				raise_alarm("left_district", device, st->resident, st->resident_null, st->grid, st->grid_null,
							ping, fixed_at, true, lon, lat, false);
			}
		}
		st->last_fixed_at = fixed_at;
		st->last_lon = lon;
		st->last_lat = lat;
		st->last_null = false;
	}

	/* alarms: whatever the filters said; without a fix, the last known position */
	if (alarm || (!battery_null && strcmp(status, "out_of_order") != 0))
	{
		bool		pos = has_fix || (st->tracking && !st->last_null);
		double		alon = has_fix ? lon : st->last_lon;
		double		alat = has_fix ? lat : st->last_lat;

		assumed = !has_fix && pos;
		if (sos)
			raise_alarm("sos", device, st->resident, st->resident_null, st->grid, st->grid_null, ping, fixed_at, pos, alon, alat, assumed);
		if (fall)
			raise_alarm("fall", device, st->resident, st->resident_null, st->grid, st->grid_null, ping, fixed_at, pos, alon, alat, assumed);
		if (removed)
			raise_alarm("removed", device, st->resident, st->resident_null, st->grid, st->grid_null, ping, fixed_at, pos, alon, alat, assumed);
		if (power_off)
			raise_alarm("power_off", device, st->resident, st->resident_null, st->grid, st->grid_null, ping, fixed_at, pos, alon, alat, assumed);
		if (!battery_null && strcmp(status, "out_of_order") != 0 && st->tracking)
		{
			if (battery <= battery_limit && !st->battery_low)
			{
				st->battery_low = true;
				raise_alarm("low_battery", device, st->resident, st->resident_null, st->grid, st->grid_null, ping, fixed_at, pos, alon, alat, assumed);
			}
			else if (battery > battery_limit)
				st->battery_low = false;
		}
	}

	/* the state as the ping leaves it, written at the end of the statement */
	if (has_fix && (st->newest_null || fixed_at > st->newest_fixed_at))
		st->newest_fixed_at = fixed_at, st->newest_null = false;
	if (st->stored_null || fixed_at > st->newest_stored_at)
		st->newest_stored_at = fixed_at, st->stored_null = false;
	if (st->seen_null || received_at > st->seen_at)
		st->seen_at = received_at, st->seen_null = false;
	st->dirty = true;

	/* what the stored row takes from the state, which the end of an own statement drops */
	{
		int64		resident = st->resident;
		bool		resident_null = st->resident_null;
		Datum		grid = st->grid;
		bool		grid_null = st->grid_null;
		double		last_lon = st->last_lon,
					last_lat = st->last_lat;

		if (own_statement)
		{
			alarm_flush(&spi);
			stmt_flush();
			stmt_reset(true);
		}
		spi_close(&spi);

		/* the stored row: 4490 location (or the last known one for an alarm), wearer, status */
		cols[0] = col[C_LOCATION];
		if (has_fix)
			values[0] = make_point_4490(location_type, lon, lat), nulls[0] = false;
		else if (assumed)
			values[0] = make_point_4490(location_type, last_lon, last_lat), nulls[0] = false;
		else
			values[0] = (Datum) 0, nulls[0] = true;
		cols[1] = col[C_RESIDENT];
		values[1] = Int64GetDatum(resident);
		nulls[1] = resident_null;
		cols[2] = col[C_GRID];
		values[2] = grid;
		nulls[2] = grid_null;
		cols[3] = col[C_STATUS];
		values[3] = CStringGetTextDatum(status);
		nulls[3] = false;
		cols[4] = col[C_ASSUMED];
		values[4] = BoolGetDatum(assumed);
		nulls[4] = false;
	}
	/*
	 * The stored row: the slot's columns with these five replaced.  A virtual
	 * slot (COPY and INSERT into care_ping) takes them in place and the
	 * trigger returns its own tuple, which leaves the slot as it is: no row
	 * formed and taken apart again, and no partition check (fixed_at, the
	 * key, is not changed).  Only when no BEFORE row trigger fires after this
	 * one, since the next would be given the tuple without them.
	 */
	{
		TupleTableSlot *slot = trig->tg_trigslot;
		HeapTuple	result;
		Datum	   *v;
		bool	   *n;

		slot_getallattrs(slot);
		if (TTS_IS_VIRTUAL(slot) && last_before_insert_row_trigger(trig))
		{
			for (int i = 0; i < 5; i++)
				slot->tts_values[cols[i] - 1] = values[i], slot->tts_isnull[cols[i] - 1] = nulls[i];
			return PointerGetDatum(tuple);
		}

		/*
		 * Else a new row, formed with the slot's descriptor (the executor
		 * stores it back in that slot) and the tuple's t_self and
		 * t_tableOid, as heap_modify_tuple_by_cols keeps them.  Not its
		 * t_ctid: since 15.20 the header of a formed tuple says which version
		 * of the descriptor formed it, and a copied t_ctid made a COPY into a
		 * new partition fail (22P07, "row type of datum tuple was altered").
		 */
		v = palloc(desc->natts * sizeof(Datum));
		n = palloc(desc->natts * sizeof(bool));
		memcpy(v, slot->tts_values, desc->natts * sizeof(Datum));
		memcpy(n, slot->tts_isnull, desc->natts * sizeof(bool));
		for (int i = 0; i < 5; i++)
			v[cols[i] - 1] = values[i], n[cols[i] - 1] = nulls[i];
		result = heap_form_tuple(slot->tts_tupleDescriptor, v, n);
		result->t_self = tuple->t_self;
		result->t_tableOid = tuple->t_tableOid;
		return PointerGetDatum(result);
	}
}

PG_FUNCTION_INFO_V1(care_ingest);
Datum
care_ingest(PG_FUNCTION_ARGS)
{
	TriggerData *trig = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trig->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trig->tg_event) || !TRIGGER_FIRED_BY_INSERT(trig->tg_event) ||
		trig->tg_trigslot == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("care_ingest must be a BEFORE INSERT row trigger")));
	return run_as_owner(fcinfo, ingest_ping);
}
