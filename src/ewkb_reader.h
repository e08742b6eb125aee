/*
 * ewkb_reader.h
 *	  Reading well-known binary as the geometry type's binary send function
 *	  writes it (PostGIS's EWKB; plain and ISO WKB are read as well).  Shared
 *	  by boundary_index.c (area boundaries) and coordsys.c (points).
 *
 * Each caller raises its own error (its SQLSTATE, and the area or value it
 * names) through a callback; the reader says only what is wrong.
 */
#ifndef EWKB_READER_H
#define EWKB_READER_H

#include "postgres.h"

/* geometry type numbers of (E)WKB, without flags or ISO thousands */
#define WKB_POINT			1
#define WKB_POLYGON			3
#define WKB_MULTIPOLYGON	6

/* EWKB flags in the high bits of the type word */
#define EWKB_Z				0x80000000u
#define EWKB_M				0x40000000u
#define EWKB_SRID			0x20000000u

typedef struct EwkbReader EwkbReader;

/* Raise the caller's error for unreadable input (must not return) */
typedef void (*EwkbErrorCallback) (const EwkbReader *reader, const char *what);

struct EwkbReader
{
	const uint8 *p;				/* next byte */
	const uint8 *end;
	bool		swap;			/* multi-byte values in the other byte order */
	EwkbErrorCallback error;
	const void *error_arg;		/* for the callback: what is being read */
};

/* One geometry's header */
typedef struct EwkbHeader
{
	uint32		type;			/* WKB_POINT, WKB_POLYGON, ... */
	bool		has_z;
	bool		has_m;
	int			ndims;			/* 2 + has_z + has_m */
	int32		srid;			/* SRID_UNKNOWN when the header has none */
} EwkbHeader;

extern void ewkb_reader_init(EwkbReader *reader, const uint8 *wkb, size_t len,
							 EwkbErrorCallback error, const void *error_arg);
extern void ewkb_read_header(EwkbReader *reader, EwkbHeader *header);
extern uint32 ewkb_read_uint32(EwkbReader *reader);
extern double ewkb_read_double(EwkbReader *reader);
extern void ewkb_need(EwkbReader *reader, uint64 nbytes);
extern void ewkb_fail(const EwkbReader *reader, const char *what) pg_attribute_noreturn();

#endif							/* EWKB_READER_H */
