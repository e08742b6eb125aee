-- Redraw: replace the boundaries of a set of areas in one step, refuse a redraw that leaves a
-- gap or an overlap inside a parent, keep the old boundaries as history, and reassign the
-- rows of every registered table in the changed region.

CREATE FUNCTION redraw(codes gridcode[], boundaries geometry[])
RETURNS TABLE (assigned_table regclass, from_code gridcode, to_code gridcode, rows bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  tolerance_m2 CONSTANT float8 := 0.01;
  problem record;
  boxes geometry[];
  region geometry;
  t record;
  moved record;
  n int;
BEGIN
  n := cardinality(codes);
  IF n IS NULL OR n = 0 THEN
    RAISE EXCEPTION 'redraw needs at least one area' USING ERRCODE = '22023';
  END IF;
  IF cardinality(boundaries) IS DISTINCT FROM n THEN
    RAISE EXCEPTION 'redraw got % codes but % boundaries', n, coalesce(cardinality(boundaries), 0)
      USING ERRCODE = '22023', HINT = 'Give one boundary for each code, in the same order.';
  END IF;
  IF array_position(codes, NULL) IS NOT NULL OR array_position(boundaries, NULL) IS NOT NULL THEN
    RAISE EXCEPTION 'redraw got a NULL code or boundary' USING ERRCODE = '22023',
      DETAIL = format('Position %s.', coalesce(array_position(codes, NULL), array_position(boundaries, NULL)));
  END IF;
  IF (SELECT count(DISTINCT c) FROM unnest(codes) c) <> n THEN
    RAISE EXCEPTION 'redraw got an area twice' USING ERRCODE = '22023',
      DETAIL = (SELECT format('Area %s appears more than once.', min(c::text)) FROM unnest(codes) c
                GROUP BY c HAVING count(*) > 1 LIMIT 1);
  END IF;
  SELECT c INTO problem FROM unnest(codes) c WHERE NOT EXISTS (SELECT 1 FROM commgrid.area a WHERE a.code = c) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'area % does not exist', problem.c USING ERRCODE = '23503',
      HINT = 'Insert new areas into commgrid.area first; redraw only changes boundaries.';
  END IF;

  -- the redrawn boundaries, normalised as commgrid.area stores them (no write yet)
  IF to_regclass('pg_temp.commgrid_redraw') IS NULL THEN
    CREATE TEMP TABLE commgrid_redraw (code gridcode PRIMARY KEY, old geometry, new geometry) ON COMMIT DROP;
  END IF;
  TRUNCATE pg_temp.commgrid_redraw;
  INSERT INTO pg_temp.commgrid_redraw
  SELECT r.code, a.boundary,
         ST_Multi(CASE WHEN ST_SRID(r.g) = 4326 THEN ST_Transform(r.g, 4490) ELSE r.g END)
  FROM unnest(codes, boundaries) r(code, g) JOIN commgrid.area a ON a.code = r.code;
  SELECT code, ST_SRID(new) AS srid INTO problem FROM pg_temp.commgrid_redraw WHERE ST_SRID(new) <> 4490 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'new boundary of area % has SRID %', problem.code, problem.srid USING ERRCODE = '22023',
      HINT = 'Boundaries are EPSG:4490 (or 4326, transformed).';
  END IF;
  SELECT code, ST_IsValidReason(new) AS reason INTO problem FROM pg_temp.commgrid_redraw
   WHERE GeometryType(new) <> 'MULTIPOLYGON' OR NOT ST_IsValid(new) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'new boundary of area % is not a valid polygon', problem.code USING ERRCODE = '23514',
      DETAIL = problem.reason;
  END IF;

  -- coverage: inside every parent of a redrawn area, and every redrawn area that has
  -- children, the children must still tile the parent: no gap, no overlap, nothing outside
  FOR problem IN
    WITH after AS (
      SELECT a.code, a.parent, coalesce(r.new, a.boundary) AS boundary, r.code IS NOT NULL AS redrawn
      FROM commgrid.area a LEFT JOIN pg_temp.commgrid_redraw r ON r.code = a.code),
    parents AS (
      SELECT DISTINCT p.code, p.boundary FROM after p
      WHERE p.code IN (SELECT parent FROM after WHERE redrawn)
         OR (p.redrawn AND EXISTS (SELECT 1 FROM after c WHERE c.parent = p.code))),
    overlapping AS (
      SELECT 'overlap' AS kind, ARRAY[c1.code, c2.code] AS areas,
             ST_Area(ST_Intersection(c1.boundary, c2.boundary)::geography) AS m2
      FROM parents p JOIN after c1 ON c1.parent = p.code JOIN after c2 ON c2.parent = p.code
      WHERE c1.code < c2.code AND (c1.redrawn OR c2.redrawn OR p.code IN (SELECT code FROM pg_temp.commgrid_redraw))
        AND c1.boundary && c2.boundary AND ST_Intersects(c1.boundary, c2.boundary)),
    gaps AS (
      SELECT 'gap' AS kind, ARRAY[p.code] AS areas,
             ST_Area(ST_Difference(p.boundary, ST_Union(c.boundary))::geography) AS m2
      FROM parents p JOIN after c ON c.parent = p.code
      WHERE p.boundary IS NOT NULL AND c.boundary IS NOT NULL
      GROUP BY p.code, p.boundary),
    outside_parent AS (
      SELECT 'outside_parent' AS kind, ARRAY[c.code, p.code] AS areas,
             ST_Area(ST_Difference(c.boundary, p.boundary)::geography) AS m2
      FROM parents p JOIN after c ON c.parent = p.code
      WHERE p.boundary IS NOT NULL AND c.boundary IS NOT NULL)
    SELECT * FROM (SELECT * FROM overlapping UNION ALL SELECT * FROM gaps UNION ALL SELECT * FROM outside_parent) x
    WHERE m2 > tolerance_m2
    ORDER BY kind, areas
  LOOP
    RAISE EXCEPTION 'redraw refused: it leaves % of % m² (%)', CASE problem.kind WHEN 'gap' THEN 'a gap'
                      WHEN 'overlap' THEN 'an overlap' ELSE 'an area outside its parent' END,
                    round(problem.m2), array_to_string(problem.areas, ', ')
      USING ERRCODE = '23514',
            DETAIL = CASE problem.kind
              WHEN 'gap' THEN format('Inside parent %s, %s m² are covered by none of its children.', problem.areas[1], round(problem.m2))
              WHEN 'overlap' THEN format('Areas %s and %s overlap by %s m².', problem.areas[1], problem.areas[2], round(problem.m2))
              ELSE format('%s m² of area %s lie outside its parent %s.', round(problem.m2), problem.areas[1], problem.areas[2]) END,
            HINT = 'Redraw the neighbouring areas in the same call so that the children tile their parent.';
  END LOOP;

  -- write: the history and generation triggers on commgrid.area do the rest
  UPDATE commgrid.area a SET boundary = r.new FROM pg_temp.commgrid_redraw r
   WHERE a.code = r.code AND a.boundary IS DISTINCT FROM r.new;

  -- the changed region: the boxes of what changed, old against new
  SELECT array_agg(ST_Envelope(coalesce(ST_SymDifference(old, new), new))), ST_Extent(coalesce(ST_SymDifference(old, new), new))::geometry
    INTO boxes, region
  FROM pg_temp.commgrid_redraw WHERE old IS DISTINCT FROM new;
  IF boxes IS NULL THEN
    RETURN;
  END IF;
  region := ST_SetSRID(region, 4490);

  FOR t IN SELECT a.tbl, a.location_column, a.code_column, a.level FROM commgrid.assigned_table a
           WHERE EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = a.tbl) ORDER BY a.tbl::text
  LOOP
    FOR moved IN EXECUTE format(
      'WITH candidate AS (
         SELECT x.ctid AS row_id, x.%2$I AS old_code, commgrid.locate(x.%3$I, %4$L) AS new_code
         FROM %1$s x WHERE x.%3$I && $1 AND x.%3$I && ANY ($2)
         FOR UPDATE OF x),
       changed AS (
         UPDATE %1$s x SET %2$I = c.new_code FROM candidate c
         WHERE x.ctid = c.row_id AND c.old_code IS DISTINCT FROM c.new_code
         RETURNING c.old_code, c.new_code)
       SELECT old_code, new_code, count(*) AS n FROM changed GROUP BY old_code, new_code
       ORDER BY old_code NULLS FIRST, new_code NULLS FIRST',
      t.tbl, t.code_column, t.location_column, t.level) USING region, boxes
    LOOP
      assigned_table := t.tbl;
      from_code := moved.old_code;
      to_code := moved.new_code;
      rows := moved.n;
      RETURN NEXT;
    END LOOP;
  END LOOP;
END $$;
COMMENT ON FUNCTION redraw(gridcode[], geometry[]) IS
  'Replaces the boundaries of the given areas in one step. Refuses (23514) a redraw that leaves a gap, an overlap or an area outside its parent (over 0.01 m²); keeps the old boundaries in commgrid.area_boundary_history; reassigns the rows of every registered table in the changed region and returns, per table, how many rows moved from which area to which';
