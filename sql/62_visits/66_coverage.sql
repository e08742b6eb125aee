-- Visit coverage: the household visit rate (入户率: households met in person this year over
-- households) and the return-visit rate (困难群体回访率: vulnerable residents visited within
-- their interval).  Intervals are reference data, per kind of vulnerability; a resident with
-- several takes the shortest, and a phone or video visit counts only when every kind the
-- resident has allows it.

CREATE TABLE return_interval (
  category   text PRIMARY KEY,
  days       int NOT NULL CHECK (days BETWEEN 1 AND 366),
  remote_counts boolean NOT NULL DEFAULT false,
  shipped    boolean NOT NULL DEFAULT false,
  CONSTRAINT return_interval_known_category CHECK (category IN (
    'empty_nest_elderly', 'living_alone', 'disability', 'minimum_living_allowance', 'extreme_poverty',
    'low_income_margin', 'serious_illness', 'unsupported_child', 'zero_employment_family', 'other'))
);
COMMENT ON TABLE return_interval IS
  'How often a vulnerable resident is revisited (回访), per kind: resident flags and resident.vulnerable_kinds';
COMMENT ON COLUMN return_interval.category IS 'empty_nest_elderly, living_alone, disability, or a resident.vulnerable_kinds kind';
COMMENT ON COLUMN return_interval.days IS 'Longest gap allowed between two visits that met the resident';
COMMENT ON COLUMN return_interval.remote_counts IS 'Does a phone or video visit count for this kind?';
COMMENT ON COLUMN return_interval.shipped IS 'Installed by the extension and unchanged (pg_dump keeps only the other rows)';
SELECT commgrid.secure_table('commgrid.return_interval', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{district_admin}');
SELECT commgrid.register_dump('commgrid.return_interval', 'WHERE NOT shipped');
-- monthly for the elderly living alone and people in special difficulty (the national target
-- for 特困 elderly); quarterly, by phone too, for the others
INSERT INTO return_interval VALUES
  ('empty_nest_elderly', 30, false, true), ('living_alone', 30, false, true),
  ('extreme_poverty', 30, false, true), ('serious_illness', 30, false, true),
  ('unsupported_child', 30, false, true), ('disability', 90, true, true),
  ('minimum_living_allowance', 90, true, true), ('low_income_margin', 90, true, true),
  ('zero_employment_family', 90, true, true), ('other', 90, true, true);

CREATE TRIGGER return_interval_keep BEFORE INSERT OR UPDATE ON return_interval
  FOR EACH ROW EXECUTE FUNCTION keep_shipped_row('category');
ALTER TABLE return_interval ENABLE ALWAYS TRIGGER return_interval_keep;

-- Every vulnerable resident the caller may read, with the interval, the last visit that met
-- them and counts for the rule, and the day the next one is due, as of a day.
CREATE FUNCTION return_visit_due(at date DEFAULT commgrid.district_today(), area gridcode DEFAULT NULL)
RETURNS TABLE (resident_id bigint, household_id bigint, grid_code gridcode, interval_days int,
               last_visit date, due_on date, overdue boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  WITH counted_kind AS (SELECT k.kind FROM commgrid.must_visit_kind k WHERE commgrid.may_count_kind(k.kind, area)),
  v AS (
    SELECT r.resident_id, r.household_id, r.grid_code, r.registered_on,
           min(i.days) AS interval_days, bool_and(i.remote_counts) AS remote_counts
    -- every resident, or those under the area by the grid index: two branches, one skipped
    -- at run time, since "area IS NULL OR grid_code <@ area" would scan every resident for
    -- one grid (the function is planned once for any area)
    FROM (SELECT x.resident_id, x.household_id, x.grid_code, x.registered_on, x.vulnerable_kinds,
                 x.empty_nest_elderly, x.living_alone, x.disability
          FROM commgrid.resident x WHERE area IS NULL
          UNION ALL
          SELECT x.resident_id, x.household_id, x.grid_code, x.registered_on, x.vulnerable_kinds,
                 x.empty_nest_elderly, x.living_alone, x.disability
          FROM commgrid.resident x WHERE x.grid_code <@ area) r
    JOIN commgrid.return_interval i
      ON i.category = ANY (r.vulnerable_kinds)
      OR (i.category = 'empty_nest_elderly' AND r.empty_nest_elderly)
      OR (i.category = 'living_alone' AND r.living_alone)
      OR (i.category = 'disability' AND r.disability)
    WHERE r.registered_on <= at
    GROUP BY r.resident_id, r.household_id, r.grid_code, r.registered_on
  )
  SELECT v.resident_id, v.household_id, v.grid_code, v.interval_days, l.day,
         COALESCE(l.day, v.registered_on) + v.interval_days,
         COALESCE(l.day, v.registered_on) + v.interval_days < at
  FROM v
  LEFT JOIN LATERAL (
    SELECT max(commgrid.district_date(x.visited_at)) AS day FROM commgrid.visit x
    WHERE (x.resident_id = v.resident_id OR (x.resident_id IS NULL AND x.household_id = v.household_id))
      AND x.outcome = 'visited' AND (x.mode = 'in_person' OR v.remote_counts)
      AND commgrid.district_date(x.visited_at) <= at
      -- read with the owner's rights (the figures, the worklist): not a visit of a special
      -- category the caller may not see, whose day it would tell
      AND (x.situation IS NULL OR x.situation IN (SELECT k.kind FROM counted_kind k))) l ON true
$$;
COMMENT ON FUNCTION return_visit_due(date, gridcode) IS
  'Vulnerable residents the caller may read (under an area, when given), as of a day: the shortest return interval of their kinds, the last visit that met them (a household visit counts; phone or video only where every kind allows it; a visit of a special category only where it counts for the caller, may_count_kind), the day the next is due and whether it is overdue';

-- Coverage per grid and year (from the first year with a visit to this year): households
-- met in person over households, attempts, households never found at home, and vulnerable
-- residents revisited within their interval (as of the year's last day, or today).
CREATE VIEW visit_coverage WITH (security_barrier) AS
WITH years AS (
  SELECT y::int AS year FROM generate_series(
    COALESCE((SELECT min(extract(year FROM commgrid.district_date(visited_at)))::int FROM commgrid.visit),
             extract(year FROM commgrid.district_today())::int),
    extract(year FROM commgrid.district_today())::int) y
),
-- the visits of the kinds that count for the caller (may_count_kind): a grid worker's figures
-- must not tell which household a special category's visit met, or when
per_household AS (
  SELECT v.household_id, extract(year FROM commgrid.district_date(v.visited_at))::int AS year,
         bool_or(v.mode = 'in_person' AND v.outcome IN ('visited', 'new_occupants', 'vacant')) AS met,
         COALESCE(bool_and(v.outcome = 'nobody_home') FILTER (WHERE v.mode = 'in_person'), false) AS never_home,
         count(*) FILTER (WHERE v.mode = 'in_person') AS attempts
  FROM commgrid.visit v
  WHERE v.situation IS NULL
     OR v.situation IN (SELECT k.kind FROM commgrid.must_visit_kind k WHERE commgrid.may_count_kind(k.kind, NULL))
  GROUP BY 1, 2
),
-- the vulnerable residents once per year (as of its last day, or today), not once per grid
revisit AS (
  SELECT y.year, d.grid_code, count(*) AS vulnerable,
         count(*) FILTER (WHERE d.last_visit IS NOT NULL AND NOT d.overdue) AS revisited
  FROM years y
  CROSS JOIN LATERAL commgrid.return_visit_due(LEAST(make_date(y.year, 12, 31), commgrid.district_today())) d
  GROUP BY 1, 2
),
grid_year AS (
  SELECT a.code AS grid_code, y.year
  FROM commgrid.area a CROSS JOIN years y
  WHERE commgrid.depth(a.code) = 6
)
SELECT g.grid_code::text AS grid_code, g.year,
       count(h.household_id) AS households,
       count(h.household_id) FILTER (WHERE p.met) AS households_visited,
       count(h.household_id) FILTER (WHERE p.never_home) AS households_never_home,
       COALESCE(sum(p.attempts), 0)::bigint AS in_person_attempts,
       CASE WHEN count(h.household_id) > 0
            THEN round(100.0 * count(h.household_id) FILTER (WHERE p.met) / count(h.household_id), 1) END AS visit_rate,
       COALESCE(max(v.vulnerable), 0) AS vulnerable_residents,
       COALESCE(max(v.revisited), 0) AS revisited_in_interval
FROM grid_year g
LEFT JOIN commgrid.household h ON h.grid_code = g.grid_code
LEFT JOIN per_household p ON p.household_id = h.household_id AND p.year = g.year
LEFT JOIN revisit v ON v.grid_code = g.grid_code AND v.year = g.year
WHERE commgrid.reaches(g.grid_code, (SELECT commgrid.reach_scopes()))
GROUP BY g.grid_code, g.year;
COMMENT ON VIEW visit_coverage IS
  'Visit coverage per grid and year, for the caller''s jurisdiction: households met in person (入户率), attempts, households never found at home, vulnerable residents revisited within their interval (回访率)';
COMMENT ON COLUMN visit_coverage.grid_code IS 'The grid (text)';
COMMENT ON COLUMN visit_coverage.year IS 'The calendar year in the district';
COMMENT ON COLUMN visit_coverage.households IS 'Households of the grid now';
COMMENT ON COLUMN visit_coverage.households_visited IS 'Households met in person in the year (visited, new occupants or found vacant)';
COMMENT ON COLUMN visit_coverage.households_never_home IS 'Households attempted in the year and never found at home (未遇 every time)';
COMMENT ON COLUMN visit_coverage.in_person_attempts IS 'In-person visits and attempts in the year';
COMMENT ON COLUMN visit_coverage.visit_rate IS 'households_visited / households, in per cent (入户率)';
COMMENT ON COLUMN visit_coverage.vulnerable_residents IS 'Vulnerable residents (by return_interval), as of the year''s last day or today';
COMMENT ON COLUMN visit_coverage.revisited_in_interval IS 'Of them, those met by a counting visit within their interval (回访率 numerator; a resident never met counts as not revisited, even before the first visit is due)';

-- Open must-visit tasks past their due day, per task (a compliance problem of the grid, named
-- by its situation's order).  A row per task names its kind (the catalogue, which every staff
-- role reads, turns the number back into the name), so a special category's tasks are left
-- out for the roles its kind does not name (may_see_kind: the acting role, as the policy).
CREATE VIEW must_visit_overdue WITH (security_barrier) AS
SELECT t.grid_code::text AS grid_code, t.task_id, k.ordinal AS situation_ordinal, t.due_on,
       commgrid.district_today() - t.due_on AS days_overdue
FROM commgrid.must_visit_task t JOIN commgrid.must_visit_kind k ON k.kind = t.situation
WHERE t.closed_on IS NULL AND t.due_on < commgrid.district_today()
  AND commgrid.reaches(t.grid_code, (SELECT commgrid.reach_scopes()))
  AND commgrid.may_see_kind(t.situation);
COMMENT ON VIEW must_visit_overdue IS
  'Open must-visit tasks past their due day (compliance problems), for the caller''s jurisdiction; the situation by its catalogue number; a special category (PIPL art. 28) only for the roles its kind names';
COMMENT ON COLUMN must_visit_overdue.grid_code IS 'Grid of the task (text)';
COMMENT ON COLUMN must_visit_overdue.task_id IS 'The task';
COMMENT ON COLUMN must_visit_overdue.situation_ordinal IS 'must_visit_kind.ordinal of the situation';
COMMENT ON COLUMN must_visit_overdue.due_on IS 'Day the visit was due';
COMMENT ON COLUMN must_visit_overdue.days_overdue IS 'Days since the due day';

-- The lines area_report shows for visits and the actual population (called by area_report,
-- which has checked the caller's reach; counts only).
CREATE FUNCTION visit_report_lines(target gridcode)
RETURNS TABLE (ordinal int, indicator text, value numeric, unit text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  WITH this_year AS (SELECT extract(year FROM commgrid.district_today())::int AS y),
  cov AS (
    SELECT sum(c.households) AS households, sum(c.households_visited) AS visited,
           sum(c.households_never_home) AS never_home,
           sum(c.vulnerable_residents) AS vulnerable, sum(c.revisited_in_interval) AS revisited
    FROM commgrid.visit_coverage c
    WHERE c.grid_code::commgrid.gridcode <@ target AND c.year = (SELECT y FROM this_year)
  ),
  pop AS (
    SELECT count(*) FILTER (WHERE p.status = 'floating') AS floating,
           count(*) FILTER (WHERE p.status = 'registered_away') AS away
    FROM commgrid.actual_population p WHERE p.grid_code <@ target
  ),
  task AS (
    SELECT count(*) FILTER (WHERE t.closed_on IS NULL) AS open,
           count(*) FILTER (WHERE t.closed_on IS NULL AND t.due_on < commgrid.district_today()) AS overdue
    FROM commgrid.must_visit_task t WHERE t.grid_code <@ target
      AND t.situation IN (SELECT k.kind FROM commgrid.must_visit_kind k WHERE commgrid.may_count_kind(k.kind, target))
  )
  SELECT 1, 'households visited in person this year', COALESCE((SELECT visited FROM cov), 0), 'households'
  UNION ALL SELECT 2, 'household visit rate (入户率)',
    (SELECT round(100.0 * visited / NULLIF(households, 0), 1) FROM cov), '%'
  UNION ALL SELECT 3, 'households never found at home this year', COALESCE((SELECT never_home FROM cov), 0), 'households'
  UNION ALL SELECT 4, 'vulnerable residents', COALESCE((SELECT vulnerable FROM cov), 0), 'persons'
  UNION ALL SELECT 5, 'vulnerable residents revisited within their interval', COALESCE((SELECT revisited FROM cov), 0), 'persons'
  UNION ALL SELECT 6, 'return visit rate (困难群体回访率)',
    (SELECT round(100.0 * revisited / NULLIF(vulnerable, 0), 1) FROM cov), '%'
  UNION ALL SELECT 7, 'open must-visit tasks', (SELECT open FROM task), 'tasks'
  UNION ALL SELECT 8, 'compliance: must-visit tasks overdue', (SELECT overdue FROM task), 'problems'
  UNION ALL SELECT 9, 'floating population living here', (SELECT floating FROM pop), 'persons'
  UNION ALL SELECT 10, 'registered residents living elsewhere (人户分离)', (SELECT away FROM pop), 'persons'
  UNION ALL SELECT 11, 'rented dwellings', (SELECT count(*) FROM commgrid.rental l WHERE l.grid_code <@ target), 'dwellings'
  -- the public-security survey of the latest year surveyed, weighted by sample over the
  -- communities of the area (sql/62_visits/65_security_index.sql)
  UNION ALL SELECT 12, 'feel safe (安全感率, latest survey; target 97 %)',
    (SELECT round(sum(i.feels_safe_percent * i.sample_size) / sum(i.sample_size), 2)
     FROM commgrid.security_index i
     WHERE (i.community_code::commgrid.gridcode <@ target OR target <@ i.community_code::commgrid.gridcode)
       AND i.year = (SELECT max(x.year) FROM commgrid.security_survey x
                     WHERE x.community_code <@ target OR target <@ x.community_code)), '%'
$$;
REVOKE EXECUTE ON FUNCTION visit_report_lines(gridcode) FROM PUBLIC;
COMMENT ON FUNCTION visit_report_lines(gridcode) IS
  'The visit and actual-population lines of area_report (internal to it: counts over the whole area, after area_report''s reach check; must-visit tasks of the kinds that count for the caller, may_count_kind)';
