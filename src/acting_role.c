/*
 * acting_role.c
 *	  Who acts: commgrid.acting_role(), the role in effect for the session
 *	  (SET ROLE, else the login role; current_user as seen outside any
 *	  security-definer function), and commgrid.is_owner(role), is the role a
 *	  superuser or the owner of schema commgrid?  The reach checks ask both
 *	  once per row of a bulk load (acting_scopes, referenced_row_in_reach, the
 *	  guards of the columns only the extension's own functions write): as SQL
 *	  they cost about 5 and 16 us a call, which a bulk load by the owner paid
 *	  for every row of every table with a reach trigger.  Here each is a
 *	  catalog cache lookup or two.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_namespace.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(commgrid_acting_role);
PG_FUNCTION_INFO_V1(commgrid_is_owner);

/*
 * commgrid.acting_role() RETURNS name.  The outer user is the one SET ROLE set
 * (the session user when none); a security-definer function changes only the
 * current user, and parallel workers take the leader's.
 */
Datum
commgrid_acting_role(PG_FUNCTION_ARGS)
{
	Name		result = (Name) palloc0(NAMEDATALEN);

	namestrcpy(result, GetUserNameFromId(GetOuterUserId(), false));
	PG_RETURN_NAME(result);
}

/* commgrid.is_owner(role name) RETURNS boolean: false for NULL or an unknown role */
Datum
commgrid_is_owner(PG_FUNCTION_ARGS)
{
	Oid			role;
	Oid			schema;
	HeapTuple	tuple;
	bool		owner = false;

	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	role = get_role_oid(NameStr(*PG_GETARG_NAME(0)), true);
	if (!OidIsValid(role))
		PG_RETURN_BOOL(false);
	if (superuser_arg(role))
		PG_RETURN_BOOL(true);
	schema = get_namespace_oid("commgrid", true);
	if (!OidIsValid(schema))
		PG_RETURN_BOOL(false);
	tuple = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(schema));
	if (HeapTupleIsValid(tuple))
	{
		owner = ((Form_pg_namespace) GETSTRUCT(tuple))->nspowner == role;
		ReleaseSysCache(tuple);
	}
	PG_RETURN_BOOL(owner);
}
