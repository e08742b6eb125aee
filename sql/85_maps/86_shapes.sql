-- The shapes of a map: the areas of one level under a parent, in WGS-84, simplified for a zoom
-- with their shared edges kept shared.  Simplifying each polygon alone moves the two copies of a
-- shared edge differently, so neighbours gap or overlap on screen.  Instead the boundaries are
-- cut into edges once (ST_Node: every shared stretch of boundary becomes one line; ST_LineMerge:
-- joined up to the points where three or more areas meet), the whole edge network is simplified
-- at once with GEOS's topology-preserving simplifier (end points of edges stay, edges do not
-- cross each other), and the faces are polygonised back and given to the area they overlap most.
-- Two neighbours then share the very same simplified line.

CREATE FUNCTION map_shapes(parent gridcode, level text, zoom int DEFAULT NULL)
RETURNS TABLE (code gridcode, name text, kind text, shape geometry)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  d int;
  tolerance float8;
BEGIN
  IF parent IS NULL OR level IS NULL THEN
    RETURN;  -- as a strict function: no parent, no map
  END IF;
  d := commgrid.map_level_depth(level);
  IF commgrid.depth(parent) >= d THEN
    RAISE EXCEPTION 'area % is not above level %', parent, level
      USING ERRCODE = '22023',
            DETAIL = format('Area %s has depth %s; the areas of level %s have depth %s.', parent, commgrid.depth(parent), level, d),
            HINT = 'Pass an area above the level, e.g. the district for a map of its grids.';
  END IF;
  IF NOT EXISTS (SELECT FROM commgrid.area a WHERE a.code = map_shapes.parent) THEN
    RAISE EXCEPTION 'area % does not exist', parent
      USING ERRCODE = '22023', HINT = 'Areas are the rows of commgrid.area.';
  END IF;
  IF zoom IS NULL THEN
    RETURN QUERY
    SELECT a.code, a.name, a.kind, ST_Transform(a.boundary, 4326)
    FROM commgrid.area a
    WHERE a.code OPERATOR(commgrid.<@) map_shapes.parent AND commgrid.depth(a.code) = d AND a.boundary IS NOT NULL
    ORDER BY a.code;
    RETURN;
  END IF;
  IF zoom < 0 OR zoom > 24 THEN
    RAISE EXCEPTION 'zoom % is out of range', zoom
      USING ERRCODE = '22023', DETAIL = 'Web map zooms run from 0 to 24.';
  END IF;
  -- half a screen pixel at this zoom (256-pixel tiles), in degrees of longitude
  tolerance := 360.0 / (256 * 2 ^ zoom) / 2;
  RETURN QUERY
  WITH a AS (
    SELECT x.code, x.name, x.kind, x.boundary AS g
    FROM commgrid.area x
    WHERE x.code OPERATOR(commgrid.<@) map_shapes.parent AND commgrid.depth(x.code) = d AND x.boundary IS NOT NULL
  ),
  network AS MATERIALIZED (
    SELECT ST_SimplifyPreserveTopology(ST_LineMerge(ST_Node(ST_Collect(ST_Boundary(a.g)))), tolerance) AS lines
    FROM a
  ),
  face AS MATERIALIZED (
    SELECT (ST_Dump(ST_Polygonize(n.lines))).geom AS f FROM network n
  ),
  owned AS MATERIALIZED (
    SELECT o.code, f.f
    FROM face f
    CROSS JOIN LATERAL (
      SELECT a.code, ST_Area(ST_Intersection(a.g, f.f)) AS shared
      FROM a WHERE a.g && f.f
      ORDER BY 2 DESC LIMIT 1
    ) o
    -- a hole of the network that no area fills (a gap of the input) belongs to nobody
    WHERE o.shared > ST_Area(f.f) / 2
  )
  SELECT a.code, a.name, a.kind, ST_Transform(ST_Multi(ST_Union(o.f)), 4326)
  FROM owned o JOIN a USING (code)
  GROUP BY a.code, a.name, a.kind
  ORDER BY a.code;
END $$;
COMMENT ON FUNCTION map_shapes(gridcode, text, int) IS
  'The areas of a level (district, township, community, grid) under a parent, as MultiPolygons in EPSG:4326; with a zoom, simplified to half a pixel with shared edges kept shared (the edge network simplified once, topology-preserving, then polygonised)';
