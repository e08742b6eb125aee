-- Hand-written part of pg_commgrid--0.1.0--0.2.0.sql (sql/updates/README.md).  It runs after
-- the generated block that drops every view, policy and trigger of the extension; the part
-- after the "@after" marker runs after the new install script's objects exist.
-- Each change to a table of 0.1.0 is here, with its data migrated.
--
-- The new objects this part needs before the rest of the new script (the level functions that
-- the area CHECK, the generated columns and the level domains call, and those domains): the
-- generator creates them, from the new install script, just before this part.
-- @early: area_levels, level_depth, level_hint, kind_depth, level_kinds, code_is_level, grid_code, community_code, district_code

-- issue 9: a jurisdiction or liaison names its role by OID (a renamed role keeps its rows).  A
-- row naming a role that no longer exists grants nothing; the update refuses to guess and
-- names it, so the district deletes it (or creates the role) and runs the update again.
DO $hand$
DECLARE
  bad text;
BEGIN
  SELECT string_agg(DISTINCT t || ': ' || r, ', ') INTO bad
  FROM (SELECT 'jurisdiction' AS t, role_name::text AS r FROM commgrid.jurisdiction
        UNION ALL SELECT 'liaison_unit', role_name::text FROM commgrid.liaison_unit) x
  WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = x.r);
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'rows name roles that do not exist'
      USING ERRCODE = '23503', DETAIL = pg_catalog.left(bad, 500),
            HINT = 'Delete those rows (they grant nothing) or create the roles, then update again.';
  END IF;
END
$hand$;
ALTER TABLE jurisdiction ALTER COLUMN role_name TYPE regrole USING role_name::text::regrole;
ALTER TABLE liaison_unit ALTER COLUMN role_name TYPE regrole USING role_name::text::regrole;

-- issue 11 (levels): provinces and cities in the area tree, rural townships and township units
-- at depth 4, every depth read from the one level table in C (kind_depth, level_depth).  A
-- generated column's expression cannot be altered (PostgreSQL 15): parent is added again
-- (same values for every row 0.1.0 allowed), with its foreign key and index.
ALTER TABLE area DROP CONSTRAINT area_kind_fits_level;
ALTER TABLE area DROP COLUMN parent;
ALTER TABLE area ADD COLUMN parent gridcode GENERATED ALWAYS AS
             (CASE WHEN commgrid.kind_depth(kind) <= commgrid.level_depth('district') THEN NULL
                   ELSE commgrid.parent(code) END) STORED
             REFERENCES area (code) ON UPDATE RESTRICT ON DELETE RESTRICT;
CREATE INDEX area_parent_idx ON area (parent);
ALTER TABLE area ADD CONSTRAINT area_kind_fits_level
  CHECK (commgrid.kind_depth(kind) IS NOT DISTINCT FROM commgrid.depth(code));
ALTER TABLE assigned_table DROP CONSTRAINT assigned_table_level_check;
ALTER TABLE assigned_table ADD CONSTRAINT assigned_table_level_check
  CHECK (commgrid.level_kinds(level) IS NOT NULL);
ALTER TABLE leader DROP CONSTRAINT leader_area_fits_level;
ALTER TABLE leader ADD CONSTRAINT leader_area_fits_level
  CHECK (commgrid.depth(area_code) = commgrid.kind_depth(level));
ALTER TABLE area_responsibility DROP CONSTRAINT area_responsibility_level;
ALTER TABLE area_responsibility ADD CONSTRAINT area_responsibility_level
  CHECK (commgrid.level(area_code) IN ('community', 'grid'));

-- issue 11 (levels): columns that hold the code of one level take a level domain (grid_code,
-- community_code, district_code) instead of their own depth CHECK.  0.1.0's CHECKs allowed
-- only such codes, so the domains' checks pass for every row; no table is rewritten.
ALTER TABLE unit DROP CONSTRAINT unit_community_is_community,
  ALTER COLUMN community_code TYPE community_code;
ALTER TABLE contact_point DROP CONSTRAINT contact_point_is_community,
  ALTER COLUMN community_code TYPE community_code;
ALTER TABLE joint_meeting DROP CONSTRAINT joint_meeting_is_community,
  ALTER COLUMN community_code TYPE community_code;
ALTER TABLE cobuilding_need DROP CONSTRAINT cobuilding_need_is_community,
  ALTER COLUMN community_code TYPE community_code;
ALTER TABLE member_report DROP CONSTRAINT member_report_is_community,
  ALTER COLUMN community_code TYPE community_code;
ALTER TABLE assessment_campaign DROP CONSTRAINT assessment_campaign_is_district,
  ALTER COLUMN district_code TYPE district_code;
ALTER TABLE party_org DROP CONSTRAINT party_org_community_is_community,
  DROP CONSTRAINT party_org_grid_in_community,
  ALTER COLUMN community_code TYPE community_code,
  ALTER COLUMN grid_code TYPE grid_code,
  ADD CONSTRAINT party_org_grid_in_community CHECK (grid_code IS NULL OR grid_code <@ community_code);
ALTER TABLE party_member DROP CONSTRAINT party_member_grid_in_community,
  ALTER COLUMN grid_code TYPE grid_code,
  ADD CONSTRAINT party_member_grid_in_community CHECK (grid_code IS NULL OR grid_code <@ community_code);

-- issue 11 (levels) and (rules): the generated community columns read the community's depth
-- from the level table; households and grid staff take grid_code, and their location loses
-- the typmod (Point, 4490) for the enforce_* CHECKs, so that 4326 reaches the trigger that
-- transforms it (store_location).  A generated column is added again (same values), with its
-- index; the column moves last in SELECT *.  The engine's trigger (kept by the generated
-- block) is bound to the location column: it goes for the ALTER and comes back as
-- register_assigned_table made it from the tables' assigned_table rows.
DROP TRIGGER commgrid_assign_location ON household;
DROP TRIGGER commgrid_assign_location ON grid_staff;
ALTER TABLE household DROP COLUMN community_code;
ALTER TABLE household DROP CONSTRAINT household_grid_is_grid,
  ALTER COLUMN grid_code TYPE grid_code,
  ALTER COLUMN location TYPE geometry,
  ADD CONSTRAINT enforce_srid_location CHECK (st_srid(location) = 4490),
  ADD CONSTRAINT enforce_geotype_location CHECK (geometrytype(location) = 'POINT'),
  ADD COLUMN community_code gridcode GENERATED ALWAYS AS (
                   commgrid.ancestor(grid_code, commgrid.level_depth('community'))) STORED;
CREATE INDEX household_community_code_idx ON household (community_code);
ALTER TABLE grid_staff DROP COLUMN community_code;
ALTER TABLE grid_staff DROP CONSTRAINT grid_staff_grid_is_grid,
  ALTER COLUMN grid_code TYPE grid_code,
  ALTER COLUMN location TYPE geometry,
  ADD CONSTRAINT enforce_srid_location CHECK (st_srid(location) = 4490),
  ADD CONSTRAINT enforce_geotype_location CHECK (geometrytype(location) = 'POINT'),
  ADD COLUMN community_code gridcode GENERATED ALWAYS AS (
                   commgrid.ancestor(grid_code, commgrid.level_depth('community'))) STORED;
CREATE INDEX grid_staff_community_code_idx ON grid_staff (community_code);
CREATE TRIGGER commgrid_assign_location BEFORE INSERT OR UPDATE OF location ON household
  FOR EACH ROW EXECUTE FUNCTION commgrid.assign_location('location', 'grid_code', 'grid');
CREATE TRIGGER commgrid_assign_location BEFORE INSERT OR UPDATE OF location ON grid_staff
  FOR EACH ROW EXECUTE FUNCTION commgrid.assign_location('location', 'grid_code', 'grid');
ALTER TABLE resident DROP COLUMN community_code;
ALTER TABLE resident ADD COLUMN community_code gridcode GENERATED ALWAYS AS (
                   CASE WHEN commgrid.level(grid_code) = 'grid'
                        THEN commgrid.ancestor(grid_code, commgrid.level_depth('community')) END) STORED;
CREATE INDEX resident_community_code_idx ON resident (community_code);
ALTER TABLE area_responsibility DROP COLUMN community_code;
ALTER TABLE area_responsibility ADD COLUMN community_code gridcode GENERATED ALWAYS AS
  (commgrid.ancestor(area_code, commgrid.level_depth('community'))) STORED;
CREATE INDEX area_responsibility_community_code_idx ON area_responsibility (community_code);

-- issue 11 (rules): the unique constraint is named for the message a second rating gets
ALTER TABLE assessment_rating RENAME CONSTRAINT assessment_rating_once
  TO assessment_rating_one_per_rater_ratee_and_indicator;

-- issue 9: audit entries carry the area they are about (row-level security on the log).
-- issue 11 (rules): and the person who deleted a row (commgrid.person_id of the session).
ALTER TABLE audit_log ADD COLUMN scope_code gridcode,
  ADD COLUMN person_id bigint DEFAULT nullif(current_setting('commgrid.person_id', true), '')::bigint;

-- issue 11 (rules): assessment_rating_history is gone; the audit log is the one record of
-- rating changes (the view assessment_rating_changes reads it).  0.1.0 wrote each change to
-- both, so a history row is copied only when the log has no entry for that change (the log
-- had been cut short or the change made as a BULK entry): the n-th history row of a rating
-- with the same action and scores is matched with the n-th such log entry.  The copy holds
-- what the history kept, in the log's form: the row's key; the rating's columns the history
-- recorded, with its score before (old_values) and after (new_values); the entering person as
-- entered_by and, for a delete, as person_id; the time of the change.  The history recorded no
-- role but its trigger's owner (db_user, SECURITY DEFINER) and no transaction: both role
-- columns get db_user, xact_id the update's, and via names the history table.
INSERT INTO audit_log (at, session_role, acting_role, action, table_name, row_key, old_values, new_values,
                       via, person_id)
SELECT h.changed_at, h.db_user, h.db_user, upper(h.action), 'commgrid.assessment_rating',
       pg_catalog.jsonb_build_object('rating_id', h.rating_id),
       CASE WHEN h.action <> 'insert' THEN r || pg_catalog.jsonb_build_object('score', h.old_score) END,
       CASE WHEN h.action <> 'delete'
            THEN r || pg_catalog.jsonb_build_object('score', h.new_score, 'entered_by', h.changed_by) END,
       'assessment_rating_history', CASE WHEN h.action = 'delete' THEN h.changed_by END
  FROM (SELECT h.*, row_number() OVER (PARTITION BY h.rating_id, h.action, h.old_score, h.new_score
                                       ORDER BY h.history_id) AS nth
          FROM assessment_rating_history h) h
 CROSS JOIN LATERAL pg_catalog.jsonb_build_object(
       'rating_id', h.rating_id, 'campaign_id', h.campaign_id, 'indicator_id', h.indicator_id,
       'rater_code', h.rater_code::text, 'rater_unit_id', h.rater_unit_id, 'ratee_unit_id', h.ratee_unit_id,
       'ratee_code', h.ratee_code::text, 'community_code', h.community_code::text, 'unit_id', h.unit_id) r
 WHERE h.nth > (SELECT count(*) FROM audit_log a
                 WHERE a.table_name = 'commgrid.assessment_rating' AND a.action = upper(h.action)
                   AND a.row_key ->> 'rating_id' = h.rating_id::text
                   AND (a.old_values ->> 'score')::numeric IS NOT DISTINCT FROM h.old_score
                   AND (a.new_values ->> 'score')::numeric IS NOT DISTINCT FROM h.new_score)
 ORDER BY h.history_id;
-- then the history table goes, with its secured_table row (a regclass: once the table is
-- dropped the row would name an OID that is nothing, and create_roles() would fail on it; a
-- dropped table would not leave pg_extension.extconfig, and pg_dump would find OIDs there
-- that name nothing: ALTER EXTENSION ... DROP takes the table and its sequence out first)
DELETE FROM secured_table WHERE table_name = 'assessment_rating_history'::regclass;
ALTER EXTENSION pg_commgrid DROP SEQUENCE assessment_rating_history_history_id_seq;
ALTER EXTENSION pg_commgrid DROP TABLE assessment_rating_history;
DROP TABLE assessment_rating_history;

-- issue 9: the entries written before 0.2.0 (the copied history too) get the district's code:
-- district administrators keep reading them.
UPDATE audit_log SET scope_code = (SELECT code FROM area WHERE kind = 'district' ORDER BY code LIMIT 1);

-- issue 10: the registration day.  The residents registered under 0.1.0 get the day of the
-- update in the district (0.1.0 did not record it); the default comes after, with
-- commgrid.district_today().
ALTER TABLE resident ADD COLUMN registered_on date;
UPDATE resident SET registered_on = (pg_catalog.now() AT TIME ZONE 'Asia/Shanghai')::date;
ALTER TABLE resident ALTER COLUMN registered_on SET NOT NULL;

-- @after

-- issue 10: "today" in the district rather than in the session's time zone
ALTER TABLE resident ALTER COLUMN registered_on SET DEFAULT commgrid.district_today();
ALTER TABLE cobuilding_need ALTER COLUMN published_on SET DEFAULT commgrid.district_today();
ALTER TABLE cobuilding_resource ALTER COLUMN published_on SET DEFAULT commgrid.district_today();
