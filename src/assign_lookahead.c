/*
 * assign_lookahead.c
 *	  The assignment trigger's read-ahead: a plan node through which an
 *	  INSERT ... SELECT into a table with commgrid.assign_location() reads
 *	  its rows.  It reads a batch of rows ahead and looks up their points
 *	  together, so that the trips to memory of the batch overlap instead of
 *	  coming one per row (the lookup's wait for memory is most of the
 *	  trigger's cost in a bulk INSERT); the trigger then takes each row's
 *	  answer instead of looking it up (docs/design/assign-lookahead.md).
 *
 * The answers are locate_point_for_write's own (locate.c keeps them, under
 * the boundary lock and keyed by the statement's snapshot), and the trigger
 * takes one only for the very point it is given, so a trigger before it
 * that moves the point gets a fresh lookup.  Reading rows early is
 * invisible to a query whose only volatile function is nextval() (COPY's
 * rule for the same question); any other volatile function leaves the
 * INSERT as planned.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "commands/explain.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/planner.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "locate.h"

#define LOOKAHEAD_NAME "commgrid lookahead"

static bool lookahead_setting = true;
static planner_hook_type prev_planner_hook = NULL;

/* What the node needs to know, kept in custom_private (copyable nodes) */
enum
{
	PRIVATE_LOCATION_ATT,		/* the location column's number */
	PRIVATE_DEPTH,				/* the level of the trigger */
	PRIVATE_HEAP_SLOTS,			/* rows in the table's own kind of slot */
	PRIVATE_COLUMN,				/* the location column's name, for EXPLAIN */
	PRIVATE_ENABLED				/* the trigger's tgenabled */
};

/* What the planner found of the table's assignment trigger */
typedef struct AssignTrigger
{
	int			location_att;
	int			depth;
	bool		heap_slots;
	char	   *column;
	char		enabled;
} AssignTrigger;

typedef struct Lookahead
{
	CustomScanState css;
	const TupleTableSlotOps *ops;	/* of the rows handed on */
	TupleTableSlot *row[LOCATE_BATCH_MAX];	/* the batch (made as needed) */
	double		x[LOCATE_BATCH_MAX];	/* their points (NaN: none) */
	double		y[LOCATE_BATCH_MAX];
	int			nrows;			/* rows in the batch */
	int			next;			/* the next of them to hand on */
	bool		exhausted;		/* the source has no more rows */
	bool		pass_through;	/* switched off, or the trigger will not fire */
	int64		batches;		/* for EXPLAIN ANALYZE */
	int64		taken;			/* answers the trigger took from this node's batches */
	int			location_att;
	int			depth;
} Lookahead;

static Node *lookahead_create_state(CustomScan *cscan);
static void lookahead_begin(CustomScanState *node, EState *estate, int eflags);
static TupleTableSlot *lookahead_exec(CustomScanState *node);
static void lookahead_end(CustomScanState *node);
static void lookahead_rescan(CustomScanState *node);
static void lookahead_explain(CustomScanState *node, List *ancestors, ExplainState *es);

static const CustomScanMethods lookahead_plan_methods = {
	.CustomName = LOOKAHEAD_NAME,
	.CreateCustomScanState = lookahead_create_state,
};

static const CustomExecMethods lookahead_exec_methods = {
	.CustomName = LOOKAHEAD_NAME,
	.BeginCustomScan = lookahead_begin,
	.ExecCustomScan = lookahead_exec,
	.EndCustomScan = lookahead_end,
	.ReScanCustomScan = lookahead_rescan,
	.ExplainCustomScan = lookahead_explain,
};

/* Is this trigger commgrid.assign_location(), fired before every inserted row? */
static bool
is_assign_trigger(const Trigger *trigger)
{
	HeapTuple	proc;
	bool		result = false;

	/* a WHEN clause may keep it from rows the node would look up */
	if (trigger->tgenabled == TRIGGER_DISABLED || trigger->tgnargs != 3 ||
		trigger->tgqual != NULL ||
		!TRIGGER_FOR_ROW(trigger->tgtype) || !TRIGGER_FOR_BEFORE(trigger->tgtype) ||
		!TRIGGER_FOR_INSERT(trigger->tgtype))
		return false;
	proc = SearchSysCache1(PROCOID, ObjectIdGetDatum(trigger->tgfoid));
	if (HeapTupleIsValid(proc))
	{
		Form_pg_proc form = (Form_pg_proc) GETSTRUCT(proc);
		bool		isnull;
		Datum		src = SysCacheGetAttr(PROCOID, proc, Anum_pg_proc_prosrc, &isnull);

		result = form->prolang == ClanguageId && !isnull &&
			strcmp(TextDatumGetCString(src), "commgrid_assign_location") == 0;
		ReleaseSysCache(proc);
	}
	return result;
}

/*
 * The first usable assignment trigger of the table an INSERT writes
 * (triggers fire in name order), or false.
 */
static bool
assign_trigger_of(Oid relid, AssignTrigger *found)
{
	Relation	rel = table_open(relid, NoLock);	/* locked by the parser */
	TriggerDesc *triggers = rel->trigdesc;
	bool		ok = false;

	for (int i = 0; triggers != NULL && i < triggers->numtriggers && !ok; i++)
	{
		Trigger    *trigger = &triggers->triggers[i];

		if (!is_assign_trigger(trigger))
			continue;
		found->location_att = get_attnum(relid, trigger->tgargs[0]);
		found->depth = locate_level_depth_if_known(trigger->tgargs[2]);
		found->column = pstrdup(trigger->tgargs[0]);
		found->enabled = trigger->tgenabled;
		/* a varlena at least, so that peeking at it is safe; the trigger checks the rest */
		ok = found->location_att > 0 && found->depth >= 0 &&
			TupleDescAttr(RelationGetDescr(rel), found->location_att - 1)->attlen == -1;
	}
	/* rows in the slot the table's INSERT takes as it is, saving its copy */
	found->heap_slots = table_slot_callbacks(rel) == &TTSOpsBufferHeapTuple;
	table_close(rel, NoLock);
	return ok;
}

/* The largest plan_node_id in a plan tree, so that ours is new */
static int
max_plan_node_id(Plan *plan)
{
	int			max;
	List	   *children = NIL;
	ListCell   *lc;

	if (plan == NULL)
		return -1;
	max = plan->plan_node_id;
	max = Max(max, max_plan_node_id(plan->lefttree));
	max = Max(max, max_plan_node_id(plan->righttree));
	if (IsA(plan, Append))
		children = ((Append *) plan)->appendplans;
	else if (IsA(plan, MergeAppend))
		children = ((MergeAppend *) plan)->mergeplans;
	else if (IsA(plan, BitmapAnd))
		children = ((BitmapAnd *) plan)->bitmapplans;
	else if (IsA(plan, BitmapOr))
		children = ((BitmapOr *) plan)->bitmapplans;
	else if (IsA(plan, CustomScan))
		children = ((CustomScan *) plan)->custom_plans;
	else if (IsA(plan, SubqueryScan))
		max = Max(max, max_plan_node_id(((SubqueryScan *) plan)->subplan));
	foreach(lc, children)
		max = Max(max, max_plan_node_id(lfirst(lc)));
	return max;
}

/*
 * Put the node between the INSERT and its source.  Its output is the
 * source's row as it is: column i of the node is column i of the source
 * (custom_scan_tlist, as OUTER_VAR for EXPLAIN), handed on without a
 * projection (a target list of INDEX_VAR Vars in order, and the source's
 * constants).
 */
static void
lookahead_wrap(PlannedStmt *stmt, ModifyTable *insert, const AssignTrigger *trigger)
{
	Plan	   *source = outerPlan(insert);
	CustomScan *node;
	TargetEntry *location;
	List	   *scan_tlist = NIL;
	List	   *tlist = NIL;
	ListCell   *lc;
	int			max_id;

	/* one row (VALUES of one row, a SELECT without FROM) has nothing to read ahead */
	if (source == NULL || (IsA(source, Result) && outerPlan(source) == NULL))
		return;
	if (list_length(source->targetlist) < trigger->location_att)
		return;
	location = list_nth(source->targetlist, trigger->location_att - 1);
	if (location->resno != trigger->location_att || location->resjunk)
		return;

	/* a junk column makes the INSERT project from its source: left as planned */
	foreach(lc, source->targetlist)
		if (((TargetEntry *) lfirst(lc))->resjunk)
			return;
	foreach(lc, source->targetlist)
	{
		TargetEntry *tle = lfirst(lc);
		Oid			type = exprType((Node *) tle->expr);
		int32		typmod = exprTypmod((Node *) tle->expr);
		Oid			collation = exprCollation((Node *) tle->expr);

		scan_tlist = lappend(scan_tlist,
							 makeTargetEntry((Expr *) makeVar(OUTER_VAR, tle->resno, type, typmod, collation, 0),
											 tle->resno, tle->resname, tle->resjunk));
		/*
		 * The INSERT checks that a dropped or generated column gets a NULL
		 * constant: keep the source's constants in the list it checks (the
		 * rows handed on hold the same values).
		 */
		tlist = lappend(tlist,
						makeTargetEntry(IsA(tle->expr, Const) ? copyObject(tle->expr) :
										(Expr *) makeVar(INDEX_VAR, tle->resno, type, typmod, collation, 0),
										tle->resno, tle->resname, tle->resjunk));
	}

	max_id = max_plan_node_id(stmt->planTree);
	foreach(lc, stmt->subplans)
		max_id = Max(max_id, max_plan_node_id(lfirst(lc)));

	node = makeNode(CustomScan);
	node->scan.plan.startup_cost = source->startup_cost;
	node->scan.plan.total_cost = source->total_cost;
	node->scan.plan.plan_rows = source->plan_rows;
	node->scan.plan.plan_width = source->plan_width;
	node->scan.plan.plan_node_id = max_id + 1;
	node->scan.plan.targetlist = tlist;
	node->scan.plan.extParam = bms_copy(source->extParam);
	node->scan.plan.allParam = bms_copy(source->allParam);
	/* EXPLAIN resolves OUTER_VAR through lefttree; the executor runs custom_plans */
	node->scan.plan.lefttree = source;
	node->scan.scanrelid = 0;
	node->custom_plans = list_make1(source);
	node->custom_scan_tlist = scan_tlist;
	node->custom_private = list_make5(makeInteger(trigger->location_att), makeInteger(trigger->depth),
									  makeBoolean(trigger->heap_slots), makeString(trigger->column),
									  makeInteger(trigger->enabled));
	node->methods = &lookahead_plan_methods;
	outerPlan(insert) = &node->scan.plan;
}

/*
 * Would reading this INSERT's source early be seen?  Not unless a volatile
 * function other than nextval() runs in it (a function that reads the table
 * being written would see fewer rows).  An INSERT ... VALUES of one row has
 * no FROM: it is let go here, before the walk over the query.
 */
static bool
lookahead_wanted(Query *parse)
{
	return lookahead_setting && parse->commandType == CMD_INSERT &&
		parse->resultRelation > 0 && parse->jointree != NULL &&
		(parse->jointree->fromlist != NIL || parse->setOperations != NULL) &&
		!contain_volatile_functions_not_nextval((Node *) parse);
}

static PlannedStmt *
lookahead_planner(Query *parse, const char *query_string, int cursorOptions,
				  ParamListInfo boundParams)
{
	bool		wanted = lookahead_wanted(parse);
	Oid			relid = wanted ? rt_fetch(parse->resultRelation, parse->rtable)->relid : InvalidOid;
	PlannedStmt *stmt;
	AssignTrigger trigger = {0};

	stmt = prev_planner_hook ?
		prev_planner_hook(parse, query_string, cursorOptions, boundParams) :
		standard_planner(parse, query_string, cursorOptions, boundParams);

	if (wanted && IsA(stmt->planTree, ModifyTable) &&
		((ModifyTable *) stmt->planTree)->operation == CMD_INSERT &&
		list_length(((ModifyTable *) stmt->planTree)->resultRelations) == 1 &&
		assign_trigger_of(relid, &trigger))
		lookahead_wrap(stmt, (ModifyTable *) stmt->planTree, &trigger);
	return stmt;
}

static Node *
lookahead_create_state(CustomScan *cscan)
{
	Lookahead  *la = (Lookahead *) newNode(sizeof(Lookahead), T_CustomScanState);

	la->css.methods = &lookahead_exec_methods;
	la->css.flags = cscan->flags;
	la->location_att = intVal(list_nth(cscan->custom_private, PRIVATE_LOCATION_ATT));
	la->depth = intVal(list_nth(cscan->custom_private, PRIVATE_DEPTH));
	return (Node *) la;
}

static void
lookahead_begin(CustomScanState *node, EState *estate, int eflags)
{
	Lookahead  *la = (Lookahead *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;

	node->custom_ps = list_make1(ExecInitNode(linitial(cscan->custom_plans), estate, eflags));
	la->ops = boolVal(list_nth(cscan->custom_private, PRIVATE_HEAP_SLOTS)) ?
		&TTSOpsBufferHeapTuple : &TTSOpsVirtual;
	/* the rows handed on are in slots of ours: say so to the INSERT's expressions */
	node->ss.ps.resultops = la->ops;
	node->ss.ps.resultopsfixed = true;
	node->ss.ps.resultopsset = true;

	/*
	 * Rows are read ahead and looked up only while the setting is on (also
	 * for a plan made before it was turned off) and the trigger fires under
	 * this session's replication role (trigger.c's rule); else rows pass.
	 */
	{
		char		enabled = (char) intVal(list_nth(cscan->custom_private, PRIVATE_ENABLED));
		bool		fires = enabled == TRIGGER_FIRES_ALWAYS ||
			(SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA ?
			 enabled == TRIGGER_FIRES_ON_REPLICA : enabled == TRIGGER_FIRES_ON_ORIGIN);

		la->pass_through = !lookahead_setting || !fires;
	}
}

/*
 * Read the next batch of the source's rows into slots of our own (the
 * source may reuse its own), and look up their points.  The rows of the
 * last batch have been stored by then: the INSERT is done with a row before
 * it asks for the next.  The point is only peeked at: a bad one raises its
 * error in its own turn, from the trigger.
 */
static void
read_batch(Lookahead *la)
{
	PlanState  *source = linitial(la->css.custom_ps);
	TupleDesc	desc = la->css.ss.ss_ScanTupleSlot->tts_tupleDescriptor;

	la->taken += locate_batch_taken(la);
	la->nrows = 0;
	la->next = 0;
	while (la->nrows < LOCATE_BATCH_MAX && !la->exhausted)
	{
		TupleTableSlot *row = ExecProcNode(source);
		Datum		location;
		bool		isnull;
		int			i = la->nrows;

		if (TupIsNull(row))
		{
			la->exhausted = true;
			break;
		}
		/* made as needed, so that an INSERT of one row makes one */
		if (la->row[i] == NULL)
		{
			MemoryContext old = MemoryContextSwitchTo(la->css.ss.ps.state->es_query_cxt);

			la->row[i] = ExecInitExtraTupleSlot(la->css.ss.ps.state, desc, la->ops);
			MemoryContextSwitchTo(old);
		}
		ExecCopySlot(la->row[i], row);
		location = slot_getattr(la->row[i], la->location_att, &isnull);
		if (isnull || !point_peek_lonlat(location, &la->x[i], &la->y[i]))
			la->x[i] = la->y[i] = get_float8_nan();
		la->nrows++;
	}
	locate_batch_for_write(la, la->depth, la->x, la->y, la->nrows);
	la->batches += la->nrows > 0;
}

static TupleTableSlot *
lookahead_exec(CustomScanState *node)
{
	Lookahead  *la = (Lookahead *) node;

	if (la->pass_through)
		return ExecProcNode(linitial(node->custom_ps));
	if (la->next == la->nrows)
	{
		if (la->exhausted)
			return NULL;
		read_batch(la);
		if (la->nrows == 0)
			return NULL;
	}
	locate_batch_expect(la->next);
	return la->row[la->next++];
}

static void
lookahead_end(CustomScanState *node)
{
	ExecEndNode(linitial(node->custom_ps));
}

static void
lookahead_rescan(CustomScanState *node)
{
	Lookahead  *la = (Lookahead *) node;

	ExecReScan(linitial(node->custom_ps));
	for (int i = 0; i < LOCATE_BATCH_MAX; i++)
		if (la->row[i] != NULL)
			ExecClearTuple(la->row[i]);
	la->nrows = la->next = 0;
	la->exhausted = false;
}

static void
lookahead_explain(CustomScanState *node, List *ancestors, ExplainState *es)
{
	Lookahead  *la = (Lookahead *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;

	ExplainPropertyText("Looks Up", psprintf("%s of %s, %d rows at a time",
											 locate_level_name(intVal(list_nth(cscan->custom_private, PRIVATE_DEPTH))),
											 strVal(list_nth(cscan->custom_private, PRIVATE_COLUMN)),
											 LOCATE_BATCH_MAX),
						es);
	if (es->analyze)
	{
		/* the trigger's answers taken from the batches (a trigger that found its point moved looked up) */
		ExplainPropertyInteger("Batches", NULL, la->batches, es);
		ExplainPropertyInteger("Answers Taken", NULL, la->taken + locate_batch_taken(la), es);
	}
}

/* The setting and the hook, from _PG_init */
void
assign_lookahead_init(void)
{
	DefineCustomBoolVariable("commgrid.assign_lookahead",
							 "Read an INSERT ... SELECT's rows ahead in batches and look up their points together, for the assignment trigger.",
							 "Takes effect when the statement is planned.",
							 &lookahead_setting,
							 true, PGC_USERSET, 0,
							 NULL, NULL, NULL);
	RegisterCustomScanMethods(&lookahead_plan_methods);
	prev_planner_hook = planner_hook;
	planner_hook = lookahead_planner;
}
