-- Members' participation (issue 14 §4, the report's first problem measured): per member and
-- calendar year, organisational life attended, activities, hours, points, dues and who paid
-- them, with category, age group and floating status; per branch and community the rates; the
-- members who never took part; the communities that may set up a Party committee.

-- One row per member and year: the years the member's organisation met or the member
-- volunteered, and the current year.  Members are those who take part here: members of record
-- and inflow floating members (who take part where they live), not those transferred out.  Young: the member's age at the year's end (or today) is
-- at most the setting young_age; unknown without an ID number.
CREATE VIEW member_participation WITH (security_barrier) AS
-- each source aggregated once per member and year, then joined (hash joins over the district)
WITH member AS (
  SELECT m.resident_id, m.org_id, m.community_code, m.category
  FROM commgrid.party_member m
  WHERE NOT EXISTS (SELECT 1 FROM commgrid.floating_member f
                    WHERE f.resident_id = m.resident_id AND f.transferred_on IS NOT NULL)
),
org_life AS (
  SELECT x.resident_id, extract(year FROM g.held_on)::int AS year, count(*) AS attended
  FROM commgrid.org_meeting_attendance x JOIN commgrid.org_meeting g USING (meeting_id)
  WHERE x.attended GROUP BY 1, 2
),
study AS (
  SELECT s.resident_id, extract(year FROM s.studied_on)::int AS year, sum(s.minutes) AS minutes
  FROM commgrid.self_study s GROUP BY 1, 2
),
volunteering AS (
  SELECT t.resident_id, extract(year FROM v.starts_at AT TIME ZONE 'Asia/Shanghai')::int AS year,
         count(*) AS activities, COALESCE(sum(t.hours) FILTER (WHERE t.verified_on IS NOT NULL), 0) AS hours
  FROM commgrid.activity_attendance t JOIN commgrid.activity v USING (activity_id)
  WHERE t.attended GROUP BY 1, 2
),
earned AS (
  SELECT ac.resident_id, extract(year FROM t.value_date)::int AS year, sum(mv.amount) AS points
  FROM commgrid.love_account ac
  JOIN commgrid.love_movement mv USING (account_id)
  JOIN commgrid.love_transaction t USING (transaction_id)
  LEFT JOIN commgrid.love_transaction o ON o.transaction_id = t.reverses_id
  WHERE ac.kind = 'resident' AND (t.kind = 'earning' OR o.kind = 'earning')
  GROUP BY 1, 2
),
dues AS (
  SELECT p.resident_id, extract(year FROM p.month)::int AS year, count(*) AS months,
         count(*) FILTER (WHERE p.paid_by_id <> p.resident_id) AS paid_by_others
  FROM commgrid.party_dues p GROUP BY 1, 2
),
-- the years of a member: those the organisation met or the member volunteered, and this year
member_year AS (
  SELECT m.*, y.year
  FROM member m
  JOIN (SELECT DISTINCT g.org_id, extract(year FROM g.held_on)::int AS year FROM commgrid.org_meeting g
        UNION SELECT DISTINCT o.org_id, extract(year FROM commgrid.district_today())::int FROM commgrid.party_org o) y
    ON y.org_id = m.org_id
  UNION
  SELECT m.*, v.year FROM member m JOIN volunteering v USING (resident_id)
)
SELECT my.community_code, my.org_id, my.resident_id, my.year, my.category,
       CASE WHEN r.idcard IS NULL THEN 'unknown'
            WHEN commgrid.age(r.idcard, least(make_date(my.year, 12, 31), commgrid.district_today()))
                 <= commgrid.participation_setting('young_age') THEN 'young'
            ELSE 'older' END AS age_group,
       f.direction AS floating,
       COALESCE(ol.attended, 0) AS org_life_attended,
       COALESCE(st.minutes, 0) AS self_study_minutes,
       COALESCE(vo.activities, 0) AS activities_attended,
       COALESCE(vo.hours, 0) AS hours,
       COALESCE(ea.points, 0) AS points,
       COALESCE(du.months, 0) AS dues_months,
       COALESCE(du.paid_by_others, 0) AS dues_paid_by_others,
       COALESCE(ol.attended, 0) + COALESCE(vo.activities, 0) > 0 AS took_part
FROM member_year my
JOIN commgrid.resident r ON r.resident_id = my.resident_id
LEFT JOIN commgrid.floating_member f ON f.resident_id = my.resident_id AND f.transferred_on IS NULL
LEFT JOIN org_life ol ON ol.resident_id = my.resident_id AND ol.year = my.year
LEFT JOIN study st ON st.resident_id = my.resident_id AND st.year = my.year
LEFT JOIN volunteering vo ON vo.resident_id = my.resident_id AND vo.year = my.year
LEFT JOIN earned ea ON ea.resident_id = my.resident_id AND ea.year = my.year
LEFT JOIN dues du ON du.resident_id = my.resident_id AND du.year = my.year
WHERE commgrid.reaches(my.community_code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW member_participation IS
  'Each member who takes part here (members of record and inflow floating members) per calendar year: organisational life attended, online self-study, volunteer activities, verified hours, love-bank points, dues months and how many others paid, category, age group and floating status; took_part = attended organisational life or an activity';
COMMENT ON COLUMN member_participation.community_code IS 'The member''s community';
COMMENT ON COLUMN member_participation.org_id IS 'The member''s branch';
COMMENT ON COLUMN member_participation.resident_id IS 'The member';
COMMENT ON COLUMN member_participation.year IS 'Calendar year';
COMMENT ON COLUMN member_participation.category IS 'Member category (party_member.category)';
COMMENT ON COLUMN member_participation.age_group IS 'young (age at the year''s end at most participation_setting young_age), older, or unknown (no ID number)';
COMMENT ON COLUMN member_participation.floating IS 'inflow or outflow for a floating member not transferred; NULL otherwise';
COMMENT ON COLUMN member_participation.org_life_attended IS 'Meetings of organisational life attended (三会一课, theme days)';
COMMENT ON COLUMN member_participation.self_study_minutes IS 'Minutes of online self-study (not organisational life)';
COMMENT ON COLUMN member_participation.activities_attended IS 'Volunteer activities attended';
COMMENT ON COLUMN member_participation.hours IS 'Verified volunteer hours';
COMMENT ON COLUMN member_participation.points IS 'Love-bank points earned (net of reversals)';
COMMENT ON COLUMN member_participation.dues_months IS 'Months of dues paid for';
COMMENT ON COLUMN member_participation.dues_paid_by_others IS 'Of those, months someone else paid (托人代交)';
COMMENT ON COLUMN member_participation.took_part IS 'Attended organisational life or a volunteer activity in the year';

-- Rates per branch (org_id set) and per community (org_id NULL), by age group, by category
-- and in all (breakdown).
CREATE VIEW branch_participation WITH (security_barrier) AS
SELECT p.community_code, p.org_id, p.year,
       CASE WHEN GROUPING(p.age_group) = 0 THEN 'age_group'
            WHEN GROUPING(p.category) = 0 THEN 'category' ELSE 'all' END AS breakdown,
       COALESCE(p.age_group, p.category, 'all') AS grp,
       count(*) AS members,
       count(*) FILTER (WHERE p.took_part) AS took_part,
       round(100.0 * count(*) FILTER (WHERE p.took_part) / count(*), 1) AS rate_percent,
       count(*) FILTER (WHERE p.dues_paid_by_others > 0) AS dues_paid_by_others
FROM commgrid.member_participation p
GROUP BY GROUPING SETS ((p.community_code, p.year, p.org_id, p.age_group), (p.community_code, p.year, p.org_id, p.category),
                        (p.community_code, p.year, p.org_id), (p.community_code, p.year, p.age_group),
                        (p.community_code, p.year, p.category), (p.community_code, p.year))
HAVING commgrid.reaches(p.community_code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW branch_participation IS
  'Participation rate per branch (org_id set) or community (org_id NULL) and year: in all, by age group and by category; and the members whose dues others paid';
COMMENT ON COLUMN branch_participation.community_code IS 'The community';
COMMENT ON COLUMN branch_participation.org_id IS 'The branch; NULL for the whole community';
COMMENT ON COLUMN branch_participation.year IS 'Calendar year';
COMMENT ON COLUMN branch_participation.breakdown IS 'all, age_group or category';
COMMENT ON COLUMN branch_participation.grp IS 'The age group or category (all for breakdown all)';
COMMENT ON COLUMN branch_participation.members IS 'Members of record';
COMMENT ON COLUMN branch_participation.took_part IS 'Members who attended organisational life or an activity';
COMMENT ON COLUMN branch_participation.rate_percent IS 'took_part / members, in percent';
COMMENT ON COLUMN branch_participation.dues_paid_by_others IS 'Members with at least one month of dues paid by someone else';

-- For the branch secretary: members who took part in nothing in the year.
CREATE VIEW member_never_took_part WITH (security_barrier) AS
SELECT p.community_code, p.org_id, p.year, p.resident_id, p.category, p.age_group, p.floating,
       p.self_study_minutes, p.dues_paid_by_others
FROM commgrid.member_participation p
WHERE NOT p.took_part AND commgrid.reaches(p.community_code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW member_never_took_part IS
  'Members who attended neither organisational life nor a volunteer activity in the year, for their branch secretary (the report: some members do not meet their organisation once a year)';
COMMENT ON COLUMN member_never_took_part.community_code IS 'The member''s community';
COMMENT ON COLUMN member_never_took_part.org_id IS 'The member''s branch';
COMMENT ON COLUMN member_never_took_part.year IS 'Calendar year';
COMMENT ON COLUMN member_never_took_part.resident_id IS 'The member';
COMMENT ON COLUMN member_never_took_part.category IS 'Member category';
COMMENT ON COLUMN member_never_took_part.age_group IS 'young, older or unknown';
COMMENT ON COLUMN member_never_took_part.floating IS 'inflow or outflow, or NULL';
COMMENT ON COLUMN member_never_took_part.self_study_minutes IS 'Online self-study minutes (a separate mode: it does not count as taking part)';
COMMENT ON COLUMN member_never_took_part.dues_paid_by_others IS 'Months of dues someone else paid';

-- The lines of area_report about participation, for the current year (one source: the views
-- above, read with the owner's rights inside area_report).
CREATE FUNCTION participation_report_lines(target gridcode)
RETURNS TABLE (ordinal int, indicator text, value numeric, unit text)
LANGUAGE sql STABLE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  WITH p AS (
    SELECT * FROM commgrid.member_participation m
    WHERE m.community_code OPERATOR(commgrid.<@) target AND m.year = extract(year FROM commgrid.district_today())
  )
  SELECT 30, 'volunteer activities this year',
         (SELECT count(*) FROM commgrid.activity v WHERE v.grid_code OPERATOR(commgrid.<@) target
            AND extract(year FROM v.starts_at AT TIME ZONE 'Asia/Shanghai') = extract(year FROM commgrid.district_today()))::numeric,
         'activities'
  UNION ALL SELECT 31, 'members who took part this year', (SELECT count(*) FILTER (WHERE took_part) FROM p), 'members'
  UNION ALL SELECT 32, 'young members who took part this year',
         (SELECT count(*) FILTER (WHERE took_part AND age_group = 'young') FROM p), 'members'
  UNION ALL SELECT 33, 'young members', (SELECT count(*) FILTER (WHERE age_group = 'young') FROM p), 'members'
  UNION ALL SELECT 34, 'members who took part in nothing this year', (SELECT count(*) FILTER (WHERE NOT took_part) FROM p), 'members'
  UNION ALL SELECT 35, 'love-bank points issued this year',
         (SELECT COALESCE(sum(b.points_issued), 0) FROM commgrid.love_bank_monthly b
          WHERE b.area_code OPERATOR(commgrid.<@) target AND extract(year FROM b.month) = extract(year FROM commgrid.district_today())), 'points'
  UNION ALL SELECT 36, 'communities that may set up a Party committee (notice)',
         (SELECT count(*) FROM commgrid.org_eligibility_notice n WHERE n.area_code OPERATOR(commgrid.<@) target), 'communities'
$$;
REVOKE EXECUTE ON FUNCTION participation_report_lines(gridcode) FROM PUBLIC;
COMMENT ON FUNCTION participation_report_lines(gridcode) IS
  'The participation lines of area_report for an area (current year): activities, members who took part (young among them), members who took part in nothing, love-bank points issued, committee eligibility notices';
