-- Party work staffing (issue 16): who holds which Party-work post in a community, on which
-- pay scheme, since when; the person's own annual appraisal; the area's settings; and which
-- login is which person, so that a secretary can read their own stipend.

-- The area's tunable rules (training hours, contact intervals, staffing norms, review period).
-- As compliance_setting: the installed rows come from staffing_setting_defaults(), pg_dump
-- keeps only rows a user added or changed, and a restored row replaces the installed one.
CREATE TABLE staffing_setting (
  name        text PRIMARY KEY,
  value       numeric NOT NULL,
  description text NOT NULL
);
COMMENT ON TABLE staffing_setting IS
  'Tunable rules of Party work staffing: training class hours, education intervals, staffing norms, the leaders'' review period';
COMMENT ON COLUMN staffing_setting.name IS 'Setting name';
COMMENT ON COLUMN staffing_setting.value IS 'Its value';
COMMENT ON COLUMN staffing_setting.description IS 'What it sets, and its unit';
SELECT commgrid.secure_table('commgrid.staffing_setting', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin}');

CREATE FUNCTION staffing_setting_defaults() RETURNS SETOF staffing_setting
LANGUAGE sql IMMUTABLE PARALLEL SAFE BEGIN ATOMIC
  VALUES ('training_member_hours', 32::numeric, 'Class hours (学时) a Party member must have a year'),
         ('training_secretary_hours', 56, 'Class hours a secretary or committee member must have a year'),
         ('training_secretary_centralised', 1, 'Centralised sessions (集中培训) a secretary or committee member must attend a year'),
         ('training_rotation_years', 1, 'Every how many years each secretary must attend rotation training (轮训)'),
         ('training_induction_months', 6, 'Months within which a new secretary must attend induction training (任职培训)'),
         ('education_period_months', 3, 'Length of an education period in months: tasks are generated per period'),
         ('outflow_contact_days', 30, 'Days between two tracking contacts with a member away (outflow)'),
         ('outflow_intervals_listed', 6, 'How many of the latest contact intervals of a member away outflow_missed_contact checks'),
         ('norm_workers_per_community', 9, 'Fewest full-time community workers a community should have'),
         ('norm_households_per_worker', 300, 'Most households per full-time community or grid worker'),
         ('review_period_months', 6, 'A leader reviews each community of their area at least once in this many months');
END;
COMMENT ON FUNCTION staffing_setting_defaults() IS
  'The rows the install script puts into staffing_setting (pg_dump leaves out rows still equal to one of them)';
INSERT INTO staffing_setting SELECT * FROM staffing_setting_defaults();
SELECT commgrid.register_dump('commgrid.staffing_setting',
  $$WHERE (name, value, description) NOT IN (SELECT d.name, d.value, d.description FROM commgrid.staffing_setting_defaults() d)$$);

CREATE FUNCTION staffing_setting_replace_default() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  DELETE FROM commgrid.staffing_setting s
   WHERE s.name = NEW.name
     AND (s.name, s.value, s.description) IN (SELECT d.name, d.value, d.description
                                                FROM commgrid.staffing_setting_defaults() d);
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION staffing_setting_replace_default() FROM PUBLIC;
COMMENT ON FUNCTION staffing_setting_replace_default() IS
  'Trigger: a row inserted with the name of a setting still at its installed value replaces it (how pg_restore brings back a changed setting)';
CREATE TRIGGER staffing_setting_replace_default BEFORE INSERT ON staffing_setting
  FOR EACH ROW EXECUTE FUNCTION staffing_setting_replace_default();
ALTER TABLE staffing_setting ENABLE ALWAYS TRIGGER staffing_setting_replace_default;

-- One setting's value; 22023 naming it when it is missing (a deleted row is a broken install).
CREATE FUNCTION staffing_value(setting text) RETURNS numeric
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  v numeric;
BEGIN
  SELECT s.value INTO v FROM commgrid.staffing_setting s WHERE s.name = setting;
  IF v IS NULL THEN
    RAISE EXCEPTION 'staffing setting % is missing', commgrid.echo_value(setting)
      USING ERRCODE = '22023',
            HINT = 'Insert it again from commgrid.staffing_setting_defaults().';
  END IF;
  RETURN v;
END $$;
COMMENT ON FUNCTION staffing_value(text) IS
  'The value of a staffing_setting (22023 when it is missing)';

-- The scheme follows from the post: the two schemes are never mixed in one row.
CREATE FUNCTION post_scheme(post text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN post IN ('community_worker', 'grid_worker') THEN 'worker_pay' ELSE 'secretary_allowance' END;
COMMENT ON FUNCTION post_scheme(text) IS
  'The pay scheme of a post: worker_pay for full-time community and grid workers, secretary_allowance for the part-time Party posts';

-- Posts.  A person may hold several at once (兼任): most secretaries are community workers
-- holding the Party post on the side; the side post names the main one in concurrent_with.
CREATE TABLE party_work_post (
  post_id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  resident_id     bigint NOT NULL REFERENCES resident ON DELETE RESTRICT,
  community_code  community_code NOT NULL REFERENCES area (code) ON UPDATE CASCADE,
  org_id          bigint,
  post            text NOT NULL CHECK (post IN (
                    'secretary', 'deputy_secretary', 'committee_member', 'party_group_leader',
                    'community_worker', 'grid_worker')),
  scheme          text GENERATED ALWAYS AS (commgrid.post_scheme(post)) STORED,
  post_level      text NOT NULL CHECK (post_level IN ('head', 'deputy', 'other')),
  grade           int NOT NULL CHECK (grade BETWEEN 1 AND 18),
  service_start   date NOT NULL,
  starts          date NOT NULL,
  ends            date,
  concurrent_with bigint REFERENCES party_work_post ON DELETE RESTRICT,
  CONSTRAINT party_work_post_period CHECK (ends IS NULL OR ends >= starts),
  CONSTRAINT party_work_post_service CHECK (service_start <= starts),
  CONSTRAINT party_work_post_org_post_has_org CHECK (
    post IN ('community_worker', 'grid_worker') OR org_id IS NOT NULL),
  CONSTRAINT party_work_post_not_own_side CHECK (concurrent_with <> post_id),
  FOREIGN KEY (org_id, community_code) REFERENCES party_org (org_id, community_code)
    ON UPDATE CASCADE ON DELETE RESTRICT
);
CREATE INDEX party_work_post_resident_idx ON party_work_post (resident_id);
CREATE INDEX party_work_post_community_code_idx ON party_work_post (community_code);
CREATE INDEX party_work_post_org_idx ON party_work_post (org_id);
CREATE INDEX party_work_post_concurrent_idx ON party_work_post (concurrent_with);
COMMENT ON TABLE party_work_post IS
  'Party-work posts of the communities: secretaries, deputies and committee members of committees, general branches and branches, Party group leaders (part-time: the secretaries'' allowance), full-time community and grid workers (their pay); a side post (兼任) names its main post';
COMMENT ON COLUMN party_work_post.post_id IS 'Stable post id';
COMMENT ON COLUMN party_work_post.resident_id IS 'The holder (a resident)';
COMMENT ON COLUMN party_work_post.community_code IS 'The community the post serves';
COMMENT ON COLUMN party_work_post.org_id IS 'For a Party post, the organisation (committee, general branch, branch or Party group); NULL for a worker post';
COMMENT ON COLUMN party_work_post.post IS
  'secretary (书记), deputy_secretary (副书记), committee_member (委员), party_group_leader (党小组长), community_worker (专职社区工作者), grid_worker (专职网格员)';
COMMENT ON COLUMN party_work_post.scheme IS 'worker_pay or secretary_allowance, from the post (commgrid.post_scheme)';
COMMENT ON COLUMN party_work_post.post_level IS 'Post level of the basic allowance (三岗): head (正职), deputy (副职), other (一般)';
COMMENT ON COLUMN party_work_post.grade IS 'Grade within the level (十八级: 1-18; the scale says which grades a level has)';
COMMENT ON COLUMN party_work_post.service_start IS 'Start of the years served that the seniority allowance counts';
COMMENT ON COLUMN party_work_post.starts IS 'First day in the post';
COMMENT ON COLUMN party_work_post.ends IS 'Last day in the post; NULL while held';
COMMENT ON COLUMN party_work_post.concurrent_with IS 'For a post held on the side (兼任), the holder''s main post; NULL for a main post';
SELECT commgrid.secure_table('commgrid.party_work_post', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.audit_table('commgrid.party_work_post');
SELECT commgrid.register_dump('commgrid.party_work_post');

-- A side post belongs to the same person as its main post, overlaps it, and the main post
-- is not itself held on the side.  The main post is one the writer reaches (its community in
-- the writer's jurisdiction, check_writer_reach: 42501 for elsewhere and missing alike),
-- checked before any rule answers about it: the rules read it with the owner's rights, and
-- "post 51 is held by resident 330106000008" about another community's post mapped every post
-- to its holder.  So a side post in one community on a main post in another is recorded by
-- the level that reaches both (township staff, the district administrator).  An update that
-- keeps the main post, the holder and the period asks nothing of the main post (a recoded
-- community's cascade, a new grade).
-- keyed lookups only: enable_seqscan off (docs/design/cached-plans.md)
CREATE FUNCTION party_work_post_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp
  SET enable_seqscan = off AS $$
DECLARE
  main commgrid.party_work_post;
  org_kind text;
  names_main boolean := NEW.concurrent_with IS NOT NULL
    AND (TG_OP = 'INSERT'
         OR (NEW.concurrent_with, NEW.resident_id, NEW.starts, NEW.ends)
            IS DISTINCT FROM (OLD.concurrent_with, OLD.resident_id, OLD.starts, OLD.ends));
BEGIN
  IF names_main THEN
    PERFORM commgrid.check_writer_reach(
      (SELECT p.community_code FROM commgrid.party_work_post p WHERE p.post_id = NEW.concurrent_with),
      format('post %s', NEW.concurrent_with));
  END IF;
  IF NEW.org_id IS NOT NULL THEN
    -- within the post's community only: another community's organisation is refused by the
    -- foreign key as a missing one is (its kind, told here, was a hidden row's)
    SELECT o.kind INTO org_kind FROM commgrid.party_org o
    WHERE o.org_id = NEW.org_id AND o.community_code = NEW.community_code;
    IF (org_kind = 'party_group') <> (NEW.post = 'party_group_leader') THEN
      RAISE EXCEPTION 'a % post cannot be held in a %', NEW.post, org_kind
        USING ERRCODE = '23514',
              DETAIL = format('Organisation %s is a %s.', NEW.org_id, org_kind),
              HINT = 'A Party group has a party_group_leader; committees and branches have secretaries, deputies and members.';
    END IF;
  END IF;
  IF NOT names_main THEN
    RETURN NEW;
  END IF;
  SELECT * INTO main FROM commgrid.party_work_post p WHERE p.post_id = NEW.concurrent_with;
  IF main.resident_id <> NEW.resident_id THEN
    RAISE EXCEPTION 'post % is held by another person', NEW.concurrent_with
      USING ERRCODE = '23514',
            DETAIL = format('A side post (兼任) names a main post of the same holder; post %s is held by resident %s, not %s.',
                            main.post_id, main.resident_id, NEW.resident_id);
  ELSIF main.concurrent_with IS NOT NULL THEN
    RAISE EXCEPTION 'post % is itself held on the side', NEW.concurrent_with
      USING ERRCODE = '23514', HINT = format('Name its main post, %s.', main.concurrent_with);
  ELSIF NOT (NEW.starts <= coalesce(main.ends, 'infinity') AND main.starts <= coalesce(NEW.ends, 'infinity')) THEN
    RAISE EXCEPTION 'post % (% to %) does not overlap the side post', main.post_id, main.starts,
                    coalesce(main.ends::text, 'open')
      USING ERRCODE = '23514',
            DETAIL = format('The side post runs %s to %s.', NEW.starts, coalesce(NEW.ends::text, 'open'));
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION party_work_post_check() FROM PUBLIC;
COMMENT ON FUNCTION party_work_post_check() IS
  'Trigger: a Party group has leaders only, other organisations no leaders; a side post (兼任) names an overlapping main post of the same holder, one the writer reaches (42501 for another jurisdiction''s post and a missing one alike)';
CREATE TRIGGER party_work_post_check BEFORE INSERT OR UPDATE ON party_work_post
  FOR EACH ROW EXECUTE FUNCTION party_work_post_check();
-- the holder is a resident the writer reaches (missing alike): a post naming any resident was
-- taken, and payroll_export then showed the community that person's name; a cadre who lives
-- elsewhere is appointed by the township or district staff who reach both
CREATE TRIGGER party_work_post_resident_in_reach BEFORE INSERT OR UPDATE OF resident_id ON party_work_post
  FOR EACH ROW EXECUTE FUNCTION referenced_row_in_reach('resident_id', 'resident', 'resident_id', 'grid_code');

-- The person's own annual appraisal (年度考核), which the performance part and the seniority
-- count read.  Not the community's bidirectional assessment (commgrid.community_assessment).
CREATE TABLE annual_appraisal (
  resident_id    bigint NOT NULL REFERENCES resident ON DELETE RESTRICT,
  year           int NOT NULL CHECK (year BETWEEN 1949 AND 2200),
  community_code community_code NOT NULL REFERENCES area (code) ON UPDATE CASCADE,
  grade          text NOT NULL CHECK (grade IN ('excellent', 'competent', 'basically_competent', 'unsatisfactory')),
  PRIMARY KEY (resident_id, year)
);
CREATE INDEX annual_appraisal_community_code_idx ON annual_appraisal (community_code);
COMMENT ON TABLE annual_appraisal IS
  'A Party worker''s own annual appraisal: the performance part of the next year''s stipend follows it, and a year graded unsatisfactory does not count as seniority';
COMMENT ON COLUMN annual_appraisal.resident_id IS 'The person appraised';
COMMENT ON COLUMN annual_appraisal.year IS 'The year appraised';
COMMENT ON COLUMN annual_appraisal.community_code IS 'The community that appraised';
COMMENT ON COLUMN annual_appraisal.grade IS 'excellent (优秀), competent (称职), basically_competent (基本称职), unsatisfactory (不称职)';
SELECT commgrid.secure_table('commgrid.annual_appraisal', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.mark_personal('commgrid.annual_appraisal', '{grade}');
SELECT commgrid.audit_table('commgrid.annual_appraisal');
SELECT commgrid.register_dump('commgrid.annual_appraisal');

-- The person appraised holds or held a post of the appraising community (one the writer
-- reaches: the community is checked first), the same answer for anyone else and for a missing
-- id: a plain key took any resident of the district, where a missing one got 23503.  A cadre
-- may live outside the community, so the post, not the home, decides.
-- keyed lookups only: enable_seqscan off (docs/design/cached-plans.md)
CREATE FUNCTION annual_appraisal_of_post_holder() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp
  SET enable_seqscan = off AS $$
BEGIN
  PERFORM commgrid.check_writer_reach(NEW.community_code, format('community %s', NEW.community_code));
  IF NOT EXISTS (SELECT 1 FROM commgrid.party_work_post p
                 WHERE p.resident_id = NEW.resident_id AND p.community_code = NEW.community_code) THEN
    RAISE EXCEPTION 'resident % holds no post of community %', NEW.resident_id, NEW.community_code
      USING ERRCODE = '23503',
            HINT = 'An annual appraisal is of a post holder of the community (party_work_post).';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION annual_appraisal_of_post_holder() FROM PUBLIC;
COMMENT ON FUNCTION annual_appraisal_of_post_holder() IS
  'Trigger: the person appraised holds or held a post of the community (23503 otherwise, the same for a missing id), the community one the writer reaches (42501)';
CREATE TRIGGER annual_appraisal_of_post_holder BEFORE INSERT OR UPDATE OF resident_id, community_code ON annual_appraisal
  FOR EACH ROW EXECUTE FUNCTION annual_appraisal_of_post_holder();

-- Which login is which person.  The jurisdiction map says where a role acts; this says who
-- it is, so functions that return a person's own data (my_stipends) know whose.  Keyed by
-- OID, like jurisdiction: a role dropped and created again is a new role and is nobody.
CREATE TABLE person_login (
  role_name   regrole PRIMARY KEY,
  resident_id bigint NOT NULL UNIQUE REFERENCES resident ON DELETE CASCADE
);
COMMENT ON TABLE person_login IS
  'The person (resident_id) a login role belongs to, one login per person: the key of the functions that return a person''s own data';
COMMENT ON COLUMN person_login.role_name IS 'The login role (by OID)';
COMMENT ON COLUMN person_login.resident_id IS 'The person';
SELECT commgrid.secure_table('commgrid.person_login', NULL, '{district_admin}', '{district_admin}');
SELECT commgrid.register_dump('commgrid.person_login');

-- A district administrator maps logins to persons of their own jurisdiction only: else a login
-- of theirs mapped to a person elsewhere would read that person's stipends (my_stipends).
CREATE FUNCTION person_login_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  PERFORM commgrid.check_staff_reach(
    (SELECT r.grid_code FROM commgrid.resident r WHERE r.resident_id = NEW.resident_id),
    format('resident %s', NEW.resident_id));
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION person_login_check() FROM PUBLIC;
COMMENT ON FUNCTION person_login_check() IS
  'Trigger: a login is mapped to a person of the writer''s jurisdiction only (42501 otherwise)';
CREATE TRIGGER person_login_check BEFORE INSERT OR UPDATE ON person_login
  FOR EACH ROW EXECUTE FUNCTION person_login_check();
-- ... and sees, changes and deletes the mappings of those persons only (the resident's own
-- policy decides, read as the caller): the table has no area column of its own, and without
-- this one district's administrator read every district's logins and deleted their mappings.
ALTER TABLE person_login ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_persons ON person_login
  USING (EXISTS (SELECT 1 FROM commgrid.resident r
                 WHERE r.resident_id OPERATOR(pg_catalog.=) person_login.resident_id));
COMMENT ON POLICY own_persons ON person_login IS
  'The mappings of persons the caller reaches (commgrid.resident under its own policy)';

-- The acting login's person (NULL when it is nobody).
CREATE FUNCTION my_person_id() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
  SELECT l.resident_id FROM commgrid.person_login l
  WHERE l.role_name OPERATOR(pg_catalog.=) commgrid.role_oid(commgrid.acting_role())
$$;
REVOKE EXECUTE ON FUNCTION my_person_id() FROM PUBLIC;
COMMENT ON FUNCTION my_person_id() IS
  'The person (resident_id) the acting role is, from person_login; NULL when it is nobody';
