/*
 * fuzz_ewkb.c
 *	  libFuzzer harness for ewkb_reader.c: any bytes, walked as the engine
 *	  walks them (a point, a polygon's rings, a multi-geometry's parts), either
 *	  read within their length or refused through the caller's error callback,
 *	  never read beyond their end (AddressSanitizer sees the exact buffer).
 */
#include "postgres.h"

#include "ewkb_reader.h"
#include "fuzz_stubs.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harness's error: the SQLSTATE boundary_index.c raises */
static void
fuzz_wkb_error(const EwkbReader *r, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("cannot read the geometry"),
			 errdetail("Its well-known binary is %s.", what)));
}

/* Read a polygon's rings, as boundary_index.c does */
static void
walk_polygon(EwkbReader *r, int ndims)
{
	uint32		nrings = ewkb_read_uint32(r);
	uint32		ring,
				i;
	int			d;

	for (ring = 0; ring < nrings; ring++)
	{
		uint32		npoints = ewkb_read_uint32(r);

		ewkb_need(r, (uint64) npoints * ndims * sizeof(double));
		for (i = 0; i < npoints; i++)
			for (d = 0; d < ndims; d++)
				(void) ewkb_read_double(r);
	}
}

/* Read one geometry of the kinds the engine reads; parts of a multi once */
static void
walk_geometry(EwkbReader *r, bool top)
{
	EwkbHeader	header;
	uint32		nparts,
				i;
	int			d;

	ewkb_read_header(r, &header);
	if (header.ndims != 2 + header.has_z + header.has_m)
		__builtin_trap();
	switch (header.type)
	{
		case WKB_POINT:
			for (d = 0; d < header.ndims; d++)
				(void) ewkb_read_double(r);
			break;
		case WKB_POLYGON:
			walk_polygon(r, header.ndims);
			break;
		case 4:					/* multipoint */
		case WKB_MULTIPOLYGON:
			if (!top)
				ewkb_fail(r, "nested");
			nparts = ewkb_read_uint32(r);
			for (i = 0; i < nparts; i++)
				walk_geometry(r, false);
			break;
		default:
			ewkb_fail(r, "not a point or polygon");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sigjmp_buf	jump;
	EwkbReader	r;

	ewkb_reader_init(&r, data, size, fuzz_wkb_error, NULL);
	fuzz_error_jump = &jump;
	if (sigsetjmp(jump, 0) == 0)
	{
		walk_geometry(&r, true);
		if (r.p > r.end)
			__builtin_trap();
	}
	else if (fuzz_last_sqlstate != ERRCODE_DATA_CORRUPTED)
		__builtin_trap();		/* unreadable bytes go through the callback */
	fuzz_error_jump = NULL;
	fuzz_free_all();
	return 0;
}
