/*
 * care_listen.c
 *	  Who may LISTEN to the care alarms.
 *
 * PostgreSQL has no privilege on LISTEN: any login hears every NOTIFY of
 * its database.  The alarm payload names a person (masked) and where they
 * are, so with the library in shared_preload_libraries every backend
 * passes LISTEN on commgrid_care_alarm and commgrid_care_alarm_<area>
 * through commgrid.care_alarm_listen_check (jurisdiction and audit, in
 * SQL: one source for the rule), and the alarm trigger then sends the full
 * payload.  Without the preload some backend may lack this hook, so the
 * trigger sends the alarm's id, kind and time only
 * (commgrid.care_alarm_listen_guarded() tells it which).
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

#include "care_listen.h"

#define CARE_ALARM_CHANNEL "commgrid_care_alarm"

static ProcessUtility_hook_type prev_process_utility = NULL;
static bool guarded = false;

/* The care alarm channels: the district's and one per area */
static bool
is_care_channel(const char *channel)
{
	size_t		n = strlen(CARE_ALARM_CHANNEL);

	return strncmp(channel, CARE_ALARM_CHANNEL, n) == 0 &&
		(channel[n] == '\0' || channel[n] == '_');
}

/*
 * Ask the extension of this database whether the acting role may listen;
 * a database without the extension sends no alarms, so nothing to guard.
 */
static void
check_listen(const char *channel)
{
	Oid			argtypes[1] = {TEXTOID};
	Oid			nsp = get_namespace_oid("commgrid", true);
	Oid			fn;

	/* found in the catalog, not by name lookup: a stranger has no USAGE on the schema */
	if (!OidIsValid(nsp))
		return;
	fn = GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
						 CStringGetDatum("care_alarm_listen_check"),
						 PointerGetDatum(buildoidvector(argtypes, 1)),
						 ObjectIdGetDatum(nsp));
	if (!OidIsValid(fn))
		return;
	(void) OidFunctionCall1(fn, CStringGetTextDatum(channel));
}

static void
care_listen_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
					ProcessUtilityContext context, ParamListInfo params,
					QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;

	if (IsA(parsetree, ListenStmt))
	{
		const char *channel = ((ListenStmt *) parsetree)->conditionname;

		if (is_care_channel(channel))
			check_listen(channel);
	}
	if (prev_process_utility)
		prev_process_utility(pstmt, queryString, readOnlyTree, context, params,
							 queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);
}

/* From _PG_init: the hook goes in only when every backend will have it */
void
care_listen_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;
	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = care_listen_utility;
	guarded = true;
}

/* commgrid.care_alarm_listen_guarded(): is every LISTEN on the alarm channels checked? */
PG_FUNCTION_INFO_V1(care_alarm_listen_guarded);
Datum
care_alarm_listen_guarded(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(guarded);
}
