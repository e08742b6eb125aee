-- The role × object matrix (issue 9): one login role per group role, each with a jurisdiction
-- of its own, runs every view, every security table, and every function of schema commgrid
-- that can return or change data, all found from the catalog.  Each (group, object) has an
-- expected outcome, kept as data below:
--   all      permitted: the owner's whole result
--   scoped   permitted within the jurisdiction: the owner's result filtered by hand to the
--            role's rows; a call with an argument outside the jurisdiction is refused (42501)
--   filtered permitted for any argument: the owner's result filtered to the role's rows
--   self     permitted; the result depends on the caller, so it is not compared
--   own_only permitted within the jurisdiction (or for the caller's own rows: a social
--            worker's cases), the result not compared (a new id, or data of the caller's
--            own); a call with an argument outside is refused (42501)
--   refused  every call is refused with 42501
-- The test prints only the mismatches, a summary per group, and the catalog check: every object
-- granted to a group role must have its expectation (a row, or the bi_* naming rule).
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/security_matrix.sql
\set VERBOSITY terse
-- wearable care (issue 15): an alarm in the grid worker's grid and one in the community
-- staff's community, for care_alarm_respond
\set QUIET on
INSERT INTO care_device (device_id, imei, provider, owner_code) VALUES (620102000901, '490154203237518', '甲公司', '620102');
INSERT INTO care_alarm (kind, device_id, grid_code) VALUES
  ('sos', 620102000901, '620102001002001'), ('fall', 620102000901, '620102002001001');
\set QUIET off

-- The login role of each group, and its home: the area it acts in (its jurisdiction; the
-- liaison's unit's community; the BI reader's district).  Every group must have one.
CREATE TEMP TABLE matrix_role (grp text PRIMARY KEY, role_name name NOT NULL, home gridcode NOT NULL, ord int);
INSERT INTO matrix_role VALUES
  ('district_admin', 'm620102_admin', '620102', 1),
  ('township_staff', 'm620102_town', '620102001', 2),
  ('community_staff', 'm620102_comm', '620102002001', 3),
  ('grid_worker', 'm620102_grid', '620102001002001', 4),
  ('bi_reader', 'm620102_bi', '620102', 5),
  ('unit_liaison', 'm620102_liaison', '620102001001', 6),
  ('social_worker', 'm620102_social', '620102001', 7);
SELECT short_name AS group_without_matrix_role FROM security_role
WHERE short_name NOT IN (SELECT grp FROM matrix_role);

-- The objects, from the catalog: views; tables outside secure_table (the security machinery;
-- the secured tables have their own tests, security_rls and security_people) and any table
-- with an expectation row (the audit log); functions that can return or change data: not
-- type I/O, operator, index or aggregate support, not trigger functions, and not IMMUTABLE
-- functions open to PUBLIC (they compute from their arguments only).
CREATE TEMP TABLE matrix_expectation (
  object text PRIMARY KEY,
  district_admin text, township_staff text, community_staff text, grid_worker text,
  bi_reader text, unit_liaison text, social_worker text,
  why text NOT NULL
);
CREATE TEMP VIEW matrix_object AS
SELECT 'relation'::text AS kind, c.oid, c.relname::text AS object
FROM pg_class c
WHERE c.relnamespace = 'commgrid'::regnamespace
  AND (c.relkind IN ('v', 'm')
       OR (c.relkind IN ('r', 'p') AND (c.oid NOT IN (SELECT table_name FROM secured_table)
                                        OR c.relname IN (SELECT object FROM matrix_expectation))))
UNION ALL
SELECT 'function', p.oid, p.oid::regprocedure::text
FROM pg_proc p
WHERE p.pronamespace = 'commgrid'::regnamespace AND p.prokind = 'f'
  AND p.prorettype NOT IN ('trigger'::regtype, 'event_trigger'::regtype, 'internal'::regtype, 'cstring'::regtype)
  AND NOT p.proargtypes::oid[] && ARRAY['internal'::regtype, 'cstring'::regtype]::oid[]
  AND NOT EXISTS (SELECT 1 FROM pg_type t WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend,
                                                       t.typmodin, t.typmodout, t.typanalyze))
  AND NOT EXISTS (SELECT 1 FROM pg_operator o WHERE p.oid IN (o.oprcode, o.oprrest, o.oprjoin))
  AND NOT EXISTS (SELECT 1 FROM pg_amproc a WHERE a.amproc = p.oid)
  AND NOT EXISTS (SELECT 1 FROM pg_aggregate a
                  WHERE p.oid IN (a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
                                  a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn))
  AND NOT (p.provolatile = 'i' AND has_function_privilege('public', p.oid, 'EXECUTE'));

-- Is an object granted (directly, through PUBLIC or another role) to a group role?
CREATE FUNCTION pg_temp.granted(kind text, obj oid, grp text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT CASE kind WHEN 'relation' THEN has_table_privilege('commgrid_' || grp, obj, 'SELECT')
                   ELSE has_function_privilege('commgrid_' || grp, obj, 'EXECUTE') END
$$;

-- The expectation (table matrix_expectation, above), one row per object: the outcome for
-- each group (see the top), and why.
-- Without a row: bi_* objects are for the BI reader only ('all'), an object granted to no
-- group is refused to all, and anything else granted to a group fails the catalog check.
INSERT INTO matrix_expectation VALUES
-- report views: every staff group, its jurisdiction's rows (issue 9 item 9)
  ('assessment_community_result', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('assessment_rater_total', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'the totals behind assessment_unit_result and community_assessment, not a report'),
  ('assessment_unit_result', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'scoped', 'refused', 'report; a liaison: its unit''s result'),
  ('cobuilding_community_without_convener', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'compliance report'),
  ('cobuilding_head_not_member', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'compliance report'),
  ('cobuilding_meeting_below_quorum', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'compliance report'),
  ('community_assessment', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('community_summary', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('community_two_way_tie_summary', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('community_two_way_ties', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('community_unit_opinion', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'scoped', 'refused', 'report; a liaison: its unit''s opinions'),
  ('community_without_leader', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'compliance report'),
  ('compliance_kind', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'reference data of org_compliance'),
  ('grid_summary', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('member_of_record', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('org_compliance', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'compliance report'),
  ('security_findings', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'the owner''s hardening check'),
  ('unit_scorecard', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'scoped', 'refused', 'report; a liaison: its unit''s scorecard'),
  ('who_sits_at_whose_table', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
-- the security tables: each role its own rows; the audit log for district administrators
-- within their jurisdiction (item 6)
  ('audit_log', 'scoped', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'audit log (item 6)'),
  ('assessment_rating_changes', 'scoped', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'the audit log''s rating entries, with the caller''s rights: as audit_log (issue 11)'),
  ('jurisdiction', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'scoped', 'scoped', 'own rows only'),
  ('liaison_unit', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'scoped', 'scoped', 'own rows only'),
-- maps (issue 17): the shapes are public to staff, the figures come from the report views;
-- so the result depends on the caller (the owner's has every figure); nothing for BI or liaisons
  ('community_unit_summary', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report (maps)'),
  ('map_compliance_count', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report (maps)'),
  ('areas_geojson(gridcode,text,text[],integer)', 'self', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'map: figures of the caller''s jurisdiction'),
  ('area_tile(integer,integer,integer,text)', 'self', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'map: figures of the caller''s jurisdiction'),
  ('choropleth_svg(gridcode,text,text,text)', 'self', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'map: figures of the caller''s jurisdiction'),
  ('choropleth_classes(gridcode,text,text,integer)', 'self', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'map: figures of the caller''s jurisdiction'),
  ('map_shapes(gridcode,text,integer)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'area tree'),
  ('map_properties(text,text[],gridcode[])', 'self', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'map: figures of the caller''s jurisdiction'),
  ('map_indicator_values(text,text,gridcode[])', 'self', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'map: figures of the caller''s jurisdiction'),
  ('map_indicators(text)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'the indicator registry (reference data)'),
  ('map_indicators_checked(text,text[])', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'the indicator registry (reference data)'),
-- report and staff functions
  ('area_report(gridcode)', 'scoped', 'scoped', 'scoped', 'scoped', 'all', 'refused', 'refused', 'report of any area in the jurisdiction; BI: figures of any area (item 9)'),
  ('district_report(gridcode)', 'scoped', 'refused', 'refused', 'refused', 'all', 'refused', 'refused', 'the district case of area_report (item 9)'),
  ('resident_card(bigint)', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'staff function'),
  ('household_card(bigint)', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'staff function'),
  ('grant_jurisdiction(name,gridcode)', 'scoped', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'district administrator within the jurisdiction (item 10)'),
  ('revoke_jurisdiction(name,gridcode)', 'scoped', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'district administrator within the jurisdiction (item 10)'),
  ('grant_liaison(name,bigint)', 'scoped', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'district administrator within the jurisdiction (item 10)'),
  ('revoke_liaison(name,bigint)', 'scoped', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'district administrator within the jurisdiction (item 10)'),
-- the caller's own security context
  ('acting_role()', 'self', 'self', 'self', 'self', 'self', 'self', 'self', 'the caller''s role'),
  ('jurisdiction_scopes()', 'self', 'self', 'self', 'self', 'self', 'self', 'self', 'the caller''s jurisdiction'),
  ('jurisdiction_envelope()', 'self', 'self', 'self', 'self', 'self', 'self', 'self', 'the caller''s jurisdiction'),
  ('liaison_units()', 'self', 'self', 'self', 'self', 'self', 'self', 'self', 'the caller''s units'),
  ('is_member_of(name,text)', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'role membership is public in pg_roles'),
  ('role_exists(text)', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'role names are public in pg_roles'),
  ('is_owner(name)', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'superusers and the schema''s owner are public in pg_roles and pg_namespace'),
-- the security context of reports, boundaries and dates
  ('reach_scopes()', 'self', 'self', 'self', 'self', 'self', 'self', 'self', 'the report views'' row filter: the caller''s own scopes'),
  ('reach_units()', 'self', 'self', 'self', 'self', 'self', 'self', 'self', 'the report views'' row filter: the caller''s own units'),
  ('area_boundary_writer(name)', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'whether a role may write boundaries directly: public facts of pg_roles'),
  ('age_band(idcard)', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'computed from its argument and the day'),
  ('report_views()', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'names of the report views, from the catalog'),
  ('is_gridcode_type(oid)', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'whether a type is gridcode or a domain over it: public facts of pg_type'),
  ('role_oid(name)', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'role names are public in pg_roles'),
  ('role_scopes(name)', 'all', 'all', 'all', 'all', 'refused', 'all', 'all', 'another role''s scopes: hidden by the jurisdiction''s own-rows policy'),
  ('staff_min_depth(name)', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'the level a role''s group allows'),
  ('district_today()', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'the district''s date'),
  ('boundary_share_lock()', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'a lock, no data'),
-- the spatial engine reads the area tree, which every staff role reads whole
  ('index_memory()', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'the calling backend''s own index cache: sizes, path and generation counter, no area or personal data'),
  ('locate(geometry,text)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'area tree'),
  ('locate_at(geometry,timestamp with time zone,text)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'area tree'),
  ('locate_nearest(geometry,double precision,text)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'area tree'),
  ('footprint_shares(geometry,text)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'area tree'),
  ('unit_footprint_communities(geometry)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'area tree'),
  ('coverage_problems(gridcode)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'area tree'),
  ('check_grid_argument(gridcode)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'area tree'),
-- writers: only through their checked paths, inside the jurisdiction
  ('redraw(gridcode[],geometry[])', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'refused', 'refused', 'boundaries: district and township staff in their jurisdiction (item 5)'),
  ('unit_reassign_all()', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'refused', 're-places the units the caller may change (row-level security): a count of its own'),
  ('register_assigned_table(regclass,name,name,text)', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'DDL: the owner''s tool'),
  ('unregister_assigned_table(regclass)', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'DDL: the owner''s tool'),
  ('place_member(bigint,gridcode,text)', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'refused', 'party members are kept by community staff and above'),
  ('declare_floating_member(bigint,gridcode,text,text,text,date,text,text,date,date)', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'refused', 'party members are kept by community staff and above'),
-- helpers of the triggers and checks, reading what the caller may read
  ('assessment_grade_of(bigint,double precision)', 'all', 'all', 'all', 'refused', 'refused', 'all', 'refused', 'the campaigns'' grades are read by all assessment readers'),
  ('assessment_refuse_closed(bigint,text)', 'all', 'all', 'all', 'refused', 'refused', 'all', 'refused', 'the campaigns are read by all assessment readers'),
  ('holds_post_in_community(bigint,gridcode,date)', 'filtered', 'filtered', 'filtered', 'refused', 'refused', 'refused', 'refused', 'posts: community level and above'),
  ('holds_post_in_subdistrict(bigint,gridcode,date)', 'filtered', 'filtered', 'filtered', 'refused', 'refused', 'refused', 'refused', 'posts: community level and above'),
  ('holds_post_in_unit(bigint,bigint,date)', 'filtered', 'filtered', 'filtered', 'refused', 'refused', 'filtered', 'refused', 'posts: community level and above, a liaison its own unit'),
  ('joint_meeting_members(gridcode,date)', 'filtered', 'filtered', 'filtered', 'refused', 'refused', 'refused', 'refused', 'joint meetings: community level and above'),
-- Party work staffing (issue 16, sql/68_staffing): stipends are personal data, staff their
-- jurisdiction, a person their own (my_stipends), BI the distribution only (bi_*)
  ('community_not_reviewed', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report: communities a leader has not reviewed'),
  ('community_staffing', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report: staffing against the norms'),
  ('compute_stipends(date)', 'self', 'self', 'refused', 'refused', 'refused', 'refused', 'refused', 'writes the stipends of the caller''s jurisdiction: district and township staff'),
  ('education_completion', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('education_plan', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'reference data of the education tasks'),
  ('education_task_status', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('generate_education_tasks(date)', 'self', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'writes the tasks of the caller''s jurisdiction: a count of its own'),
  ('my_stipends()', 'self', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'the caller''s own stipends (person_login)'),
  ('outflow_missed_contact', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'compliance report'),
  ('payroll_export', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'payroll of the jurisdiction (personal data: not for BI)'),
  ('staffing_compliance', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'compliance report'),
  ('staffing_value(text)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'a staffing setting, read by the report views as the caller'),
  ('stipend_distribution', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report by township (BI: bi_stipend_distribution)'),
  ('stipend_preview(bigint,date)', 'self', 'self', 'refused', 'refused', 'refused', 'refused', 'refused', 'a proposed scale''s effect in the caller''s jurisdiction: district and township staff'),
  ('stipend_scale_for(text,date)', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'refused', 'reads the scales as the caller'),
  ('training_gaps(integer)', 'filtered', 'filtered', 'filtered', 'filtered', 'refused', 'refused', 'refused', 'training gaps of the caller''s jurisdiction'),
  ('unit_label(bigint)', 'self', 'self', 'self', 'refused', 'refused', 'self', 'refused', 'names a unit in messages: by name when the caller sees it, else by id'),
-- participation (issue 14): the love bank's reports, every staff group its jurisdiction's rows
  ('love_bank_dormant', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('love_bank_monthly', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('love_bank_star_board', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('needy_member_participation', 'scoped', 'scoped', 'scoped', 'self', 'refused', 'refused', 'refused', 'report (member ids and counts); no rows for a grid worker, who may not read the register (needy_member)'),
  ('redemption_stock', 'self', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'report: the items of the jurisdiction''s banks and of those above it (offered to its residents), exact in participation_love_bank_staff'),
  ('participation_setting(text)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'reads participation_setting, reference data of every staff group (the report views call it)'),
  ('star_level(numeric)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'reads volunteer_star_level, reference data of every staff group (the report views call it)'),
  ('org_life_summary', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('member_participation', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report (member ids and counts, as member_of_record)'),
  ('branch_participation', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('member_never_took_part', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report for the branch secretary'),
  ('org_eligibility_notice', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'compliance notice (issue 14 §4)'),
-- participation (issue 14 §2): the love bank's postings, security definer with the caller's
-- reach checked: earnings and reversals by community staff and above, redemptions and
-- transfers by every staff group (a new transaction id each)
  ('credit_attendance(bigint)', 'own_only', 'own_only', 'own_only', 'refused', 'refused', 'refused', 'refused', 'credits a verified attendance of an activity in the jurisdiction'),
  ('post_earnings(bigint[])', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'refused', 'credits the jurisdiction''s verified attendances: a count of its own'),
  ('redeem(bigint,bigint,integer,date)', 'own_only', 'own_only', 'own_only', 'own_only', 'refused', 'refused', 'refused', 'redeems for an account whose holder lives in the jurisdiction'),
  ('transfer_points(bigint,bigint,numeric,text)', 'own_only', 'own_only', 'own_only', 'own_only', 'refused', 'refused', 'refused', 'transfers between two accounts whose holders live in the jurisdiction'),
  ('reverse_transaction(bigint,text)', 'own_only', 'own_only', 'own_only', 'refused', 'refused', 'refused', 'refused', 'reverses a posting whose holders live in the jurisdiction'),
-- participation (issue 14 §3): social work; case notes and clients only for the case's social
-- worker (commgrid_social_worker, linked to its worker rows by a district administrator)
  ('social_worker_login', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'scoped', 'scoped', 'own rows only'),
  ('grant_social_worker(name,bigint)', 'scoped', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'district administrator within the jurisdiction'),
  ('revoke_social_worker(name,bigint)', 'scoped', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'district administrator within the jurisdiction'),
  ('role_social_workers(name)', 'all', 'all', 'all', 'all', 'refused', 'all', 'all', 'another role''s worker rows: hidden by the map''s own-rows policy'),
  ('social_worker_ids()', 'self', 'self', 'self', 'self', 'self', 'self', 'self', 'the caller''s worker rows'),
  ('sw_client_card(bigint)', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'own_only', 'the client of a case, for its social worker only, audited'),
  ('social_work_monthly', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('social_work_cadence', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'compliance report'),
  ('sw_case_notes(bigint)', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'own_only', 'the notes of a case, for its social worker only, audited'),
  ('sw_add_case_note(bigint,text)', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'own_only', 'writes a case note, for its social worker only'),
  ('sw_move_case(bigint,text)', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'own_only', 'moves the caller''s own case to a stage (staff write sw_case directly)'),
  ('sw_refer_case(bigint,text,date)', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'own_only', 'refers the client of the caller''s own case (staff write sw_case directly)'),
  ('sw_record_session(bigint,date,integer)', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'own_only', 'records a session of the caller''s own case (staff write sw_case_session directly)'),
  ('sw_record_group_session(bigint,date,integer)', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'own_only', 'records a meeting of the caller''s own group (staff write sw_group_session directly)'),
-- visits (issue 13, sql/62_visits)
  ('actual_population', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'the actual-population register, with the caller''s row-level security'),
  ('visit_coverage', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report'),
  ('must_visit_overdue', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'compliance report'),
  ('visit_worklist(gridcode,date)', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'staff function: a grid''s worklist'),
  ('return_visit_due(date,gridcode)', 'filtered', 'filtered', 'filtered', 'filtered', 'refused', 'refused', 'refused', 'the caller''s vulnerable residents (row-level security)'),
  ('may_see_kind(text)', 'all', 'all', 'all', 'all', 'refused', 'refused', 'refused', 'the special-category policy''s test: reads the catalogue, which staff read'),
  ('may_count_kind(text,gridcode)', 'self', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'which must-visit kinds count in the caller''s figures: an answer about the acting role only'),
  ('security_index', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report: community rows'),
-- the element inventory (issue 13, sql/63_elements)
  ('grid_file(gridcode)', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'staff function: the grid file (counts)');
-- services (issue 12)
INSERT INTO matrix_expectation VALUES
  ('service_deadline(timestamp with time zone,text)', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'the district''s public service-time rule'),
  ('working_time_between(timestamp with time zone,timestamp with time zone)', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'the official working-day calendar'),
  ('add_working_time(timestamp with time zone,interval)', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'the official working-day calendar'),
  ('is_working_day(date)', 'all', 'all', 'all', 'all', 'all', 'all', 'all', 'the official working-day calendar'),
  ('request_hotspots(gridcode,timestamp with time zone,timestamp with time zone,text,double precision,integer)', 'self', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'clusters the requests the caller sees (row-level security); a liaison has no area table'),
  ('service_figures', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report: mass-work figures of the jurisdiction''s grids, communities and townships'),
  ('service_repeat_request', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report: the jurisdiction''s repeat requests (ids, category, grid, times)'),
  ('service_category_trend', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report: requests per category, grid and month (BI: bi_service_category_trend)'),
  ('submit_request(text,text,text,geometry,text,text,text,text,bigint,text,text,boolean,timestamp with time zone,text,text,timestamp with time zone,boolean)',
   'self', 'self', 'self', 'self', 'refused', 'refused', 'refused', 'records a request in the caller''s jurisdiction (its new id); no INSERT on service_request for the others'),
-- wearable care (issue 15): tracks, the map and alarm responses through audited staff
-- functions; the partition and no_signal jobs run as the owner (pg_cron)
  ('care_track(bigint,timestamp with time zone,timestamp with time zone)', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'staff function: a person''s track, audited'),
  ('care_positions(gridcode)', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'staff function: the map of an area in the jurisdiction, audited'),
  ('care_alarm_respond(bigint,text,boolean,text)', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'staff function: responses to the jurisdiction''s alarms'),
  ('care_alarm_card(bigint)', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'staff function: an alarm''s SIM number, masked name, grid and position (the NOTIFY payload has none), audited'),
  ('care_contacts(bigint)', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'staff function: a person''s emergency contacts with their phones, audited'),
  ('care_ping_create_partitions(integer,date)', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'DDL: the owner''s daily job'),
  ('care_ping_drop_expired(date)', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'DDL: the owner''s daily job'),
  ('care_check_no_signal(timestamp with time zone)', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'the owner''s scheduled job'),
  ('care_operations', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report view: rows of the holders in the jurisdiction'),
  ('care_case_summary', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report view: lost-person cases of the jurisdiction'),
  ('care_response_times', 'scoped', 'scoped', 'scoped', 'scoped', 'refused', 'refused', 'refused', 'report view: response times of the jurisdiction''s grids and communities');

-- Sample arguments, by type, name and function (the most specific row wins; none: NULL):
-- SQL evaluated as the owner, where $home is the role's home, $own true for the call inside
-- the jurisdiction and false for the call outside it.
CREATE TEMP TABLE matrix_sample (argtype regtype, argname text, proname text, template text NOT NULL);
INSERT INTO matrix_sample VALUES
  ('gridcode', NULL, NULL, 'pg_temp.m_area($home, depth($home), $own)'),
  ('gridcode', 'district', NULL, 'pg_temp.m_area($home, 3, $own)'),
  ('gridcode', 'subdistrict', NULL, 'pg_temp.m_area($home, 4, $own)'),
  ('gridcode', 'community', NULL, 'pg_temp.m_area($home, 5, $own)'),
  ('gridcode', 'grid', NULL, 'pg_temp.m_area($home, 6, $own)'),
  ('gridcode[]', NULL, NULL, 'ARRAY[pg_temp.m_area($home, 6, $own)]'),
  ('geometry[]', NULL, NULL, 'ARRAY[(SELECT boundary FROM area WHERE code = pg_temp.m_area($home, 6, $own))]'),
  ('geometry', NULL, NULL, '(SELECT ST_PointOnSurface(boundary) FROM area WHERE code = pg_temp.m_area($home, 6, $own))'),
  ('geometry', 'footprint', NULL, '(SELECT ST_Multi(ST_Buffer(ST_PointOnSurface(boundary), 0.001)) FROM area WHERE code = pg_temp.m_area($home, 6, $own))'),
  ('bigint', 'id', 'resident_card', 'pg_temp.m_key(''resident'', $home, $own)'),
  ('bigint', 'id', 'household_card', 'pg_temp.m_key(''household'', $home, $own)'),
  ('bigint', 'person', NULL, 'pg_temp.m_key(''resident'', $home, $own)'),
  ('bigint', 'resident', NULL, '(SELECT min(resident_id) FROM resident r WHERE pg_temp.m_in(r.grid_code, $home, $own) AND resident_id NOT IN (SELECT resident_id FROM party_member))'),
  ('bigint', 'member', NULL, 'pg_temp.m_key(''party_member'', $home, $own)'),
  ('bigint', 'unit', NULL, 'pg_temp.m_key(''unit'', $home, $own)'),
  ('bigint', 'campaign', NULL, 'pg_temp.m_key(''assessment_campaign'', $home, $own)'),
  ('bigint', 'alarm', 'care_alarm_respond', 'pg_temp.m_key(''care_alarm'', $home, $own)'),
  ('bigint', 'alarm', 'care_alarm_card', 'pg_temp.m_key(''care_alarm'', $home, $own)'),
  -- the love bank: a verified attendance not credited, a resident's account, a posting, in
  -- a community of the home or elsewhere (the fixture's 620102000101 … ids)
  ('bigint', 'attendance', NULL, '(SELECT min(attendance_id) FROM activity_attendance t WHERE pg_temp.m_in(t.community_code, $home, $own) AND verified_on IS NOT NULL AND attendance_id NOT IN (SELECT attendance_id FROM love_transaction WHERE attendance_id IS NOT NULL))'),
  ('bigint', 'account', NULL, '(SELECT min(a.account_id) FROM love_account a JOIN resident r USING (resident_id) WHERE pg_temp.m_in(r.grid_code, $home, $own))'),
  ('bigint', 'from_account', NULL, '(SELECT min(a.account_id) FROM love_account a JOIN resident r USING (resident_id) WHERE pg_temp.m_in(r.grid_code, $home, $own))'),
  ('bigint', 'to_account', NULL, '(SELECT max(a.account_id) FROM love_account a JOIN resident r USING (resident_id) WHERE pg_temp.m_in(r.grid_code, $home, $own))'),
  ('bigint', 'item', 'redeem', '620102000101'),
  ('numeric', 'points', NULL, '1'),
  ('text', 'relation', NULL, '''母亲'''),
  ('text', 'reason', 'reverse_transaction', '''matrix probe'''),
  ('bigint', 'original', NULL, '(SELECT min(x.transaction_id) FROM love_transaction x JOIN love_movement m USING (transaction_id) JOIN love_account a USING (account_id) JOIN resident r USING (resident_id) WHERE x.kind = ''earning'' AND pg_temp.m_in(r.grid_code, $home, $own))'),
  -- social work: the matrix social worker's case and group, or the other worker's in the same
  -- township; a worker without a login, in the home or elsewhere
  ('bigint', 'case_id', NULL, 'CASE WHEN $own THEN 620102000101 ELSE 620102000102 END'),
  ('text', 'note', NULL, '''matrix probe'''),
  ('bigint', 'group_id', NULL, 'CASE WHEN $own THEN 620102000101 ELSE 620102000102 END'),
  ('text', 'stage', 'sw_move_case', '''assessment'''),
  ('text', 'referred_to', NULL, '''matrix probe'''),
  ('integer', 'minutes', NULL, '30'),
  ('integer', 'attendees', NULL, '0'),
  ('bigint', 'worker', NULL, '(SELECT min(worker_id) FROM social_worker w WHERE pg_temp.m_in(w.subdistrict_code, $home, $own) AND worker_id NOT IN (SELECT worker_id FROM social_worker_login))'),
  ('text', 'step', 'care_alarm_respond', '''acknowledged'''),
  ('name', 'member', NULL, '''m620102_spare'''),
  ('text', 'level', NULL, '''grid'''),
  -- submit_request: a request in a grid of the caller's home, in both variants (the place, not
  -- the call, decides the jurisdiction: the policy's WITH CHECK)
  ('text', 'category_code', 'submit_request', '''010101'''),
  ('text', 'nature', 'submit_request', '''help'''),
  ('text', 'description', 'submit_request', '''matrix probe'''),
  ('geometry', 'location', 'submit_request', '(SELECT ST_PointOnSurface(boundary) FROM area WHERE code = pg_temp.m_area($home, 6, true))'),
  -- maps: a township's grids; tile 14/0/0 (empty, but the areas are read)
  ('gridcode', 'parent', NULL, 'pg_temp.m_area($home, 4, $own)'),
  ('text', 'indicator', NULL, '''staff'''),
  ('text[]', 'indicators', NULL, '''{staff}'''),
  ('integer', 'z', 'area_tile', '14'),
  ('integer', 'x', 'area_tile', '0'),
  ('integer', 'y', 'area_tile', '0'),
  ('text', 'short_name', NULL, '''grid_worker'''),
  ('text', 'post', NULL, '''楼栋长'''),
  ('text', 'home_org', NULL, '''兰州某支部'''),
  ('text', 'certificate_no', NULL, '''LD0001'''),
  ('text', 'what', NULL, '''matrix'''),
  ('text', 'location_column', NULL, '''location'''),
  ('text', 'code_column', NULL, '''grid_code'''),
  ('name', 'location_column', NULL, '''location'''),
  ('name', 'code_column', NULL, '''grid_code'''),
  ('regclass', NULL, NULL, '''commgrid.household'''),
  ('regclass', NULL, 'register_assigned_table', '''commgrid.unit'''),
  ('name', 'code_column', 'register_assigned_table', '''community_code'''),
  ('text', 'level', 'register_assigned_table', '''community'''),
  ('date', 'month', 'compute_stipends', 'date_trunc(''month'', current_date)::date'),
  ('date', 'period_start', 'generate_education_tasks', 'date_trunc(''year'', current_date)::date'),
  ('bigint', 'scale', NULL, '1'),
  ('integer', 'of_year', NULL, 'extract(year FROM current_date)::int'),
  ('text', 'setting', NULL, '''review_period_months'''),
  ('text', 'scheme', NULL, '''worker_pay'''),
  ('date', NULL, NULL, 'current_date'),
  ('date', 'arrived_on', NULL, 'current_date - 30'),
  ('timestamptz', NULL, NULL, 'now()'),
  ('double precision', NULL, NULL, '50'),
  ('jsonb', NULL, NULL, '''{}'''),
  ('boolean', NULL, NULL, 'false');

-- an area of depth d related to the home (inside it, or its ancestor) or, for $own false,
-- unrelated to it (neither inside nor above: another township, another district)
CREATE FUNCTION pg_temp.m_in(code gridcode, home gridcode, own boolean) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT (code <@ home OR home <@ code) = own
$$;
CREATE FUNCTION pg_temp.m_area(home gridcode, d int, own boolean) RETURNS gridcode
LANGUAGE sql STABLE AS $$
  SELECT code FROM commgrid.area
  WHERE depth(code) = d AND code <@ '6201' AND pg_temp.m_in(code, home, own)
  ORDER BY code LIMIT 1
$$;
-- the key of the first row of a secured table whose first scope column is related (or not)
-- to the home
CREATE FUNCTION pg_temp.m_key(tbl regclass, home gridcode, own boolean) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  key name;
  scope name;
  k bigint;
BEGIN
  SELECT a.attname INTO STRICT key FROM pg_index i
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
  WHERE i.indrelid = tbl AND i.indisprimary;
  SELECT scope_columns[1] INTO STRICT scope FROM secured_table WHERE table_name = tbl;
  EXECUTE format('SELECT min(%I) FROM %s WHERE pg_temp.m_in(%I, $1, $2)', key, tbl, scope)
    INTO k USING home, own;
  RETURN k;
END $$;

-- One call, as a role (NULL: as the owner), undone afterwards: its rows as text, sorted
-- (filtered by the given condition on x), or its SQLSTATE and message.
CREATE FUNCTION pg_temp.m_try(who name, query text, filter text, OUT outcome text, OUT result text[])
LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    IF who IS NOT NULL THEN
      EXECUTE format('SET LOCAL ROLE %I', who);
    END IF;
    EXECUTE format('SELECT COALESCE(array_agg(x::text ORDER BY x::text), ''{}'') FROM (%s) x WHERE %s',
                   query, filter) INTO result;
    outcome := 'ok';
    RAISE EXCEPTION 'undo' USING ERRCODE = 'XM001';
  EXCEPTION WHEN OTHERS THEN
    IF SQLSTATE <> 'XM001' THEN
      outcome := SQLSTATE || ' ' || left(SQLERRM, 60);
      result := NULL;
    END IF;
  END;
END $$;

-- The call of an object for a role: a relation is read whole; a function is called once
-- (no argument) or twice: with arguments inside ('own') and outside ('foreign') its home,
-- arguments with a default left to it.
CREATE FUNCTION pg_temp.m_calls(kind text, obj oid, home gridcode, OUT variant text, OUT query text)
RETURNS SETOF record LANGUAGE plpgsql AS $$
DECLARE
  p pg_proc;
  args text;
  template text;
  val text;
BEGIN
  IF kind = 'relation' THEN
    variant := '';
    query := format('SELECT * FROM %s', obj::regclass);
    RETURN NEXT;
    RETURN;
  END IF;
  SELECT * INTO p FROM pg_proc WHERE oid = obj;
  FOREACH variant IN ARRAY CASE WHEN p.pronargs = 0 THEN '{""}'::text[] ELSE '{own,foreign}' END LOOP
    args := NULL;
    FOR i IN 1..p.pronargs - p.pronargdefaults LOOP
      SELECT s.template INTO template FROM matrix_sample s
      WHERE s.argtype = p.proargtypes[i - 1]
        AND (s.argname IS NULL OR s.argname = p.proargnames[i])
        AND (s.proname IS NULL OR s.proname = p.proname)
      ORDER BY s.proname IS NULL, s.argname IS NULL LIMIT 1;
      IF template IS NOT NULL THEN
        EXECUTE format('SELECT (%s)::text',
                       replace(replace(template, '$home', quote_literal(home) || '::commgrid.gridcode'),
                               '$own', (variant = 'own')::text))
          INTO val;
      ELSE
        val := NULL;
      END IF;
      args := concat_ws(', ', args, format('%s::%s', quote_nullable(val), format_type(p.proargtypes[i - 1], NULL)));
    END LOOP;
    query := format('SELECT * FROM commgrid.%I(%s)', p.proname, COALESCE(args, ''));
    RETURN NEXT;
  END LOOP;
END $$;

-- The hand filter of the owner's result for a role: a row with a role_name column is the
-- role's when it names the role; else a liaison's rows are its units' (unit_id …), a staff
-- role's those with an area column inside its jurisdiction (any of them, as the policies do).
CREATE FUNCTION pg_temp.m_filter(query text, who name) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  cols name[];
  f text;
BEGIN
  BEGIN
    EXECUTE format('CREATE TEMP VIEW matrix_probe AS %s', query);
    SELECT array_agg(attname) INTO cols FROM pg_attribute
    WHERE attrelid = 'pg_temp.matrix_probe'::regclass AND attnum > 0;
    DROP VIEW pg_temp.matrix_probe;
  EXCEPTION WHEN invalid_table_definition THEN
    RETURN 'true';  -- void: no rows to filter
  END;
  IF 'role_name' = ANY (cols) THEN
    RETURN format('x.role_name::text = %L', who);
  END IF;
  IF is_member_of(who, 'unit_liaison') THEN
    SELECT string_agg(format('x.%I = ANY (%L::bigint[])', c,
                             (SELECT array_agg(unit_id) FROM liaison_unit WHERE role_name::text = who)), ' OR ')
      INTO f
    FROM unnest(cols) c WHERE c IN ('unit_id', 'ratee_unit_id', 'rater_unit_id');
  ELSE
    SELECT string_agg(format('x.%I::text::commgrid.gridcode OPERATOR(commgrid.<@) ANY (%L::commgrid.gridcode[])', c,
                             (SELECT array_agg(scope) FROM jurisdiction WHERE role_name::text = who)), ' OR ')
      INTO f
    FROM unnest(cols) c
    WHERE c IN ('grid_code', 'community_code', 'area_code', 'code', 'township_code', 'subdistrict_code',
                'district_code', 'rater_code', 'ratee_code', 'scope', 'scope_code');
  END IF;
  RETURN COALESCE(f, 'true');
END $$;

-- The expected outcome of an object for a group: its row, else the naming rule (bi_* for
-- the BI reader only), else refused when granted to no group; NULL: missing.
CREATE FUNCTION pg_temp.m_expected(o matrix_object, grp text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT COALESCE(
    (SELECT (to_jsonb(e) ->> grp) FROM matrix_expectation e WHERE e.object = o.object),
    CASE WHEN o.object LIKE 'bi\_%' THEN CASE grp WHEN 'bi_reader' THEN 'all' ELSE 'refused' END END,
    CASE WHEN NOT EXISTS (SELECT 1 FROM security_role r WHERE pg_temp.granted(o.kind, o.oid, r.short_name))
         THEN 'refused' END)
$$;

CREATE TEMP TABLE matrix_result (grp text, object text, variant text, expected text, outcome text, got text,
                                 ok boolean, compared_rows int);
-- Run the matrix (all groups and objects, or the given ones) into matrix_result.
CREATE FUNCTION pg_temp.m_run(groups text[] DEFAULT NULL, objects text[] DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  r matrix_role;
  o matrix_object;
  c record;
  want text;
  mine record;
  owner record;
  filter text;
  got text;
BEGIN
  FOR r IN SELECT * FROM matrix_role WHERE groups IS NULL OR grp = ANY (groups) ORDER BY ord LOOP
    FOR o IN SELECT * FROM matrix_object WHERE objects IS NULL OR object = ANY (objects) ORDER BY object LOOP
      want := pg_temp.m_expected(o, r.grp);
      FOR c IN SELECT * FROM pg_temp.m_calls(o.kind, o.oid, r.home) LOOP
        mine := pg_temp.m_try(r.role_name, c.query, 'true');
        got := CASE WHEN mine.outcome = 'ok' THEN 'permitted' ELSE mine.outcome END;
        IF want IS NULL OR want = 'refused' OR (want IN ('scoped', 'own_only') AND c.variant = 'foreign') THEN
          INSERT INTO matrix_result VALUES (r.grp, o.object, c.variant, COALESCE(want, 'missing'),
                                            left(mine.outcome, 5), got, mine.outcome LIKE '42501 %');
          CONTINUE;
        END IF;
        IF mine.outcome <> 'ok' OR want IN ('self', 'own_only') THEN
          INSERT INTO matrix_result VALUES (r.grp, o.object, c.variant, want, left(mine.outcome, 5), got,
                                            mine.outcome = 'ok');
          CONTINUE;
        END IF;
        filter := CASE WHEN want = 'all' THEN 'true' ELSE pg_temp.m_filter(c.query, r.role_name) END;
        owner := pg_temp.m_try(NULL, c.query, filter);
        IF owner.result IS DISTINCT FROM mine.result THEN
          got := format('%s rows, the owner''s filtered by hand: %s (%s)', cardinality(mine.result),
                        COALESCE(cardinality(owner.result)::text, owner.outcome), filter);
        END IF;
        INSERT INTO matrix_result VALUES (r.grp, o.object, c.variant, want, 'ok', got,
                                          owner.result IS NOT DISTINCT FROM mine.result,
                                          cardinality(mine.result));
      END LOOP;
    END LOOP;
  END LOOP;
  RETURN (SELECT count(*) FROM matrix_result);
END $$;
SELECT pg_temp.m_run() > 0 AS ran;

-- the mismatches
SELECT grp, object, variant, expected, got FROM matrix_result r
WHERE NOT ok ORDER BY (SELECT ord FROM matrix_role m WHERE m.grp = r.grp), object, variant;
-- per group: calls made, permitted, refused, mismatches, and the rows compared with the
-- owner's (results that were compared and not empty, and their rows)
SELECT grp, count(*) AS calls, count(*) FILTER (WHERE outcome = 'ok') AS permitted,
       count(*) FILTER (WHERE outcome = '42501') AS refused, count(*) FILTER (WHERE NOT ok) AS mismatches,
       count(*) FILTER (WHERE compared_rows > 0) AS results_compared, sum(compared_rows) AS rows_compared
FROM matrix_result r GROUP BY grp ORDER BY (SELECT ord FROM matrix_role m WHERE m.grp = r.grp);

-- The catalog check: an object granted to a group role without its expectation (add its row
-- to matrix_expectation), and expectation rows for objects that are gone.
SELECT o.object AS missing_expectation,
       (SELECT string_agg(r.short_name, ', ' ORDER BY r.short_name) FROM security_role r
        WHERE pg_temp.granted(o.kind, o.oid, r.short_name)) AS granted_to
FROM matrix_object o
WHERE EXISTS (SELECT 1 FROM security_role r WHERE pg_temp.m_expected(o, r.short_name) IS NULL)
ORDER BY 1;
SELECT object AS stale_expectation FROM matrix_expectation
WHERE object NOT IN (SELECT object FROM matrix_object) ORDER BY 1;

-- The test of the test, undone afterwards: a bi_* view granted to the grid workers, an
-- owner's-rights view that shows them every resident, a view and a function granted to staff
-- with no expectation row: each is reported.
SAVEPOINT canary;
GRANT SELECT ON bi_area TO commgrid_grid_worker;
CREATE VIEW commgrid.canary_residents AS SELECT resident_id, grid_code FROM commgrid.resident;
GRANT SELECT ON commgrid.canary_residents TO commgrid_grid_worker;
INSERT INTO matrix_expectation VALUES
  ('canary_residents', 'refused', 'refused', 'refused', 'scoped', 'refused', 'refused', 'refused', 'the canary');
CREATE VIEW commgrid.canary_unlisted WITH (security_invoker = true) AS SELECT code FROM commgrid.area;
GRANT SELECT ON commgrid.canary_unlisted TO commgrid_township_staff;
CREATE FUNCTION commgrid.canary_count(g gridcode) RETURNS bigint LANGUAGE sql STABLE
  BEGIN ATOMIC SELECT count(*) FROM commgrid.resident r WHERE r.grid_code OPERATOR(commgrid.<@) g; END;
TRUNCATE matrix_result;
SELECT pg_temp.m_run('{grid_worker}', '{bi_area, canary_residents}') AS calls;
SELECT grp, object, variant, expected, got FROM matrix_result WHERE NOT ok ORDER BY object;
SELECT o.object AS missing_expectation FROM matrix_object o
WHERE EXISTS (SELECT 1 FROM security_role r WHERE pg_temp.m_expected(o, r.short_name) IS NULL)
ORDER BY 1;
ROLLBACK TO SAVEPOINT canary;

\i test/fixtures/security_cleanup.psql
ROLLBACK;
