/*
 * ewkb_reader.c
 *	  A bounds-checked reader of (E)WKB: byte order, type word with EWKB
 *	  flags or ISO thousands, optional SRID, and the uint32 and float8 values
 *	  that follow (see ewkb_reader.h).
 */
#include "postgres.h"

#include "port/pg_bswap.h"

#include "ewkb_reader.h"
#include "srid.h"

/* Start reading len bytes of well-known binary at wkb */
void
ewkb_reader_init(EwkbReader *r, const uint8 *wkb, size_t len,
				 EwkbErrorCallback error, const void *error_arg)
{
	Assert(error != NULL);
	r->p = wkb;
	r->end = wkb + len;
	r->swap = false;
	r->error = error;
	r->error_arg = error_arg;
}

/* Raise the caller's error: the input is `what` ("truncated", ...) */
void
ewkb_fail(const EwkbReader *r, const char *what)
{
	r->error(r, what);
	elog(ERROR, "the EWKB error callback returned");	/* not reached */
}

/* Fail unless nbytes more bytes follow (checked before a long loop) */
void
ewkb_need(EwkbReader *r, uint64 nbytes)
{
	if ((uint64) (r->end - r->p) < nbytes)
		ewkb_fail(r, "truncated");
}

/* The next uint32, in the geometry's byte order */
uint32
ewkb_read_uint32(EwkbReader *r)
{
	uint32		v;

	ewkb_need(r, sizeof(v));
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	return r->swap ? pg_bswap32(v) : v;
}

/* The next float8, in the geometry's byte order */
double
ewkb_read_double(EwkbReader *r)
{
	uint64		v;
	double		d;

	ewkb_need(r, sizeof(v));
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	if (r->swap)
		v = pg_bswap64(v);
	memcpy(&d, &v, sizeof(d));
	return d;
}

/*
 * Read a geometry's byte-order mark, type word and SRID.  The dimensions
 * come from the EWKB Z and M flags, or from ISO WKB's thousands (1000 Z,
 * 2000 M, 3000 ZM); a part of a multi-geometry has its own header.
 */
void
ewkb_read_header(EwkbReader *r, EwkbHeader *h)
{
	uint32		word;
	uint32		iso;

	ewkb_need(r, 1);
	if (*r->p > 1)
		ewkb_fail(r, "in an unknown byte order");
#ifdef WORDS_BIGENDIAN
	r->swap = (*r->p == 1);
#else
	r->swap = (*r->p == 0);
#endif
	r->p++;
	word = ewkb_read_uint32(r);
	h->type = word & 0x0FFFFFFFu;
	iso = h->type / 1000;
	if (iso > 3)
		ewkb_fail(r, "of an unknown geometry type");
	h->type %= 1000;
	h->has_z = (word & EWKB_Z) != 0 || iso == 1 || iso == 3;
	h->has_m = (word & EWKB_M) != 0 || iso == 2 || iso == 3;
	h->ndims = 2 + (h->has_z ? 1 : 0) + (h->has_m ? 1 : 0);
	h->srid = SRID_UNKNOWN;
	if (word & EWKB_SRID)
		h->srid = (int32) ewkb_read_uint32(r);
}
