-- Vector tiles straight from SQL: a Mapbox Vector Tile of the areas of one level in EPSG:3857,
-- the layer named after the level, with code, name, kind and every indicator of the level as
-- properties (read with the caller's rights, as areas_geojson).  The areas are found through
-- the boundary index (the tile's envelope is taken to CGCS2000 once, instead of every boundary
-- to Web Mercator), and only those areas' indicators are read.

-- The level a web map shows at a zoom: the district to zoom 9, townships to 11, communities to
-- 13, grids from 14 (a grid of the demo district is about 700 m across: 20 pixels at zoom 14).
CREATE FUNCTION map_level_at_zoom(zoom int) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN zoom <= 9 THEN 'district' WHEN zoom <= 11 THEN 'township'
            WHEN zoom <= 13 THEN 'community' ELSE 'grid' END;
COMMENT ON FUNCTION map_level_at_zoom(int) IS
  'The level area_tile shows at a zoom: district up to 9, township 10-11, community 12-13, grid from 14';

CREATE FUNCTION area_tile(z int, x int, y int, level text DEFAULT NULL) RETURNS bytea
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  lvl text;
  d int;
  envelope geometry;
  box geometry;
  codes commgrid.gridcode[];
  tile bytea;
BEGIN
  IF z IS NULL OR x IS NULL OR y IS NULL THEN
    RETURN NULL;
  END IF;
  IF z < 0 OR z > 24 OR x < 0 OR y < 0 OR x >= 2 ^ z OR y >= 2 ^ z THEN
    RAISE EXCEPTION 'tile %/%/% does not exist', z, x, y
      USING ERRCODE = '22023',
            DETAIL = CASE WHEN z BETWEEN 0 AND 24 THEN format('At zoom %s, x and y run from 0 to %s.', z, (2 ^ z)::bigint - 1)
                          ELSE 'Zooms run from 0 to 24.' END,
            HINT = 'Tiles are numbered as in the XYZ (slippy map) scheme.';
  END IF;
  lvl := COALESCE(level, commgrid.map_level_at_zoom(z));
  d := commgrid.map_level_depth(lvl);
  envelope := ST_TileEnvelope(z, x, y);
  -- Web Mercator maps longitude and latitude each on its own axis, so the envelope's corners
  -- give its exact extent in longitude/latitude
  box := ST_Transform(envelope, 4490);
  SELECT array_agg(a.code) INTO codes
  FROM commgrid.area a
  WHERE a.boundary && box AND commgrid.depth(a.code) = d AND ST_Intersects(a.boundary, box);
  IF codes IS NULL THEN
    RETURN ''::bytea;
  END IF;
  SELECT ST_AsMVT(t, lvl, 4096, 'geom') INTO tile
  FROM (
    SELECT a.code::text AS code, a.name, a.kind, p.properties,
           ST_AsMVTGeom(ST_Transform(a.boundary, 3857), envelope, 4096, 64, true) AS geom
    FROM commgrid.area a
    JOIN commgrid.map_properties(lvl, commgrid.map_indicators_checked(lvl, NULL), codes) p ON p.code = a.code
    WHERE a.code = ANY (codes)
  ) t
  WHERE t.geom IS NOT NULL;
  RETURN COALESCE(tile, ''::bytea);
END $$;
COMMENT ON FUNCTION area_tile(int, int, int, text) IS
  'Mapbox Vector Tile z/x/y (EPSG:3857, extent 4096, buffer 64) of the areas of a level (NULL: commgrid.map_level_at_zoom(z)), one layer named after the level, properties code, name, kind and the level''s indicators (NULL outside the caller''s jurisdiction); an empty bytea for a tile without areas; 22023 for a tile that does not exist';
