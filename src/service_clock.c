/*
 * service_clock.c
 *	  The two clocks of the mass-work system (群工系统): the response deadline
 *	  of the service-time rule 上不过午,下不过夜 and its configurable classes
 *	  (commgrid.service_class), and working time on the official working-day
 *	  calendar (commgrid.working_calendar, with 调休: a Saturday can be a working
 *	  day and a Monday a holiday).
 *
 * Everything is computed in Asia/Shanghai local time, whatever the session's
 * TimeZone: the rule is a promise made in the district's own clock.  The
 * classes and the calendar's exceptions are read once per backend through SPI
 * and kept in TopMemoryContext; a statement trigger on either table
 * (service_rules_changed) sends a relcache invalidation, which drops the copy
 * here at the next command of this backend and at commit in every other.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "echo.h"

#define SERVICE_ZONE "Asia/Shanghai"
#define NOON ((int64) 12 * USECS_PER_HOUR)

typedef enum ClassKind
{
	CLASS_SERVICE_TIME,			/* 上不过午,下不过夜 */
	CLASS_HOURS,				/* N hours, every day */
	CLASS_WORKING_DAYS			/* N working days on the calendar */
} ClassKind;

typedef struct ServiceClass
{
	char		name[NAMEDATALEN];
	ClassKind	kind;
	int32		amount;
	int64		night_start;	/* microseconds after local midnight */
	int64		night_end;
	int64		grace;
} ServiceClass;

typedef struct CalendarDay
{
	DateADT		day;
	bool		working;
} CalendarDay;

static bool rules_loaded = false;
static bool callback_registered = false;
static Oid	calendar_relid = InvalidOid;
static Oid	class_relid = InvalidOid;
static ServiceClass *classes = NULL;
static int	n_classes = 0;
static CalendarDay *calendar = NULL;
static int	n_calendar = 0;
static pg_tz *service_tz = NULL;

PG_FUNCTION_INFO_V1(service_deadline);
PG_FUNCTION_INFO_V1(working_time_between);
PG_FUNCTION_INFO_V1(add_working_time);
PG_FUNCTION_INFO_V1(is_working_day);
PG_FUNCTION_INFO_V1(service_rules_changed);

static void
rules_invalidate(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == calendar_relid || relid == class_relid)
		rules_loaded = false;
}

static int64
time_usec(Datum t)
{
	return DatumGetTimeADT(t);
}

/* Reads both tables into TopMemoryContext; the previous copy is freed. */
static void
load_rules(void)
{
	Oid			nsp;
	MemoryContext old;
	uint64		i;
	Oid			owner;
	Oid			save_userid;
	int			save_sec_context;

	if (rules_loaded)
		return;
	if (service_tz == NULL)
	{
		service_tz = pg_tzset(SERVICE_ZONE);
		if (service_tz == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("time zone \"%s\" is not known to this server", SERVICE_ZONE)));
	}
	nsp = get_namespace_oid("commgrid", false);
	calendar_relid = get_relname_relid("working_calendar", nsp);
	class_relid = get_relname_relid("service_class", nsp);
	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(rules_invalidate, (Datum) 0);
		callback_registered = true;
	}

	/*
	 * The rules are the district's, the same for every caller: read them as
	 * the tables' owner, so a role without SELECT on them (the BI reader)
	 * still gets the same deadlines, and a backend's copy never depends on
	 * who happened to load it.
	 */
	{
		HeapTuple	reltup = SearchSysCache1(RELOID, ObjectIdGetDatum(calendar_relid));

		if (!HeapTupleIsValid(reltup))
			elog(ERROR, "cache lookup failed for relation %u", calendar_relid);
		owner = ((Form_pg_class) GETSTRUCT(reltup))->relowner;
		ReleaseSysCache(reltup);
	}
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT c.name::text, c.kind, c.amount, c.night_start, c.night_end, "
					"extract(epoch FROM c.grace)::float8 "
					"FROM commgrid.service_class c ORDER BY c.name", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading commgrid.service_class failed");
	old = MemoryContextSwitchTo(TopMemoryContext);
	if (classes)
		pfree(classes);
	n_classes = (int) SPI_processed;
	classes = palloc0(sizeof(ServiceClass) * Max(n_classes, 1));
	MemoryContextSwitchTo(old);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		ServiceClass *c = &classes[i];
		char	   *kind;
		bool		isnull;
		Datum		d;

		strlcpy(c->name, SPI_getvalue(tup, desc, 1), NAMEDATALEN);
		kind = SPI_getvalue(tup, desc, 2);
		c->kind = strcmp(kind, "service_time") == 0 ? CLASS_SERVICE_TIME :
			strcmp(kind, "hours") == 0 ? CLASS_HOURS : CLASS_WORKING_DAYS;
		d = SPI_getbinval(tup, desc, 3, &isnull);
		c->amount = isnull ? 0 : DatumGetInt32(d);
		d = SPI_getbinval(tup, desc, 4, &isnull);
		c->night_start = isnull ? -1 : time_usec(d);
		d = SPI_getbinval(tup, desc, 5, &isnull);
		c->night_end = isnull ? -1 : time_usec(d);
		d = SPI_getbinval(tup, desc, 6, &isnull);
		c->grace = isnull ? 0 : (int64) (DatumGetFloat8(d) * USECS_PER_SEC);
	}

	if (SPI_execute("SELECT w.day, w.working FROM commgrid.working_calendar w ORDER BY w.day",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading commgrid.working_calendar failed");
	old = MemoryContextSwitchTo(TopMemoryContext);
	if (calendar)
		pfree(calendar);
	n_calendar = (int) SPI_processed;
	calendar = palloc0(sizeof(CalendarDay) * Max(n_calendar, 1));
	MemoryContextSwitchTo(old);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;

		calendar[i].day = DatumGetDateADT(SPI_getbinval(SPI_tuptable->vals[i],
														SPI_tuptable->tupdesc, 1, &isnull));
		calendar[i].working = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[i],
														 SPI_tuptable->tupdesc, 2, &isnull));
	}
	SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec_context);
	rules_loaded = true;
}

/* A day is working when the calendar says so, or else when it is Monday to Friday. */
static bool
day_is_working(DateADT day)
{
	int			lo = 0,
				hi = n_calendar - 1;
	int			dow;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (calendar[mid].day == day)
			return calendar[mid].working;
		if (calendar[mid].day < day)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	dow = j2day(day + POSTGRES_EPOCH_JDATE);
	return dow >= 1 && dow <= 5;
}

/* An instant as a local day in Asia/Shanghai and the microseconds since its midnight. */
static void
to_local(TimestampTz t, DateADT *day, int64 *usec)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;

	if (TIMESTAMP_NOT_FINITE(t) ||
		timestamp2tm(t, &tz, &tm, &fsec, NULL, service_tz) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for the service clock"),
				 errdetail("The instant must be finite."),
				 errhint("Give a time of day such as 2024-05-01 09:30+08.")));
	*day = date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - POSTGRES_EPOCH_JDATE;
	*usec = ((((int64) tm.tm_hour * MINS_PER_HOUR) + tm.tm_min) * SECS_PER_MINUTE
			 + tm.tm_sec) * USECS_PER_SEC + fsec;
}

/* The instant of a local day's midnight plus usec (up to one day) in Asia/Shanghai. */
static TimestampTz
from_local(DateADT day, int64 usec)
{
	struct pg_tm tm;
	int			offset;

	if (usec >= USECS_PER_DAY)
	{
		day += usec / USECS_PER_DAY;
		usec %= USECS_PER_DAY;
	}
	j2date(day + POSTGRES_EPOCH_JDATE, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_hour = (int) (usec / USECS_PER_HOUR);
	tm.tm_min = (int) ((usec / USECS_PER_MINUTE) % MINS_PER_HOUR);
	tm.tm_sec = (int) ((usec / USECS_PER_SEC) % SECS_PER_MINUTE);
	tm.tm_isdst = -1;
	offset = DetermineTimeZoneOffset(&tm, service_tz);
	return (TimestampTz) day * USECS_PER_DAY + usec + (int64) offset * USECS_PER_SEC;
}

/* The instant when `amount` microseconds of working time have passed after t. */
static TimestampTz
add_working(TimestampTz t, int64 amount)
{
	DateADT		day;
	int64		usec;
	TimestampTz cur = t;

	to_local(t, &day, &usec);
	for (;;)
	{
		TimestampTz day_end = from_local(day + 1, 0);

		CHECK_FOR_INTERRUPTS();
		if (day_is_working(day))
		{
			if (amount <= day_end - cur)
				return cur + amount;
			amount -= day_end - cur;
		}
		cur = day_end;
		day++;
		if (day > t / USECS_PER_DAY + 36600)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("working time does not fit in 100 years of the calendar"),
					 errhint("Check commgrid.working_calendar for a run of non-working days.")));
	}
}

/* Working time from a to b (a <= b), in microseconds. */
static int64
working_between(TimestampTz a, TimestampTz b)
{
	DateADT		day,
				last;
	int64		usec;
	int64		total = 0;
	TimestampTz cur = a;

	to_local(a, &day, &usec);
	to_local(b, &last, &usec);
	for (; day <= last; day++)
	{
		TimestampTz day_end = from_local(day + 1, 0);
		TimestampTz stop = Min(day_end, b);

		CHECK_FOR_INTERRUPTS();
		if (day_is_working(day) && stop > cur)
			total += stop - cur;
		cur = day_end;
	}
	return total;
}

static ServiceClass *
find_class(text *name)
{
	char	   *s = text_to_cstring(name);
	int			i;

	for (i = 0; i < n_classes; i++)
		if (strcmp(classes[i].name, s) == 0)
			return &classes[i];
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown service class"),
			 errdetail("The class \"%s\" is not a row of commgrid.service_class.", echo_value(s)),
			 errhint("Use standard, urgent, or another name from commgrid.service_class.")));
	return NULL;				/* keep the compiler quiet */
}

/*
 * The response deadline of the service-time rule: before noon, due at noon;
 * from noon, due at midnight; in the night window, due at the next noon.  A
 * grace period moves the cut-offs earlier (a request raised within it before
 * noon counts as an afternoon one).
 */
static TimestampTz
deadline_of(ServiceClass *c, TimestampTz t)
{
	DateADT		day;
	int64		u;

	if (c->kind == CLASS_HOURS)
		return t + (int64) c->amount * USECS_PER_HOUR;
	if (c->kind == CLASS_WORKING_DAYS)
		return add_working(t, (int64) c->amount * USECS_PER_DAY);

	to_local(t, &day, &u);
	if (c->night_start >= 0 && c->night_end >= 0 && c->night_start != c->night_end)
	{
		bool		night = c->night_start > c->night_end
			? (u >= c->night_start || u < c->night_end)
			: (u >= c->night_start && u < c->night_end);

		if (night)
			return from_local(u >= NOON ? day + 1 : day, NOON);
	}
	if (u < NOON - c->grace)
		return from_local(day, NOON);
	if (u < USECS_PER_DAY - c->grace)
		return from_local(day + 1, 0);
	return from_local(day + 1, NOON);
}

Datum
service_deadline(PG_FUNCTION_ARGS)
{
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(0);
	text	   *name = PG_GETARG_TEXT_PP(1);

	load_rules();
	PG_RETURN_TIMESTAMPTZ(deadline_of(find_class(name), t));
}

Datum
working_time_between(PG_FUNCTION_ARGS)
{
	TimestampTz a = PG_GETARG_TIMESTAMPTZ(0);
	TimestampTz b = PG_GETARG_TIMESTAMPTZ(1);
	Interval   *result = palloc0(sizeof(Interval));
	int64		total;

	load_rules();
	total = a <= b ? working_between(a, b) : -working_between(b, a);
	result->day = (int32) (total / USECS_PER_DAY);
	result->time = total % USECS_PER_DAY;
	PG_RETURN_INTERVAL_P(result);
}

Datum
add_working_time(PG_FUNCTION_ARGS)
{
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(0);
	Interval   *span = PG_GETARG_INTERVAL_P(1);
	int64		amount;

	if (span->month != 0 || span->time < 0 || span->day < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("working time must be a non-negative span of days and hours"),
				 errdetail("The span has %d months, %d days and %lld microseconds.",
						   span->month, span->day, (long long) span->time),
				 errhint("Write it in days or hours, e.g. interval '7 days'.")));
	load_rules();
	amount = (int64) span->day * USECS_PER_DAY + span->time;
	PG_RETURN_TIMESTAMPTZ(add_working(t, amount));
}

Datum
is_working_day(PG_FUNCTION_ARGS)
{
	load_rules();
	PG_RETURN_BOOL(day_is_working(PG_GETARG_DATEADT(0)));
}

/* Statement trigger on the rule tables: every backend reads them again. */
Datum
service_rules_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("service_rules_changed() must be called as a trigger")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	rules_loaded = false;
	PG_RETURN_POINTER(NULL);
}
