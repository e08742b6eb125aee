-- Compliance of the community Party organisations with DOMAIN.md §4 (支部工作条例, 党章 art. 30)
-- and with the report (a Party group and about 10 staff in each grid, every member in a grid).
-- The report views compute with their owner's rights over the whole district (so a breach or a
-- rank never depends on what the caller may read, and no restricted column is needed from the
-- caller) and then show each role only the rows of its jurisdiction: security_barrier views
-- filtered by commgrid.reaches().

-- The row filter of every report view: reaches(code, (SELECT commgrid.reach_scopes())).  The
-- scopes are read once per query (an InitPlan, as in the policies) and the test is inlined, so
-- the filter costs a comparison per row.  reach_scopes() gives the current role's jurisdiction
-- (the policies' commgrid.jurisdiction_scopes(), sql/20_security/30_secure_table.sql; an empty array when it
-- has none) or NULL, meaning every row, for roles that bypass row-level security: the owner, a
-- superuser, and the security-definer functions that compute for BI.  PL/pgSQL resolves the
-- names when called, so they may be defined later.
CREATE FUNCTION reach_scopes() RETURNS gridcode[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  IF NOT pg_catalog.row_security_active('commgrid.jurisdiction'::pg_catalog.regclass) THEN
    RETURN NULL;
  END IF;
  RETURN COALESCE(commgrid.jurisdiction_scopes(), '{}');
END $$;
COMMENT ON FUNCTION reach_scopes() IS
  'The current role''s jurisdiction codes for the report views'' filter (empty when none); NULL, meaning every row, for roles that bypass row-level security';

CREATE FUNCTION reaches(code gridcode, scopes gridcode[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN scopes IS NULL OR COALESCE(code OPERATOR(commgrid.<@) ANY (scopes), false);
COMMENT ON FUNCTION reaches(gridcode, gridcode[]) IS
  'Does the code lie under one of the scopes (NULL scopes: every code)? The report views'' row filter, called as reaches(code, (SELECT commgrid.reach_scopes()))';

-- The unit liaison's row filter: reaches_unit(unit, (SELECT commgrid.reach_units())).
CREATE FUNCTION reach_units() RETURNS bigint[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  IF NOT pg_catalog.row_security_active('commgrid.liaison_unit'::pg_catalog.regclass) THEN
    RETURN NULL;
  END IF;
  RETURN COALESCE(commgrid.liaison_units(), '{}');
END $$;
COMMENT ON FUNCTION reach_units() IS
  'The resident units the current role is liaison for, for the report views'' filter (empty when none); NULL, meaning every unit, for roles that bypass row-level security';

CREATE FUNCTION reaches_unit(unit bigint, units bigint[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN units IS NULL OR COALESCE(unit OPERATOR(pg_catalog.=) ANY (units), false);
COMMENT ON FUNCTION reaches_unit(bigint, bigint[]) IS
  'Is the unit one of the units (NULL units: every unit)? The unit liaison''s row filter of the report views, called as reaches_unit(unit, (SELECT commgrid.reach_units()))';

-- The report views: owner's-rights views of the schema (not bi_*) whose rewrite rule calls a
-- row filter, commgrid.reaches (rows of the caller's jurisdiction, for staff) or
-- commgrid.reaches_unit (rows of its own units, for unit liaisons).  grant_privileges grants
-- them; security_findings accepts them as owner's-rights views open to staff when they are
-- security barriers.
CREATE FUNCTION report_views() RETURNS TABLE (view_name regclass, staff boolean, unit_liaison boolean)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT c.oid::regclass,
         bool_or(d.refobjid = 'commgrid.reaches(commgrid.gridcode, commgrid.gridcode[])'::regprocedure),
         bool_or(d.refobjid = 'commgrid.reaches_unit(bigint, bigint[])'::regprocedure)
  FROM pg_catalog.pg_rewrite w
  JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = w.oid
                              AND d.refclassid = 'pg_catalog.pg_proc'::regclass
  JOIN pg_catalog.pg_class c ON c.oid = w.ev_class
  WHERE c.relkind = 'v' AND c.relnamespace = 'commgrid'::regnamespace
    AND c.relname NOT LIKE 'bi\_%'
    AND d.refobjid IN ('commgrid.reaches(commgrid.gridcode, commgrid.gridcode[])'::regprocedure,
                       'commgrid.reaches_unit(bigint, bigint[])'::regprocedure)
  GROUP BY c.oid
$$;
COMMENT ON FUNCTION report_views() IS
  'The report views (owner''s rights, not bi_*) and their row filters: staff = rows of the caller''s jurisdiction (reaches), unit_liaison = rows of its own units (reaches_unit)';

CREATE TABLE compliance_setting (
  name        text PRIMARY KEY,
  value       numeric NOT NULL,
  description text NOT NULL
);
COMMENT ON TABLE compliance_setting IS 'Tunable thresholds of commgrid.org_compliance';
COMMENT ON COLUMN compliance_setting.name IS 'Setting name';
COMMENT ON COLUMN compliance_setting.value IS 'Its value';
COMMENT ON COLUMN compliance_setting.description IS 'What it bounds';
-- reference data: read by every staff role, changed by the district administrator
SELECT commgrid.secure_table('commgrid.compliance_setting', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin}');
-- The installed values.  pg_dump keeps only the rows a user added or changed, and on restore
-- a dumped row replaces the installed one of the same name (the trigger below, which fires
-- in replica mode too), so a user's setting survives a dump and restore.
CREATE FUNCTION compliance_setting_defaults() RETURNS SETOF compliance_setting
LANGUAGE sql IMMUTABLE PARALLEL SAFE BEGIN ATOMIC
  VALUES ('staff_per_grid_min', 8::numeric, 'Fewest grid staff a grid should have (the report: about 10 per grid)'),
         ('staff_per_grid_max', 12, 'Most grid staff a grid should have (the report: about 10 per grid)');
END;
COMMENT ON FUNCTION compliance_setting_defaults() IS
  'The rows the install script puts into compliance_setting (pg_dump leaves out rows still equal to one of them)';
INSERT INTO compliance_setting SELECT * FROM compliance_setting_defaults();
SELECT commgrid.register_dump('commgrid.compliance_setting',
  $$WHERE (name, value, description) NOT IN (SELECT d.name, d.value, d.description FROM commgrid.compliance_setting_defaults() d)$$);

CREATE FUNCTION compliance_setting_replace_default() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  DELETE FROM commgrid.compliance_setting s
   WHERE s.name = NEW.name
     AND (s.name, s.value, s.description) IN (SELECT d.name, d.value, d.description
                                                FROM commgrid.compliance_setting_defaults() d);
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION compliance_setting_replace_default() FROM PUBLIC;
COMMENT ON FUNCTION compliance_setting_replace_default() IS
  'Trigger: a row inserted with the name of a setting still at its installed value replaces it (how pg_restore brings back a changed setting)';
CREATE TRIGGER compliance_setting_replace_default BEFORE INSERT ON compliance_setting
  FOR EACH ROW EXECUTE FUNCTION compliance_setting_replace_default();
ALTER TABLE compliance_setting ENABLE ALWAYS TRIGGER compliance_setting_replace_default;

-- Members whose membership is held here: not inflow members (theirs is held elsewhere), and
-- not outflow members whose membership has been transferred out.
CREATE VIEW member_of_record WITH (security_barrier) AS
SELECT m.*
FROM commgrid.party_member m
WHERE NOT EXISTS (
  SELECT 1 FROM commgrid.floating_member f
  WHERE f.resident_id = m.resident_id
    AND (f.direction = 'inflow' OR f.transferred_on IS NOT NULL))
  AND (commgrid.reaches(m.community_code, (SELECT commgrid.reach_scopes())) OR commgrid.reaches(m.grid_code, (SELECT commgrid.reach_scopes())));
COMMENT ON VIEW member_of_record IS
  'Party members whose membership the community holds: all but inflow floating members and transferred outflow members; what the counts and rules use; each role sees those of its jurisdiction (community or grid)';
COMMENT ON COLUMN member_of_record.resident_id IS 'The member, as commgrid.party_member.resident_id';
COMMENT ON COLUMN member_of_record.org_id IS 'The branch the member belongs to';
COMMENT ON COLUMN member_of_record.community_code IS 'Community of the member''s branch';
COMMENT ON COLUMN member_of_record.status IS 'full or probationary';
COMMENT ON COLUMN member_of_record.category IS 'Member category, as in commgrid.party_member.category: retired, farm_to_urban, veteran, job_seeking_graduate, in_service, laid_off or other';
COMMENT ON COLUMN member_of_record.joined_on IS 'Date of joining the Party; NULL when not known here';
COMMENT ON COLUMN member_of_record.grid_code IS 'Grid the member is placed in; NULL when not yet placed';
COMMENT ON COLUMN member_of_record.claimed_post IS 'Post the member claimed in the grid (认领岗位); NULL for none';

-- DOMAIN §4: over 50 members a general branch, 100 or more a Party committee.
CREATE FUNCTION expected_org_kind(members bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN members >= 100 THEN 'committee'
            WHEN members > 50 THEN 'general_branch'
            ELSE 'branch' END;
COMMENT ON FUNCTION expected_org_kind(bigint) IS
  'The community organisation that fits a member count: committee from 100, general_branch from 51, branch up to 50';

CREATE VIEW compliance_kind (kind, ordinal, rule) AS VALUES
  ('community_without_party_org', 1, 'An urban community has no Party organisation'),
  ('community_org_kind_mismatch', 2, 'The community''s organisation kind does not fit its members: committee ≥ 100, general branch 51-99, branch ≤ 50; a general branch of 100 or more is no breach (org_eligibility_notice)'),
  ('branch_too_few_full_members', 3, 'A branch has fewer than 3 full members'),
  ('branch_without_committee', 4, 'A branch with 7 or more full members has no committee (fewer than 3 committee members)'),
  ('branch_over_50_members', 5, 'A branch has more than 50 members'),
  ('org_term_expired', 6, 'A committee''s or branch''s 5-year term has ended without a new one'),
  ('grid_without_party_group', 7, 'A grid has no Party group'),
  ('party_group_without_leader', 8, 'A Party group has no leader'),
  ('grid_staff_out_of_range', 9, 'A grid''s staff count is outside compliance_setting staff_per_grid_min..max'),
  ('member_not_in_grid', 10, 'A community Party member is placed in no grid'),
  ('floating_member_without_certificate', 11, 'A member away 1-6 months has no activity certificate'),
  ('floating_member_not_transferred', 12, 'A member away over 6 months has not been transferred');
COMMENT ON VIEW compliance_kind IS 'Every kind of breach org_compliance reports, in report order, with its rule';
COMMENT ON COLUMN compliance_kind.kind IS 'Kind of breach, as in org_compliance.kind';
COMMENT ON COLUMN compliance_kind.ordinal IS 'Order in the report (1 = first)';
COMMENT ON COLUMN compliance_kind.rule IS 'The rule the kind breaks, in words';
-- for staff: runs with the caller's rights (grant_privileges grants such views)
ALTER VIEW compliance_kind SET (security_invoker = true);

CREATE VIEW org_compliance WITH (security_barrier) AS
WITH branch_count AS (
  SELECT o.org_id, o.name, o.community_code,
         count(m.resident_id) AS members,
         count(m.resident_id) FILTER (WHERE m.status = 'full') AS full_members,
         (SELECT count(*) FROM commgrid.party_org_committee c WHERE c.org_id = o.org_id) AS committee
  FROM commgrid.party_org o
  LEFT JOIN commgrid.member_of_record m ON m.org_id = o.org_id
  WHERE o.kind = 'branch'
  GROUP BY o.org_id
),
community_count AS (
  SELECT a.code, a.name, r.org_id, r.kind, r.name AS org_name,
         (SELECT count(*) FROM commgrid.member_of_record m WHERE m.community_code = a.code) AS members
  FROM commgrid.area a
  LEFT JOIN commgrid.party_org r ON r.community_code = a.code AND r.parent_id IS NULL
  WHERE a.kind = 'community'
),
staff_range AS (
  SELECT (SELECT value FROM commgrid.compliance_setting WHERE name = 'staff_per_grid_min') AS lo,
         (SELECT value FROM commgrid.compliance_setting WHERE name = 'staff_per_grid_max') AS hi
),
grid_staff_count AS (
  SELECT g.code, g.name,
         (SELECT count(*) FROM commgrid.grid_staff s WHERE s.grid_code = g.code) AS staff
  FROM commgrid.area g
  WHERE g.kind = 'grid'
),
breach AS (
SELECT 'community_without_party_org'::text AS kind, c.code AS area_code,
       format('community %s %s', c.code, c.name) AS subject,
       format('no Party organisation; %s member(s) of record', c.members) AS detail
FROM community_count c WHERE c.org_id IS NULL
UNION ALL
SELECT 'community_org_kind_mismatch', c.code,
       format('%s %s (%s)', c.kind, c.org_id, c.org_name),
       format('%s member(s) call for a %s, but the community has a %s',
              c.members, commgrid.expected_org_kind(c.members), c.kind)
FROM community_count c WHERE c.org_id IS NOT NULL AND c.kind <> commgrid.expected_org_kind(c.members)
  -- from 100 members a community may set up a committee, with approval: a notice, not a breach
  AND NOT (c.kind = 'general_branch' AND c.members >= 100)
UNION ALL
SELECT 'branch_too_few_full_members', b.community_code, format('branch %s (%s)', b.org_id, b.name),
       format('%s full member(s); a branch needs at least 3', b.full_members)
FROM branch_count b WHERE b.full_members < 3
UNION ALL
SELECT 'branch_without_committee', b.community_code, format('branch %s (%s)', b.org_id, b.name),
       format('%s full members but %s committee member(s); from 7 full members a branch elects a committee of 3-5',
              b.full_members, b.committee)
FROM branch_count b WHERE b.full_members >= 7 AND b.committee < 3
UNION ALL
SELECT 'branch_over_50_members', b.community_code, format('branch %s (%s)', b.org_id, b.name),
       format('%s members; a branch has at most 50, over 50 a general branch is set up', b.members)
FROM branch_count b WHERE b.members > 50
UNION ALL
SELECT 'org_term_expired', o.community_code, format('%s %s (%s)', o.kind, o.org_id, o.name),
       format('term %s to %s has ended; elect a new one', o.term_start, o.term_end)
FROM commgrid.party_org o WHERE o.term_end < commgrid.district_today()
UNION ALL
SELECT 'grid_without_party_group', g.code, format('grid %s %s', g.code, g.name),
       'no Party group (组织建在网格: every grid has one)'
FROM commgrid.area g
WHERE g.kind = 'grid'
  AND NOT EXISTS (SELECT 1 FROM commgrid.party_org o WHERE o.grid_code = g.code AND o.kind = 'party_group')
UNION ALL
SELECT 'party_group_without_leader', o.grid_code, format('party_group %s (%s)', o.org_id, o.name),
       'no leader (secretary_id is NULL)'
FROM commgrid.party_org o WHERE o.kind = 'party_group' AND o.secretary_id IS NULL
UNION ALL
SELECT 'grid_staff_out_of_range', g.code, format('grid %s %s', g.code, g.name),
       format('%s staff; expected %s to %s', g.staff, r.lo, r.hi)
FROM grid_staff_count g, staff_range r WHERE g.staff < r.lo OR g.staff > r.hi
UNION ALL
SELECT 'member_not_in_grid', m.community_code, format('member %s', m.resident_id),
       format('%s member of branch %s placed in no grid', m.status, m.org_id)
FROM commgrid.member_of_record m WHERE m.grid_code IS NULL
UNION ALL
SELECT 'floating_member_without_certificate', f.community_code, format('member %s', f.resident_id),
       format('away since %s with no activity certificate', f.since)
FROM commgrid.floating_member f
WHERE f.direction = 'outflow' AND f.transferred_on IS NULL AND f.certificate_no IS NULL
  AND f.since <= commgrid.district_today() - interval '1 month' AND f.since >= commgrid.district_today() - interval '6 months'
UNION ALL
SELECT 'floating_member_not_transferred', f.community_code, format('member %s', f.resident_id),
       format('away since %s, over 6 months, and not transferred', f.since)
FROM commgrid.floating_member f
WHERE f.direction = 'outflow' AND f.transferred_on IS NULL
  AND f.since < commgrid.district_today() - interval '6 months'
)
-- computed over the whole district, shown for the caller's jurisdiction only
SELECT b.kind, b.area_code, b.subject, b.detail
FROM breach b
WHERE commgrid.reaches(b.area_code, (SELECT commgrid.reach_scopes()));

COMMENT ON VIEW org_compliance IS
  'Every breach of the Party organisation rules (DOMAIN.md §4) and the report''s grid rules, found over the whole district and shown for the caller''s jurisdiction; kinds and rules in compliance_kind';
COMMENT ON COLUMN org_compliance.kind IS 'Kind of breach (see compliance_kind)';
COMMENT ON COLUMN org_compliance.area_code IS 'The community or grid the breach belongs to: filter with area_code <@ code';
COMMENT ON COLUMN org_compliance.subject IS 'What is in breach: organisation, grid or member (by id)';
COMMENT ON COLUMN org_compliance.detail IS 'The figures that break the rule';

-- The rules say a community with 100 or more members *may* set up a Party committee, with
-- approval (issue 14 §4): a general branch there is eligible, not in breach.
CREATE VIEW org_eligibility_notice WITH (security_barrier) AS
SELECT 'community_may_set_up_committee'::text AS kind, r.community_code AS area_code,
       format('%s %s (%s)', r.kind, r.org_id, r.name) AS subject,
       format('%s member(s) of record: the community may set up a Party committee, with approval', n.members) AS detail
FROM commgrid.party_org r
CROSS JOIN LATERAL (SELECT count(*) AS members FROM commgrid.member_of_record m
                    WHERE m.community_code = r.community_code) n
WHERE r.parent_id IS NULL AND r.kind = 'general_branch' AND n.members >= 100
  AND commgrid.reaches(r.community_code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW org_eligibility_notice IS
  'Notices, not breaches: communities whose general branch has 100 or more members of record and so may set up a Party committee, with approval';
COMMENT ON COLUMN org_eligibility_notice.kind IS 'community_may_set_up_committee';
COMMENT ON COLUMN org_eligibility_notice.area_code IS 'The community';
COMMENT ON COLUMN org_eligibility_notice.subject IS 'The community''s organisation';
COMMENT ON COLUMN org_eligibility_notice.detail IS 'Its members of record and what it may do';

-- Compliance counts for BI: breaches of each kind per community or grid, no subject or detail
-- (those name members by id).
CREATE FUNCTION bi_org_compliance_rows()
RETURNS TABLE (area_code text, area_name text, area_kind text, kind text, problems int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT c.area_code::text, a.name, a.kind, c.kind, count(*)::int
  FROM commgrid.org_compliance c JOIN commgrid.area a ON a.code = c.area_code
  GROUP BY c.area_code, a.name, a.kind, c.kind
$$;
REVOKE EXECUTE ON FUNCTION bi_org_compliance_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_org_compliance_rows() IS
  'The rows of bi_org_compliance, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_org_compliance AS
SELECT * FROM commgrid.bi_org_compliance_rows();
COMMENT ON VIEW bi_org_compliance IS
  'BI: number of compliance problems (commgrid.org_compliance) of each kind per community or grid';
COMMENT ON COLUMN bi_org_compliance.area_code IS 'The community or grid the problems are about, as text';
COMMENT ON COLUMN bi_org_compliance.area_name IS 'Name of the area';
COMMENT ON COLUMN bi_org_compliance.area_kind IS 'Kind of the area: community, village or grid';
COMMENT ON COLUMN bi_org_compliance.kind IS 'Kind of breach (commgrid.compliance_kind)';
COMMENT ON COLUMN bi_org_compliance.problems IS 'Number of breaches of that kind there';
