-- Export of the maps browser test (run.sh): GeoJSON, classes, the SVG and vector tiles of the
-- demo district, read by the page and by the tile decoder.  psql variables: :district, :out.
\set QUIET on
\pset tuples_only on
\pset format unaligned
SET search_path = commgrid, public;
\o :out/grids.geojson
SELECT areas_geojson(:'district', 'grid', '{residents,staff}', 13);
\o :out/classes.json
SELECT json_object_agg(code::text, colour ORDER BY code) FROM choropleth_classes(:'district', 'grid', 'staff');
\o :out/legend.json
SELECT json_agg(DISTINCT jsonb_build_object('class', class, 'colour', colour)) FROM choropleth_classes(:'district', 'grid', 'staff');
\o :out/choropleth.svg
SELECT choropleth_svg(:'district', 'grid', 'staff');
\o
-- the tiles of the grids over the district at zooms 10-12, and one empty tile; with each, the
-- grids a plain query finds in it (boundary in Web Mercator meets the tile) and their figures
CREATE TEMP TABLE export_tile AS
SELECT z, x, y, area_tile(z, x, y, 'grid') AS mvt
FROM (SELECT ST_Transform(boundary, 3857) AS b FROM area WHERE code = :'district') d,
     generate_series(10, 12) z,
     LATERAL (SELECT 20037508.342789244 AS h, 2 * 20037508.342789244 / 2 ^ z AS w) c,
     generate_series(floor((ST_XMin(d.b) + c.h) / c.w)::int, floor((ST_XMax(d.b) + c.h) / c.w)::int) x,
     generate_series(floor((c.h - ST_YMax(d.b)) / c.w)::int, floor((c.h - ST_YMin(d.b)) / c.w)::int) y
UNION ALL SELECT 14, 0, 0, area_tile(14, 0, 0, 'grid');
\o :out/tiles.json
SELECT json_agg(json_build_object('z', t.z, 'x', t.x, 'y', t.y, 'bytes', length(t.mvt),
         'hex', encode(t.mvt, 'hex'),
         'grids', (SELECT COALESCE(json_object_agg(s.grid_code, json_build_object('name', s.grid_name, 'residents', s.residents, 'staff', s.staff)), '{}')
                   FROM area a JOIN grid_summary s ON s.grid_code = a.code::text
                   WHERE a.kind = 'grid' AND a.code <@ :'district'
                     AND ST_Intersects(ST_Transform(a.boundary, 3857), ST_TileEnvelope(t.z, t.x, t.y))))
         ORDER BY t.z, t.x, t.y)
FROM export_tile t;
\o
