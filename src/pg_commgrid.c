/*
 * pg_commgrid.c
 *	  Module magic for the pg_commgrid shared library.
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
