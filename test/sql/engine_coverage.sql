-- coverage_problems: planted problems are each found once, clean partitions give nothing.
-- Own district 110108; everything is rolled back.
SET search_path = commgrid, public;
BEGIN;

-- Layout in units of 0.001° from (116.300, 39.950), about 85 m × 111 m a unit.
CREATE FUNCTION pg_temp.g(wkt text) RETURNS geometry LANGUAGE sql IMMUTABLE AS $$
  SELECT ST_Multi(ST_SetSRID(ST_Translate(ST_Scale(ST_GeomFromText(wkt), 0.001, 0.001),
                                          116.300, 39.950), 4490)) $$;

INSERT INTO area (code, name, kind, boundary) VALUES
  ('110108', '测试区', 'district', pg_temp.g('POLYGON((0 0,5 0,5 4,0 4,0 0))')),
  ('110108001', '清洁街道', 'subdistrict', pg_temp.g('POLYGON((0 0,5 0,5 4,0 4,0 0))')),
  -- the clean community on top: a diagonal edge whose midpoint only one side has (T-junction)
  -- its boundary was digitised apart from the grids: a vertex 1e-10° (0.01 mm) off their edge
  ('110108001001', '清洁社区', 'community', pg_temp.g('POLYGON((0 2,2.5 1.9999999,5 2,5 4,0 4,0 2))')),
  ('110108001001001', '甲', 'grid', pg_temp.g('POLYGON((0 2,2 2,3 4,0 4,0 2))')),
  ('110108001001002', '乙', 'grid', pg_temp.g('POLYGON((2 2,5 2,5 3,2.5 3,2 2))')),
  ('110108001001003', '丙', 'grid', pg_temp.g('POLYGON((2.5 3,5 3,5 4,3 4,2.5 3))')),
  -- the faulty community below
  ('110108001002', '问题社区', 'community', pg_temp.g('POLYGON((0 0,5 0,5 2,0 2,0 0))')),
  -- grid 1 leaves a 0.55 m strip at its top left to grid 2's second polygon
  ('110108001002001', '一', 'grid',
   pg_temp.g('POLYGON((0 0,1 0,1 2,0.5 2,0.5 1.995,0 1.995,0 0))')),
  -- grid 2 overlaps grid 1 on [0.9,1]×[0,1], and owns the sliver strip
  ('110108001002002', '二', 'grid',
   pg_temp.g('MULTIPOLYGON(((0.9 0,2 0,2 2,1 2,1 1,0.9 1,0.9 0)),((0 1.995,0.5 1.995,0.5 2,0 2,0 1.995)))')),
  -- grid 3 stops short of the top: gap [2,3]×[1.9,2]
  ('110108001002003', '三', 'grid', pg_temp.g('POLYGON((2 0,3 0,3 1.9,2 1.9,2 0))')),
  -- grid 4 reaches out of the community below: [3.2,3.6]×[-0.3,0]
  ('110108001002004', '四', 'grid',
   pg_temp.g('POLYGON((3 0,3.2 0,3.2 -0.3,3.6 -0.3,3.6 0,4 0,4 2,3 2,3 0))')),
  -- grid 6 has no boundary yet
  ('110108001002006', '六', 'grid', NULL);

-- grid 5 is invalid (the same square twice); the boundary trigger would refuse it
ALTER TABLE area DISABLE TRIGGER area_check_boundary;
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110108001002005', '五', 'grid',
   pg_temp.g('MULTIPOLYGON(((4 0,5 0,5 2,4 2,4 0)),((4 0,5 0,5 2,4 2,4 0)))'));
ALTER TABLE area ENABLE TRIGGER area_check_boundary;

-- the stray vertex leaves specks between community and grids: they exist, but are noise
SELECT count(*) > 0 AS specks_exist,
       max(pc.area_m2) < 0.01 AS specks_below_noise
  FROM (SELECT ST_Union(boundary) u FROM area WHERE parent = '110108001001') c,
       polygon_pieces(ST_SymDifference((SELECT boundary FROM area WHERE code = '110108001001'), c.u)) pc;

-- clean partitions: nothing
SELECT * FROM coverage_problems('110108001001');
SELECT * FROM coverage_problems('110108001');
-- a grid has no children to check
SELECT count(*) AS problems_of_a_grid FROM coverage_problems('110108001001001');

-- the faulty community: each planted problem exactly once
SELECT kind, areas, ST_AsText(problem, 6) AS problem, round(area_m2::numeric, 1) AS area_m2
  FROM coverage_problems('110108001002');

-- the areas are right: the same as the planted shapes in an equal-area projection
-- (Lambert azimuthal on the GRS80 ellipsoid, which CGCS2000 shares to 0.1 mm)
SELECT kind, round((area_m2 / ST_Area(ST_Transform(pg_temp.g(CASE kind
         WHEN 'overlap' THEN 'POLYGON((0.9 0,1 0,1 1,0.9 1,0.9 0))'
         WHEN 'gap' THEN 'POLYGON((2 1.9,3 1.9,3 2,2 2,2 1.9))'
         WHEN 'outside_parent' THEN 'POLYGON((3.2 -0.3,3.6 -0.3,3.6 0,3.2 0,3.2 -0.3))'
         WHEN 'sliver' THEN 'POLYGON((0 1.995,0.5 1.995,0.5 2,0 2,0 1.995))' END),
       '+proj=laea +lat_0=39.951 +lon_0=116.302 +ellps=GRS80 +units=m +no_defs')))::numeric, 5)
         AS ratio_to_planted
  FROM coverage_problems('110108001002')
 WHERE kind <> 'invalid'
 ORDER BY kind;

-- a community with no grids at all is one big gap
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110108001003', '空社区', 'community', pg_temp.g('POLYGON((5 0,6 0,6 1,5 1,5 0))'));
SELECT kind, areas, round(area_m2::numeric) AS area_m2 FROM coverage_problems('110108001003');

-- the township sees its communities; the third one lies outside it
SELECT kind, areas, round(area_m2::numeric) AS area_m2 FROM coverage_problems('110108001');

-- a hole inside one grid is a gap bordered by that grid only; three grids overlapping in one
-- place give one row per pair
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110108001004', '叠社区', 'community', pg_temp.g('POLYGON((6 0,8 0,8 1,6 1,6 0))')),
  ('110108001004001', '甲', 'grid',
   pg_temp.g('POLYGON((6 0,7 0,7 1,6 1,6 0),(6.4 0.4,6.6 0.4,6.6 0.6,6.4 0.6,6.4 0.4))')),
  ('110108001004002', '乙', 'grid', pg_temp.g('POLYGON((6.8 0,8 0,8 1,6.8 1,6.8 0))')),
  ('110108001004003', '丙', 'grid', pg_temp.g('POLYGON((6.9 0,7.1 0,7.1 1,6.9 1,6.9 0))'));
SELECT kind, areas, ST_AsText(problem, 6) AS problem, round(area_m2::numeric, 1) AS area_m2
  FROM coverage_problems('110108001004');

-- a parent without a boundary: reported, and there is no gap or outside to measure
UPDATE area SET boundary = NULL WHERE code = '110108';
SELECT kind, areas, problem, area_m2 FROM coverage_problems('110108');
-- an invalid parent: reported at its defect, and measured as repaired
ALTER TABLE area DISABLE TRIGGER area_check_boundary;
UPDATE area SET boundary = pg_temp.g('MULTIPOLYGON(((0 0,5 0,5 4,0 4,0 0)),((0 0,5 0,5 4,0 4,0 0)))')
 WHERE code = '110108';
ALTER TABLE area ENABLE TRIGGER area_check_boundary;
SELECT kind, areas, ST_AsText(problem, 6) AS problem, area_m2 FROM coverage_problems('110108');

ROLLBACK;

-- bad input
SELECT * FROM coverage_problems('110108001099');
SELECT * FROM coverage_problems(NULL);
