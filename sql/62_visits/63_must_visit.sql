-- Must-visit situations (19类民情必到必访): a configurable catalogue of kinds, each with the
-- days within which a visit is due and the staff role that must make it.  Registering a
-- situation creates a task; a must-visit visit of the task closes it; an open task past its
-- due day is overdue, a compliance problem of its grid.  Some kinds are special categories of
-- personal data (PIPL art. 28: released prisoners, community corrections, drug use, severe
-- mental illness): their tasks, visits and findings are visible only to the group roles the
-- kind names (a second, restrictive policy beside the jurisdiction policy).

CREATE TABLE must_visit_kind (
  kind        text PRIMARY KEY CHECK (kind ~ '^[a-z][a-z_]{2,40}$'),
  ordinal     int NOT NULL UNIQUE CHECK (ordinal > 0),
  name        text NOT NULL CHECK (btrim(name) <> ''),
  due_days    int NOT NULL CHECK (due_days BETWEEN 1 AND 366),
  visitor_role text NOT NULL REFERENCES security_role (short_name),
  special_category boolean NOT NULL DEFAULT false,
  visible_to  text[] NOT NULL DEFAULT '{district_admin, township_staff, community_staff, grid_worker}',
  shipped     boolean NOT NULL DEFAULT false,
  CONSTRAINT must_visit_kind_visitor_sees_it CHECK (visitor_role = ANY (visible_to)),
  CONSTRAINT must_visit_kind_special_is_narrow CHECK (
    NOT special_category OR NOT 'grid_worker' = ANY (visible_to))
);
CREATE INDEX must_visit_kind_visitor_role_idx ON must_visit_kind (visitor_role);
COMMENT ON TABLE must_visit_kind IS
  'The catalogue of must-visit situations (必到必访): due interval, visiting role, and who may see a special category (PIPL art. 28)';
COMMENT ON COLUMN must_visit_kind.kind IS 'Short name of the situation, e.g. birth';
COMMENT ON COLUMN must_visit_kind.ordinal IS 'Order in lists and reports';
COMMENT ON COLUMN must_visit_kind.name IS 'Name in the district''s words, e.g. 新生儿出生';
COMMENT ON COLUMN must_visit_kind.due_days IS 'Days from registration within which the visit is due';
COMMENT ON COLUMN must_visit_kind.visitor_role IS 'The group role (short name) that must visit';
COMMENT ON COLUMN must_visit_kind.special_category IS 'A special category of personal data (PIPL art. 28): visible only to visible_to, never to grid workers';
COMMENT ON COLUMN must_visit_kind.visible_to IS 'Group roles (short names) that may see tasks, visits and findings of this kind';
COMMENT ON COLUMN must_visit_kind.shipped IS 'Installed by the extension and unchanged (pg_dump keeps only the other rows)';
SELECT commgrid.secure_table('commgrid.must_visit_kind', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{district_admin}');
SELECT commgrid.register_dump('commgrid.must_visit_kind', 'WHERE NOT shipped');

-- The 19 shipped kinds.  The report names the practice, not the list; these are the
-- situations common district lists name, with the issue's examples first.
INSERT INTO must_visit_kind (kind, ordinal, name, due_days, visitor_role, special_category, visible_to, shipped)
SELECT k, o, n, d, r, s,
       CASE WHEN s THEN '{district_admin, township_staff, community_staff}'::text[]
            ELSE '{district_admin, township_staff, community_staff, grid_worker}' END, true
FROM (VALUES
  ('birth', 1, '新生儿出生', 15, 'grid_worker', false),
  ('death', 2, '家有丧事', 3, 'grid_worker', false),
  ('serious_illness', 3, '重病住院', 7, 'grid_worker', false),
  ('sudden_hardship', 4, '突发困难', 3, 'grid_worker', false),
  ('family_dispute', 5, '家庭矛盾纠纷', 3, 'grid_worker', false),
  ('new_arrival', 6, '新迁入、新入住', 7, 'grid_worker', false),
  ('released_prisoner', 7, '刑满释放人员', 7, 'community_staff', true),
  ('community_correction', 8, '社区矫正对象', 7, 'community_staff', true),
  ('drug_rehabilitation', 9, '社区戒毒、康复人员', 7, 'community_staff', true),
  ('severe_mental_illness', 10, '严重精神障碍患者', 7, 'community_staff', true),
  ('home_disaster', 11, '家中遭灾（火灾、水灾等）', 1, 'grid_worker', false),
  ('new_disability', 12, '新增残疾', 15, 'grid_worker', false),
  ('unemployment', 13, '失业、零就业家庭', 15, 'grid_worker', false),
  ('elderly_alone_ill', 14, '空巢独居老人生病', 3, 'grid_worker', false),
  ('left_behind_child', 15, '留守、困境儿童', 15, 'grid_worker', false),
  ('enlistment', 16, '参军入伍、退役返乡', 15, 'grid_worker', false),
  ('petition', 17, '信访诉求', 7, 'community_staff', false),
  ('domestic_violence', 18, '家庭暴力', 1, 'community_staff', false),
  ('house_safety', 19, '房屋安全隐患', 3, 'grid_worker', false)
) v(k, o, n, d, r, s);

-- The catalogues of this area (must_visit_kind, return_interval, element_type) ship rows
-- marked shipped; pg_dump keeps only the others.  So a changed shipped row becomes the
-- user's, and a restored row replaces the shipped one with its key (the trigger argument:
-- a text key column).  Fires in replica mode too, as pg_restore runs.
CREATE FUNCTION keep_shipped_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NOT NEW.shipped THEN
      EXECUTE format('DELETE FROM %I.%I WHERE %I = $1 AND shipped', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0])
        USING pg_catalog.to_jsonb(NEW) ->> TG_ARGV[0];
    END IF;
  ELSE
    NEW.shipped := false;
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION keep_shipped_row() FROM PUBLIC;
COMMENT ON FUNCTION keep_shipped_row() IS
  'Trigger (argument: the text key column): a changed shipped catalogue row becomes the user''s (so pg_dump keeps it); a restored row replaces the shipped one with its key';
CREATE TRIGGER must_visit_kind_keep BEFORE INSERT OR UPDATE ON must_visit_kind
  FOR EACH ROW EXECUTE FUNCTION keep_shipped_row('kind');
ALTER TABLE must_visit_kind ENABLE ALWAYS TRIGGER must_visit_kind_keep;

-- May the acting role see rows of this kind?  Ordinary kinds: yes (the jurisdiction policy
-- decides).  Special categories: only members of a role the kind names, and superusers (the
-- owner bypasses row-level security).  Used by the restrictive policy special_category; it
-- reads only the catalogue, which every staff role may read, so it needs no owner's rights.
CREATE FUNCTION may_see_kind(kind text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
  SELECT kind IS NULL
      OR NOT EXISTS (SELECT 1 FROM commgrid.must_visit_kind k WHERE k.kind = may_see_kind.kind AND k.special_category)
      OR EXISTS (SELECT 1 FROM commgrid.must_visit_kind k, unnest(k.visible_to) v
                 WHERE k.kind = may_see_kind.kind AND commgrid.is_member_of(commgrid.acting_role(), v))
      OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = commgrid.acting_role())
$$;
COMMENT ON FUNCTION may_see_kind(text) IS
  'May the acting role see rows of this must-visit kind? Always for ordinary kinds (NULL too); for a special category (PIPL art. 28) only a member of a role in its visible_to, or a superuser';

-- Refuse, clearly, a row of a special category the acting role may not see: the policy's own
-- error (new row violates row-level security policy "special_category") names neither the
-- category nor who may record it.  Called first by the triggers that write such rows; it tells
-- only what the catalogue, readable by every staff role, already says.
CREATE FUNCTION check_writer_may_see_kind(kind text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  IF commgrid.may_see_kind(check_writer_may_see_kind.kind) THEN
    RETURN;
  END IF;
  RAISE EXCEPTION 'must-visit situation "%" is a special category that % may not record', kind, commgrid.acting_role()
    USING ERRCODE = '42501',
          DETAIL = format('Special categories of personal data (PIPL art. 28) are recorded and seen only by members of %s.',
                          (SELECT string_agg('commgrid_' || v, ', ' ORDER BY v)
                           FROM commgrid.must_visit_kind k, unnest(k.visible_to) v
                           WHERE k.kind = check_writer_may_see_kind.kind)),
          HINT = 'Ask a member of one of those roles to register it.';
END $$;
REVOKE EXECUTE ON FUNCTION check_writer_may_see_kind(text) FROM PUBLIC;
COMMENT ON FUNCTION check_writer_may_see_kind(text) IS
  'Raise 42501, naming the roles that may, unless the acting role may see rows of this must-visit kind (may_see_kind); internal to the must-visit triggers';

-- Do a must-visit kind's tasks and visits count in the figures of an area for the acting role?
-- Where it may see them (may_see_kind): a grid worker's count of its grid's tasks or visits would
-- otherwise tell it that a household has a special category's task, or when it was visited.
-- The owner's figures and the district's count every kind: a district's figure (the district
-- administrator's and BI's, where no one is singled out), and with no area (visit_coverage's
-- rows, read by area_report for BI's district) those of a BI reader with no jurisdiction.  With
-- the owner's rights, so that staff reading visit_coverage or return_visit_due (which call it)
-- need no right on acting_scopes; it answers only about the acting role.
CREATE FUNCTION may_count_kind(kind text, area gridcode) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
  SELECT commgrid.depth(area) = 3 OR commgrid.acting_scopes() IS NULL
      OR (area IS NULL AND commgrid.acting_scopes() = '{}' AND commgrid.is_member_of(commgrid.acting_role(), 'bi_reader'))
      OR commgrid.may_see_kind(kind)
$$;
REVOKE EXECUTE ON FUNCTION may_count_kind(text, gridcode) FROM PUBLIC;
COMMENT ON FUNCTION may_count_kind(text, gridcode) IS
  'Do tasks and visits of this must-visit kind count in an area''s figures for the acting role? The kinds it may see (may_see_kind); every kind in a district''s figures (with no area: for a BI reader without a jurisdiction) and for the owner; granted to staff, for visit_coverage and return_visit_due';

-- Add the special-category policy to a table with kind columns (beside its secure_table): a
-- row is seen only where every one of them may be (a finding: the situation it found, and its
-- visit's).
CREATE FUNCTION protect_special_category(tbl regclass, kind_columns name[] DEFAULT '{situation}') RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  rule text := (SELECT string_agg(format('commgrid.may_see_kind(%I)', c), ' AND ' ORDER BY o)
                FROM unnest(kind_columns) WITH ORDINALITY k(c, o));
BEGIN
  EXECUTE format('DROP POLICY IF EXISTS special_category ON %s', tbl);
  EXECUTE format('CREATE POLICY special_category ON %s AS RESTRICTIVE USING (%s) WITH CHECK (%s)', tbl, rule, rule);
  EXECUTE format('COMMENT ON POLICY special_category ON %s IS %L', tbl,
                 'Rows of a special-category situation (PIPL art. 28) only for the roles must_visit_kind.visible_to names');
END $$;
REVOKE EXECUTE ON FUNCTION protect_special_category(regclass, name[]) FROM PUBLIC;
COMMENT ON FUNCTION protect_special_category(regclass, name[]) IS
  'Add the restrictive special_category policy (commgrid.may_see_kind on each of its kind columns, situation by default) to a secured table; install script only';

CREATE TABLE must_visit_task (
  task_id      bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  situation    text NOT NULL REFERENCES must_visit_kind (kind) ON UPDATE CASCADE,
  -- SET NULL: a resident's deletion leaves the task with the household.  A cascade was refused
  -- when a visit had cited the task (visit.task_id, NO ACTION), which told a grid worker
  -- deleting a resident of its grid that a special-category task it may not see was there.
  resident_id  bigint REFERENCES resident ON DELETE SET NULL,
  household_id bigint NOT NULL REFERENCES household ON DELETE CASCADE,
  grid_code    gridcode,
  raised_on    date NOT NULL DEFAULT commgrid.district_today(),
  due_on       date,
  note         text CHECK (btrim(note) <> ''),
  raised_by_visit bigint,
  closed_by_visit bigint,
  closed_on    date,
  -- closed_on stays when the closing visit is deleted later: the task was closed
  CONSTRAINT must_visit_task_closed_with_day CHECK (closed_by_visit IS NULL OR closed_on IS NOT NULL)
);
CREATE INDEX must_visit_task_grid_code_idx ON must_visit_task (grid_code);
CREATE INDEX must_visit_task_household_idx ON must_visit_task (household_id);
CREATE INDEX must_visit_task_resident_idx ON must_visit_task (resident_id);
CREATE INDEX must_visit_task_situation_idx ON must_visit_task (situation);
CREATE INDEX must_visit_task_raised_by_idx ON must_visit_task (raised_by_visit);
CREATE INDEX must_visit_task_closed_by_idx ON must_visit_task (closed_by_visit);
CREATE INDEX must_visit_task_open_idx ON must_visit_task (grid_code, due_on) WHERE closed_on IS NULL;
COMMENT ON TABLE must_visit_task IS
  'A must-visit situation registered for a household or resident: due by due_on, closed by a must-visit visit of the task';
COMMENT ON COLUMN must_visit_task.task_id IS 'Stable task id';
COMMENT ON COLUMN must_visit_task.situation IS 'The kind of situation (must_visit_kind)';
COMMENT ON COLUMN must_visit_task.resident_id IS 'The person concerned, when one; must live in the household (NULL once the resident is deleted: the task stays the household''s)';
COMMENT ON COLUMN must_visit_task.household_id IS 'The household to visit (the resident''s when omitted)';
COMMENT ON COLUMN must_visit_task.grid_code IS 'Grid of the household, kept by trigger';
COMMENT ON COLUMN must_visit_task.raised_on IS 'Day the situation was registered (not in the future)';
COMMENT ON COLUMN must_visit_task.due_on IS 'Day the visit is due: raised_on + the kind''s due_days (set by trigger)';
COMMENT ON COLUMN must_visit_task.note IS '[personal] What happened, in a few words';
COMMENT ON COLUMN must_visit_task.raised_by_visit IS 'The visit whose finding raised it, when one';
COMMENT ON COLUMN must_visit_task.closed_by_visit IS 'The visit that closed it';
COMMENT ON COLUMN must_visit_task.closed_on IS 'Day of the closing visit (in the district)';
SELECT commgrid.secure_table('commgrid.must_visit_task', '{grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff, community_staff, grid_worker}');
SELECT commgrid.protect_special_category('commgrid.must_visit_task');
SELECT commgrid.mark_personal('commgrid.must_visit_task', '{situation, note}');
SELECT commgrid.audit_table('commgrid.must_visit_task');
SELECT commgrid.register_dump('commgrid.must_visit_task');

-- The resident and the household a task or a visit names are the writer's (check_writer_reach),
-- before the rule "the resident lives in the household" answers about them: that answer, against
-- a policy refusal, told a grid worker where another grid's resident lives.  Called by the
-- security-definer triggers, so it reads both as the owner.
CREATE FUNCTION check_writer_reaches_home(resident bigint, household bigint) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  IF check_writer_reaches_home.resident IS NOT NULL THEN
    PERFORM commgrid.check_writer_reaches_resident(check_writer_reaches_home.resident);
  END IF;
  IF check_writer_reaches_home.household IS NOT NULL THEN
    PERFORM commgrid.check_writer_reach(
      (SELECT h.grid_code FROM commgrid.household h WHERE h.household_id = check_writer_reaches_home.household),
      format('household %s', check_writer_reaches_home.household));
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION check_writer_reaches_home(bigint, bigint) FROM PUBLIC;
COMMENT ON FUNCTION check_writer_reaches_home(bigint, bigint) IS
  'Raise 42501 unless the acting role reaches the resident and the household given (either may be NULL); internal to the must-visit and visit triggers';

-- keyed lookups only: enable_seqscan off (docs/design/cached-plans.md)
CREATE FUNCTION must_visit_task_prepare() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp
  SET enable_seqscan = off AS $$
DECLARE
  home bigint;
BEGIN
  -- only the grid changed (the household moved: household_pass_grid_to_visits): it is the
  -- household's again, and nothing else is asked
  IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'grid_code') = (to_jsonb(OLD) - 'grid_code') THEN
    NEW.grid_code := commgrid.household_grid_for_write(NEW.household_id);
    RETURN NEW;
  END IF;
  -- an UPDATE that keeps the situation asks nothing of it: only the owner's rights reach a
  -- hidden task's row (a resident's deletion setting resident_id NULL, the engine moving the
  -- household), and the refusal told the acting grid worker that the task was there
  IF TG_OP = 'INSERT' OR NEW.situation IS DISTINCT FROM OLD.situation THEN
    PERFORM commgrid.check_writer_may_see_kind(NEW.situation);
  END IF;
  PERFORM commgrid.check_writer_reaches_home(NEW.resident_id, NEW.household_id);
  IF NEW.resident_id IS NOT NULL THEN
    SELECT r.household_id INTO home FROM commgrid.resident r WHERE r.resident_id = NEW.resident_id;
    IF NEW.household_id IS NULL THEN
      NEW.household_id := home;
    ELSIF home IS DISTINCT FROM NEW.household_id THEN
      RAISE EXCEPTION 'resident % does not live in household %', NEW.resident_id, NEW.household_id
        USING ERRCODE = '23514', DETAIL = 'A task''s resident must belong to its household.',
              HINT = 'Leave household_id out: it is taken from the resident.';
    END IF;
  END IF;
  -- the visit that raised it (a finding's, visit_finding_apply, with the writer's rights) is one
  -- the writer may see, before the rule names its household
  IF TG_OP = 'INSERT' AND NEW.raised_by_visit IS NOT NULL THEN
    home := (commgrid.visit_for_writer(NEW.raised_by_visit)).household_id;
    IF home IS DISTINCT FROM NEW.household_id THEN
      RAISE EXCEPTION 'visit % was not to household %', NEW.raised_by_visit, NEW.household_id
        USING ERRCODE = '23514', DETAIL = 'A task raised by a visit is for the visited household.';
    END IF;
  END IF;
  IF NEW.raised_on > commgrid.district_today() THEN
    RAISE EXCEPTION 'situation registered on % is in the future', NEW.raised_on
      USING ERRCODE = '23514',
            DETAIL = format('Today in the district (Asia/Shanghai) is %s.', commgrid.district_today());
  END IF;
  PERFORM commgrid.boundary_share_lock();
  NEW.grid_code := commgrid.household_grid_for_write(NEW.household_id);
  -- the due day follows the situation and its day only: a resident's deletion or a move to
  -- another household does not re-date a task by a catalogue changed since it was raised
  IF TG_OP = 'INSERT' OR (NEW.situation, NEW.raised_on) IS DISTINCT FROM (OLD.situation, OLD.raised_on) THEN
    NEW.due_on := NEW.raised_on + (SELECT k.due_days FROM commgrid.must_visit_kind k WHERE k.kind = NEW.situation);
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION must_visit_task_prepare() FROM PUBLIC;
COMMENT ON FUNCTION must_visit_task_prepare() IS
  'Trigger: a task of a special category only by a role that may see it (42501); it takes its resident''s household (refusing another, 23514), the household''s grid, and its due day from the kind';
CREATE TRIGGER must_visit_task_prepare BEFORE INSERT OR UPDATE OF situation, resident_id, household_id, raised_on, grid_code
  ON must_visit_task FOR EACH ROW EXECUTE FUNCTION must_visit_task_prepare();

-- The columns the system keeps: the due day (from the situation's kind), the visit that closed
-- the task and its day (visit_close_task), and, once the task exists, the visit that raised it.
-- Staff write none of them: a grid worker closed its overdue tasks without a visit, or moved
-- their due days, and its coverage figures followed.  visit_close_task and the foreign key's
-- ON DELETE SET NULL run as the owner, who passes.  Not a security definer: current_user is the
-- writer.
CREATE FUNCTION must_visit_task_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  changed text[];
BEGIN
  IF commgrid.is_owner(current_user) THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    changed := commgrid.kept_columns_set(to_jsonb(NEW), NULL, '{closed_by_visit, closed_on}');
  ELSE
    changed := commgrid.kept_columns_set(to_jsonb(NEW), to_jsonb(OLD), '{due_on, closed_by_visit, closed_on, raised_by_visit}');
  END IF;
  PERFORM commgrid.refuse_kept_columns('must_visit_task', changed,
    format('The statement sets %s.', array_to_string(changed, ', ')),
    'A visit citing the task (visit.task_id) closes it; the due day follows the situation and raised_on.');
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION must_visit_task_guard() FROM PUBLIC;
COMMENT ON FUNCTION must_visit_task_guard() IS
  'Trigger: staff do not write due_on, closed_by_visit or closed_on of a task, nor change raised_by_visit (428C9); the system''s own functions do';
CREATE TRIGGER must_visit_task_guard BEFORE INSERT OR UPDATE ON must_visit_task
  FOR EACH ROW EXECUTE FUNCTION must_visit_task_guard();
