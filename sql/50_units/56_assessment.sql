-- Bidirectional assessment (双向考核).  Direction 1: each community Party organisation rates the
-- co-building of the units it co-builds with; the result enters the unit's annual target
-- assessment with the campaign's weight.  Direction 2: each subdistrict rates its communities,
-- the communities' units give their opinion, and both are combined with the campaign's weights.
--
-- A rater's total for a ratee is 100 · Σ wᵢ·sᵢ/mᵢ / Σ wᵢ over the indicators of its set
-- (weight w, maximum m, score s; an indicator not rated counts 0).  A unit's score is the
-- weighted_mean of its communities' totals weighted by the share of its campus in each; a
-- community's opinion score is the trimmed_mean of its units' totals (campaign.opinion_trim);
-- its combined score is the weighted_mean of the subdistrict's total and the opinion score
-- (a missing part drops out and the other carries the whole weight).

CREATE TABLE assessment_campaign (
  campaign_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  district_code      district_code NOT NULL REFERENCES area (code),
  year               int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  name               text NOT NULL CHECK (btrim(name) <> ''),
  status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  unit_target_weight numeric NOT NULL DEFAULT 0.10 CHECK (unit_target_weight > 0 AND unit_target_weight <= 1),
  subdistrict_weight numeric NOT NULL DEFAULT 0.70 CHECK (subdistrict_weight >= 0 AND subdistrict_weight <= 1),
  opinion_weight     numeric NOT NULL DEFAULT 0.30 CHECK (opinion_weight >= 0 AND opinion_weight <= 1),
  opinion_trim       int NOT NULL DEFAULT 0 CHECK (opinion_trim >= 0),
  closed_at          timestamptz,
  CONSTRAINT assessment_campaign_weights CHECK (subdistrict_weight + opinion_weight = 1),
  CONSTRAINT assessment_campaign_closed CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
  UNIQUE (district_code, year)
);
CREATE INDEX assessment_campaign_district_code_idx ON assessment_campaign (district_code);
COMMENT ON TABLE assessment_campaign IS
  'Annual bidirectional assessment campaigns (双向考核) of a district; closed campaigns are read-only';
COMMENT ON COLUMN assessment_campaign.campaign_id IS 'Generated number of the campaign (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN assessment_campaign.district_code IS 'the district';
COMMENT ON COLUMN assessment_campaign.year IS 'the year assessed';
COMMENT ON COLUMN assessment_campaign.name IS 'title, e.g. 2025年度区域化党建双向考核';
COMMENT ON COLUMN assessment_campaign.status IS 'open, or closed (then nothing of it may change)';
COMMENT ON COLUMN assessment_campaign.unit_target_weight IS
  'share of a unit''s annual target assessment given by its co-building score (0.10: a score of 100 brings 10 points)';
COMMENT ON COLUMN assessment_campaign.subdistrict_weight IS 'weight of the subdistrict''s rating in a community''s combined score';
COMMENT ON COLUMN assessment_campaign.opinion_weight IS 'weight of the units'' opinion in a community''s combined score (the two weights sum to 1)';
COMMENT ON COLUMN assessment_campaign.opinion_trim IS 'how many highest and lowest unit opinions are dropped before averaging (trimmed_mean)';
COMMENT ON COLUMN assessment_campaign.closed_at IS 'Time the campaign was closed (stamped when status becomes closed; NULL while open)';
-- the district's rules, read by all
SELECT commgrid.secure_table('commgrid.assessment_campaign', '{district_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin}');
CREATE POLICY all_read ON assessment_campaign FOR SELECT USING (true);
COMMENT ON POLICY all_read ON assessment_campaign IS
  'Every role granted SELECT reads the campaigns; the district administrator changes only their district''s';
SELECT commgrid.register_dump('commgrid.assessment_campaign');

CREATE TABLE assessment_indicator (
  indicator_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id  bigint NOT NULL REFERENCES assessment_campaign ON DELETE CASCADE,
  direction    smallint NOT NULL CHECK (direction IN (1, 2)),
  rater_kind   text NOT NULL CHECK (rater_kind IN ('community', 'subdistrict', 'unit')),
  code         text NOT NULL CHECK (btrim(code) <> ''),
  name         text NOT NULL CHECK (btrim(name) <> ''),
  weight       numeric NOT NULL CHECK (weight > 0),
  max_score    numeric NOT NULL CHECK (max_score > 0),
  CONSTRAINT assessment_indicator_direction CHECK (
    (direction = 1 AND rater_kind = 'community') OR (direction = 2 AND rater_kind IN ('subdistrict', 'unit'))),
  UNIQUE (campaign_id, code)
);
CREATE INDEX assessment_indicator_campaign_idx ON assessment_indicator (campaign_id, rater_kind);
COMMENT ON TABLE assessment_indicator IS
  'Indicator sets of a campaign, one per rater kind: community (direction 1, rates units), subdistrict and unit (direction 2, rate communities)';
COMMENT ON COLUMN assessment_indicator.indicator_id IS 'Generated number of the indicator (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN assessment_indicator.campaign_id IS 'the campaign';
COMMENT ON COLUMN assessment_indicator.direction IS '1: community rates unit; 2: subdistrict rates community, units give opinions';
COMMENT ON COLUMN assessment_indicator.rater_kind IS 'who rates with it: community (direction 1), subdistrict or unit (direction 2)';
COMMENT ON COLUMN assessment_indicator.code IS 'short code, unique in the campaign';
COMMENT ON COLUMN assessment_indicator.name IS 'what is rated';
COMMENT ON COLUMN assessment_indicator.weight IS 'weight within its set (any positive scale; totals are normalised to 100)';
COMMENT ON COLUMN assessment_indicator.max_score IS 'scores run from 0 to max_score';
SELECT commgrid.secure_table('commgrid.assessment_indicator', NULL,
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin}');
SELECT commgrid.register_dump('commgrid.assessment_indicator');

CREATE TABLE assessment_grade (
  campaign_id bigint NOT NULL REFERENCES assessment_campaign ON DELETE CASCADE,
  grade       text NOT NULL CHECK (btrim(grade) <> ''),
  min_score   numeric NOT NULL CHECK (min_score >= 0 AND min_score <= 100),
  PRIMARY KEY (campaign_id, grade),
  UNIQUE (campaign_id, min_score)
);
COMMENT ON TABLE assessment_grade IS
  'Grade thresholds of a campaign (default 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 ≥ 0): a score gets the grade with the highest threshold it reaches';
COMMENT ON COLUMN assessment_grade.campaign_id IS 'the campaign';
COMMENT ON COLUMN assessment_grade.grade IS 'grade name';
COMMENT ON COLUMN assessment_grade.min_score IS 'lowest score (0-100) with this grade';
SELECT commgrid.secure_table('commgrid.assessment_grade', NULL,
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin}');
SELECT commgrid.register_dump('commgrid.assessment_grade');

CREATE TABLE assessment_rating (
  rating_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id    bigint NOT NULL REFERENCES assessment_campaign,
  indicator_id   bigint NOT NULL REFERENCES assessment_indicator,
  direction      smallint NOT NULL,
  rater_code     gridcode,
  rater_unit_id  bigint REFERENCES unit,
  ratee_unit_id  bigint REFERENCES unit,
  ratee_code     gridcode,
  score          numeric NOT NULL,
  ratee_share    float8,
  entered_by     bigint NOT NULL REFERENCES resident (resident_id),
  entered_at     timestamptz NOT NULL DEFAULT now(),
  note           text,
  community_code gridcode NOT NULL,
  unit_id        bigint REFERENCES unit,
  CONSTRAINT assessment_rating_one_rater CHECK ((rater_code IS NULL) <> (rater_unit_id IS NULL)),
  CONSTRAINT assessment_rating_one_ratee CHECK ((ratee_code IS NULL) <> (ratee_unit_id IS NULL)),
  -- its name is the message a second rating gets (23505)
  CONSTRAINT assessment_rating_one_per_rater_ratee_and_indicator UNIQUE NULLS NOT DISTINCT
    (indicator_id, rater_code, rater_unit_id, ratee_code, ratee_unit_id)
);
CREATE INDEX assessment_rating_community_code_idx ON assessment_rating (community_code);
CREATE INDEX assessment_rating_unit_idx ON assessment_rating (unit_id);
CREATE INDEX assessment_rating_campaign_idx ON assessment_rating (campaign_id, direction);
COMMENT ON TABLE assessment_rating IS
  'One score per rater, ratee and indicator; checked for scope, range and recusal, frozen when the campaign closes, every change kept in the audit log (assessment_rating_changes)';
COMMENT ON COLUMN assessment_rating.rating_id IS 'Generated number of the rating (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN assessment_rating.campaign_id IS 'the campaign (filled in from the indicator)';
COMMENT ON COLUMN assessment_rating.indicator_id IS 'the indicator';
COMMENT ON COLUMN assessment_rating.direction IS '1 or 2 (filled in from the indicator)';
COMMENT ON COLUMN assessment_rating.rater_code IS 'the rating community (direction 1) or subdistrict (direction 2)';
COMMENT ON COLUMN assessment_rating.rater_unit_id IS 'the unit giving its opinion (direction 2)';
COMMENT ON COLUMN assessment_rating.ratee_unit_id IS 'the unit rated (direction 1)';
COMMENT ON COLUMN assessment_rating.ratee_code IS 'the community rated (direction 2)';
COMMENT ON COLUMN assessment_rating.score IS 'from 0 to the indicator''s max_score';
COMMENT ON COLUMN assessment_rating.ratee_share IS
  'direction 1: the share of the unit''s campus in the rating community when the rating was entered (filled in), so a closed campaign''s results stay as they were when units or boundaries move';
COMMENT ON COLUMN assessment_rating.entered_by IS 'the person who entered (or last changed) it; must not hold posts on both sides (回避); for a login that is a person (person_login), that person';
COMMENT ON COLUMN assessment_rating.entered_at IS 'Time the rating was entered or last changed (set by the trigger to the transaction''s start; ISO 8601 with zone on output); its district day is a day recusal is checked on';
COMMENT ON COLUMN assessment_rating.note IS 'Free-text remark of the rater';
COMMENT ON COLUMN assessment_rating.community_code IS 'scope: the rating community (direction 1) or the rated community (direction 2)';
COMMENT ON COLUMN assessment_rating.unit_id IS 'scope: the unit concerned, rated (direction 1) or giving its opinion; NULL for a subdistrict''s rating';
-- scoped by the community (rating or rated); a liaison reads the ratings about its unit and
-- enters its unit's opinion of the community; every change audited
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
SELECT commgrid.register_dump('commgrid.assessment_rating');

-- A closed campaign is read-only: its row, indicators, grades and ratings.
CREATE FUNCTION assessment_refuse_closed(campaign bigint, what text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  c commgrid.assessment_campaign;
BEGIN
  SELECT * INTO c FROM commgrid.assessment_campaign WHERE campaign_id = campaign;
  IF FOUND AND c.status = 'closed' THEN
    RAISE EXCEPTION 'campaign "%" is closed', c.name
      USING ERRCODE = '55000',
            DETAIL = format('The %s cannot change: the %s campaign of %s is closed and read-only.', what, c.year, c.district_code),
            HINT = 'A closed campaign''s results are final; correct them in the next campaign.';
  END IF;
END $$;
COMMENT ON FUNCTION assessment_refuse_closed(bigint, text) IS
  'Raises 55000 when the campaign is closed; called by the triggers of everything that belongs to a campaign';

CREATE FUNCTION assessment_campaign_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.status = 'closed' THEN
      PERFORM commgrid.assessment_refuse_closed(OLD.campaign_id, 'campaign');
    END IF;
    IF NEW.status = 'closed' AND NEW.closed_at IS NULL THEN
      NEW.closed_at := now();
    END IF;
    RETURN NEW;
  END IF;
  PERFORM commgrid.assessment_refuse_closed(OLD.campaign_id, 'campaign');
  RETURN OLD;
END $$;
REVOKE EXECUTE ON FUNCTION assessment_campaign_guard() FROM PUBLIC;
COMMENT ON FUNCTION assessment_campaign_guard() IS
  'Trigger: a closed campaign may not change; closing stamps closed_at';

-- The parts of a campaign (argument: what the row is, for the message).
-- The parts have no area of their own: they are changed only by a writer whose jurisdiction
-- holds the campaign's district (acting_scopes; 42501 alike for another district's campaign
-- and a missing one), as the campaign itself is, or one district's administrator would set
-- another district's weights and grades.
CREATE FUNCTION assessment_part_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  scopes commgrid.gridcode[] := commgrid.acting_scopes();
  campaign bigint;
BEGIN
  FOREACH campaign IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.campaign_id]
                                       WHEN 'DELETE' THEN ARRAY[OLD.campaign_id]
                                       ELSE ARRAY[OLD.campaign_id, NEW.campaign_id] END LOOP
    IF NOT commgrid.reaches((SELECT c.district_code FROM commgrid.assessment_campaign c
                             WHERE c.campaign_id = campaign), scopes) THEN
      RAISE EXCEPTION 'campaign % is not in the jurisdiction of %', campaign, commgrid.acting_role()
        USING ERRCODE = '42501',
              HINT = format('The %s of a campaign is changed by the administrators of its district.', TG_ARGV[0]);
    END IF;
    PERFORM commgrid.assessment_refuse_closed(campaign, TG_ARGV[0]);
  END LOOP;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
REVOKE EXECUTE ON FUNCTION assessment_part_guard() FROM PUBLIC;
COMMENT ON FUNCTION assessment_part_guard() IS
  'Trigger (argument: what the row is): a campaign''s indicators and grades change only by a writer whose jurisdiction holds its district (42501), and nothing of a closed campaign changes';

CREATE TRIGGER assessment_campaign_guard BEFORE UPDATE OR DELETE ON assessment_campaign
  FOR EACH ROW EXECUTE FUNCTION assessment_campaign_guard();
CREATE TRIGGER assessment_indicator_guard BEFORE INSERT OR UPDATE OR DELETE ON assessment_indicator
  FOR EACH ROW EXECUTE FUNCTION assessment_part_guard('indicator');
CREATE TRIGGER assessment_grade_guard BEFORE INSERT OR UPDATE OR DELETE ON assessment_grade
  FOR EACH ROW EXECUTE FUNCTION assessment_part_guard('grade');

-- Every new campaign starts with the usual four grades.
CREATE FUNCTION assessment_default_grades() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  INSERT INTO commgrid.assessment_grade (campaign_id, grade, min_score)
  VALUES (NEW.campaign_id, '优秀', 90), (NEW.campaign_id, '良好', 80),
         (NEW.campaign_id, '合格', 60), (NEW.campaign_id, '不合格', 0);
  RETURN NULL;
END $$;
COMMENT ON FUNCTION assessment_default_grades() IS
  'Trigger: gives a new campaign the grades 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 ≥ 0 (edit them while it is open)';
CREATE TRIGGER assessment_default_grades AFTER INSERT ON assessment_campaign
  FOR EACH ROW EXECUTE FUNCTION assessment_default_grades();

-- The integrity rules of a rating, in the order they are checked.
CREATE FUNCTION assessment_rating_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  i commgrid.assessment_indicator;
  me bigint;
  on_day date;
  rater_text text;
  ratee_text text;
  recuse bool;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM commgrid.assessment_refuse_closed(OLD.campaign_id, 'rating');
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
  END IF;

  -- a login that is a person (person_login) enters and changes ratings as that person: the
  -- recusal rule below reads entered_by, and a rater who held posts on both sides named
  -- someone else to pass it.  A login that is no person names the person, as before.
  me := commgrid.my_person_id();
  IF me IS NOT NULL THEN
    IF TG_OP = 'INSERT' AND NEW.entered_by IS NULL
       OR TG_OP = 'UPDATE' AND NEW.entered_by IS NOT DISTINCT FROM OLD.entered_by THEN
      NEW.entered_by := me;
    ELSIF NEW.entered_by IS DISTINCT FROM me THEN
      RAISE EXCEPTION 'login % is person %: it enters ratings as that person', commgrid.acting_role(), me
        USING ERRCODE = '42501',
              DETAIL = format('The statement names person %s as entered_by.', NEW.entered_by),
              HINT = 'Leave entered_by out: it is the person of the login.';
    END IF;
  END IF;

  SELECT * INTO i FROM commgrid.assessment_indicator WHERE indicator_id = NEW.indicator_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'indicator % does not exist', NEW.indicator_id USING ERRCODE = '23503';
  END IF;
  NEW.campaign_id := i.campaign_id;
  NEW.direction := i.direction;
  PERFORM commgrid.assessment_refuse_closed(NEW.campaign_id, 'rating');
  IF TG_OP = 'UPDATE' THEN
    NEW.entered_at := now();
  END IF;
  on_day := commgrid.district_date(NEW.entered_at);

  -- who rates whom: the shape the indicator's rater kind asks for
  IF i.rater_kind = 'community' THEN
    IF NEW.rater_code IS NULL OR commgrid.depth(NEW.rater_code) <> 5 OR NEW.ratee_unit_id IS NULL THEN
      RAISE EXCEPTION 'indicator % (%) is rated by a community about a unit', i.code, i.name
        USING ERRCODE = '23514',
              DETAIL = 'Direction 1: set rater_code to the community and ratee_unit_id to the unit.';
    END IF;
    rater_text := format('community %s', NEW.rater_code);
    ratee_text := commgrid.unit_label(NEW.ratee_unit_id);
    NEW.community_code := NEW.rater_code;
    NEW.unit_id := NEW.ratee_unit_id;
  ELSIF i.rater_kind = 'subdistrict' THEN
    IF NEW.rater_code IS NULL OR commgrid.depth(NEW.rater_code) <> 4
       OR NEW.ratee_code IS NULL OR commgrid.depth(NEW.ratee_code) <> 5 THEN
      RAISE EXCEPTION 'indicator % (%) is rated by a subdistrict about a community', i.code, i.name
        USING ERRCODE = '23514',
              DETAIL = 'Direction 2: set rater_code to the subdistrict and ratee_code to the community.';
    END IF;
    rater_text := format('subdistrict %s', NEW.rater_code);
    ratee_text := format('community %s', NEW.ratee_code);
    NEW.community_code := NEW.ratee_code;
    NEW.unit_id := NULL;
  ELSE
    IF NEW.rater_unit_id IS NULL OR NEW.ratee_code IS NULL OR commgrid.depth(NEW.ratee_code) <> 5 THEN
      RAISE EXCEPTION 'indicator % (%) is an opinion of a unit about a community', i.code, i.name
        USING ERRCODE = '23514',
              DETAIL = 'Direction 2: set rater_unit_id to the unit and ratee_code to the community.';
    END IF;
    rater_text := commgrid.unit_label(NEW.rater_unit_id);
    ratee_text := format('community %s', NEW.ratee_code);
    NEW.community_code := NEW.ratee_code;
    NEW.unit_id := NEW.rater_unit_id;
  END IF;

  -- the community and unit rated or rating are the writer's, before any rule below answers about
  -- them (whether a unit co-builds with a community elsewhere)
  PERFORM commgrid.check_writer_reaches_cobuilding(NEW.unit_id, NEW.community_code);
  -- rule 0: a rating belongs to its campaign's district (the community it is scoped to lies
  -- there): one district's staff or liaison put ratings into another district's campaign,
  -- whose administrators could neither see nor remove them
  IF NOT NEW.community_code <@ (SELECT c.district_code FROM commgrid.assessment_campaign c
                                 WHERE c.campaign_id = NEW.campaign_id) THEN
    RAISE EXCEPTION 'indicator % (%) belongs to another district''s campaign', i.code, i.name
      USING ERRCODE = '23514',
            DETAIL = format('Campaign %s is not the campaign of the district of community %s.', NEW.campaign_id, NEW.community_code),
            HINT = 'Rate with an indicator of your own district''s campaign.';
  END IF;

  -- rule 1: a rater rates only ratees in its scope
  IF (i.rater_kind = 'community' AND NOT EXISTS (
        SELECT 1 FROM commgrid.unit_community uc
         WHERE uc.unit_id = NEW.ratee_unit_id AND uc.community_code = NEW.rater_code))
     OR (i.rater_kind = 'subdistrict' AND commgrid.parent(NEW.ratee_code) <> NEW.rater_code)
     OR (i.rater_kind = 'unit' AND NOT EXISTS (
        SELECT 1 FROM commgrid.unit_community uc
         WHERE uc.unit_id = NEW.rater_unit_id AND uc.community_code = NEW.ratee_code)) THEN
    RAISE EXCEPTION '% may not rate %: out of its scope', rater_text, ratee_text
      USING ERRCODE = '23514',
            DETAIL = CASE i.rater_kind
                       WHEN 'community' THEN 'A community rates only the units that co-build with it (unit_community).'
                       WHEN 'subdistrict' THEN format('A subdistrict rates only its own communities; %s belongs to %s.',
                                                     NEW.ratee_code, commgrid.parent(NEW.ratee_code))
                       ELSE 'A unit gives its opinion only on the communities it co-builds with (unit_community).' END;
  END IF;

  IF i.rater_kind = 'community' THEN
    SELECT uc.share INTO NEW.ratee_share FROM commgrid.unit_community uc
     WHERE uc.unit_id = NEW.ratee_unit_id AND uc.community_code = NEW.rater_code;
  ELSE
    NEW.ratee_share := NULL;
  END IF;

  -- rule 2: a score stays within the indicator's range
  IF NEW.score < 0 OR NEW.score > i.max_score THEN
    RAISE EXCEPTION 'score % is outside the range of indicator % (%)', NEW.score, i.code, i.name
      USING ERRCODE = '23514',
            DETAIL = format('Scores of indicator %s run from 0 to %s.', i.code, i.max_score);
  END IF;

  -- rule 3: recusal (回避) of a person holding posts on both sides, on the day the rating is
  -- dated or on the day it is written (so back-dating cannot dodge it)
  SELECT bool_or(CASE i.rater_kind
    WHEN 'community' THEN commgrid.holds_post_in_community(NEW.entered_by, NEW.rater_code, d)
                      AND commgrid.holds_post_in_unit(NEW.entered_by, NEW.ratee_unit_id, d)
    WHEN 'subdistrict' THEN commgrid.holds_post_in_subdistrict(NEW.entered_by, NEW.rater_code, d)
                      AND commgrid.holds_post_in_community(NEW.entered_by, NEW.ratee_code, d)
    ELSE commgrid.holds_post_in_unit(NEW.entered_by, NEW.rater_unit_id, d)
                      AND commgrid.holds_post_in_community(NEW.entered_by, NEW.ratee_code, d) END)
    INTO recuse
    FROM (VALUES (on_day), (commgrid.district_today())) days(d);
  IF recuse THEN
    RAISE EXCEPTION 'person % must recuse (回避) from rating % for %', NEW.entered_by, ratee_text, rater_text
      USING ERRCODE = '23514',
            DETAIL = format('Person %s holds posts both in %s and in %s (cross-appointment, joint-meeting seat, Party head or convener) on the day of the rating or today.',
                            NEW.entered_by, rater_text, ratee_text),
            HINT = 'Another person of the rating organisation must enter this rating.';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION assessment_rating_check() FROM PUBLIC;
COMMENT ON FUNCTION assessment_rating_check() IS
  'Trigger: a rating must fit its indicator''s rater kind, stay in the rater''s scope and the indicator''s range, not be entered by a person holding posts on both sides, and not touch a closed campaign';

CREATE TRIGGER assessment_rating_check BEFORE INSERT OR UPDATE OR DELETE ON assessment_rating
  FOR EACH ROW EXECUTE FUNCTION assessment_rating_check();

-- The time a rating was entered is the system's: assessment_rating_check sets it on a change,
-- and a new rating takes the transaction's start (the default, kept by refuse_staff_stamp).
CREATE TRIGGER assessment_rating_guard BEFORE INSERT ON assessment_rating
  FOR EACH ROW EXECUTE FUNCTION refuse_staff_stamp('entered_at', 'now',
    'Leave entered_at out: a rating is dated when it is entered or changed.');

-- The grade of a score under a campaign's thresholds.
CREATE FUNCTION assessment_grade_of(campaign bigint, score float8) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT g.grade FROM commgrid.assessment_grade g
   WHERE g.campaign_id = campaign AND g.min_score <= score
   ORDER BY g.min_score DESC LIMIT 1
$$;
COMMENT ON FUNCTION assessment_grade_of(bigint, float8) IS
  'The grade with the highest threshold the score reaches in the campaign; NULL below every threshold';

-- Each rater's total for each ratee: indicators not rated count 0.
CREATE VIEW assessment_rater_total AS
WITH pairs AS (
  SELECT DISTINCT r.campaign_id, r.direction, i.rater_kind, r.rater_code, r.rater_unit_id,
         r.ratee_unit_id, r.ratee_code, r.community_code, r.unit_id
    FROM commgrid.assessment_rating r JOIN commgrid.assessment_indicator i USING (indicator_id)
)
SELECT p.campaign_id, p.direction, p.rater_kind, p.rater_code, p.rater_unit_id, p.ratee_unit_id, p.ratee_code,
       commgrid.weighted_mean(coalesce(100 * r.score / i.max_score, 0)::float8, i.weight::float8) AS total,
       count(r.rating_id)::int AS indicators_rated, count(*)::int AS indicators,
       count(r.rating_id) = count(*) AS complete,
       max(r.ratee_share) AS ratee_share,
       p.community_code, p.unit_id
  FROM pairs p
  JOIN commgrid.assessment_indicator i ON i.campaign_id = p.campaign_id AND i.rater_kind = p.rater_kind
  LEFT JOIN commgrid.assessment_rating r
         ON r.indicator_id = i.indicator_id
        AND r.rater_code IS NOT DISTINCT FROM p.rater_code AND r.rater_unit_id IS NOT DISTINCT FROM p.rater_unit_id
        AND r.ratee_code IS NOT DISTINCT FROM p.ratee_code AND r.ratee_unit_id IS NOT DISTINCT FROM p.ratee_unit_id
 GROUP BY p.campaign_id, p.direction, p.rater_kind, p.rater_code, p.rater_unit_id, p.ratee_unit_id, p.ratee_code,
          p.community_code, p.unit_id;
COMMENT ON VIEW assessment_rater_total IS
  'A rater''s total (0-100) for a ratee: 100 · Σ w·s/max / Σ w over its indicator set, an indicator not rated counting 0; ratee_share is the unit''s campus share in the rating community (direction 1)';
COMMENT ON COLUMN assessment_rater_total.campaign_id IS 'The assessment campaign (commgrid.assessment_campaign)';
COMMENT ON COLUMN assessment_rater_total.direction IS '1: a community rates a unit; 2: a subdistrict or a unit rates a community';
COMMENT ON COLUMN assessment_rater_total.rater_kind IS 'community, subdistrict or unit: which indicator set the total is over';
COMMENT ON COLUMN assessment_rater_total.rater_code IS 'The rating community (direction 1) or subdistrict (direction 2, subdistrict); NULL for a unit';
COMMENT ON COLUMN assessment_rater_total.rater_unit_id IS 'The unit giving its opinion (direction 2, unit); NULL otherwise';
COMMENT ON COLUMN assessment_rater_total.ratee_unit_id IS 'The unit rated (direction 1); NULL otherwise';
COMMENT ON COLUMN assessment_rater_total.ratee_code IS 'The community rated (direction 2); NULL otherwise';
COMMENT ON COLUMN assessment_rater_total.total IS 'The rater''s total, 0-100: 100 · Σ w·s/max / Σ w over the indicator set, an indicator not rated counting 0';
COMMENT ON COLUMN assessment_rater_total.indicators_rated IS 'Indicators of the set this rater has rated for this ratee';
COMMENT ON COLUMN assessment_rater_total.indicators IS 'Indicators in the rater kind''s set';
COMMENT ON COLUMN assessment_rater_total.complete IS 'Whether every indicator of the set is rated';
COMMENT ON COLUMN assessment_rater_total.ratee_share IS 'Direction 1: the unit''s campus share in the rating community, as entered with the ratings (the weight of this total in the unit''s score)';
COMMENT ON COLUMN assessment_rater_total.community_code IS 'Scope: the community concerned (rating in direction 1, rated in direction 2)';
COMMENT ON COLUMN assessment_rater_total.unit_id IS 'Scope: the unit concerned (rated in direction 1, giving its opinion in direction 2)';

-- Direction 1: each unit's co-building score, target points, grade and rank among units of its kind.
-- Scores and ranks are computed over the whole district with the owner's rights; the rows shown
-- are those of the caller's jurisdiction or its own units (the filter comes after the ranks, and
-- the grade, read with the caller's rights, only for the rows shown).
CREATE VIEW assessment_unit_result WITH (security_barrier) AS
WITH scored AS (
  SELECT t.campaign_id, t.ratee_unit_id AS unit_id,
         commgrid.weighted_mean(t.total, t.ratee_share) AS score,
         count(*)::int AS communities_rating,
         bool_and(t.complete) AS complete
    FROM commgrid.assessment_rater_total t
   WHERE t.rater_kind = 'community'
   GROUP BY t.campaign_id, t.ratee_unit_id
), ranked AS (
SELECT s.campaign_id, c.year, s.unit_id, u.name AS unit_name, u.kind, u.community_code,
       s.score, s.communities_rating, s.complete,
       s.score * c.unit_target_weight::float8 AS target_points,
       rank() OVER (PARTITION BY s.campaign_id, u.kind ORDER BY s.score DESC)::int AS rank_in_kind,
       count(*) OVER (PARTITION BY s.campaign_id, u.kind)::int AS units_in_kind
  FROM scored s
  JOIN commgrid.assessment_campaign c ON c.campaign_id = s.campaign_id
  JOIN commgrid.unit u ON u.unit_id = s.unit_id
)
SELECT r.campaign_id, r.year, r.unit_id, r.unit_name, r.kind, r.community_code,
       r.score, r.communities_rating, r.complete, r.target_points,
       commgrid.assessment_grade_of(r.campaign_id, r.score) AS grade,
       r.rank_in_kind, r.units_in_kind
  FROM ranked r
 WHERE commgrid.reaches(r.community_code, (SELECT commgrid.reach_scopes())) OR commgrid.reaches_unit(r.unit_id, (SELECT commgrid.reach_units()));
COMMENT ON VIEW assessment_unit_result IS
  'Direction 1 result per unit: score = weighted_mean of the rating communities'' totals by campus share (as entered with the ratings); target_points = score × unit_target_weight (what enters the unit''s annual target assessment); grade; rank among rated units of the same kind';
COMMENT ON COLUMN assessment_unit_result.campaign_id IS 'The assessment campaign (commgrid.assessment_campaign)';
COMMENT ON COLUMN assessment_unit_result.year IS 'The year the campaign assesses';
COMMENT ON COLUMN assessment_unit_result.unit_id IS 'The resident unit rated';
COMMENT ON COLUMN assessment_unit_result.unit_name IS 'Name of the unit';
COMMENT ON COLUMN assessment_unit_result.kind IS 'Kind of the unit (commgrid.unit.kind): ranks compare units of one kind';
COMMENT ON COLUMN assessment_unit_result.community_code IS 'The unit''s home community';
COMMENT ON COLUMN assessment_unit_result.score IS 'Co-building score, 0-100: weighted_mean of the rating communities'' totals, weighted by the unit''s campus share in each';
COMMENT ON COLUMN assessment_unit_result.communities_rating IS 'How many communities rated the unit';
COMMENT ON COLUMN assessment_unit_result.complete IS 'Whether every rating community rated every indicator';
COMMENT ON COLUMN assessment_unit_result.target_points IS 'Points entering the unit''s annual target assessment: score × the campaign''s unit_target_weight';
COMMENT ON COLUMN assessment_unit_result.grade IS 'Grade of the score (commgrid.assessment_grade): 优秀, 良好, 合格 or 不合格 by default';
COMMENT ON COLUMN assessment_unit_result.rank_in_kind IS 'Rank among the rated units of the same kind in the campaign (1 = best; ties share a rank)';
COMMENT ON COLUMN assessment_unit_result.units_in_kind IS 'Rated units of the same kind in the campaign';

-- Direction 2: each community's subdistrict score, opinion score, combined score, grade and rank
-- among the communities of its subdistrict.  Computed over the district, shown for the caller's
-- jurisdiction (after the ranks).
CREATE VIEW assessment_community_result WITH (security_barrier) AS
WITH parts AS (
  SELECT t.campaign_id, t.ratee_code AS community_code,
         avg(t.total) FILTER (WHERE t.rater_kind = 'subdistrict') AS subdistrict_score,
         commgrid.trimmed_mean(t.total, c.opinion_trim) FILTER (WHERE t.rater_kind = 'unit') AS opinion_score,
         count(*) FILTER (WHERE t.rater_kind = 'unit')::int AS opinions,
         bool_and(t.complete) AS complete
    FROM commgrid.assessment_rater_total t
    JOIN commgrid.assessment_campaign c ON c.campaign_id = t.campaign_id
   WHERE t.direction = 2
   GROUP BY t.campaign_id, t.ratee_code
), combined AS (
  SELECT p.*, (SELECT commgrid.weighted_mean(x.score, x.weight)
                 FROM (VALUES (p.subdistrict_score, c.subdistrict_weight::float8),
                              (p.opinion_score, c.opinion_weight::float8)) x(score, weight)) AS combined_score,
         c.year
    FROM parts p JOIN commgrid.assessment_campaign c ON c.campaign_id = p.campaign_id
), ranked AS (
SELECT b.campaign_id, b.year, b.community_code, a.name AS community_name, commgrid.parent(b.community_code) AS subdistrict_code,
       b.subdistrict_score, b.opinion_score, b.opinions, b.combined_score, b.complete,
       rank() OVER (PARTITION BY b.campaign_id, commgrid.parent(b.community_code) ORDER BY b.combined_score DESC)::int
         AS rank_in_subdistrict,
       count(*) OVER (PARTITION BY b.campaign_id, commgrid.parent(b.community_code))::int AS communities_in_subdistrict
  FROM combined b
  JOIN commgrid.area a ON a.code = b.community_code
)
SELECT r.campaign_id, r.year, r.community_code, r.community_name, r.subdistrict_code,
       r.subdistrict_score, r.opinion_score, r.opinions, r.combined_score, r.complete,
       commgrid.assessment_grade_of(r.campaign_id, r.combined_score) AS grade,
       r.rank_in_subdistrict, r.communities_in_subdistrict
  FROM ranked r
 WHERE commgrid.reaches(r.community_code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW assessment_community_result IS
  'Direction 2 result per community: the subdistrict''s total, the trimmed_mean of its units'' opinions (campaign.opinion_trim), their weighted_mean with the campaign''s weights (a missing part drops out), grade, rank among rated communities of the same subdistrict';
COMMENT ON COLUMN assessment_community_result.campaign_id IS 'The assessment campaign (commgrid.assessment_campaign)';
COMMENT ON COLUMN assessment_community_result.year IS 'The year the campaign assesses';
COMMENT ON COLUMN assessment_community_result.community_code IS 'The community rated';
COMMENT ON COLUMN assessment_community_result.community_name IS 'Name of the community';
COMMENT ON COLUMN assessment_community_result.subdistrict_code IS 'The community''s subdistrict or town (its parent): ranks compare its communities';
COMMENT ON COLUMN assessment_community_result.subdistrict_score IS 'The subdistrict''s total for the community, 0-100; NULL when it has not rated';
COMMENT ON COLUMN assessment_community_result.opinion_score IS 'trimmed_mean of the units'' opinion totals, dropping the campaign''s opinion_trim highest and lowest; NULL without opinions';
COMMENT ON COLUMN assessment_community_result.opinions IS 'How many units gave an opinion';
COMMENT ON COLUMN assessment_community_result.combined_score IS 'weighted_mean of subdistrict_score and opinion_score with the campaign''s subdistrict_weight and opinion_weight; a missing part drops out';
COMMENT ON COLUMN assessment_community_result.complete IS 'Whether every rater rated every indicator';
COMMENT ON COLUMN assessment_community_result.grade IS 'Grade of the combined score (commgrid.assessment_grade)';
COMMENT ON COLUMN assessment_community_result.rank_in_subdistrict IS 'Rank among the rated communities of the same subdistrict (1 = best; ties share a rank)';
COMMENT ON COLUMN assessment_community_result.communities_in_subdistrict IS 'Rated communities of the same subdistrict in the campaign';

-- foreign keys get an index, so deleting the referenced row never scans this table
CREATE INDEX assessment_rating_entered_by_idx ON assessment_rating (entered_by);
CREATE INDEX assessment_rating_ratee_unit_id_idx ON assessment_rating (ratee_unit_id);
CREATE INDEX assessment_rating_rater_unit_id_idx ON assessment_rating (rater_unit_id);
