/*
 * pg_commgrid.c
 *	  Module magic for the pg_commgrid shared library, and the SQL entry to
 *	  echo.h's rule for quoting input in errors.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "boundary_index.h"
#include "care_listen.h"
#include "echo.h"
#include "locate.h"
#include "shared_index.h"

PG_MODULE_MAGIC;

/*
 * commgrid.echo_value(text): the one rule for quoting input in an error,
 * for the extension's SQL (see echo.h).
 */
PG_FUNCTION_INFO_V1(commgrid_echo_value);
Datum
commgrid_echo_value(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);

	PG_RETURN_TEXT_P(cstring_to_text(echo_value_len(VARDATA_ANY(value),
													VARSIZE_ANY_EXHDR(value))));
}

void		_PG_init(void);

/* The settings of the library (commgrid.*) */
void
_PG_init(void)
{
	boundary_index_define_settings();
	shared_index_init();
	care_listen_init();
	assign_lookahead_init();
}
