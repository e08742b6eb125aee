/*
 * boundary_index.c
 *	  An in-memory index of the boundaries of one level (all grids, all
 *	  communities, ...) answering "which area holds this point" under the
 *	  half-open rule, in a few tens of nanoseconds.
 *
 * The half-open rule.  A point P belongs to the area whose interior holds
 * P + (e1, e2), for infinitesimals 0 < e2 << e1: the point just east of P
 * (and, on an east-west boundary, just north).  It is the crossing-number
 * test with a ray cast east from P, where an edge counts when its lower end
 * is at or below P and its upper end strictly above (ylo <= py < yhi) and P
 * lies strictly west of it; the side of an edge is decided by an exact
 * orientation predicate (orientation.h), so two areas sharing an edge (or a
 * T-junction) always disagree about P.  Hence every point of a partition is
 * in at most one area, a point strictly inside an area is in that area
 * (ST_Contains agrees), and a point on a shared edge or vertex goes to the
 * area east (north) of it.  A point whose shifted twin lies in no area (on
 * the outer edge of the level's coverage, or at a gap) but which lies on
 * some area's boundary goes to the lowest code among those areas, so every
 * point ST_Covers puts in some area gets exactly one of them.  Where areas
 * overlap (an invalid partition), the lowest code wins.
 *
 * The index.  A uniform raster over the level's extent, 32 bits a cell.  A
 * cell that no boundary edge comes near is wholly inside one area (or
 * outside all) and stores that answer; any other cell stores where its short
 * list of candidate areas begins, and a point there runs the crossing test
 * against those areas only.  Each candidate of a cell carries the range of
 * its area's edges that reach into the cell's row of the raster, copied
 * there in one contiguous run, so that a lookup reads the cell, the cell's
 * candidates and those few edges: three places in memory, whatever the
 * level (random points miss the processor's caches, and each dependent read
 * is a wait).
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "boundary_index.h"
#include "ewkb_reader.h"
#include "orientation.h"

/* One boundary edge, stored with its lower end first (y0 <= y1) */
typedef struct BoundaryEdge
{
	double		x0,
				y0,
				x1,
				y1;
} BoundaryEdge;

/* One area while the index is built: its edges and their bounding box */
typedef struct BoundaryArea
{
	GridCode	code;
	double		xmin,
				ymin,
				xmax,
				ymax;
	int32		first_edge;
	int32		nedges;
	int32		first_row;		/* its rows of the raster, and its first edge list */
	int32		first_list;
} BoundaryArea;

/* A candidate's flags: the area holds the whole cell, no test needed; the cell's last */
#define CANDIDATE_WHOLE		0x40000000
#define CANDIDATE_LAST		0x20000000
#define CANDIDATE_AREA(c)	((c) & ~(CANDIDATE_WHOLE | CANDIDATE_LAST))

/*
 * A cell holds >= 0, the one area holding the whole cell; CELL_OUTSIDE; or
 * CELL_MIXED(k): candidates[k] is the cell's subcell map, and its candidates
 * follow, up to the one flagged CANDIDATE_LAST.  While building, CELL_MIXED(m) numbers the
 * mixed cells instead.
 */
#define CELL_OUTSIDE		(-1)
#define CELL_MIXED(m)		(-2 - (m))
#define CELL_MIXED_INDEX(v)	(-2 - (v))

/* An area that may hold part of a mixed cell, with its edges near the cell's row */
typedef struct MixedCandidate
{
	int32		area;			/* area number | CANDIDATE_WHOLE | CANDIDATE_LAST */
	int32		first_edge;		/* row_edges[first_edge .. end_edge) */
	int32		end_edge;
} MixedCandidate;

/*
 * A mixed cell is also cut into 4 x 4 subcells.  Its candidates are led by
 * a map of them, 4 bits a subcell: the number of the candidate holding the
 * whole subcell (no edge comes near it), SUB_OUTSIDE, or SUB_TEST: run the
 * crossing test.  So most points of a mixed cell are answered without
 * reading an edge.
 */
#define SUBCELLS			4
#define SUB_OUTSIDE			14
#define SUB_TEST			15

typedef struct SubcellMap
{
	uint32		lo;				/* subcells 0-7 (row by row from the south-west) */
	uint32		hi;				/* subcells 8-15 */
	int32		unused;
} SubcellMap;

StaticAssertDecl(sizeof(SubcellMap) == sizeof(MixedCandidate),
				 "a subcell map takes the place of one candidate");

struct BoundaryIndex
{
	MemoryContext context;
	int32		nareas;
	GridCode   *codes;			/* per area, in code order */
	double		x0,
				y0,
				xmax,
				ymax,
				cell_size;
	int32		ncols,
				nrows;
	int32	   *cells;
	MixedCandidate *candidates;
	BoundaryEdge *row_edges;	/* per area and raster row: the edges reaching into the row */
	int32		ncandidates,
				nrow_edges;
	/* only while building */
	BoundaryArea *areas;		/* sorted by code */
	BoundaryEdge *edges;		/* each area's, in ring order */
	int32		nedges;
};

/*
 * commgrid.index_max_memory (kB): the most one level's index may take while
 * it is built.  A raster that would need more is made coarser (a lookup then
 * tests more areas per cell); an index that needs more even with a single
 * cell is refused.
 */
static int	index_max_memory_kb = 262144;

/* Growing arrays while the boundaries are read */
struct BoundaryIndexBuilder
{
	MemoryContext context;
	int32		nareas,
				areas_alloc;
	BoundaryArea *areas;
	int32		nedges,
				edges_alloc;
	BoundaryEdge *edges;
};

/* Raise the error for a boundary the reader cannot understand */
static void
boundary_wkb_error(const EwkbReader *r, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("cannot read the boundary of area %s",
					gridcode_to_cstring(*(const GridCode *) r->error_arg)),
			 errdetail("Its well-known binary is %s.", what)));
}

/* Add the edge a-b of a ring (none for a repeated point), lower end first */
static void
builder_add_edge(BoundaryIndexBuilder *b, double ax, double ay, double bx, double by)
{
	BoundaryEdge *e;

	if (ax == bx && ay == by)
		return;
	if (b->nedges == b->edges_alloc)
	{
		b->edges_alloc *= 2;
		b->edges = repalloc_huge(b->edges, sizeof(BoundaryEdge) * b->edges_alloc);
	}
	e = &b->edges[b->nedges++];
	if (ay <= by)
	{
		e->x0 = ax;
		e->y0 = ay;
		e->x1 = bx;
		e->y1 = by;
	}
	else
	{
		e->x0 = bx;
		e->y0 = by;
		e->x1 = ax;
		e->y1 = ay;
	}
}

/* Read one polygon's rings into edges */
static void
read_polygon(EwkbReader *r, BoundaryIndexBuilder *b, int ndims, BoundaryArea *a)
{
	uint32		nrings = ewkb_read_uint32(r);
	uint32		ring,
				i;

	for (ring = 0; ring < nrings; ring++)
	{
		uint32		npoints = ewkb_read_uint32(r);
		double		px = 0,
					py = 0;

		ewkb_need(r, (uint64) npoints * ndims * sizeof(double));
		for (i = 0; i < npoints; i++)
		{
			double		x = ewkb_read_double(r);
			double		y = ewkb_read_double(r);
			int			d;

			for (d = 2; d < ndims; d++)
				(void) ewkb_read_double(r);
			if (!isfinite(x) || !isfinite(y))
				ewkb_fail(r, "a polygon with a non-finite coordinate");
			if (i > 0)
				builder_add_edge(b, px, py, x, y);
			a->xmin = Min(a->xmin, x);
			a->xmax = Max(a->xmax, x);
			a->ymin = Min(a->ymin, y);
			a->ymax = Max(a->ymax, y);
			px = x;
			py = y;
		}
	}
}

/* Start an empty index in a fresh memory context under the current one */
BoundaryIndexBuilder *
boundary_index_begin(void)
{
	MemoryContext context = AllocSetContextCreate(CurrentMemoryContext,
												  "commgrid boundary index",
												  ALLOCSET_DEFAULT_SIZES);
	BoundaryIndexBuilder *b = MemoryContextAllocZero(context, sizeof(BoundaryIndexBuilder));

	b->context = context;
	b->areas_alloc = 64;
	b->areas = MemoryContextAlloc(context, sizeof(BoundaryArea) * b->areas_alloc);
	b->edges_alloc = 1024;
	b->edges = MemoryContextAllocHuge(context, sizeof(BoundaryEdge) * b->edges_alloc);
	return b;
}

/* Add one area's boundary (WKB or EWKB Polygon or MultiPolygon) */
void
boundary_index_add_wkb(BoundaryIndexBuilder *b, GridCode code, const uint8 *wkb, size_t len)
{
	MemoryContext old = MemoryContextSwitchTo(b->context);
	EwkbReader	r;
	EwkbHeader	header;
	BoundaryArea *a;

	ewkb_reader_init(&r, wkb, len, boundary_wkb_error, &code);
	if (b->nareas == b->areas_alloc)
	{
		b->areas_alloc *= 2;
		b->areas = repalloc(b->areas, sizeof(BoundaryArea) * b->areas_alloc);
	}
	a = &b->areas[b->nareas];
	memset(a, 0, sizeof(BoundaryArea));
	a->code = code;
	a->xmin = a->ymin = get_float8_infinity();
	a->xmax = a->ymax = -get_float8_infinity();
	a->first_edge = b->nedges;

	ewkb_read_header(&r, &header);
	if (header.type == WKB_POLYGON)
		read_polygon(&r, b, header.ndims, a);
	else if (header.type == WKB_MULTIPOLYGON)
	{
		uint32		nparts = ewkb_read_uint32(&r);
		uint32		i;

		for (i = 0; i < nparts; i++)
		{
			EwkbHeader	part;

			ewkb_read_header(&r, &part);
			if (part.type != WKB_POLYGON)
				ewkb_fail(&r, "a multipolygon with a part that is not a polygon");
			read_polygon(&r, b, part.ndims, a);
		}
	}
	else
		ewkb_fail(&r, "not a polygon or multipolygon");

	a->nedges = b->nedges - a->first_edge;
	if (a->nedges > 0)
		b->nareas++;
	MemoryContextSwitchTo(old);
}

/* Order areas by code, so the first hit among candidates is the lowest code */
static int
area_code_cmp(const void *a, const void *b)
{
	GridCode	ca = ((const BoundaryArea *) a)->code;
	GridCode	cb = ((const BoundaryArea *) b)->code;

	return ca < cb ? -1 : (ca > cb ? 1 : 0);
}

/* Index of the step of t (in steps from 0) among n steps, clamped into 0..n-1 */
static inline int
clamped_step(double t, int n)
{
	if (!(t > 0))
		return 0;
	return t >= n ? n - 1 : (int) t;
}

/* Cell column of a longitude (monotone, clamped into the raster) */
static inline int
raster_col(const BoundaryIndex *ix, double x)
{
	return clamped_step((x - ix->x0) / ix->cell_size, ix->ncols);
}

/* Cell row of a latitude (monotone, clamped into the raster) */
static inline int
raster_row(const BoundaryIndex *ix, double y)
{
	return clamped_step((y - ix->y0) / ix->cell_size, ix->nrows);
}

/*
 * The step of t (in cells from the raster's origin) among n * SUBCELLS
 * subcells.  t * SUBCELLS is exact (a power of two), so the subcell lies in
 * the cell clamped_step(t, n) gives: its number there is this minus the
 * cell's times SUBCELLS, 0 to SUBCELLS - 1.
 */
static inline int
fine_step(double t, int n)
{
	return clamped_step(t * SUBCELLS, n * SUBCELLS);
}

/* The subcell of t within cell `cell` (which clamped_step(t, n) gave) */
static inline int
subcell(double t, int n, int cell)
{
	return fine_step(t, n) - cell * SUBCELLS;
}

/* A (cell, area) pair found while rasterising */
typedef struct CellPair
{
	int32		cell;
	int32		candidate;
} CellPair;

typedef struct PairList
{
	CellPair   *pairs;
	int64		n,
				alloc;
} PairList;

/* Append a (cell, candidate) pair, growing the list */
static inline void
pair_add(PairList *l, int32 cell, int32 candidate)
{
	if (l->n == l->alloc)
	{
		l->alloc *= 2;
		l->pairs = repalloc_huge(l->pairs, sizeof(CellPair) * l->alloc);
	}
	l->pairs[l->n].cell = cell;
	l->pairs[l->n].candidate = candidate;
	l->n++;
}

/*
 * The x at which edge e enters and leaves the band ylo..yhi (clipped to the edge's own ends),
 * in the edge's direction: the columns of a row band it crosses lie between them.
 */
static inline void
edge_span(const BoundaryEdge *e, double ylo, double yhi, double *xa, double *xb)
{
	if (e->y1 == e->y0)
	{
		*xa = e->x0;
		*xb = e->x1;
	}
	else
	{
		double		ta = (Max(ylo, e->y0) - e->y0) / (e->y1 - e->y0);
		double		tb = (Min(yhi, e->y1) - e->y0) / (e->y1 - e->y0);

		*xa = e->x0 + ta * (e->x1 - e->x0);
		*xb = e->x0 + tb * (e->x1 - e->x0);
	}
}

/*
 * Every cell an edge comes near, with a margin of a millionth of a cell so
 * that rounding in the cell of a query point can never miss an edge.
 */
static int64
rasterise_edge(BoundaryIndex *ix, const BoundaryEdge *e, int32 area, PairList *l)
{
	int64		npairs = 0;
	double		margin = ix->cell_size * 1e-6;
	int			r0 = raster_row(ix, e->y0 - margin);
	int			r1 = raster_row(ix, e->y1 + margin);
	int			r;

	for (r = r0; r <= r1; r++)
	{
		double		ylo = ix->y0 + r * ix->cell_size - margin;
		double		yhi = ix->y0 + (r + 1) * ix->cell_size + margin;
		double		xa,
					xb;
		int			c0,
					c1,
					c;

		edge_span(e, ylo, yhi, &xa, &xb);
		c0 = raster_col(ix, Min(xa, xb) - margin);
		c1 = raster_col(ix, Max(xa, xb) + margin);
		npairs += c1 - c0 + 1;
		if (l == NULL)
			continue;			/* only counting */
		for (c = c0; c <= c1; c++)
			pair_add(l, r * ix->ncols + c, area);
	}
	return npairs;
}

/* Order crossings along a row of cell centres */
static int
double_cmp(const void *a, const void *b)
{
	double		da = *(const double *) a;
	double		db = *(const double *) b;

	return da < db ? -1 : (da > db ? 1 : 0);
}

/*
 * Fill the cells no edge comes near: along each row of cell centres, the
 * cells between an area's crossings lie wholly inside it.  Cells that turn
 * out to be held by two areas (overlaps) become mixed cells.  False when the
 * overlaps need more than max_extra pairs.
 */
static bool
fill_interiors(BoundaryIndex *ix, int32 *cells, const bool *touched, PairList *extra, int64 max_extra)
{
	double	   *xs = NULL;
	int			xs_alloc = 0;
	int			i;

	for (i = 0; i < ix->nareas; i++)
	{
		BoundaryArea *a = &ix->areas[i];
		int			r0 = raster_row(ix, a->ymin);
		int			r1 = raster_row(ix, a->ymax);
		int			r;

		CHECK_FOR_INTERRUPTS();
		if (xs_alloc < a->nedges)
		{
			xs_alloc = Max(a->nedges, 64);
			xs = xs ? repalloc(xs, sizeof(double) * xs_alloc) : palloc(sizeof(double) * xs_alloc);
		}
		for (r = r0; r <= r1; r++)
		{
			double		yc = ix->y0 + (r + 0.5) * ix->cell_size;
			int			n = 0;
			int			e,
						k;

			if (yc < a->ymin || yc >= a->ymax)
				continue;
			for (e = a->first_edge; e < a->first_edge + a->nedges; e++)
			{
				const BoundaryEdge *ed = &ix->edges[e];

				if (ed->y0 <= yc && yc < ed->y1)
					xs[n++] = ed->x0 + (yc - ed->y0) * (ed->x1 - ed->x0) / (ed->y1 - ed->y0);
			}
			if (n < 2)
				continue;
			qsort(xs, n, sizeof(double), double_cmp);
			for (k = 0; k + 1 < n; k += 2)
			{
				int			c0 = (int) ceil((xs[k] - ix->x0) / ix->cell_size - 0.5);
				int			c1 = (int) floor((xs[k + 1] - ix->x0) / ix->cell_size - 0.5);
				int			c;

				c0 = Max(c0, 0);
				c1 = Min(c1, ix->ncols - 1);
				for (c = c0; c <= c1; c++)
				{
					int32		cell = r * ix->ncols + c;

					if ((touched[cell] || (cells[cell] != CELL_OUTSIDE && cells[cell] != i)) &&
						extra->n + 2 > max_extra)
					{
						/* overlaps beyond the memory left: the caller tries coarser */
						if (xs)
							pfree(xs);
						return false;
					}
					if (touched[cell])
					{
						/* a mixed cell wholly inside this area: an overlap */
						pair_add(extra, cell, i | CANDIDATE_WHOLE);
					}
					else if (cells[cell] == CELL_OUTSIDE)
						cells[cell] = i;
					else if (cells[cell] != i)
					{
						pair_add(extra, cell, cells[cell] | CANDIDATE_WHOLE);
						pair_add(extra, cell, i | CANDIDATE_WHOLE);
					}
				}
			}
		}
	}
	if (xs)
		pfree(xs);
	return true;
}

/*
 * The raster rows an edge reaches into, with the margin of rasterise_edge: a
 * point on or beside the edge falls in one of them.
 */
static inline void
edge_rows(const BoundaryIndex *ix, double ylo, double yhi, int *r0, int *r1)
{
	double		margin = ix->cell_size * 1e-6;

	*r0 = raster_row(ix, ylo - margin);
	*r1 = raster_row(ix, yhi + margin);
}

/*
 * Size the raster: cells of side cell_size, about `target` of them and never
 * more than 3 * target + 1 (however long and thin the extent), and as many
 * as fit, with the (cell, area) pairs the edges give and the copies of the
 * edges per row, in commgrid.index_max_memory.  Returns the number of pairs,
 * and the memory the raster needs in *needp.
 */
static int64
raster_fit(BoundaryIndex *ix, double width, double height, double *target, const char *level,
		   int64 *needp)
{
	int64		limit = (int64) index_max_memory_kb * 1024;
	int64		fixed = MemoryContextMemAllocated(ix->context, true);

	for (;;)
	{
		int64		ncells,
					npairs = 0,
					nrow_edges = 0,
					nlists = 0,
					need;
		int			i,
					j,
					r0,
					r1;

		/* square cells, but no more than target along either side */
		ix->cell_size = Max(sqrt(width * height / *target), Max(width, height) / *target);
		ix->ncols = Max(1, (int) Min(ceil(width / ix->cell_size), *target));
		ix->nrows = Max(1, (int) Min(ceil(height / ix->cell_size), *target));
		ncells = (int64) ix->ncols * ix->nrows;
		for (i = 0; i < ix->nareas && fixed + npairs * 16 + nrow_edges * 32 <= limit; i++)
		{
			BoundaryArea *a = &ix->areas[i];

			CHECK_FOR_INTERRUPTS();
			edge_rows(ix, a->ymin, a->ymax, &r0, &r1);
			nlists += r1 - r0 + 1;
			for (j = a->first_edge; j < a->first_edge + a->nedges; j++)
			{
				npairs += rasterise_edge(ix, &ix->edges[j], (int32) i, NULL);
				edge_rows(ix, ix->edges[j].y0, ix->edges[j].y1, &r0, &r1);
				nrow_edges += r1 - r0 + 1;
			}
		}

		/*
		 * At most, while the pairs are grouped: the cells (int32), their
		 * touched flags and pair counts, the pairs and the grouped
		 * candidates; then, while the row lists are made: the cells, the
		 * grouped candidates and at most two MixedCandidates each (with the
		 * subcell maps), the edges
		 * copied per row and the starts of the lists (twice).
		 */
		need = fixed + Max(ncells * (2 * sizeof(int32) + sizeof(bool)) +
						   npairs * (sizeof(CellPair) + sizeof(int32)),
						   ncells * sizeof(int32) +
						   npairs * (sizeof(int32) + 2 * sizeof(MixedCandidate)) +
						   nrow_edges * sizeof(BoundaryEdge) + 2 * (nlists + 1) * sizeof(int32));
		if (need <= limit && npairs < PG_INT32_MAX && nrow_edges < PG_INT32_MAX)
		{
			*needp = need;
			return npairs;
		}
		if (*target <= 1.0)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the %s boundary index needs more memory than commgrid.index_max_memory (%d kB) allows",
							level, index_max_memory_kb),
					 errdetail("It needs %lld kB even with a single cell, for %d areas with %d edges over longitude %g to %g, latitude %g to %g.",
							   (long long) (need / 1024), ix->nareas, ix->nedges,
							   ix->x0, ix->xmax, ix->y0, ix->ymax),
					 errhint("Raise commgrid.index_max_memory, or simplify the boundaries of this level.")));
		*target = Max(1.0, floor(*target / 4));
	}
}

/* Order edges by their east end, east first */
static int
edge_east_cmp(const void *a, const void *b)
{
	double		ea = Max(((const BoundaryEdge *) a)->x0, ((const BoundaryEdge *) a)->x1);
	double		eb = Max(((const BoundaryEdge *) b)->x0, ((const BoundaryEdge *) b)->x1);

	return ea > eb ? -1 : (ea < eb ? 1 : 0);
}

/*
 * Copy each area's edges into lists per raster row, each list holding the
 * edges that reach into the row (a point in the row can be on or across only
 * those), from east to west.  Returns the start of each list (and one past the
 * last), numbered per area from its first_list on.
 */
static int32 *
build_row_edges(BoundaryIndex *ix)
{
	int64		nlists = 0;
	int32	   *list_start;
	int32	   *fill;
	int			i,
				j,
				r,
				r0,
				r1;

	for (i = 0; i < ix->nareas; i++)
	{
		BoundaryArea *a = &ix->areas[i];

		edge_rows(ix, a->ymin, a->ymax, &r0, &r1);
		a->first_row = r0;
		a->first_list = (int32) nlists;
		nlists += r1 - r0 + 1;
	}
	list_start = palloc_extended(sizeof(int32) * (nlists + 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (i = 0; i < ix->nareas; i++)
	{
		BoundaryArea *a = &ix->areas[i];

		for (j = a->first_edge; j < a->first_edge + a->nedges; j++)
		{
			edge_rows(ix, ix->edges[j].y0, ix->edges[j].y1, &r0, &r1);
			for (r = r0; r <= r1; r++)
				list_start[a->first_list + r - a->first_row + 1]++;
		}
	}
	for (i = 0; i < nlists; i++)
		list_start[i + 1] += list_start[i];
	ix->nrow_edges = list_start[nlists];
	ix->row_edges = palloc_extended(sizeof(BoundaryEdge) * Max(ix->nrow_edges, 1), MCXT_ALLOC_HUGE);
	fill = palloc_extended(sizeof(int32) * Max(nlists, 1), MCXT_ALLOC_HUGE);
	memcpy(fill, list_start, sizeof(int32) * nlists);
	for (i = 0; i < ix->nareas; i++)
	{
		BoundaryArea *a = &ix->areas[i];

		CHECK_FOR_INTERRUPTS();
		for (j = a->first_edge; j < a->first_edge + a->nedges; j++)
		{
			edge_rows(ix, ix->edges[j].y0, ix->edges[j].y1, &r0, &r1);
			for (r = r0; r <= r1; r++)
				ix->row_edges[fill[a->first_list + r - a->first_row]++] = ix->edges[j];
		}
	}
	pfree(fill);
	/* each list from east to west, so that a lookup stops at the first edge west of its point */
	for (i = 0; i < nlists; i++)
		if (list_start[i + 1] - list_start[i] > 1)
			qsort(&ix->row_edges[list_start[i]], list_start[i + 1] - list_start[i],
				  sizeof(BoundaryEdge), edge_east_cmp);
	return list_start;
}

static const MixedCandidate *candidates_locate(const BoundaryIndex *ix, const MixedCandidate *first,
											   double x, double y);

/*
 * The subcell map of the mixed cell (row, col) whose candidates begin at
 * first: which subcells an edge of a candidate comes near (with the margin
 * of rasterise_edge, on the subcells' own grid, whose steps the lookup takes
 * with fine_step), and, for each other subcell, the candidate holding its
 * centre, which holds all of it.
 */
static void
subcell_map(const BoundaryIndex *ix, int row, int col, const MixedCandidate *first, SubcellMap *map)
{
	double		margin = ix->cell_size * 1e-6;
	double		fine = ix->cell_size / SUBCELLS;
	double		cell_west = ix->x0 + col * ix->cell_size - fine;
	double		cell_east = ix->x0 + (col + 1) * ix->cell_size + fine;
	uint32		touched = 0;
	uint64		bits = 0;
	const MixedCandidate *c;
	int			s;

	for (c = first;; c++)
	{
		const BoundaryEdge *e = &ix->row_edges[c->first_edge];
		const BoundaryEdge *end = &ix->row_edges[c->end_edge];

		for (; e < end; e++)
		{
			int			r0,
						r1,
						r;

			/* the run holds the area's edges of the whole row: skip those far from this cell */
			if (Max(e->x0, e->x1) + margin < cell_west || Min(e->x0, e->x1) - margin > cell_east)
				continue;
			r0 = Max(fine_step((e->y0 - margin - ix->y0) / ix->cell_size, ix->nrows),
					 row * SUBCELLS);
			r1 = Min(fine_step((e->y1 + margin - ix->y0) / ix->cell_size, ix->nrows),
					 row * SUBCELLS + SUBCELLS - 1);

			for (r = r0; r <= r1; r++)
			{
				double		ylo = ix->y0 + r * fine - margin;
				double		yhi = ix->y0 + (r + 1) * fine + margin;
				double		xa,
							xb;
				int			c0,
							c1,
							k;

				edge_span(e, ylo, yhi, &xa, &xb);
				c0 = Max(fine_step((Min(xa, xb) - margin - ix->x0) / ix->cell_size, ix->ncols),
						 col * SUBCELLS);
				c1 = Min(fine_step((Max(xa, xb) + margin - ix->x0) / ix->cell_size, ix->ncols),
						 col * SUBCELLS + SUBCELLS - 1);
				for (k = c0; k <= c1; k++)
					touched |= 1U << ((r - row * SUBCELLS) * SUBCELLS + k - col * SUBCELLS);
			}
		}
		if (c->area & CANDIDATE_LAST)
			break;
	}
	for (s = 0; s < SUBCELLS * SUBCELLS; s++)
	{
		uint64		answer = SUB_TEST;

		if (!(touched & (1U << s)))
		{
			const MixedCandidate *hit;

			hit = candidates_locate(ix, first,
									ix->x0 + (col * SUBCELLS + s % SUBCELLS + 0.5) * fine,
									ix->y0 + (row * SUBCELLS + s / SUBCELLS + 0.5) * fine);
			if (hit == NULL)
				answer = SUB_OUTSIDE;
			else if (hit - first < SUB_OUTSIDE)
				answer = hit - first;
		}
		bits |= answer << (4 * s);
	}
	map->lo = (uint32) bits;
	map->hi = (uint32) (bits >> 32);
	map->unused = 0;
}

/* Build the raster from the areas' edges */
static void
build_raster(BoundaryIndex *ix, const char *level)
{
	double		xmin = get_float8_infinity(),
				ymin = get_float8_infinity(),
				xmax = -get_float8_infinity(),
				ymax = -get_float8_infinity();
	double		width,
				height,
				target,
				first_target;
	int64		ncells,
				npairs,
				need;
	PairList	pairs;
	PairList	extra;
	int32	   *cells;
	bool	   *touched;
	int32	   *cell_end;
	int32	   *cand;
	int32	   *mixed_start;
	int32	   *list_start;
	int32		nmixed = 0;
	int64		i,
				j;

	for (i = 0; i < ix->nareas; i++)
	{
		xmin = Min(xmin, ix->areas[i].xmin);
		ymin = Min(ymin, ix->areas[i].ymin);
		xmax = Max(xmax, ix->areas[i].xmax);
		ymax = Max(ymax, ix->areas[i].ymax);
	}
	width = Max(xmax - xmin, 1e-9);
	height = Max(ymax - ymin, 1e-9);
	ix->x0 = xmin;
	ix->y0 = ymin;
	ix->xmax = xmax;
	ix->ymax = ymax;

	/* about six cells per edge, at most 4M cells (8 MB); coarser if memory is short */
	first_target = target = Min(Max((double) ix->nedges * 6.0, 1024.0), 4194304.0);
retry:
	npairs = raster_fit(ix, width, height, &target, level, &need);

	ncells = (int64) ix->ncols * ix->nrows;
	cells = palloc_extended(sizeof(int32) * ncells, MCXT_ALLOC_HUGE);
	for (i = 0; i < ncells; i++)
		cells[i] = CELL_OUTSIDE;

	/* every cell each edge comes near */
	pairs.alloc = Max(1024, npairs + 64);
	pairs.n = 0;
	pairs.pairs = palloc_extended(sizeof(CellPair) * pairs.alloc, MCXT_ALLOC_HUGE);
	for (i = 0; i < ix->nareas; i++)
	{
		BoundaryArea *a = &ix->areas[i];

		CHECK_FOR_INTERRUPTS();
		for (j = a->first_edge; j < a->first_edge + a->nedges; j++)
			rasterise_edge(ix, &ix->edges[j], (int32) i, &pairs);
	}
	touched = palloc0_array(bool, ncells);
	for (i = 0; i < pairs.n; i++)
		touched[pairs.pairs[i].cell] = true;

	/* the untouched cells, from the rows of cell centres */
	extra.alloc = 64;
	extra.n = 0;
	extra.pairs = palloc(sizeof(CellPair) * extra.alloc);
	if (!fill_interiors(ix, cells, touched, &extra,
						((int64) index_max_memory_kb * 1024 - need) /
						(int64) (3 * sizeof(CellPair) + sizeof(int32) + 2 * sizeof(MixedCandidate))))
	{
		/* overlapping areas need more: coarser cells, fewer overlap pairs */
		pfree(cells);
		pfree(pairs.pairs);
		pfree(touched);
		pfree(extra.pairs);
		if (target <= 1.0)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the %s boundary index needs more memory than commgrid.index_max_memory (%d kB) allows",
							level, index_max_memory_kb),
					 errdetail("Its %d areas overlap too much to list them even for a single cell.", ix->nareas),
					 errhint("Look for areas of this level that overlap, with commgrid.coverage_problems.")));
		target = Max(1.0, floor(target / 4));
		goto retry;
	}
	if (target < first_target)
		ereport(NOTICE,
				(errmsg("the %s boundary index is built with a coarser raster to stay within commgrid.index_max_memory",
						level),
				 errdetail("%d x %d cells over longitude %g to %g, latitude %g to %g; %lld kB.",
						   ix->ncols, ix->nrows, ix->x0, ix->xmax, ix->y0, ix->ymax,
						   (long long) (need / 1024)),
				 errhint("Lookups are slower; raise commgrid.index_max_memory, or look for a boundary far from the others, which stretches the raster.")));
	if (pairs.n + extra.n > pairs.alloc)
	{
		pairs.alloc = pairs.n + extra.n;
		pairs.pairs = repalloc_huge(pairs.pairs, sizeof(CellPair) * pairs.alloc);
	}
	for (i = 0; i < extra.n; i++)
	{
		int32		cell = extra.pairs[i].cell;

		if (!touched[cell])
		{
			touched[cell] = true;
			cells[cell] = CELL_OUTSIDE;
		}
		pair_add(&pairs, cell, extra.pairs[i].candidate);
	}

	/*
	 * Group the pairs by cell with a counting sort (a comparison sort of all
	 * pairs was most of the build); each cell's few candidates are then put
	 * in area order and merged, one entry per area.
	 */
	CHECK_FOR_INTERRUPTS();
	cell_end = palloc_extended(sizeof(int32) * ncells, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (i = 0; i < pairs.n; i++)
		cell_end[pairs.pairs[i].cell]++;
	for (i = 0, j = 0; i < ncells; i++)
	{
		nmixed += cell_end[i] > 0;
		j += cell_end[i];
		cell_end[i] = (int32) (j - cell_end[i]);	/* the cell's start, for now */
	}
	cand = palloc_extended(sizeof(int32) * Max(pairs.n, 1), MCXT_ALLOC_HUGE);
	mixed_start = palloc_extended(sizeof(int32) * (nmixed + 1), MCXT_ALLOC_HUGE);
	for (i = 0; i < pairs.n; i++)
		cand[cell_end[pairs.pairs[i].cell]++] = pairs.pairs[i].candidate;
	pfree(pairs.pairs);
	pfree(extra.pairs);
	pfree(touched);
	nmixed = 0;
	j = 0;
	for (i = 0; i < ncells; i++)
	{
		int32		from = i == 0 ? 0 : cell_end[i - 1];
		int32		to = cell_end[i];
		int32		k,
					m;

		if (from == to)
			continue;
		/* insertion sort by area: a cell has a handful of candidates */
		for (k = from + 1; k < to; k++)
		{
			int32		c = cand[k];

			for (m = k; m > from && CANDIDATE_AREA(cand[m - 1]) > CANDIDATE_AREA(c); m--)
				cand[m] = cand[m - 1];
			cand[m] = c;
		}
		mixed_start[nmixed] = (int32) j;
		cells[i] = CELL_MIXED(nmixed);
		nmixed++;
		for (k = from; k < to; k++)
		{
			if (k > from && CANDIDATE_AREA(cand[k]) == CANDIDATE_AREA(cand[j - 1]))
			{
				/* whole only if no edge of the area comes near the cell */
				if (!(cand[k] & CANDIDATE_WHOLE))
					cand[j - 1] &= ~CANDIDATE_WHOLE;
				continue;
			}
			cand[j++] = cand[k];
		}
	}
	mixed_start[nmixed] = (int32) j;
	pfree(cell_end);

	/*
	 * The finished cells: a mixed cell points at its first candidate, and
	 * each candidate that needs the crossing test at its area's edges in the
	 * cell's row.
	 */
	list_start = build_row_edges(ix);
	ix->ncandidates = (int32) (j + nmixed);
	ix->candidates = palloc_extended(sizeof(MixedCandidate) * Max(j + nmixed, 1), MCXT_ALLOC_HUGE);
	nmixed = 0;
	for (i = 0; i < ncells; i++)
	{
		int32		k;
		int32		row = (int32) (i / ix->ncols);
		MixedCandidate *block;

		if (cells[i] >= CELL_OUTSIDE)
			continue;
		Assert(cells[i] == CELL_MIXED(nmixed));
		/* each earlier mixed cell has one map before its candidates */
		block = &ix->candidates[mixed_start[nmixed] + nmixed];
		for (k = mixed_start[nmixed]; k < mixed_start[nmixed + 1]; k++)
		{
			MixedCandidate *mc = &block[1 + k - mixed_start[nmixed]];
			const BoundaryArea *a = &ix->areas[CANDIDATE_AREA(cand[k])];

			mc->area = cand[k];
			if (k == mixed_start[nmixed + 1] - 1)
				mc->area |= CANDIDATE_LAST;
			mc->first_edge = mc->end_edge = 0;
			if (!(cand[k] & CANDIDATE_WHOLE))
			{
				int32		list = a->first_list + row - a->first_row;

				mc->first_edge = list_start[list];
				mc->end_edge = list_start[list + 1];
			}
		}
		subcell_map(ix, row, (int) (i % ix->ncols), block + 1, (SubcellMap *) block);
		cells[i] = CELL_MIXED(mixed_start[nmixed] + nmixed);
		nmixed++;
	}
	ix->cells = cells;
	pfree(list_start);
	pfree(mixed_start);
	pfree(cand);
}

/* Finish: sort the areas, build the raster, keep only what lookups read */
BoundaryIndex *
boundary_index_finish(BoundaryIndexBuilder *b, const char *level)
{
	MemoryContext old = MemoryContextSwitchTo(b->context);
	BoundaryIndex *ix = palloc0(sizeof(BoundaryIndex));
	int			i;

	ix->context = b->context;
	ix->nareas = b->nareas;
	ix->areas = b->areas;
	ix->edges = repalloc_huge(b->edges, sizeof(BoundaryEdge) * Max(b->nedges, 1));
	ix->nedges = b->nedges;
	qsort(ix->areas, ix->nareas, sizeof(BoundaryArea), area_code_cmp);
	if (ix->nareas > 0)
		build_raster(ix, level);
	ix->codes = palloc(sizeof(GridCode) * Max(ix->nareas, 1));
	for (i = 0; i < ix->nareas; i++)
		ix->codes[i] = ix->areas[i].code;
	/* the edges are in the row lists now; areas and edges served the build only */
	pfree(ix->areas);
	pfree(ix->edges);
	ix->areas = NULL;
	ix->edges = NULL;
	pfree(b);
	MemoryContextSwitchTo(old);
	return ix;
}

/* The setting commgrid.index_max_memory, defined when the library loads */
void
boundary_index_define_settings(void)
{
	DefineCustomIntVariable("commgrid.index_max_memory",
							"Most memory one level's boundary index of commgrid.locate may take while it is built.",
							"A raster that would need more is built coarser; an index that cannot fit is refused.",
							&index_max_memory_kb,
							262144, 64, MAX_KILOBYTES,
							PGC_SUSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
}

/* Free an index and everything it holds */
void
boundary_index_free(BoundaryIndex *ix)
{
	if (ix)
		MemoryContextDelete(ix->context);
}

/* Keep an index for the life of the backend */
void
boundary_index_keep(BoundaryIndex *ix)
{
	MemoryContextSetParent(ix->context, TopMemoryContext);
}

/*
 * The crossing test of the half-open rule for one area, over its edges that
 * reach into the point's row (all it has at the point's latitude): does the
 * area's interior hold (x + e1, y + e2)?
 */
static inline bool
edges_hold(const BoundaryEdge *e, const BoundaryEdge *end, double x, double y)
{
	bool		inside = false;

	for (; e < end; e++)
	{
		/* this edge and all after it lie wholly west of the point: none is crossed */
		if (x > e->x0 && x > e->x1)
			break;
		if (e->y0 <= y && y < e->y1)
		{
			if (x < e->x0 && x < e->x1)
				inside = !inside;
			else if ((x <= e->x0 || x <= e->x1) &&
					 orientation(e->x0, e->y0, e->x1, e->y1, x, y) > 0)
				inside = !inside;
		}
	}
	return inside;
}

/* Does the point lie exactly on one of these edges? */
static bool
edges_touch(const BoundaryEdge *e, const BoundaryEdge *end, double x, double y)
{
	for (; e < end; e++)
	{
		if (x > e->x0 && x > e->x1)
			break;				/* the rest lie west of the point */
		if (y >= e->y0 && y <= e->y1 &&
			x >= Min(e->x0, e->x1) && x <= Max(e->x0, e->x1) &&
			orientation(e->x0, e->y0, e->x1, e->y1, x, y) == 0)
			return true;
	}
	return false;
}

/*
 * The first of a mixed cell's candidates (up to the one flagged
 * CANDIDATE_LAST) holding a point under the half-open rule, or NULL.
 */
static const MixedCandidate *
candidates_locate(const BoundaryIndex *ix, const MixedCandidate *first, double x, double y)
{
	const MixedCandidate *c;

	for (c = first;; c++)
	{
		if ((c->area & CANDIDATE_WHOLE) ||
			edges_hold(&ix->row_edges[c->first_edge], &ix->row_edges[c->end_edge], x, y))
			return c;
		if (c->area & CANDIDATE_LAST)
			break;
	}

	/* on the outer edge of the coverage or of a gap: the lowest code wins */
	for (c = first;; c++)
	{
		if (!(c->area & CANDIDATE_WHOLE) &&
			edges_touch(&ix->row_edges[c->first_edge], &ix->row_edges[c->end_edge], x, y))
			return c;
		if (c->area & CANDIDATE_LAST)
			break;
	}
	return NULL;
}

/*
 * Ask the processor to fetch the raster cell of a point, so that a caller
 * with other work to do before the lookup (the trigger forms its row)
 * overlaps that work with the wait for memory.  Only a hint: it reads
 * nothing.
 */
void
boundary_index_prefetch(const BoundaryIndex *ix, double x, double y)
{
#if defined(__GNUC__) || defined(__clang__)
	if (ix->nareas == 0 || !(x >= ix->x0 && y >= ix->y0 && x <= ix->xmax && y <= ix->ymax))
		return;
	__builtin_prefetch(&ix->cells[(int64) raster_row(ix, y) * ix->ncols + raster_col(ix, x)]);
#endif
}

/*
 * The area holding a point under the half-open rule (see the head of this
 * file).  Returns false when no area covers the point.
 */
bool
boundary_index_lookup(const BoundaryIndex *ix, double x, double y, GridCode *code)
{
	/* the cell, as raster_col and raster_row find it */
	double		tx = (x - ix->x0) / ix->cell_size;
	double		ty = (y - ix->y0) / ix->cell_size;
	int			col,
				row,
				sub;
	int32		value;
	const SubcellMap *map;
	const MixedCandidate *first,
			   *c;
	uint32		answer;

	if (ix->nareas == 0 ||
		x < ix->x0 || y < ix->y0 ||
		x > ix->xmax || y > ix->ymax)
		return false;
	col = clamped_step(tx, ix->ncols);
	row = clamped_step(ty, ix->nrows);
	value = ix->cells[(int64) row * ix->ncols + col];
	if (value >= 0)
	{
		*code = ix->codes[value];
		return true;
	}
	if (value == CELL_OUTSIDE)
		return false;

	map = (const SubcellMap *) &ix->candidates[CELL_MIXED_INDEX(value)];
	first = (const MixedCandidate *) map + 1;
	sub = subcell(ty, ix->nrows, row) * SUBCELLS + subcell(tx, ix->ncols, col);
	answer = (sub < 8 ? map->lo >> (4 * sub) : map->hi >> (4 * (sub - 8))) & 0xF;
	if (answer < SUB_OUTSIDE)
	{
		*code = ix->codes[CANDIDATE_AREA(first[answer].area)];
		return true;
	}
	if (answer == SUB_OUTSIDE)
		return false;
	c = candidates_locate(ix, first, x, y);
	if (c == NULL)
		return false;
	*code = ix->codes[CANDIDATE_AREA(c->area)];
	return true;
}

/*
 * The flat copy of an index: one pointer-free block, a header and then the
 * arrays at aligned offsets, so that it can be placed in shared memory and
 * read by every backend at whatever address it is mapped.
 */
#define FLAT_INDEX_MAGIC	0x43474932	/* "CGI2" */
#define FLAT_INDEX_ARRAYS	4

typedef struct FlatIndex
{
	uint32		magic;
	int32		nareas,
				ncandidates,
				nrow_edges,
				ncols,
				nrows;
	double		x0,
				y0,
				xmax,
				ymax,
				cell_size;
	Size		offset[FLAT_INDEX_ARRAYS];
	Size		total;
} FlatIndex;

/* The arrays of an index with their lengths in bytes, in the flat order */
static void
flat_arrays(const BoundaryIndex *ix, const void **arrays, Size *bytes)
{
	int64		ncells = ix->nareas > 0 ? (int64) ix->ncols * ix->nrows : 0;

	arrays[0] = ix->codes;
	bytes[0] = sizeof(GridCode) * ix->nareas;
	arrays[1] = ix->cells;
	bytes[1] = sizeof(int32) * ncells;
	arrays[2] = ix->candidates;
	bytes[2] = sizeof(MixedCandidate) * ix->ncandidates;
	arrays[3] = ix->row_edges;
	bytes[3] = sizeof(BoundaryEdge) * ix->nrow_edges;
}

/* Bytes of the flat copy */
Size
boundary_index_flat_size(const BoundaryIndex *ix)
{
	const void *arrays[FLAT_INDEX_ARRAYS];
	Size		bytes[FLAT_INDEX_ARRAYS];
	Size		total = MAXALIGN(sizeof(FlatIndex));
	int			i;

	flat_arrays(ix, arrays, bytes);
	for (i = 0; i < FLAT_INDEX_ARRAYS; i++)
		total += MAXALIGN(bytes[i]);
	return total;
}

/* Write the flat copy into dest (boundary_index_flat_size bytes, aligned) */
void
boundary_index_flatten(const BoundaryIndex *ix, void *dest)
{
	const void *arrays[FLAT_INDEX_ARRAYS];
	Size		bytes[FLAT_INDEX_ARRAYS];
	FlatIndex  *f = dest;
	Size		at = MAXALIGN(sizeof(FlatIndex));
	int			i;

	memset(f, 0, sizeof(FlatIndex));
	f->magic = FLAT_INDEX_MAGIC;
	f->nareas = ix->nareas;
	f->ncandidates = ix->ncandidates;
	f->nrow_edges = ix->nrow_edges;
	f->ncols = ix->ncols;
	f->nrows = ix->nrows;
	f->x0 = ix->x0;
	f->y0 = ix->y0;
	f->xmax = ix->xmax;
	f->ymax = ix->ymax;
	f->cell_size = ix->cell_size;
	flat_arrays(ix, arrays, bytes);
	for (i = 0; i < FLAT_INDEX_ARRAYS; i++)
	{
		f->offset[i] = at;
		if (bytes[i] > 0)
			memcpy((char *) dest + at, arrays[i], bytes[i]);
		at += MAXALIGN(bytes[i]);
	}
	f->total = at;
}

/*
 * An index reading a flat copy in place: only the header is allocated (in a
 * small context under the current one); the copy must outlive it.
 */
BoundaryIndex *
boundary_index_from_flat(const void *flat)
{
	const FlatIndex *f = flat;
	const char *base = flat;
	MemoryContext context;
	BoundaryIndex *ix;

	if (f->magic != FLAT_INDEX_MAGIC)
		elog(ERROR, "shared boundary index is corrupted");
	context = AllocSetContextCreate(CurrentMemoryContext, "commgrid shared boundary index",
									ALLOCSET_SMALL_SIZES);
	ix = MemoryContextAllocZero(context, sizeof(BoundaryIndex));
	ix->context = context;
	ix->nareas = f->nareas;
	ix->ncandidates = f->ncandidates;
	ix->nrow_edges = f->nrow_edges;
	ix->ncols = f->ncols;
	ix->nrows = f->nrows;
	ix->x0 = f->x0;
	ix->y0 = f->y0;
	ix->xmax = f->xmax;
	ix->ymax = f->ymax;
	ix->cell_size = f->cell_size;
	/* read only: the lookup never writes */
	ix->codes = (GridCode *) (base + f->offset[0]);
	ix->cells = (int32 *) (base + f->offset[1]);
	ix->candidates = (MixedCandidate *) (base + f->offset[2]);
	ix->row_edges = (BoundaryEdge *) (base + f->offset[3]);
	return ix;
}

/* Memory this backend holds for an index (for a flat copy: its header) */
Size
boundary_index_memory(const BoundaryIndex *ix)
{
	return MemoryContextMemAllocated(ix->context, true);
}
