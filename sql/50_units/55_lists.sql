-- The three lists (需求清单、资源清单、项目清单) and dual reporting (双报到).

CREATE TABLE cobuilding_need (
  need_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_code community_code NOT NULL REFERENCES area (code),
  title          text NOT NULL CHECK (btrim(title) <> ''),
  category       text NOT NULL,
  detail         text,
  published_on   date NOT NULL DEFAULT commgrid.district_today(),
  status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'matched', 'closed'))
);
CREATE INDEX cobuilding_need_community_code_idx ON cobuilding_need (community_code);
COMMENT ON TABLE cobuilding_need IS 'The needs list (需求清单): what a community asks its units for';
COMMENT ON COLUMN cobuilding_need.need_id IS 'Generated number of the need (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN cobuilding_need.community_code IS 'the community publishing the need';
COMMENT ON COLUMN cobuilding_need.title IS 'the need';
COMMENT ON COLUMN cobuilding_need.category IS 'e.g. elderly care, youth, venue, employment, environment';
COMMENT ON COLUMN cobuilding_need.detail IS 'description';
COMMENT ON COLUMN cobuilding_need.published_on IS 'Date published; defaults to the district''s today';
COMMENT ON COLUMN cobuilding_need.status IS 'open, matched (a project takes it up) or closed';
SELECT commgrid.secure_table('commgrid.cobuilding_need', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.register_dump('commgrid.cobuilding_need');

CREATE TABLE cobuilding_resource (
  resource_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  unit_id        bigint NOT NULL REFERENCES unit,
  community_code gridcode NOT NULL REFERENCES area (code),
  title          text NOT NULL CHECK (btrim(title) <> ''),
  category       text NOT NULL,
  detail         text,
  published_on   date NOT NULL DEFAULT commgrid.district_today(),
  status         text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'committed', 'withdrawn')),
  UNIQUE (resource_id, community_code)
);
CREATE INDEX cobuilding_resource_community_code_idx ON cobuilding_resource (community_code);
CREATE INDEX cobuilding_resource_unit_idx ON cobuilding_resource (unit_id);
COMMENT ON TABLE cobuilding_resource IS 'The resources list (资源清单): what a unit offers a community it co-builds with';
COMMENT ON COLUMN cobuilding_resource.resource_id IS 'Generated number of the resource (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN cobuilding_resource.unit_id IS 'the unit offering it';
COMMENT ON COLUMN cobuilding_resource.community_code IS 'the community it is offered to (one the unit co-builds with)';
COMMENT ON COLUMN cobuilding_resource.title IS 'the resource';
COMMENT ON COLUMN cobuilding_resource.category IS 'e.g. venue, volunteers, expertise, funds, equipment';
COMMENT ON COLUMN cobuilding_resource.detail IS 'description';
COMMENT ON COLUMN cobuilding_resource.published_on IS 'Date published; defaults to the district''s today';
COMMENT ON COLUMN cobuilding_resource.status IS 'available, committed or withdrawn';
-- a unit liaison keeps its own units' resources
SELECT commgrid.secure_table('commgrid.cobuilding_resource', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}', true);
SELECT commgrid.register_dump('commgrid.cobuilding_resource');

CREATE TABLE cobuilding_project (
  project_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  need_id        bigint NOT NULL REFERENCES cobuilding_need,
  resource_id    bigint NOT NULL REFERENCES cobuilding_resource,
  community_code gridcode NOT NULL,
  unit_id        bigint NOT NULL,
  title          text NOT NULL CHECK (btrim(title) <> ''),
  status         text NOT NULL DEFAULT 'planned'
                   CHECK (status IN ('planned', 'in_progress', 'completed', 'cancelled')),
  outcome        text,
  starts         date,
  ends           date,
  CONSTRAINT cobuilding_project_period CHECK (ends IS NULL OR starts IS NULL OR ends >= starts),
  CONSTRAINT cobuilding_project_outcome CHECK (status <> 'completed' OR (outcome IS NOT NULL AND ends IS NOT NULL))
);
CREATE INDEX cobuilding_project_community_code_idx ON cobuilding_project (community_code);
CREATE INDEX cobuilding_project_unit_idx ON cobuilding_project (unit_id);
COMMENT ON TABLE cobuilding_project IS
  'The projects list (项目清单): a co-building project matches a community''s need to a unit''s resource';
COMMENT ON COLUMN cobuilding_project.project_id IS 'Generated number of the project (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN cobuilding_project.need_id IS 'the need it meets';
COMMENT ON COLUMN cobuilding_project.resource_id IS 'the resource it uses; offered to the need''s community';
COMMENT ON COLUMN cobuilding_project.community_code IS 'the need''s community (filled in from the need)';
COMMENT ON COLUMN cobuilding_project.unit_id IS 'the resource''s unit (filled in from the resource)';
COMMENT ON COLUMN cobuilding_project.title IS 'the project';
COMMENT ON COLUMN cobuilding_project.status IS 'planned, in_progress, completed or cancelled';
COMMENT ON COLUMN cobuilding_project.outcome IS 'what it achieved; required once completed';
COMMENT ON COLUMN cobuilding_project.starts IS 'First day in force (a date; compared with the district''s today)';
COMMENT ON COLUMN cobuilding_project.ends IS 'last day; required once completed';
SELECT commgrid.secure_table('commgrid.cobuilding_project', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.register_dump('commgrid.cobuilding_project');

-- Dual reporting: a unit reports to the community where it is based ...
CREATE TABLE unit_report (
  unit_report_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  unit_id        bigint NOT NULL REFERENCES unit,
  community_code gridcode NOT NULL REFERENCES area (code),
  reported_on    date NOT NULL,
  ended_on       date,
  liaison_id     bigint REFERENCES resident (resident_id),
  CONSTRAINT unit_report_period CHECK (ended_on IS NULL OR ended_on >= reported_on),
  UNIQUE (unit_id, community_code, reported_on)
);
CREATE INDEX unit_report_community_code_idx ON unit_report (community_code);
COMMENT ON TABLE unit_report IS 'Dual reporting (双报到) of units: a unit reports to a community it is based in';
COMMENT ON COLUMN unit_report.unit_report_id IS 'Generated number of the unit report (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN unit_report.unit_id IS 'the unit';
COMMENT ON COLUMN unit_report.community_code IS 'a community the unit co-builds with';
COMMENT ON COLUMN unit_report.reported_on IS 'Date of the report; it is in force from this day until ended_on';
COMMENT ON COLUMN unit_report.ended_on IS 'day the report ended (unit moved); NULL while in force';
COMMENT ON COLUMN unit_report.liaison_id IS 'the unit''s liaison person for the community';
-- a unit liaison keeps its own units' reports
SELECT commgrid.secure_table('commgrid.unit_report', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}', true);
SELECT commgrid.register_dump('commgrid.unit_report');

-- ... and its in-service Party members report to the community where they live or work.
CREATE TABLE member_report (
  member_report_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id        bigint NOT NULL REFERENCES resident (resident_id),
  unit_id          bigint NOT NULL REFERENCES unit,
  community_code   community_code NOT NULL REFERENCES area (code),
  basis            text NOT NULL CHECK (basis IN ('residence', 'workplace')),
  reported_on      date NOT NULL,
  ended_on         date,
  CONSTRAINT member_report_period CHECK (ended_on IS NULL OR ended_on >= reported_on),
  UNIQUE (person_id, community_code, reported_on)
);
CREATE INDEX member_report_community_code_idx ON member_report (community_code);
CREATE INDEX member_report_unit_idx ON member_report (unit_id);
CREATE INDEX member_report_person_idx ON member_report (person_id);
COMMENT ON TABLE member_report IS
  'Dual reporting (双报到) of in-service Party members: each reports to the community where they live or where their unit is';
COMMENT ON COLUMN member_report.member_report_id IS 'Generated number of the member report (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN member_report.person_id IS 'the Party member';
COMMENT ON COLUMN member_report.unit_id IS 'the unit the member works for';
COMMENT ON COLUMN member_report.community_code IS 'the community reported to';
COMMENT ON COLUMN member_report.basis IS 'residence (where the member lives) or workplace (a community the unit co-builds with)';
COMMENT ON COLUMN member_report.reported_on IS 'Date of the report; it is in force from this day until ended_on';
COMMENT ON COLUMN member_report.ended_on IS 'day the report ended; NULL while in force';
SELECT commgrid.secure_table('commgrid.member_report', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}', true);
SELECT commgrid.register_dump('commgrid.member_report');

CREATE TABLE service_record (
  service_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_code gridcode NOT NULL REFERENCES area (code),
  unit_id        bigint NOT NULL REFERENCES unit,
  person_id      bigint REFERENCES resident (resident_id),
  served_on      date NOT NULL,
  hours          numeric(6, 2) NOT NULL CHECK (hours > 0 AND hours <= 24),
  activity       text NOT NULL CHECK (btrim(activity) <> ''),
  project_id     bigint REFERENCES cobuilding_project
);
CREATE INDEX service_record_community_code_idx ON service_record (community_code, served_on);
CREATE INDEX service_record_unit_idx ON service_record (unit_id);
CREATE INDEX service_record_person_idx ON service_record (person_id);
COMMENT ON TABLE service_record IS
  'Service done in a community by a reported unit (person_id NULL) or by one of its reported members';
COMMENT ON COLUMN service_record.service_id IS 'Generated number of the service record (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN service_record.community_code IS 'the community served';
COMMENT ON COLUMN service_record.unit_id IS 'the unit (the member''s unit for a member''s service)';
COMMENT ON COLUMN service_record.person_id IS 'the member who served; NULL for the unit as a whole';
COMMENT ON COLUMN service_record.served_on IS 'Date of the service; a dual report must be in force on it';
COMMENT ON COLUMN service_record.hours IS 'hours of service that day (per person)';
COMMENT ON COLUMN service_record.activity IS 'what was done';
COMMENT ON COLUMN service_record.project_id IS 'the co-building project it belongs to, if any';
SELECT commgrid.secure_table('commgrid.service_record', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}', true);
SELECT commgrid.register_dump('commgrid.service_record');

-- The rules of the lists and of dual reporting.
-- A project matches a need and a resource of one community, and takes its scope from them.
-- Another jurisdiction's need or resource is refused before the rule tells its title and
-- community, and a missing one with the very same 42501 (check_writer_reach): it was left to
-- the foreign key, so a missing and a hidden resource answered differently.
CREATE FUNCTION cobuilding_project_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  n commgrid.cobuilding_need;
  r commgrid.cobuilding_resource;
BEGIN
  SELECT * INTO n FROM commgrid.cobuilding_need WHERE need_id = NEW.need_id;
  SELECT * INTO r FROM commgrid.cobuilding_resource WHERE resource_id = NEW.resource_id;
  PERFORM commgrid.check_writer_reach(n.community_code, format('need %s', NEW.need_id));
  PERFORM commgrid.check_writer_reach(r.community_code, format('resource %s', NEW.resource_id));
  IF n.need_id IS NULL OR r.resource_id IS NULL THEN
    RETURN NEW;   -- the owner: the foreign keys report it
  END IF;
  IF n.community_code <> r.community_code THEN
    RAISE EXCEPTION 'resource "%" is offered to community %, need "%" is community %''s', commgrid.echo_value(r.title), r.community_code, commgrid.echo_value(n.title), n.community_code
      USING ERRCODE = '23514',
            DETAIL = format('Project "%s" must match a need to a resource offered to the same community.', commgrid.echo_value(NEW.title));
  END IF;
  NEW.community_code := n.community_code;
  NEW.unit_id := r.unit_id;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION cobuilding_project_check() FROM PUBLIC;
COMMENT ON FUNCTION cobuilding_project_check() IS
  'Trigger: a project names a need and a resource the writer reaches (42501 otherwise, as for missing ones) of one community, and takes their community and unit';

-- A resource, a unit's dual report or a member's workplace report names a community its unit
-- co-builds with.  Arguments: what the row is, and the hint.
CREATE FUNCTION cobuilding_tie_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  PERFORM commgrid.refuse_unless_cobuilds(NEW.unit_id, NEW.community_code,
    format('A %s must name a community the unit''s campus is in.', TG_ARGV[0]), TG_ARGV[1]);
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION cobuilding_tie_check() FROM PUBLIC;
COMMENT ON FUNCTION cobuilding_tie_check() IS
  'Trigger (arguments: what the row is, hint): the row''s unit co-builds with its community';

-- Service is recorded for a unit, or a member, whose report to the community was in force.
-- keyed lookups only: enable_seqscan off (docs/design/cached-plans.md)
CREATE FUNCTION service_record_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp
  SET enable_seqscan = off AS $$
BEGIN
  PERFORM commgrid.check_writer_reaches_cobuilding(NEW.unit_id, NEW.community_code);
  IF NEW.person_id IS NULL THEN
    IF NOT EXISTS (SELECT 1 FROM commgrid.unit_report ur
                    WHERE ur.unit_id = NEW.unit_id AND ur.community_code = NEW.community_code
                      AND NEW.served_on >= ur.reported_on AND (ur.ended_on IS NULL OR NEW.served_on <= ur.ended_on)) THEN
      RAISE EXCEPTION '% had not reported to community % on %', commgrid.unit_label(NEW.unit_id), NEW.community_code, NEW.served_on
        USING ERRCODE = '23514',
              DETAIL = 'Service is recorded for units that have reported (双报到) to the community served.',
              HINT = 'Record the unit''s report in unit_report first.';
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM commgrid.member_report mr
                     WHERE mr.person_id = NEW.person_id AND mr.unit_id = NEW.unit_id
                       AND mr.community_code = NEW.community_code
                       AND NEW.served_on >= mr.reported_on AND (mr.ended_on IS NULL OR NEW.served_on <= mr.ended_on)) THEN
    RAISE EXCEPTION 'member % of % had not reported to community % on %', NEW.person_id, commgrid.unit_label(NEW.unit_id), NEW.community_code, NEW.served_on
      USING ERRCODE = '23514',
            DETAIL = 'Service is recorded for members who have reported (双报到) to the community served.',
            HINT = 'Record the member''s report in member_report first.';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION service_record_check() FROM PUBLIC;
COMMENT ON FUNCTION service_record_check() IS
  'Trigger: service needs the unit''s (or the member''s) report to the community in force on the day';

CREATE TRIGGER cobuilding_project_check BEFORE INSERT OR UPDATE ON cobuilding_project
  FOR EACH ROW EXECUTE FUNCTION cobuilding_project_check();
CREATE TRIGGER cobuilding_resource_check BEFORE INSERT OR UPDATE ON cobuilding_resource
  FOR EACH ROW EXECUTE FUNCTION cobuilding_tie_check('resource',
    'The communities a unit co-builds with are in unit_community, from its location or footprint.');
CREATE TRIGGER unit_report_check BEFORE INSERT OR UPDATE ON unit_report
  FOR EACH ROW EXECUTE FUNCTION cobuilding_tie_check('unit''s dual report',
    'The communities a unit co-builds with are in unit_community, from its location or footprint.');
-- a member may live anywhere: only a workplace report needs the tie
CREATE TRIGGER member_report_check BEFORE INSERT OR UPDATE ON member_report
  FOR EACH ROW WHEN (NEW.basis <> 'residence')
  EXECUTE FUNCTION cobuilding_tie_check('member''s workplace report',
    'A member reports to the community of the unit (workplace) or of their home (residence).');
CREATE TRIGGER service_record_check BEFORE INSERT OR UPDATE ON service_record
  FOR EACH ROW EXECUTE FUNCTION service_record_check();

-- foreign keys get an index, so deleting the referenced row never scans this table
CREATE INDEX unit_report_liaison_id_idx ON unit_report (liaison_id);
CREATE INDEX cobuilding_project_need_id_idx ON cobuilding_project (need_id);
CREATE INDEX service_record_project_id_idx ON service_record (project_id);
CREATE INDEX cobuilding_project_resource_id_idx ON cobuilding_project (resource_id);
