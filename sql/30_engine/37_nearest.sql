-- Snapping and footprints: points that fall in a gap or just outside (a geocoding error),
-- and campuses (a hospital, a school) that span several areas.

CREATE FUNCTION locate_nearest(location geometry, max_distance_m float8, level text DEFAULT 'grid')
RETURNS TABLE (code gridcode, distance_m float8)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  kinds     text[];
  covering  gridcode;
  loc       geometry;
  geo       geography;
  lat       float8;
  cand      record;
  lower_m   float8;
  d         float8;
  best_code gridcode;
  best_d    float8;
BEGIN
  IF max_distance_m = 'NaN'::float8 OR max_distance_m < 0 THEN
    RAISE EXCEPTION 'max_distance_m must be a distance in metres, not %', max_distance_m
      USING ERRCODE = '22023',
            DETAIL = 'The search radius is negative or NaN.',
            HINT = 'Pass 0 or more; Infinity means no limit.';
  END IF;
  -- locate() checks the point (type, SRID 4490/4326, finite) and the level, with its errors
  covering := commgrid.locate(location, level);
  IF covering IS NOT NULL THEN
    code := covering; distance_m := 0;
    RETURN NEXT;
    RETURN;
  END IF;
  IF ST_IsEmpty(location) THEN
    RETURN;
  END IF;
  -- the location rule of the tables: off the globe refused (the geography cast would clamp
  -- it to a pole or the date line), 4326 transformed; Z and M are ignored here, as locate() does
  loc := commgrid.stored_location(ST_Force2D(location));
  kinds := commgrid.level_kinds(level);
  geo := loc::geography;
  lat := abs(ST_Y(loc));

  -- Candidates come from the GiST index nearest first by distance in degrees.  A metre is
  -- never more than 1/(111319·cos φ) degree, so once that bound on a candidate's distance
  -- exceeds the best exact (geodesic) distance found, no later candidate can be nearer.
  FOR cand IN
    SELECT a.code, a.boundary, a.boundary <-> loc AS deg
      FROM commgrid.area a
     WHERE a.kind = ANY (kinds) AND a.boundary IS NOT NULL
     ORDER BY a.boundary <-> loc
  LOOP
    lower_m := cand.deg * 0.95 * least(110574.0, 111319.49 * cos(radians(least(lat + cand.deg, 90.0))));
    EXIT WHEN lower_m > max_distance_m OR lower_m > best_d;
    d := ST_Distance(cand.boundary::geography, geo);
    -- equal distances (to the millimetre) go to the lowest code
    IF d <= max_distance_m AND
       (best_d IS NULL OR round(d::numeric, 3) < round(best_d::numeric, 3) OR
        (round(d::numeric, 3) = round(best_d::numeric, 3) AND cand.code < best_code)) THEN
      best_code := cand.code;
      best_d := d;
    END IF;
  END LOOP;
  IF best_code IS NOT NULL THEN
    code := best_code; distance_m := best_d;
    RETURN NEXT;
  END IF;
END $$;
COMMENT ON FUNCTION locate_nearest(geometry, float8, text) IS
  'The area of a level for a point that may lie in a gap or just outside (a geocoding error): the area commgrid.locate gives, at distance 0, else the nearest area within max_distance_m metres (geodesic distance on the CGCS2000 ellipsoid; distances equal to the millimetre go to the lowest code), else no row; a point outside longitude -180..180 / latitude -90..90 is refused (22023)';

CREATE FUNCTION footprint_shares(footprint geometry, level text)
RETURNS TABLE (code gridcode, share float8, area_m2 float8)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  kinds  text[] := commgrid.level_kinds(level);
  fp     geometry;
  total  float8;
  v      record;
BEGIN
  IF kinds IS NULL THEN
    RAISE EXCEPTION 'unknown level "%"', commgrid.echo_value(level)
      USING ERRCODE = '22023',
            HINT = commgrid.level_hint();
  END IF;
  IF GeometryType(footprint) NOT IN ('POLYGON', 'MULTIPOLYGON') THEN
    RAISE EXCEPTION 'footprint must be a polygon, not a %', initcap(GeometryType(footprint))
      USING ERRCODE = '22023',
            DETAIL = 'A footprint is the outline of a campus: a Polygon or MultiPolygon.',
            HINT = 'For a point use commgrid.locate or commgrid.locate_nearest.';
  END IF;
  IF ST_SRID(footprint) NOT IN (4490, 4326) THEN
    RAISE EXCEPTION 'footprint has SRID %', ST_SRID(footprint)
      USING ERRCODE = '22023',
            DETAIL = 'Footprints must be longitude/latitude in EPSG:4490 (CGCS2000) or EPSG:4326 (WGS-84).',
            HINT = 'Transform it with ST_Transform(footprint, 4490).';
  END IF;
  IF ST_IsEmpty(footprint) THEN
    RAISE EXCEPTION 'footprint is empty'
      USING ERRCODE = '22023', DETAIL = 'An empty polygon has no area to share out.';
  END IF;
  fp := ST_Force2D(CASE WHEN ST_SRID(footprint) = 4326 THEN ST_Transform(footprint, 4490)
                        ELSE footprint END);
  IF NOT (ST_XMin(fp) BETWEEN -180 AND 180 AND ST_XMax(fp) BETWEEN -180 AND 180 AND
          ST_YMin(fp) BETWEEN -90 AND 90 AND ST_YMax(fp) BETWEEN -90 AND 90) THEN
    RAISE EXCEPTION 'footprint is not in longitude/latitude'
      USING ERRCODE = '22023',
            DETAIL = format('Its extent %s lies beyond [-180, 180] × [-90, 90] or is not finite.', Box2D(fp)::text);
  END IF;
  v := ST_IsValidDetail(fp);
  IF NOT v.valid THEN
    RAISE EXCEPTION 'footprint is not a valid polygon'
      USING ERRCODE = '22023',
            DETAIL = format('%s at %s.', v.reason, ST_AsText(v.location)),
            HINT = 'ST_MakeValid can repair it; check the result.';
  END IF;
  SELECT sum(p.area_m2) INTO total FROM commgrid.polygon_pieces(fp) p;
  IF NOT total > 0 THEN
    RAISE EXCEPTION 'footprint has no area'
      USING ERRCODE = '22023', DETAIL = 'Its polygons are degenerate.';
  END IF;

  -- each area's part of the footprint, measured as coverage_problems measures; parts under
  -- 0.01 m² are noise from a footprint drawn along an area's edge
  RETURN QUERY
  SELECT s.code, s.a / total, s.a
    FROM (SELECT a.code, (SELECT sum(p.area_m2)
                            FROM commgrid.polygon_pieces(ST_Intersection(a.boundary, fp)) p) AS a
            FROM commgrid.area a
           WHERE a.kind = ANY (kinds) AND a.boundary && fp AND ST_Intersects(a.boundary, fp)) s
   WHERE s.a >= 0.01
   ORDER BY round(s.a::numeric, 2) DESC, s.code;
END $$;
COMMENT ON FUNCTION footprint_shares(geometry, text) IS
  'Every area of a level that a campus footprint (Polygon or MultiPolygon, EPSG:4490 or 4326) overlaps, with the share of the footprint''s area in it and that area in m², largest share first (shares equal to the 0.01 m² by code): the unit belongs to the first row and co-builds with all; any part outside every area is not listed, so shares then sum to less than 1';
