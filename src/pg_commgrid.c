/*
 * pg_commgrid.c
 *	  Module magic for the pg_commgrid shared library.
 */
#include "postgres.h"

#include "fmgr.h"

#include "locate.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* The settings of the library (commgrid.*) */
void
_PG_init(void)
{
	boundary_index_define_settings();
}
