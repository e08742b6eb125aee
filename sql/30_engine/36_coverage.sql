-- Coverage checks ("no dead corner", 无死角全覆盖): do the children of an area tile it exactly?
--
-- Every area is measured on the CGCS2000 ellipsoid, in m² (see polygon_pieces).  Pieces smaller than
-- 0.01 m² or thinner than 1 mm on average (mean width = 2·area / perimeter) are numeric noise
-- from noding boundaries that were digitised separately, and are never reported.  A polygon
-- of a child that is smaller than 10 m² or thinner than 1 m on average is a sliver: no real
-- grid, community or township has such a part, so it is a digitising error.

-- The polygons of a geometry with their size in metres.  Coverage is decided by GEOS on the
-- longitude/latitude plane, so a piece is measured as that plane's region on the CGCS2000
-- ellipsoid: scaled about its centroid by the meridian and parallel radii there (a local
-- equirectangular projection, true to second order: relative error about 1e-6 for a piece
-- 5 km tall, 1e-4 for 50 km).  ST_Area(geography) is not used because it takes the edges as
-- geodesics, which bow away from the plane's straight edges: a 400 m edge along a parallel
-- already bounds 0.6 m² that the plane does not have, far above the noise threshold.
-- Neither STRICT nor SET search_path, so that the planner inlines it into its callers, which
-- then plan it once instead of on every call (ST_Dump(NULL) gives no row anyway); the
-- SQL-standard body binds its names when the extension is created, so no search_path can
-- redirect them.
CREATE FUNCTION polygon_pieces(g geometry)
RETURNS TABLE (piece geometry, area_m2 float8, mean_width_m float8)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
  -- OFFSET 0 keeps each step a subquery, so each expression is computed once per polygon
  SELECT d.geom, s.a, CASE WHEN s.p > 0 THEN 2 * s.a / s.p ELSE 0 END
    FROM public.ST_Dump(public.ST_CollectionExtract(g, 3)) d
   CROSS JOIN LATERAL (
     SELECT public.ST_Area(m.g) AS a, public.ST_Perimeter(m.g) AS p
       FROM (SELECT public.ST_Scale(public.ST_Translate(d.geom, -c.x, -c.y),
                      radians(1) * k.a / sqrt(k.w) * cos(radians(c.y)),            -- N cos φ
                      radians(1) * k.a * (1 - k.e2) / (k.w * sqrt(k.w))) AS g      -- M
               FROM (SELECT public.ST_X(ctr) AS x, public.ST_Y(ctr) AS y
                       FROM (SELECT public.ST_Centroid(d.geom) AS ctr OFFSET 0) o OFFSET 0) c
              -- CGCS2000: a = 6378137 m, e² = f(2 - f) with f = 1/298.257222101
              CROSS JOIN LATERAL (SELECT 0.0066943800229007869::float8 AS e2, 6378137.0::float8 AS a,
                                         1 - 0.0066943800229007869 * sin(radians(c.y)) ^ 2 AS w) k
             OFFSET 0) m
     OFFSET 0) s
   WHERE NOT public.ST_IsEmpty(d.geom);
END;
COMMENT ON FUNCTION polygon_pieces(geometry) IS
  'The polygons of a longitude/latitude geometry with their area (m²) and mean width 2·area/perimeter (m) on the CGCS2000 ellipsoid, measured in a local projection about each polygon''s centroid';

CREATE FUNCTION coverage_problems(parent gridcode)
RETURNS TABLE (kind text, areas gridcode[], problem geometry, area_m2 float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  -- thresholds, documented in docs/guide/spatial-tools.md
  noise_m2       CONSTANT float8 := 0.01;
  noise_width_m  CONSTANT float8 := 0.001;
  sliver_m2      CONSTANT float8 := 10.0;
  sliver_width_m CONSTANT float8 := 1.0;
  p_code    gridcode := coverage_problems.parent;
  p_geom    geometry;
  p_usable  geometry;
  p_defect  geometry;
  p_valid   bool;
  v         record;
BEGIN
  IF p_code IS NULL THEN
    RAISE EXCEPTION 'parent area must not be NULL'
      USING ERRCODE = '22023', DETAIL = 'coverage_problems(parent) was called with NULL.';
  END IF;
  SELECT a.boundary INTO p_geom FROM commgrid.area a WHERE a.code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'area % does not exist', p_code
      USING ERRCODE = 'P0002',
            DETAIL = format('No row of commgrid.area has code %s.', p_code),
            HINT = 'Pass the code of a registered district, township or community.';
  END IF;

  -- A grid is the lowest level: it has no children, so nothing can be wrong with them.
  IF commgrid.level(p_code) = 'grid' THEN
    RETURN;
  END IF;

  -- The parent itself: without a usable boundary there is no gap or outside to measure.
  p_valid := false;
  IF p_geom IS NOT NULL AND NOT ST_IsEmpty(p_geom) THEN
    v := ST_IsValidDetail(p_geom);
    p_valid := v.valid;
    IF v.valid THEN
      p_usable := p_geom;
    ELSE
      p_defect := ST_SetSRID(v.location, ST_SRID(p_geom));
      p_usable := ST_CollectionExtract(ST_MakeValid(p_geom), 3);
    END IF;
  END IF;

  -- Invalid children are repaired for the other checks, so an invalid child still covers
  -- its ground and its defect is reported once, as invalid, not again as a gap.
  RETURN QUERY
  WITH child AS MATERIALIZED (
    SELECT c.code, coalesce(d.valid, false) AS valid,
           ST_SetSRID(d.location, 4490) AS defect,
           CASE WHEN d.valid THEN c.boundary
                WHEN d.valid IS NOT NULL THEN ST_CollectionExtract(ST_MakeValid(c.boundary), 3)
           END AS g
      FROM commgrid.area c
      LEFT JOIN LATERAL (SELECT (ST_IsValidDetail(c.boundary)).*
                          WHERE c.boundary IS NOT NULL AND NOT ST_IsEmpty(c.boundary)) d ON true
     WHERE c.parent = p_code
        -- districts and cities are roots (parent NULL): a city's or province's children by code
        OR (c.parent IS NULL AND c.code <@ p_code AND commgrid.parent(c.code) = p_code)
  ), covered AS MATERIALIZED (
    -- union once
    SELECT ST_Union(ch.g) AS u FROM child ch WHERE ch.g IS NOT NULL AND NOT ST_IsEmpty(ch.g)
  ),
  -- each overlay computed once, before its pieces are measured (MATERIALIZED keeps the
  -- planner from moving the cheap filters after the overlays)
  uncovered AS MATERIALIZED (
    -- parent ∩ (parent △ union) is parent − union; GEOS 3.11 computes it in a fraction of
    -- the time ST_Difference(parent, union) takes when the union has thousands of vertices
    SELECT CASE WHEN covered.u IS NULL THEN p_usable
                ELSE ST_Intersection(p_usable, ST_SymDifference(p_usable, covered.u)) END AS g
      FROM covered WHERE p_usable IS NOT NULL
  ), beyond AS MATERIALIZED (
    SELECT ch.code, ST_Difference(ch.g, p_usable) AS g
      FROM child ch
     WHERE ch.g IS NOT NULL AND p_usable IS NOT NULL AND NOT ST_CoveredBy(ch.g, p_usable)
  ), shared AS MATERIALIZED (
    SELECT x.code AS code1, y.code AS code2, ST_Intersection(x.g, y.g) AS g
      FROM child x
      JOIN child y ON y.code > x.code AND x.g && y.g AND ST_Relate(x.g, y.g, '2********')
  ), found AS (
    SELECT 'invalid'::text AS k, ARRAY[p_code] AS ar, p_defect AS geom, NULL::float8 AS a
     WHERE NOT p_valid
    UNION ALL
    SELECT 'invalid', ARRAY[ch.code], ch.defect, NULL
      FROM child ch WHERE NOT ch.valid
    UNION ALL
    -- gap: the parent minus the union of its children, with the children bordering it
    SELECT 'gap',
           ARRAY[p_code] || ARRAY(SELECT ch.code FROM child ch
                                   WHERE ch.g && pc.piece AND ST_Intersects(ch.g, pc.piece)
                                   ORDER BY ch.code),
           pc.piece, pc.area_m2
      FROM uncovered CROSS JOIN LATERAL polygon_pieces(uncovered.g) pc
     WHERE pc.area_m2 >= noise_m2 AND pc.mean_width_m >= noise_width_m
    UNION ALL
    -- outside_parent: the part of a child beyond the parent
    SELECT 'outside_parent', ARRAY[b.code], pc.piece, pc.area_m2
      FROM beyond b CROSS JOIN LATERAL polygon_pieces(b.g) pc
     WHERE pc.area_m2 >= noise_m2 AND pc.mean_width_m >= noise_width_m
    UNION ALL
    -- overlap: each region shared by the interiors of two children, once per pair
    SELECT 'overlap', ARRAY[sh.code1, sh.code2], pc.piece, pc.area_m2
      FROM shared sh CROSS JOIN LATERAL polygon_pieces(sh.g) pc
     WHERE pc.area_m2 >= noise_m2 AND pc.mean_width_m >= noise_width_m
    UNION ALL
    -- sliver: a polygon of a child too small or too thin to be a real part of an area
    SELECT 'sliver', ARRAY[ch.code], pc.piece, pc.area_m2
      FROM child ch
     CROSS JOIN LATERAL polygon_pieces(ch.g) pc
     WHERE pc.area_m2 < sliver_m2 OR pc.mean_width_m < sliver_width_m
  )
  SELECT f.k, f.ar::gridcode[], f.geom, f.a
    FROM found f
   ORDER BY f.k, f.ar, f.a DESC NULLS LAST, ST_XMin(f.geom), ST_YMin(f.geom);
END $$;
COMMENT ON FUNCTION coverage_problems(gridcode) IS
  'Checks that the children of an area tile it: one row per gap, overlap (per pair), sliver, outside_parent or invalid boundary, with the areas involved, the problem geometry and its area in m²; nothing for a clean partition';
