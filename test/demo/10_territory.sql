-- The sample hierarchy: one district, two subdistricts, three communities, six grids.
-- (Replaced by the full generated district when the generator lands.)
SET search_path = commgrid, public;
\set QUIET on
INSERT INTO area (code, name, kind, boundary) VALUES
 ('500112', '渝北区', 'district', ST_GeomFromText('POLYGON((106.50 29.60,106.70 29.60,106.70 29.70,106.50 29.70,106.50 29.60))', 4490)),
 ('500112001', '双龙湖街道', 'subdistrict', ST_GeomFromText('POLYGON((106.50 29.60,106.60 29.60,106.60 29.70,106.50 29.70,106.50 29.60))', 4490)),
 ('500112002', '回兴街道', 'subdistrict', ST_GeomFromText('POLYGON((106.60 29.60,106.70 29.60,106.70 29.70,106.60 29.70,106.60 29.60))', 4490)),
 ('500112001001', '双湖社区', 'community', ST_GeomFromText('POLYGON((106.50 29.60,106.60 29.60,106.60 29.70,106.50 29.70,106.50 29.60))', 4490)),
 ('500112002001', '兴科社区', 'community', ST_GeomFromText('POLYGON((106.60 29.60,106.65 29.60,106.65 29.70,106.60 29.70,106.60 29.60))', 4490)),
 ('500112002002', '宝环社区', 'community', ST_GeomFromText('POLYGON((106.65 29.60,106.70 29.60,106.70 29.70,106.65 29.70,106.65 29.60))', 4490));
INSERT INTO area (code, name, kind, boundary)
SELECT c.code::text || lpad(g::text, 3, '0'), c.name || '第' || g || '网格', 'grid',
       ST_Intersection(c.boundary,
         ST_MakeEnvelope(ST_XMin(c.boundary), ST_YMin(c.boundary) + (g - 1) * 0.05,
                         ST_XMax(c.boundary), ST_YMin(c.boundary) + g * 0.05, 4490))
FROM area c, generate_series(1, 2) g
WHERE c.kind = 'community';
\set QUIET off
SELECT repeat('  ', depth(code) - 3) || name AS area, code, kind,
       round((ST_Area(boundary::geography) / 1e6)::numeric, 2) AS km2
FROM area ORDER BY code;
