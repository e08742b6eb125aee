-- commgrid.locate: the half-open rule checked against PostGIS on a small district 110105
-- whose grids share edges and vertices (coordinates are binary fractions, so edge
-- midpoints and quarter points are exactly on the edges).
SET search_path = commgrid, public;
BEGIN;
INSERT INTO area (code, name, kind) VALUES
  ('110105', '朝阳区', 'district'),
  ('110105001', '甲街道', 'subdistrict');
INSERT INTO area (code, name, kind) VALUES
  ('110105001001', '东社区', 'community'),
  ('110105001002', '西社区', 'community');

-- lattice vertices, interior ones jittered by an eighth of a cell
CREATE TEMP TABLE vertex AS
SELECT i, j,
       116.375 + i * 0.0078125 + CASE WHEN i IN (0, 4) OR j IN (0, 3) THEN 0
                                     ELSE ((i * 3 + j * 5) % 3 - 1) * 0.0009765625 END AS x,
       39.875 + j * 0.0078125 + CASE WHEN i IN (0, 4) OR j IN (0, 3) THEN 0
                                    ELSE ((i * 7 + j * 2) % 3 - 1) * 0.0009765625 END AS y
FROM generate_series(0, 4) i, generate_series(0, 3) j;

CREATE TEMP TABLE cell AS
WITH quad AS (
  SELECT c.i, c.j, a.x ax, a.y ay, b.x bx, b.y by, d.x dx, d.y dy, e.x ex, e.y ey
  FROM (SELECT i, j FROM generate_series(0, 3) i, generate_series(0, 2) j) c
  JOIN vertex a ON a.i = c.i AND a.j = c.j
  JOIN vertex b ON b.i = c.i + 1 AND b.j = c.j
  JOIN vertex d ON d.i = c.i + 1 AND d.j = c.j + 1
  JOIN vertex e ON e.i = c.i AND e.j = c.j + 1)
SELECT i, j, 0 AS part, format('POLYGON((%s %s,%s %s,%s %s,%s %s,%s %s))', ax, ay, bx, by, dx, dy, ex, ey, ax, ay) AS wkt
FROM quad WHERE (i + j) % 3 <> 0
UNION ALL
SELECT i, j, 1, format('POLYGON((%s %s,%s %s,%s %s,%s %s))', ax, ay, bx, by, dx, dy, ax, ay) FROM quad WHERE (i + j) % 3 = 0
UNION ALL
SELECT i, j, 2, format('POLYGON((%s %s,%s %s,%s %s,%s %s))', ax, ay, dx, dy, ex, ey, ax, ay) FROM quad WHERE (i + j) % 3 = 0;

INSERT INTO area (code, name, kind, boundary)
SELECT (CASE WHEN i < 2 THEN '110105001001' ELSE '110105001002' END ||
        lpad(row_number() OVER (PARTITION BY i < 2 ORDER BY j DESC, i, part)::text, 3, '0'))::gridcode,
       format('网格 %s-%s-%s', i, j, part), 'grid', ST_GeomFromText(wkt, 4490)
FROM cell;
UPDATE area c SET boundary = (SELECT ST_Multi(ST_Union(g.boundary)) FROM area g WHERE g.parent = c.code)
WHERE c.kind = 'community' AND c.code <@ '110105'::gridcode;

SELECT kind, count(*) AS areas, bool_and(ST_IsValid(boundary)) AS valid
FROM area WHERE code <@ '110105'::gridcode AND boundary IS NOT NULL GROUP BY kind ORDER BY kind;

-- test points: random ones around the district, every vertex, every edge's midpoint and quarter points
SELECT setseed(0.25);
CREATE TEMP TABLE probe AS
SELECT 'random' AS sort, ST_SetSRID(ST_MakePoint(116.37 + random() * 0.042, 39.87 + random() * 0.034), 4490) AS location
FROM generate_series(1, 3000)
UNION ALL
SELECT 'vertex', ST_SetSRID(ST_MakePoint(x, y), 4490) FROM vertex
UNION ALL
SELECT 'on edge', ST_SetSRID(ST_MakePoint(ST_X(a) + (ST_X(b) - ST_X(a)) * f, ST_Y(a) + (ST_Y(b) - ST_Y(a)) * f), 4490)
FROM (SELECT ST_PointN(ring, k) a, ST_PointN(ring, k + 1) b
      FROM (SELECT ST_ExteriorRing((ST_Dump(boundary)).geom) ring FROM area WHERE kind = 'grid' AND code <@ '110105'::gridcode) r,
           generate_series(1, 4) k WHERE k < ST_NPoints(ring)) e,
     (VALUES (0.25), (0.5), (0.75)) f(f)
UNION ALL
-- beside each edge, at distances from a ten-millionth of a degree to a third of a raster cell,
-- on both sides: the subcells an edge comes near (the crossing test) and the ones beside them
-- (decided by the subcell map, one centre for each group of them)
SELECT 'near edge', ST_SetSRID(ST_MakePoint(mx - dy / len * d * side, my + dx / len * d * side), 4490)
FROM (SELECT (ST_X(a) + ST_X(b)) / 2 mx, (ST_Y(a) + ST_Y(b)) / 2 my, ST_X(b) - ST_X(a) dx, ST_Y(b) - ST_Y(a) dy,
             sqrt((ST_X(b) - ST_X(a)) ^ 2 + (ST_Y(b) - ST_Y(a)) ^ 2) len
      FROM (SELECT ST_PointN(ring, k) a, ST_PointN(ring, k + 1) b
            FROM (SELECT ST_ExteriorRing((ST_Dump(boundary)).geom) ring FROM area WHERE kind = 'grid' AND code <@ '110105'::gridcode) r,
                 generate_series(1, 4) k WHERE k < ST_NPoints(ring)) e) m,
     (VALUES (1e-7), (3e-6), (0.0001), (0.0003), (0.0007)) dist(d), (VALUES (1), (-1)) s(side);

CREATE TEMP TABLE answer AS
SELECT p.sort, p.location, locate(p.location) AS located,
       array(SELECT code FROM area a WHERE a.kind = 'grid' AND a.code <@ '110105'::gridcode
             AND ST_Covers(a.boundary, p.location) ORDER BY code) AS covers,
       array(SELECT code FROM area a WHERE a.kind = 'grid' AND a.code <@ '110105'::gridcode
             AND ST_Contains(a.boundary, p.location) ORDER BY code) AS contains
FROM probe p;

-- every covered point gets exactly one grid, one of ST_Covers'; strictly inside points
-- get ST_Contains' grid; uncovered points get NULL
SELECT sort, count(*) AS points,
       count(*) FILTER (WHERE cardinality(covers) > 1) AS on_shared_boundary,
       count(*) FILTER (WHERE cardinality(covers) > 0 AND located IS NULL) AS covered_not_located,
       count(*) FILTER (WHERE located IS NOT NULL AND NOT located = ANY (covers)) AS not_among_covers,
       count(*) FILTER (WHERE cardinality(contains) = 1 AND located IS DISTINCT FROM contains[1]) AS contains_disagrees,
       count(*) FILTER (WHERE cardinality(covers) = 0 AND located IS NOT NULL) AS outside_located
FROM answer GROUP BY sort ORDER BY sort;

-- the community level agrees with the grid level's parent
SELECT count(*) AS points, count(*) FILTER (WHERE locate(location, 'community') IS DISTINCT FROM parent(located)) AS disagree
FROM answer WHERE located IS NOT NULL;

-- the direction of the rule: a point on a boundary goes to the area just east of it
-- (on an east-west boundary, just north); where no area lies there (the outer edge of the
-- coverage) to the lowest code among the areas whose boundary holds it
SELECT v.label, a.name AS grid
FROM (VALUES (1, 'shared edge 0-1 | 1-1, midpoint', 116.38330078125, 39.88671875),
             (2, 'diagonal of cell 0-0 (triangles 1 below, 2 above)', 116.37939453125, 39.87841796875),
             (3, 'vertex 1-1 of five grids; 1-0 lies just east', 116.3837890625, 39.8818359375),
             (4, 'west outer edge of cell 0-0 (triangle 2)', 116.375, 39.87890625),
             (5, 'east outer edge of cell 3-0 (triangle 1)', 116.40625, 39.87890625),
             (6, 'top outer edge, vertex of 0-2 and 1-2: lowest code', 116.3828125, 39.8984375),
             (7, 'north-east corner', 116.40625, 39.8984375),
             (8, 'just west of the district', 116.374999, 39.88),
             (9, 'far away', 0, 0)) v(n, label, x, y)
LEFT JOIN area a ON a.code = locate(ST_SetSRID(ST_MakePoint(v.x, v.y), 4490))
ORDER BY v.n;

-- parallel workers build their own index and agree with the leader
CREATE TABLE locate_parallel AS SELECT location, located FROM answer;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT count(*) FROM locate_parallel WHERE locate(location) IS DISTINCT FROM located;
SELECT count(*) AS disagree FROM locate_parallel WHERE locate(location) IS DISTINCT FROM located;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- levels: names and kinds
SELECT level, locate(ST_SetSRID(ST_MakePoint(116.38, 39.88), 4490), level) AS code
FROM unnest(ARRAY['grid', 'community', 'village', 'township', 'subdistrict', 'town', 'county', 'district']) level;

-- inputs: NULL and empty give NULL; 4326, Z, M and bounding boxes are read
SELECT locate(NULL) IS NULL AS null_in, locate('POINT EMPTY') IS NULL AS empty_point,
       locate('GEOMETRYCOLLECTION EMPTY') IS NULL AS empty_collection,
       locate('SRID=4326;POINT(116.38 39.88)') AS wgs84,
       locate('SRID=4490;POINT ZM(116.38 39.88 12 3)') AS zm,
       locate(postgis_addbbox('SRID=4490;POINT(116.38 39.88)'::geometry)) AS with_bbox,
       locate('SRID=4490;POINT(116.38 39.88)', NULL) IS NULL AS null_level;
-- a point read from a table (short varlena header) and from a parameter
CREATE TEMP TABLE stored (location geometry);
INSERT INTO stored VALUES ('SRID=4490;POINT(116.38 39.88)');
SELECT locate(location) FROM stored;
PREPARE loc(geometry) AS SELECT locate($1);
EXECUTE loc('SRID=4490;POINT(116.38 39.88)');

-- bad inputs
\set VERBOSITY default
SAVEPOINT s;
SELECT locate('SRID=4490;POINT(116.38 39.88)', 'street');
ROLLBACK TO s;
SELECT locate('POINT(116.38 39.88)');
ROLLBACK TO s;
SELECT locate('SRID=3857;POINT(116.38 39.88)');
ROLLBACK TO s;
SELECT locate('SRID=4490;LINESTRING(116.38 39.88, 116.39 39.89)');
ROLLBACK TO s;
SELECT locate('SRID=4490;MULTIPOINT((116.38 39.88))');
ROLLBACK TO s;
SELECT locate('SRID=4490;POINT(NaN 39.88)');
ROLLBACK TO s;
SELECT locate(ST_SetSRID(ST_MakePoint('Infinity', 39.88), 4490));
ROLLBACK TO s;
SELECT locate('SRID=4326;POINT(116.38 39.88)'::geography::geometry, 'grid');
ROLLBACK TO s;

-- own changes are seen at once, and a rollback to savepoint restores the old boundaries
SELECT locate('SRID=4490;POINT(116.38 39.88)') AS before;
SAVEPOINT redraw;
UPDATE area SET boundary = ST_Multi(ST_Translate(boundary, 1, 0)) WHERE code = '110105001001007';
SELECT locate('SRID=4490;POINT(116.38 39.88)') AS moved_away, locate('SRID=4490;POINT(117.38 39.88)') AS moved_here;
ROLLBACK TO redraw;
SELECT locate('SRID=4490;POINT(116.38 39.88)') AS restored, locate('SRID=4490;POINT(117.38 39.88)') AS gone;
DELETE FROM area WHERE kind = 'grid' AND code <@ '110105'::gridcode;
SELECT locate('SRID=4490;POINT(116.38 39.88)') AS no_grids, locate('SRID=4490;POINT(116.38 39.88)', 'community') AS community;
ROLLBACK;
