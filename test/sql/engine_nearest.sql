-- locate_nearest and footprint_shares on a hand-made layout.  Own district 110108, rolled back.
SET search_path = commgrid, public;
BEGIN;

-- Units of 0.001° from (116.300, 39.950): 0.1 unit of longitude is 8.54 m, of latitude 11.10 m.
--   community 001: grid 001 [0,1]×[0,2] | gap [1,1.2]×[0,2] | grids 002 [1.2,3]×[0,1], 003 [1.2,3]×[1,2]
--   community 002: grid 001 [3,5]×[0,2]
CREATE FUNCTION pg_temp.g(wkt text) RETURNS geometry LANGUAGE sql IMMUTABLE AS $$
  SELECT ST_SetSRID(ST_Translate(ST_Scale(ST_GeomFromText(wkt), 0.001, 0.001), 116.300, 39.950), 4490) $$;
CREATE FUNCTION pg_temp.box(x0 float8, y0 float8, x1 float8, y1 float8) RETURNS geometry
LANGUAGE sql IMMUTABLE AS $$
  SELECT ST_Multi(pg_temp.g(ST_AsText(ST_MakeEnvelope(x0, y0, x1, y1)))) $$;
CREATE FUNCTION pg_temp.pt(x float8, y float8) RETURNS geometry LANGUAGE sql IMMUTABLE AS $$
  SELECT pg_temp.g(format('POINT(%s %s)', x, y)) $$;

INSERT INTO area (code, name, kind, boundary) VALUES
  ('110108', '测试区', 'district', pg_temp.box(0, 0, 5, 2)),
  ('110108001', '测试街道', 'subdistrict', pg_temp.box(0, 0, 5, 2)),
  ('110108001001', '东社区', 'community', pg_temp.box(0, 0, 3, 2)),
  ('110108001002', '西社区', 'community', pg_temp.box(3, 0, 5, 2)),
  ('110108001001001', '一', 'grid', pg_temp.box(0, 0, 1, 2)),
  ('110108001001002', '二', 'grid', pg_temp.box(1.2, 0, 3, 1)),
  ('110108001001003', '三', 'grid', pg_temp.box(1.2, 1, 3, 2)),
  ('110108001002001', '一', 'grid', pg_temp.box(3, 0, 5, 2));

-- locate_nearest: covered points are locate()'s answer at distance 0; points in the gap or
-- outside go to the nearest grid within the radius; ties to the lowest code; else nothing
SELECT label, x, y, max_m, level, n.code, round(n.distance_m::numeric, 2) AS distance_m,
       n.code IS NOT DISTINCT FROM locate(pg_temp.pt(x, y), level) AS same_as_locate
  FROM (VALUES
    ('inside grid 1',            0.5,  1.0,  10.0, 'grid'),
    ('on the edge of 2 and 3',   2.0,  1.0,  10.0, 'grid'),
    ('on the corner of 2 and 3', 1.2,  1.0,  10.0, 'grid'),
    ('gap, near grid 1',         1.05, 0.5,  10.0, 'grid'),
    ('gap, near grid 2',         1.15, 0.5,  10.0, 'grid'),
    ('gap, near grid 3',         1.15, 1.5,  10.0, 'grid'),
    ('gap middle: tie 1 and 2',  1.1,  0.5,  10.0, 'grid'),
    ('gap middle: tie 1, 2, 3',  1.1,  1.0,  10.0, 'grid'),
    ('gap middle, radius 8 m',   1.1,  0.5,   8.0, 'grid'),
    ('gap, radius 0',            1.05, 0.5,   0.0, 'grid'),
    ('west of the district',    -0.1,  1.0,  10.0, 'grid'),
    ('west, radius 8 m',        -0.1,  1.0,   8.0, 'grid'),
    ('south of grid 2',          2.0, -0.2,  30.0, 'grid'),
    ('gap is in community 1',    1.1,  0.5,  10.0, 'community'),
    ('east of the district',     5.1,  1.0,  10.0, 'community'),
    ('east, township',           5.1,  1.0,  10.0, 'township'),
    ('east, county',             5.1,  1.0,  10.0, 'county'),
    ('far east, no limit',     105.0,  1.0, 'Infinity', 'grid')
  ) v(label, x, y, max_m, level)
  LEFT JOIN LATERAL locate_nearest(pg_temp.pt(x, y), max_m, level) n ON true
 ORDER BY label;

-- the distances are geodesic: the gap point 0.05 unit east of grid 1's edge
SELECT round(distance_m::numeric, 4) =
       round(ST_Distance(pg_temp.pt(1.05, 0.5)::geography, pg_temp.pt(1, 0.5)::geography)::numeric, 4)
         AS geodesic_distance
  FROM locate_nearest(pg_temp.pt(1.05, 0.5), 10);

-- the default level is grid; WGS-84 input gives the same answer
SELECT * FROM locate_nearest(ST_SetSRID(pg_temp.pt(1.15, 0.5), 4326), 10);
SELECT * FROM locate_nearest(pg_temp.pt(1.15, 0.5), 10);
-- empty and NULL locations give nothing
SELECT count(*) AS empty_rows FROM locate_nearest('SRID=4490;POINT EMPTY'::geometry, 10);
SELECT count(*) AS null_rows FROM locate_nearest(NULL, 10);

-- footprint_shares: the share of the footprint's area in each area of the level
SELECT label, level, f.code, round(f.share::numeric, 6) AS share, round(f.area_m2::numeric, 1) AS area_m2
  FROM (VALUES
    ('across grid 1, the gap and grid 2', 'grid', pg_temp.box(0.9, 0.2, 1.3, 0.4)),
    ('across grids 2 and 3, 3 to 1',      'grid', pg_temp.box(2.0, 0.7, 2.5, 1.1)),
    ('exactly grid 2',                    'grid', pg_temp.box(1.2, 0, 3, 1)),
    ('two buildings, 1 to 3',             'grid',
       ST_Collect(pg_temp.g('POLYGON((0.1 0.1,0.2 0.1,0.2 0.2,0.1 0.2,0.1 0.1))'),
                  pg_temp.g('POLYGON((3.1 0.1,3.4 0.1,3.4 0.2,3.1 0.2,3.1 0.1))'))),
    -- equal shares (to 0.01 m²) go by code
    ('across communities, half each',     'community', pg_temp.box(2.5, 0.5, 3.5, 1.5)),
    ('half outside the district',         'community', pg_temp.box(4.5, 0.5, 5.5, 1.5)),
    ('across communities, township',      'township', pg_temp.box(2.5, 0.5, 3.5, 1.5)),
    ('wgs-84 input',                      'grid', ST_SetSRID(pg_temp.box(2.0, 0.7, 2.5, 1.1), 4326)),
    ('outside everything',                'grid', pg_temp.box(6, 0, 7, 1))
  ) v(label, level, footprint)
  LEFT JOIN LATERAL footprint_shares(footprint, level) WITH ORDINALITY f ON true
 ORDER BY label, f.ordinality;

-- shares sum to 1 for a footprint inside the district; the area is the footprint's
SELECT round(sum(share)::numeric, 9) AS share_sum,
       round((sum(area_m2) / (SELECT sum(area_m2) FROM polygon_pieces(pg_temp.box(2.0, 0.7, 2.5, 1.1))))::numeric, 9)
         AS area_ratio
  FROM footprint_shares(pg_temp.box(2.0, 0.7, 2.5, 1.1), 'grid');

ROLLBACK;

-- bad input
SELECT * FROM locate_nearest(ST_SetSRID(ST_MakePoint(116.3, 39.95), 4490), -1);
SELECT * FROM locate_nearest(ST_SetSRID(ST_MakePoint(116.3, 39.95), 4490), 'NaN');
SELECT * FROM locate_nearest(ST_SetSRID(ST_MakePoint(116.3, 39.95), 4490), 10, 'street');
SELECT * FROM locate_nearest(ST_SetSRID(ST_MakePoint(12946000, 4858000), 3857), 10);
SELECT * FROM locate_nearest(ST_SetSRID(ST_MakePoint(116.3, 'NaN'), 4490), 10);
SELECT * FROM locate_nearest('SRID=4490;LINESTRING(116.3 39.95,116.4 39.95)'::geometry, 10);
SELECT * FROM footprint_shares('SRID=4490;POINT(116.3 39.95)'::geometry, 'grid');
SELECT * FROM footprint_shares(ST_SetSRID(ST_MakeEnvelope(12946000, 4858000, 12947000, 4859000), 3857), 'grid');
SELECT * FROM footprint_shares('SRID=4490;POLYGON EMPTY'::geometry, 'grid');
SELECT * FROM footprint_shares('SRID=4490;POLYGON((116.3 39.95,116.31 39.96,116.31 39.95,116.3 39.96,116.3 39.95))'::geometry, 'grid');
SELECT * FROM footprint_shares(ST_MakeEnvelope(116.3, 39.95, 116.31, 39.96, 4490), 'street');
SELECT * FROM footprint_shares(ST_MakeEnvelope(12946000, 4858000, 12947000, 4859000, 4490), 'grid');
SELECT * FROM footprint_shares(ST_MakeEnvelope(116.3, 39.95, 116.3, 39.96, 4490), 'grid');

-- the SQLSTATE of each bad input
CREATE FUNCTION pg_temp.sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;
SELECT q, pg_temp.sqlstate_of(q) AS sqlstate FROM (VALUES
  ($q$SELECT * FROM locate_nearest(ST_SetSRID(ST_MakePoint(116.3, 39.95), 4490), -1)$q$),
  ($q$SELECT * FROM locate_nearest(ST_SetSRID(ST_MakePoint(116.3, 39.95), 4490), 'NaN')$q$),
  ($q$SELECT * FROM locate_nearest(ST_SetSRID(ST_MakePoint(116.3, 39.95), 4490), 10, 'street')$q$),
  ($q$SELECT * FROM locate_nearest(ST_SetSRID(ST_MakePoint(116.3, 39.95), 3857), 10)$q$),
  ($q$SELECT * FROM locate_nearest(ST_SetSRID(ST_MakePoint(116.3, 'Infinity'), 4490), 10)$q$),
  ($q$SELECT * FROM locate_nearest('SRID=4490;POLYGON((116.3 39.95,116.4 39.95,116.4 40,116.3 39.95))', 10)$q$),
  ($q$SELECT * FROM footprint_shares('SRID=4490;POINT(116.3 39.95)', 'grid')$q$),
  ($q$SELECT * FROM footprint_shares(ST_MakeEnvelope(116.3, 39.95, 116.31, 39.96, 3857), 'grid')$q$),
  ($q$SELECT * FROM footprint_shares('SRID=4490;POLYGON EMPTY', 'grid')$q$),
  ($q$SELECT * FROM footprint_shares('SRID=4490;POLYGON((116.3 39.95,116.31 39.96,116.31 39.95,116.3 39.96,116.3 39.95))', 'grid')$q$),
  ($q$SELECT * FROM footprint_shares(ST_MakeEnvelope(116.3, 39.95, 116.31, 39.96, 4490), 'street')$q$),
  ($q$SELECT * FROM coverage_problems('110108001099')$q$),
  ($q$SELECT * FROM coverage_problems(NULL)$q$),
  ($q$SELECT wgs84_to_gcj02('SRID=4326;LINESTRING(116 39,117 40)')$q$),
  ($q$SELECT wgs84_to_gcj02(ST_SetSRID(ST_MakePoint(116.3, 39.9), 3857))$q$),
  ($q$SELECT gcj02_to_wgs84(ST_MakePoint(116.3, 'NaN'))$q$),
  ($q$SELECT bd09_to_gcj02(ST_MakePoint(500, 39.9))$q$),
  ($q$SELECT convert_coordinates(ST_MakePoint(116.3, 39.9), 'wgs84', 'mars')$q$)
) v(q);
DROP FUNCTION pg_temp.sqlstate_of(text);
