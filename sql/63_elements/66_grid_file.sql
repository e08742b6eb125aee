-- The grid file (一格一档): everything about one grid in one call, counts only, for staff
-- whose jurisdiction holds the grid: people by category, households, rented dwellings and
-- units, elements by type, visit coverage and must-visit tasks (of the kinds the caller may
-- see), the Party group and staff.
-- Buildings and service requests have no tables yet (the services area will add requests).
CREATE FUNCTION grid_file(grid gridcode)
RETURNS TABLE (section text, item text, value numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  this_year int := extract(year FROM commgrid.district_today())::int;
BEGIN
  PERFORM commgrid.check_grid_argument(grid);
  PERFORM commgrid.check_staff_reach(grid, format('grid %s', grid));
  RETURN QUERY
  -- MATERIALIZED: read once, not once per status line below
  WITH pop AS MATERIALIZED (SELECT p.status, count(*) AS n FROM commgrid.actual_population p WHERE p.grid_code = grid GROUP BY 1),
  res AS (
    SELECT count(*) FILTER (WHERE cardinality(r.vulnerable_kinds) > 0) AS vulnerable,
           count(*) FILTER (WHERE r.empty_nest_elderly) AS empty_nest,
           count(*) FILTER (WHERE r.living_alone) AS alone,
           count(*) FILTER (WHERE r.disability) AS disability
    FROM commgrid.resident r WHERE r.grid_code = grid
  ),
  -- the must-visit kinds whose tasks and visits count for the caller (may_count_kind)
  seen_kind AS (SELECT k.kind FROM commgrid.must_visit_kind k WHERE commgrid.may_count_kind(k.kind, grid)),
  -- the grid's own coverage, computed for it alone (visit_coverage computes every grid)
  met AS (
    SELECT h.household_id,
           bool_or(v.mode = 'in_person' AND v.outcome IN ('visited', 'new_occupants', 'vacant')) AS met,
           COALESCE(bool_and(v.outcome = 'nobody_home') FILTER (WHERE v.mode = 'in_person'), false) AS never_home
    FROM commgrid.household h JOIN commgrid.visit v USING (household_id)
    WHERE h.grid_code = grid AND v.visited_at >= make_date(this_year, 1, 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
      AND (v.situation IS NULL OR v.situation IN (SELECT k.kind FROM seen_kind k))
    GROUP BY h.household_id
  ),
  cov AS (
    SELECT (SELECT count(*) FILTER (WHERE met) FROM met) AS households_visited,
           (SELECT count(*) FILTER (WHERE never_home) FROM met) AS households_never_home,
           round(100.0 * (SELECT count(*) FILTER (WHERE met) FROM met)
                 / NULLIF((SELECT count(*) FROM commgrid.household h WHERE h.grid_code = grid), 0), 1) AS visit_rate,
           (SELECT count(*) FROM commgrid.return_visit_due(commgrid.district_today(), grid) d
            WHERE d.last_visit IS NOT NULL AND NOT d.overdue) AS revisited_in_interval
  ),
  lines (ord, section, item, value) AS (
    SELECT 1, 'people', 'residents: ' || s.status, (SELECT n FROM pop WHERE pop.status = s.status)
    FROM unnest('{registered_resident, floating, registered_away, departed}'::text[]) s(status)
    UNION ALL SELECT 2, 'people', 'vulnerable residents', (SELECT vulnerable FROM res)
    UNION ALL SELECT 3, 'people', 'empty-nest elderly', (SELECT empty_nest FROM res)
    UNION ALL SELECT 4, 'people', 'living alone', (SELECT alone FROM res)
    UNION ALL SELECT 5, 'people', 'with a disability', (SELECT disability FROM res)
    UNION ALL SELECT 6, 'people', 'Party members placed',
      (SELECT count(*) FROM commgrid.member_of_record m WHERE m.grid_code = grid)
    UNION ALL SELECT 10, 'places', 'households', (SELECT count(*) FROM commgrid.household h WHERE h.grid_code = grid)
    UNION ALL SELECT 11, 'places', 'rented dwellings', (SELECT count(*) FROM commgrid.rental l WHERE l.grid_code = grid)
    UNION ALL SELECT 12, 'organisations', 'units located in the grid',
      (SELECT count(*) FROM commgrid.unit u JOIN commgrid.area a ON a.code = grid
       WHERE u.location IS NOT NULL AND ST_Covers(a.boundary, u.location))
    UNION ALL
    SELECT 20, 'elements', t.major_name || ' / ' || t.minor_name, count(*)
    FROM commgrid.element e JOIN commgrid.element_type t USING (type_code)
    WHERE e.grid_code = grid GROUP BY t.type_code, t.major_name, t.minor_name
    UNION ALL SELECT 21, 'elements', 'things not in use (damaged, lost, occupied)',
      (SELECT count(*) FROM commgrid.element e WHERE e.grid_code = grid AND e.state IN ('damaged', 'lost', 'occupied'))
    UNION ALL SELECT 30, 'visits', 'households visited in person this year', (SELECT households_visited FROM cov)
    UNION ALL SELECT 31, 'visits', 'household visit rate (%)', (SELECT visit_rate FROM cov)
    UNION ALL SELECT 32, 'visits', 'households never found at home', (SELECT households_never_home FROM cov)
    UNION ALL SELECT 33, 'visits', 'vulnerable residents revisited within their interval', (SELECT revisited_in_interval FROM cov)
    UNION ALL SELECT 34, 'visits', 'open must-visit tasks',
      (SELECT count(*) FROM commgrid.must_visit_task t WHERE t.grid_code = grid AND t.closed_on IS NULL
                                                          AND t.situation IN (SELECT kind FROM seen_kind))
    UNION ALL SELECT 35, 'visits', 'overdue must-visit tasks',
      (SELECT count(*) FROM commgrid.must_visit_task t WHERE t.grid_code = grid AND t.closed_on IS NULL
                                                          AND t.due_on < commgrid.district_today()
                                                          AND t.situation IN (SELECT kind FROM seen_kind))
    UNION ALL SELECT 40, 'party', COALESCE((SELECT o.name FROM commgrid.party_org o WHERE o.grid_code = grid AND o.kind = 'party_group'),
                                           'no Party group'),
      (SELECT count(*) FROM commgrid.party_org o WHERE o.grid_code = grid AND o.kind = 'party_group')
    UNION ALL
    SELECT 41, 'staff', 'staff: ' || s.role, count(*) FROM commgrid.grid_staff s WHERE s.grid_code = grid GROUP BY s.role
  )
  SELECT l.section, l.item, COALESCE(l.value, 0)::numeric FROM lines l ORDER BY l.ord, l.item;
END $$;
REVOKE EXECUTE ON FUNCTION grid_file(gridcode) FROM PUBLIC;
COMMENT ON FUNCTION grid_file(gridcode) IS
  'The grid file (一格一档) of one grid in the caller''s jurisdiction (42501 outside it), counts only: people by residence status and vulnerability, members, households, rented dwellings, units, elements by type, visit coverage and must-visit tasks (special categories only for the roles that may see them), the Party group and staff by role';

INSERT INTO staff_function VALUES
  ('grid_file', 'Counts of one grid''s people, places, elements, visits, Party group and staff');
