-- Redraw: replace the boundaries of a set of areas in one step, refuse a redraw after which
-- coverage_problems finds anything under a parent it touched, keep the old boundaries as
-- history, and reassign the rows of every registered table in the changed region.

-- Redraw is the staff's only way to change boundaries (see area_boundary_by_redraw in
-- sql/20_area.sql): it runs with the owner's rights and lets a role redraw the children of
-- an area in its jurisdiction only.  Concurrent redraws under one parent are serialised by
-- a lock on the parent's row, taken before anything is read; the coverage check then sees
-- every redraw committed before it.  Lock order: parent rows, then the redrawn rows, each
-- by depth and code (the generation trigger's locks come after, with the UPDATE).

CREATE FUNCTION redraw(codes gridcode[], boundaries geometry[])
RETURNS TABLE (assigned_table regclass, from_code gridcode, to_code gridcode, rows bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  actor name := commgrid.acting_role();
  checked boolean;
  new_boundaries geometry[];
  old_boundaries geometry[];
  problem record;
  shown text;
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

  -- staff redraw only the children of areas in their jurisdiction: the ground they share
  -- out stays inside it (a district, with no parent, is the direct writers' alone)
  checked := NOT commgrid.area_boundary_writer(actor);
  IF checked THEN
    FOR problem IN SELECT c AS code, CASE WHEN commgrid.depth(c) > commgrid.level_depth('district') THEN commgrid.parent(c) END AS parent
                   FROM unnest(codes) c ORDER BY c LOOP
      BEGIN
        PERFORM commgrid.check_staff_reach(problem.parent, format('area %s', problem.parent));
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'role % may not redraw area %', actor, problem.code
          USING ERRCODE = '42501',
                DETAIL = format('The parent of area %s is %s, which is not in the jurisdiction of %s.',
                                problem.code, coalesce(problem.parent::text, 'none (a district)'), actor),
                HINT = 'Staff redraw the children of an area in their jurisdiction; ask the district for the rest.';
      END;
    END LOOP;
  END IF;

  -- the redrawn boundaries, checked and normalised as commgrid.area stores them (22023, 23514)
  SELECT array_agg(commgrid.area_boundary_checked(r.code, r.g) ORDER BY r.i) INTO new_boundaries
  FROM unnest(codes, boundaries) WITH ORDINALITY r(code, g, i);

  -- serialise with every other redraw under the same parents, then read
  PERFORM 1 FROM commgrid.area a
   WHERE a.code = ANY (codes)
      OR a.code IN (SELECT x.parent FROM commgrid.area x WHERE x.code = ANY (codes))
   ORDER BY commgrid.depth(a.code), a.code
   FOR NO KEY UPDATE OF a;
  SELECT c INTO problem FROM unnest(codes) c WHERE NOT EXISTS (SELECT 1 FROM commgrid.area a WHERE a.code = c) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'area % does not exist', problem.c USING ERRCODE = '23503',
      HINT = 'Insert new areas into commgrid.area first; redraw only changes boundaries.';
  END IF;
  SELECT array_agg(a.boundary ORDER BY u.i) INTO old_boundaries
  FROM unnest(codes) WITH ORDINALITY u(code, i) JOIN commgrid.area a ON a.code = u.code;

  -- write: the history and generation triggers on commgrid.area do the rest
  UPDATE commgrid.area a SET boundary = r.g FROM unnest(codes, new_boundaries) r(code, g)
   WHERE a.code = r.code AND a.boundary IS DISTINCT FROM r.g;

  -- coverage, with the new boundaries: inside every parent of a redrawn area, and every
  -- redrawn area that has children, the children must tile the parent, by the very check
  -- of commgrid.coverage_problems (gaps, overlaps, slivers, outside, invalid)
  FOR t IN
    SELECT p.code, p.boundary FROM commgrid.area p
     WHERE p.code IN (SELECT a.parent FROM commgrid.area a WHERE a.code = ANY (codes))
        OR (p.code = ANY (codes) AND EXISTS (SELECT 1 FROM commgrid.area c WHERE c.parent = p.code))
     ORDER BY p.code
  LOOP
    -- staff may not place areas under a parent without a boundary: nothing bounds them there
    IF checked AND t.boundary IS NULL THEN
      RAISE EXCEPTION 'redraw refused: parent area % has no boundary', t.code
        USING ERRCODE = '23514',
              DETAIL = format('Without a boundary of %s, the redrawn areas cannot be checked to lie inside it.', t.code),
              HINT = 'Ask the district to give the parent area its boundary first.';
    END IF;
    -- the owner may redraw under a parent without a boundary (a district loaded grid by grid):
    -- the children must still not overlap, but the parent's missing boundary is no defect here
    SELECT * INTO problem FROM commgrid.coverage_problems(t.code) cp
     WHERE NOT (t.boundary IS NULL AND cp.kind = 'invalid' AND cp.areas = ARRAY[t.code])
     ORDER BY CASE cp.kind WHEN 'outside_parent' THEN 1 WHEN 'overlap' THEN 2 WHEN 'gap' THEN 3
                           WHEN 'sliver' THEN 4 ELSE 5 END, cp.area_m2 DESC NULLS LAST, cp.areas
     LIMIT 1;
    IF FOUND THEN
      -- the areas named, cut short when a gap borders many
      IF problem.kind = 'outside_parent' THEN
        problem.areas := problem.areas || t.code;
      END IF;
      shown := array_to_string(problem.areas[1:8], ', ')
               || CASE WHEN cardinality(problem.areas) > 8
                       THEN format(' … (%s areas)', cardinality(problem.areas)) ELSE '' END;
      RAISE EXCEPTION 'redraw refused: it leaves % of % m² (%)',
                      CASE problem.kind WHEN 'gap' THEN 'a gap' WHEN 'overlap' THEN 'an overlap'
                        WHEN 'sliver' THEN 'a sliver' WHEN 'outside_parent' THEN 'an area outside its parent'
                        ELSE 'an invalid boundary' END,
                      coalesce(CASE WHEN problem.area_m2 >= 10 THEN round(problem.area_m2)
                                    ELSE round(problem.area_m2::numeric, 2) END::text, '?'),
                      shown
        USING ERRCODE = '23514',
              DETAIL = CASE problem.kind
                WHEN 'gap' THEN format('Inside parent %s, %s m² are covered by none of its children.', t.code, round(problem.area_m2))
                WHEN 'overlap' THEN format('Areas %s and %s overlap by %s m².', problem.areas[1], problem.areas[2], round(problem.area_m2))
                WHEN 'outside_parent' THEN format('%s m² of area %s lie outside its parent %s.', round(problem.area_m2), problem.areas[1], t.code)
                WHEN 'sliver' THEN format('Area %s has a part of %s m², too small or too thin (under 10 m² or 1 m mean width) for a real part of an area.',
                                          problem.areas[1], round(problem.area_m2::numeric, 2))
                ELSE format('The boundary of area %s is not valid.', problem.areas[1]) END,
              HINT = 'Redraw the neighbouring areas in the same call so that the children tile their parent (commgrid.coverage_problems shows the problem''s geometry).';
    END IF;
  END LOOP;

  -- the changed region: the boxes of what changed, old against new
  SELECT array_agg(ST_Envelope(coalesce(ST_SymDifference(old, new), new))), ST_Extent(coalesce(ST_SymDifference(old, new), new))::geometry
    INTO boxes, region
  FROM unnest(old_boundaries, new_boundaries) r(old, new) WHERE old IS DISTINCT FROM new;
  IF boxes IS NULL THEN
    RETURN;
  END IF;
  region := ST_SetSRID(region, 4490);

  FOR t IN SELECT a.tbl, a.location_column, a.code_column, a.level FROM commgrid.assigned_table a
           WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = a.tbl) ORDER BY a.tbl::text
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
  'Replaces the boundaries of the given areas in one step; the staff''s only way to change boundaries, for the children of an area in their jurisdiction (else 42501). Bad boundaries get area_boundary_checked''s errors (22023, 23514); refuses (23514) a redraw after which coverage_problems finds a gap, overlap, sliver, area outside its parent or invalid boundary under a parent it touched. Serialised per parent area; keeps the old boundaries in commgrid.area_boundary_history; reassigns the rows of every registered table in the changed region and returns, per table, how many rows moved from which area to which';
REVOKE EXECUTE ON FUNCTION redraw(gridcode[], geometry[]) FROM PUBLIC;
