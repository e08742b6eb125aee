-- Maps (issue 17): vector tiles (area_tile) and SVG choropleths (choropleth_classes,
-- choropleth_svg).  District 530102 (test/fixtures/maps.sql), rolled back.  The tiles are
-- decoded by a real decoder in test/maps (make mapcheck); here: which areas each tile holds.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/maps.sql
\set ON_ERROR_ROLLBACK on
\set SHOW_CONTEXT never

-- the tiles covering the district at zooms 9-15 (XYZ numbering, from the district's extent)
CREATE FUNCTION pg_temp.tiles(z int) RETURNS TABLE (z int, x int, y int)
LANGUAGE sql AS $$
  SELECT z, x, y
  FROM (SELECT ST_Transform(boundary, 3857) AS b FROM commgrid.area WHERE code = '530102') d,
       LATERAL (SELECT 20037508.342789244 AS h, 2 * 20037508.342789244 / 2 ^ z AS w) c,
       generate_series(floor((ST_XMin(d.b) + c.h) / c.w)::int, floor((ST_XMax(d.b) + c.h) / c.w)::int) x,
       generate_series(floor((c.h - ST_YMax(d.b)) / c.w)::int, floor((c.h - ST_YMin(d.b)) / c.w)::int) y
$$;
SELECT z, map_level_at_zoom(z) AS level, count(*) AS tiles,
       count(*) FILTER (WHERE length(area_tile(t.z, t.x, t.y)) > 0) AS not_empty,
       sum(length(area_tile(t.z, t.x, t.y))) > 0 AS bytes
FROM generate_series(9, 15) zz, pg_temp.tiles(zz) t GROUP BY z ORDER BY z;
-- a tile holds the areas of its level whose boundary meets it: the layer name and the
-- properties appear in the encoded tile
SELECT t.z, t.x, t.y, position('grid'::bytea IN area_tile(t.z, t.x, t.y)) > 0 AS grid_layer,
       position('530102001001001'::bytea IN area_tile(t.z, t.x, t.y)) > 0 AS has_grid_1,
       position(convert_to('翠湖第1网格', 'UTF8') IN area_tile(t.z, t.x, t.y)) > 0 AS has_name,
       position('compliance_problems'::bytea IN area_tile(t.z, t.x, t.y)) > 0 AS has_indicator
FROM pg_temp.tiles(14) t ORDER BY t.x, t.y;
-- the level may be chosen: the communities in a zoom-14 tile
SELECT position('community'::bytea IN area_tile(t.z, t.x, t.y, 'community')) > 0 AS community_layer
FROM pg_temp.tiles(14) t ORDER BY t.x, t.y LIMIT 1;
-- a tile without areas: an empty bytea, not NULL and not an error
-- (at zoom 0 the whole test district is under one of the tile's 4096 units: nothing survives
-- ST_AsMVTGeom, and the tile is empty too)
SELECT area_tile(14, 0, 0) = ''::bytea AS empty, area_tile(0, 0, 0, 'grid') = ''::bytea AS grids_too_small,
       area_tile(0, 0, 0, 'district') = ''::bytea AS district_too_small;
SELECT area_tile(NULL, 1, 1) IS NULL AS null_in_null_out;

-- bad arguments
\set VERBOSITY default
SELECT area_tile(3, 8, 0);
SELECT area_tile(25, 0, 0);
SELECT area_tile(3, 0, -1);
SELECT area_tile(14, 0, 0, 'village');
\set VERBOSITY terse

-- choropleth classes: quantiles of the staff per grid (values 0, 1, 2, 3 three times each):
-- limits at the 20/40/60/80 % values (0, 1, 2, 2), equal values in one class, so 4 classes
-- (and the 4-class palette)
SELECT code, value, class, colour, lower_limit, upper_limit
FROM choropleth_classes('530102', 'grid', 'staff') ORDER BY class, code;
-- residents 1-12 per grid: 5 classes of 2-3 grids
SELECT class, colour, count(*), min(value), max(value), min(lower_limit), max(upper_limit)
FROM choropleth_classes('530102', 'grid', 'residents') GROUP BY class, colour ORDER BY class;
SELECT class, count(*) FROM choropleth_classes('530102', 'grid', 'residents', 7) GROUP BY class ORDER BY class;
SELECT map_palette(5);

-- the SVG: every grid drawn in its class's colour, the legend's swatches and limits, the
-- title, the north arrow, the scale bar, the CJK font stack; it parses as XML
CREATE TEMP TABLE maps_svg AS SELECT choropleth_svg('530102', 'grid', 'residents') AS svg;
SELECT xml_is_well_formed_document(svg) AS well_formed,
       (SELECT count(*) FROM regexp_matches(svg, '<path class="area"', 'g')) AS areas,
       (SELECT count(*) FROM regexp_matches(svg, '<rect class="legend-swatch"', 'g')) AS swatches,
       svg LIKE '%五华区：各网格常住人口%' AS default_title,
       svg LIKE '%class="north-arrow"%' AS north_arrow,
       svg LIKE '%class="scale-bar"%' AS scale_bar,
       svg LIKE '%font-family="''Noto Sans CJK SC''%' AS cjk_font,
       svg LIKE '%单位 unit: persons%' AS unit
FROM maps_svg;
SELECT (regexp_matches(svg, '<rect class="legend-swatch" data-class="(\d)"[^>]* fill="([^"]+)"[^>]*/><text[^>]*>([^<]+)</text>', 'g')) AS legend
FROM maps_svg;
-- each grid's fill is its class's colour
SELECT count(*) AS grids_in_their_class_colour
FROM maps_svg, regexp_matches(svg, '<path class="area" data-code="(\d+)" data-class="(\d*)" fill="([^"]+)"', 'g') m
JOIN choropleth_classes('530102', 'grid', 'residents') c ON c.code::text = m[1] AND c.class::text = m[2] AND c.colour = m[3];
-- names where they fit: a grid is 0.01° (about 80 units), so every grid name is written
SELECT count(*) AS names FROM maps_svg, regexp_matches(svg, '>翠湖第\d网格</text>|>圆通第\d网格</text>|>莲华第\d网格</text>', 'g');
-- a title is XML-escaped
SELECT choropleth_svg('530102', 'community', 'compliance_problems', 'A & B <测试>') LIKE '%>A &amp; B &lt;测试&gt;</text>%' AS escaped;

-- bad arguments
\set VERBOSITY default
SELECT choropleth_svg('530102', 'grid', 'units');
SELECT choropleth_classes('530102', 'grid', 'staff', 9);
\set VERBOSITY terse
ROLLBACK;
