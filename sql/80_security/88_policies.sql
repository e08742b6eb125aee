-- The jurisdiction rule applied to every table of the extension.  THE RULE FOR NEW TABLES:
--   * a table with per-area rows has a gridcode column and gets a secure_table line here
--     with its scope column(s) and the roles that read and write it;
--   * a table of reference data (no per-area rows, nothing personal) gets a secure_table
--     line with NULL scope columns, so its readers are granted SELECT;
--   * personal columns are marked with mark_personal (restricted: ID numbers, phones,
--     addresses, exact locations, which staff read only through the audited staff functions);
--   * tables of residents, members and ratings get audit_table.
-- commgrid.security_findings lists every table and function that breaks the rule; the
-- regression test security_catalog fails on any.

-- personal data, before the grants that depend on it
SELECT commgrid.mark_personal('commgrid.resident', '{name}');
SELECT commgrid.mark_personal('commgrid.resident', '{idcard, phone}', restricted => true);
SELECT commgrid.mark_personal('commgrid.household', '{address, location}', restricted => true);
SELECT commgrid.mark_personal('commgrid.grid_staff', '{name, phone}');
SELECT commgrid.mark_personal('commgrid.floating_member', '{certificate_no}', restricted => true);

-- The area registry: every staff role reads the whole tree (the map is not personal and the
-- assignment of points to grids needs it); only district and township staff change it, and
-- only inside their jurisdiction.
SELECT commgrid.secure_table('commgrid.area', '{code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff}');
CREATE POLICY staff_read ON area FOR SELECT USING (true);
COMMENT ON POLICY staff_read ON area IS
  'Every role granted SELECT reads the whole area tree; writes stay inside the jurisdiction';

-- People: households and residents are kept by every staff level down to the grid worker.
SELECT commgrid.secure_table('commgrid.household', '{grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff, community_staff, grid_worker}');
SELECT commgrid.secure_table('commgrid.resident', '{grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff, community_staff, grid_worker}');
-- Party organisations and members: kept by community staff and above; a grid worker reads
-- the Party group and the members placed in their grids.
SELECT commgrid.secure_table('commgrid.party_org', '{community_code, grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.party_org_committee', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.party_member', '{community_code, grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.floating_member', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.party_dues', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.grid_staff', '{grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff, community_staff}');

-- The boundary history of the areas: read like the areas themselves, written only by the
-- engine's security-definer trigger.
SELECT commgrid.secure_table('commgrid.area_boundary_history', '{code}',
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
CREATE POLICY staff_read ON area_boundary_history FOR SELECT USING (true);
COMMENT ON POLICY staff_read ON area_boundary_history IS
  'Every role granted SELECT reads the whole boundary history, as it reads the area tree';

-- Resident units and co-building (community level: grid workers do not see them).  A unit
-- liaison reads its own units' rows and keeps its own units' resources, reports, services
-- and opinions of the community.
SELECT commgrid.secure_table('commgrid.unit', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.secure_table('commgrid.unit_community', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.secure_table('commgrid.leader', '{area_code}',
  '{district_admin, township_staff, community_staff}', '{district_admin, township_staff}');
SELECT commgrid.secure_table('commgrid.contact_point', '{community_code}',
  '{district_admin, township_staff, community_staff}', '{district_admin, township_staff}');
SELECT commgrid.secure_table('commgrid.area_responsibility', '{area_code, community_code}',
  '{district_admin, township_staff, community_staff}', '{district_admin, township_staff}');
SELECT commgrid.secure_table('commgrid.joint_meeting', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.joint_meeting_member', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.secure_table('commgrid.cobuilding_meeting', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.cobuilding_attendance', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.cobuilding_resolution', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{responsible_unit_id}');
SELECT commgrid.secure_table('commgrid.cross_appointment', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.secure_table('commgrid.cobuilding_need', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.cobuilding_resource', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}', true);
SELECT commgrid.secure_table('commgrid.cobuilding_project', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.secure_table('commgrid.unit_report', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}', true);
SELECT commgrid.secure_table('commgrid.member_report', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}', true);
SELECT commgrid.secure_table('commgrid.service_record', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}', true);
-- Bidirectional assessment: ratings are scoped by the community (rating or rated); a liaison
-- reads the ratings about its unit and enters its unit's opinion of the community.  The
-- rating history is written by the ratings' trigger with the writer's rights.
SELECT commgrid.secure_table('commgrid.assessment_rating', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}');
-- a liaison writes only its unit's opinion of the community (the unit is the rater), never the
-- community's rating of the unit
CREATE POLICY own_unit_opinion_insert ON assessment_rating FOR INSERT
  WITH CHECK (rater_unit_id = ANY ((SELECT commgrid.liaison_units())::bigint[]));
CREATE POLICY own_unit_opinion_update ON assessment_rating FOR UPDATE
  USING (rater_unit_id = ANY ((SELECT commgrid.liaison_units())::bigint[]))
  WITH CHECK (rater_unit_id = ANY ((SELECT commgrid.liaison_units())::bigint[]));
CREATE POLICY own_unit_opinion_delete ON assessment_rating FOR DELETE
  USING (rater_unit_id = ANY ((SELECT commgrid.liaison_units())::bigint[]));
COMMENT ON POLICY own_unit_opinion_insert ON assessment_rating IS
  'A unit liaison enters its own unit''s opinion of the community (rater_unit_id), never a rating of its unit';

-- Reference data the staff's queries and views read.
SELECT commgrid.secure_table('commgrid.boundary_generation', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
SELECT commgrid.secure_table('commgrid.compliance_setting', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{district_admin}');
-- k of the BI views: read by staff, changed by the extension owner only (a district
-- administrator scoped to one township must not weaken every district's protection)
SELECT commgrid.secure_table('commgrid.masking_setting', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
SELECT commgrid.secure_table('commgrid.assigned_table', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
SELECT commgrid.secure_table('commgrid.unit_vocabulary', NULL,
  '{district_admin, township_staff, community_staff, grid_worker, unit_liaison}', '{district_admin}');
-- the assessment's campaigns, indicators and grades are the district's rules, read by all
SELECT commgrid.secure_table('commgrid.assessment_campaign', '{district_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{district_admin}');
CREATE POLICY all_read ON assessment_campaign FOR SELECT USING (true);
COMMENT ON POLICY all_read ON assessment_campaign IS
  'Every role granted SELECT reads the campaigns; the district administrator changes only their district''s';
SELECT commgrid.secure_table('commgrid.assessment_indicator', NULL,
  '{district_admin, township_staff, community_staff, unit_liaison}', '{district_admin}');
SELECT commgrid.secure_table('commgrid.assessment_grade', NULL,
  '{district_admin, township_staff, community_staff, unit_liaison}', '{district_admin}');

-- Views for staff run with the caller's rights, so row-level security applies through them;
-- grant_privileges grants every such view to the staff roles.
ALTER VIEW compliance_kind SET (security_invoker = true);

-- Trigger functions cannot be called directly, but nothing security-definer stays open.
REVOKE EXECUTE ON FUNCTION area_bump_generation() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION area_record_history() FROM PUBLIC;

-- Who was given which jurisdiction or unit, and every change to residents, members and
-- ratings, is audited.
SELECT commgrid.audit_table('commgrid.jurisdiction');
SELECT commgrid.audit_table('commgrid.resident');
SELECT commgrid.audit_table('commgrid.party_member');
SELECT commgrid.audit_table('commgrid.floating_member');
SELECT commgrid.audit_table('commgrid.liaison_unit');
SELECT commgrid.audit_table('commgrid.assessment_rating');

-- The changes of ratings, out of the audit log: the one record of them (there is no separate
-- rating history).  It runs with the caller's rights, so it shows what the caller may read of
-- the log: a district administrator the entries of its jurisdiction, superusers all.
CREATE VIEW assessment_rating_changes WITH (security_invoker = true) AS
SELECT a.id AS change_id, (a.row_key ->> 'rating_id')::bigint AS rating_id, a.action,
       (r ->> 'campaign_id')::bigint AS campaign_id, (r ->> 'indicator_id')::bigint AS indicator_id,
       (r ->> 'rater_code')::commgrid.gridcode AS rater_code, (r ->> 'rater_unit_id')::bigint AS rater_unit_id,
       (r ->> 'ratee_unit_id')::bigint AS ratee_unit_id, (r ->> 'ratee_code')::commgrid.gridcode AS ratee_code,
       (a.old_values ->> 'score')::numeric AS old_score, (a.new_values ->> 'score')::numeric AS new_score,
       CASE WHEN a.action = 'DELETE' THEN a.person_id ELSE (a.new_values ->> 'entered_by')::bigint END AS changed_by,
       a.session_role, a.acting_role, a.at AS changed_at,
       (r ->> 'community_code')::commgrid.gridcode AS community_code, (r ->> 'unit_id')::bigint AS unit_id,
       a.scope_code
  FROM commgrid.audit_log a
  CROSS JOIN LATERAL COALESCE(a.new_values, a.old_values) r
 WHERE a.table_name = 'commgrid.assessment_rating' AND a.action IN ('INSERT', 'UPDATE', 'DELETE');
COMMENT ON VIEW assessment_rating_changes IS
  'Every insert, update and delete of a rating, read from the audit log (so scoped as the log is: district administrators, their jurisdiction); append-only as the log is';
COMMENT ON COLUMN assessment_rating_changes.change_id IS 'The audit_log entry, in order of writing';
COMMENT ON COLUMN assessment_rating_changes.rating_id IS 'The rating changed';
COMMENT ON COLUMN assessment_rating_changes.action IS 'INSERT, UPDATE or DELETE';
COMMENT ON COLUMN assessment_rating_changes.campaign_id IS 'The campaign';
COMMENT ON COLUMN assessment_rating_changes.indicator_id IS 'The indicator (after the change; before it for a delete)';
COMMENT ON COLUMN assessment_rating_changes.rater_code IS 'Rating community or subdistrict';
COMMENT ON COLUMN assessment_rating_changes.rater_unit_id IS 'Rating unit';
COMMENT ON COLUMN assessment_rating_changes.ratee_unit_id IS 'Rated unit';
COMMENT ON COLUMN assessment_rating_changes.ratee_code IS 'Rated community';
COMMENT ON COLUMN assessment_rating_changes.old_score IS 'Score before (NULL for an insert)';
COMMENT ON COLUMN assessment_rating_changes.new_score IS 'Score after (NULL for a delete)';
COMMENT ON COLUMN assessment_rating_changes.changed_by IS
  'Person: entered_by of the new row; for a delete the setting commgrid.person_id of the deleting session (audit_log.person_id), if set';
COMMENT ON COLUMN assessment_rating_changes.session_role IS 'The login role (session_user)';
COMMENT ON COLUMN assessment_rating_changes.acting_role IS 'The role in effect (after SET ROLE), not the owner the triggers run as';
COMMENT ON COLUMN assessment_rating_changes.changed_at IS 'Clock time of the change, with zone';
COMMENT ON COLUMN assessment_rating_changes.community_code IS 'Scope column of the rating: the rating or rated community';
COMMENT ON COLUMN assessment_rating_changes.unit_id IS 'Scope column of the rating: the unit concerned';
COMMENT ON COLUMN assessment_rating_changes.scope_code IS 'The area the audit entry is scoped to (row-level security of the log)';
