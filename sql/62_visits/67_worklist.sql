-- A grid worker's worklist: the households of a grid not yet met in person this year, the
-- vulnerable residents whose return visit is overdue and the open must-visit tasks, one stop
-- per household, ordered as a walking route.  The route is a nearest-neighbour tour: from the
-- start, always walk to the closest stop not yet visited.  The start is the grid's duty post
-- (the location of the grid's first staff member, grid_staff, where the Party group meets:
-- party_org has no location of its own), else a point inside the grid.  Nearest is chosen on
-- a local equirectangular plane (metres, exact to well under 1 % across a grid); the metres
-- shown are great-circle distances (walk_metres).  A tour is never more than about
-- log2(n) / 2 + 1 times the shortest on such inputs and is usually within 25 % of it.

CREATE FUNCTION walk_metres(a geometry, b geometry) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN round(ST_Distance(a::geography, b::geography, false)::numeric, 1)::float8;
COMMENT ON FUNCTION walk_metres(geometry, geometry) IS
  'Metres between two points (great circle on the sphere, to 0.1 m): the distance between two stops of a worklist';

-- The length of a walk through points in the given order, from a start: what the
-- benchmark compares the nearest-neighbour order with (random order, sort by address).
CREATE FUNCTION walk_length(start geometry, stops geometry[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (SELECT COALESCE(round(sum(commgrid.walk_metres(COALESCE(stops[o - 1], start), p))::numeric, 1)::float8, 0)
        FROM unnest(stops) WITH ORDINALITY s(p, o));
COMMENT ON FUNCTION walk_length(geometry, geometry[]) IS
  'Metres of a walk from the start through the points in their order (sum of walk_metres): to compare a worklist''s route with other orders';

-- The start of a grid's walk (see above).
CREATE FUNCTION worklist_start(grid gridcode) RETURNS geometry
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT COALESCE(
    (SELECT s.location FROM commgrid.grid_staff s WHERE s.grid_code = grid ORDER BY s.staff_id LIMIT 1),
    (SELECT ST_PointOnSurface(a.boundary) FROM commgrid.area a WHERE a.code = grid))
$$;
REVOKE EXECUTE ON FUNCTION worklist_start(gridcode) FROM PUBLIC;
COMMENT ON FUNCTION worklist_start(gridcode) IS
  'Where a grid''s worklist starts: the duty post of its first staff member, else a point inside the grid (internal to visit_worklist)';

-- The walk itself, in C (src/walk.c): points as metres east and north of the start.
CREATE FUNCTION nearest_neighbour_walk(xs float8[], ys float8[]) RETURNS int[]
  AS 'MODULE_PATHNAME', 'commgrid_nearest_neighbour_walk' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nearest_neighbour_walk(float8[], float8[]) IS
  'Nearest-neighbour walk from (0, 0) through the points (xs[i], ys[i]) on a plane: their 1-based indexes in walking order (ties to the lower index); 22023 for arrays of different lengths or non-finite values, 22004 for a NULL element';

-- Nearest-neighbour order of points from a start: the i-th element is the index (1-based) of
-- the i-th stop.  The points go onto a local equirectangular plane around the start.
CREATE FUNCTION nearest_neighbour_order(start geometry, stops geometry[]) RETURNS int[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  kx float8;
  ky float8 := 110574.0;
  xs float8[];
  ys float8[];
BEGIN
  IF start IS NULL THEN
    RAISE EXCEPTION 'the start must not be NULL' USING ERRCODE = '22004';
  END IF;
  IF COALESCE(cardinality(stops), 0) = 0 THEN
    RETURN '{}';
  END IF;
  kx := 111320.0 * cos(radians(ST_Y(start)));
  SELECT array_agg((ST_X(p) - ST_X(start)) * kx ORDER BY o), array_agg((ST_Y(p) - ST_Y(start)) * ky ORDER BY o)
    INTO xs, ys FROM unnest(stops) WITH ORDINALITY s(p, o);
  RETURN commgrid.nearest_neighbour_walk(xs, ys);
END $$;
COMMENT ON FUNCTION nearest_neighbour_order(geometry, geometry[]) IS
  'The order of a nearest-neighbour walk from the start through the points (1-based indexes into stops; ties to the lower index), on a local plane around the start: the route of visit_worklist';

CREATE FUNCTION visit_worklist(grid gridcode, at date DEFAULT commgrid.district_today())
RETURNS TABLE (stop int, household_id bigint, reasons text[], resident_ids bigint[], task_ids bigint[],
               due_on date, metres_from_previous float8, metres_so_far float8)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  start geometry;
  year_start date := make_date(extract(year FROM at)::int, 1, 1);
BEGIN
  PERFORM commgrid.check_grid_argument(grid);
  IF at IS NULL THEN
    RAISE EXCEPTION 'the day must not be NULL' USING ERRCODE = '22004';
  END IF;
  PERFORM commgrid.check_staff_reach(grid, format('grid %s', grid));
  -- the legs are measured between the households' locations (restricted columns, one
  -- household a stop): the read is audited as care_positions' is
  PERFORM commgrid.audit_read('commgrid.household', jsonb_build_object('grid', grid::text, 'day', at),
                              'visit_worklist', grid);
  start := commgrid.worklist_start(grid);
  RETURN QUERY
  WITH counted_kind AS (SELECT k.kind FROM commgrid.must_visit_kind k WHERE commgrid.may_count_kind(k.kind, grid)),
  need AS (
    SELECT h.household_id, 'not visited this year'::text AS reason, NULL::bigint AS resident_id,
           NULL::bigint AS task_id, make_date(extract(year FROM at)::int, 12, 31) AS due_on
    FROM commgrid.household h
    WHERE h.grid_code = grid
      AND NOT EXISTS (SELECT 1 FROM commgrid.visit v
                      WHERE v.household_id = h.household_id AND v.mode = 'in_person'
                        AND v.outcome IN ('visited', 'new_occupants', 'vacant')
                        AND commgrid.district_date(v.visited_at) BETWEEN year_start AND at
                        -- a visit of a special category the caller may not see does not
                        -- count: the list would tell which household it met, and when
                        AND (v.situation IS NULL OR v.situation IN (SELECT k.kind FROM counted_kind k)))
    UNION ALL
    SELECT d.household_id, 'return visit overdue', d.resident_id, NULL, d.due_on
    FROM commgrid.return_visit_due(at, grid) d WHERE d.overdue
    UNION ALL
    SELECT t.household_id, 'must visit: ' || t.situation, t.resident_id, t.task_id, t.due_on
    FROM commgrid.must_visit_task t
    WHERE t.grid_code = grid AND t.closed_on IS NULL AND t.raised_on <= at
      AND commgrid.may_see_kind(t.situation)
  ),
  per_household AS (
    SELECT n.household_id, array_agg(DISTINCT n.reason ORDER BY n.reason) AS reasons,
           array_remove(array_agg(DISTINCT n.resident_id ORDER BY n.resident_id), NULL) AS resident_ids,
           array_remove(array_agg(DISTINCT n.task_id ORDER BY n.task_id), NULL) AS task_ids,
           min(n.due_on) AS due_on, h.location
    FROM need n JOIN commgrid.household h USING (household_id)
    GROUP BY n.household_id, h.location
  ),
  listed AS (
    SELECT array_agg(p.household_id ORDER BY p.household_id) AS ids,
           array_agg(p.location ORDER BY p.household_id) AS points
    FROM per_household p
  ),
  -- MATERIALIZED: the stops leave the arrays behind; inlined, the join below hashed every
  -- stop together with both whole arrays (8 MB and 16 batches for 2,940 stops)
  route AS MATERIALIZED (
    SELECT o.stop::int AS stop, (l.ids)[o.idx] AS household_id
    FROM listed l, unnest(commgrid.nearest_neighbour_order(start, l.points)) WITH ORDINALITY o(idx, stop)
  ),
  legs AS (
    SELECT r.stop, p.household_id, p.reasons, p.resident_ids, p.task_ids, p.due_on,
           commgrid.walk_metres(COALESCE(lag(p.location) OVER (ORDER BY r.stop), start), p.location) AS leg
    FROM route r JOIN per_household p USING (household_id)
  )
  SELECT g.stop, g.household_id, g.reasons, g.resident_ids, g.task_ids, g.due_on, g.leg,
         round(sum(g.leg) OVER (ORDER BY g.stop)::numeric, 1)::float8
  FROM legs g ORDER BY g.stop;
END $$;
REVOKE EXECUTE ON FUNCTION visit_worklist(gridcode, date) FROM PUBLIC;
COMMENT ON FUNCTION visit_worklist(gridcode, date) IS
  'A grid worker''s worklist for a day (42501 outside the caller''s jurisdiction; every call audited): households not met in person this year, overdue return visits and open must-visit tasks (special categories only for the roles that may see them), one stop per household in nearest-neighbour walking order from the grid''s duty post, with the metres of each leg and so far';

INSERT INTO staff_function VALUES
  ('visit_worklist', 'A grid''s households and residents due for a visit, as a walking route');
