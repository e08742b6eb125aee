-- GeoJSON for web maps: a FeatureCollection of the areas of one level under a parent, in WGS-84
-- with 6 decimals (about 0.1 m: more is noise to a map), properties code, name, kind and the
-- chosen indicators.  Runs with the caller's rights: every staff role reads the area tree, and
-- the indicators come from the report views, so an area outside the caller's jurisdiction has
-- its shape and name but NULL indicators.

-- The indicator values of areas of one level as one JSON object per area, each source view read
-- once for all its indicators.
CREATE FUNCTION map_properties(level text, indicators text[], codes gridcode[])
RETURNS TABLE (code gridcode, properties jsonb)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT c.c, COALESCE(jsonb_object_agg(i.indicator, v.value) FILTER (WHERE i.indicator IS NOT NULL), '{}')
  FROM unnest(codes) c(c)
  LEFT JOIN (SELECT x.indicator, y.code, y.value
             FROM unnest(indicators) x(indicator)
             CROSS JOIN LATERAL commgrid.map_indicator_values(level, x.indicator, codes) y) v ON v.code = c.c
  LEFT JOIN unnest(indicators) i(indicator) ON i.indicator = v.indicator
  GROUP BY c.c;
END $$;
COMMENT ON FUNCTION map_properties(text, text[], gridcode[]) IS
  'The chosen indicators of areas of one level, one JSON object per area (values NULL or absent outside the caller''s jurisdiction)';

CREATE FUNCTION areas_geojson(parent gridcode, level text, indicators text[] DEFAULT NULL, zoom int DEFAULT NULL)
RETURNS json
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  chosen text[];
  result json;
BEGIN
  IF parent IS NULL OR level IS NULL THEN
    RETURN NULL;
  END IF;
  chosen := commgrid.map_indicators_checked(level, indicators);
  WITH s AS MATERIALIZED (
    SELECT * FROM commgrid.map_shapes(parent, level, zoom)
  ),
  p AS MATERIALIZED (
    SELECT * FROM commgrid.map_properties(level, chosen, ARRAY(SELECT s.code FROM s))
  )
  SELECT json_build_object(
           'type', 'FeatureCollection',
           'features', COALESCE(json_agg(json_build_object(
             'type', 'Feature',
             'id', s.code::text,
             'geometry', ST_AsGeoJSON(s.shape, 6)::json,
             'properties', (jsonb_build_object('code', s.code::text, 'name', s.name, 'kind', s.kind)
                            || (SELECT jsonb_object_agg(c.indicator, p.properties -> c.indicator)
                                FROM unnest(chosen) c(indicator)))::json)
             ORDER BY s.code), '[]'::json))
    INTO result
  FROM s LEFT JOIN p ON p.code = s.code;
  RETURN result;
END $$;
COMMENT ON FUNCTION areas_geojson(gridcode, text, text[], int) IS
  'GeoJSON FeatureCollection of the areas of a level (district, township, community, grid) under a parent, EPSG:4326 with 6 decimals; properties code, name, kind and the indicators (commgrid.map_indicators(level); NULL: all; NULL values outside the caller''s jurisdiction); with a zoom, simplified to half a pixel with shared edges kept shared; 22023 for an unknown level, indicator or zoom';
