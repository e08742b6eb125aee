-- The handling workflow as district systems run it: a state machine whose legal moves are
-- the rows of request_transition, and whose history is request_event, append-only.  Inserting
-- an event is the only way to move a request: the event's trigger checks the move and the
-- rules of the people involved (the verifier, the approver of an extension and the centre
-- that asks satisfaction are never the handler: 办理与监督分离), then updates the request.

CREATE TABLE request_transition (
  action      text NOT NULL,
  from_status text NOT NULL,
  to_status   text,
  PRIMARY KEY (action, from_status)
);
COMMENT ON TABLE request_transition IS
  'The workflow''s legal moves: an action allowed from a state, and the state it leads to (NULL: the state stays)';
COMMENT ON COLUMN request_transition.action IS 'The action, e.g. sign_for (签收), verify (核查), park (挂账)';
COMMENT ON COLUMN request_transition.from_status IS 'State the request must be in';
COMMENT ON COLUMN request_transition.to_status IS 'State it moves to; NULL when it stays';
SELECT commgrid.secure_table('commgrid.request_transition', NULL,
  '{district_admin, township_staff, community_staff, grid_worker, unit_liaison}', '{}');
SELECT commgrid.register_dump('commgrid.request_transition');

INSERT INTO request_transition (action, from_status, to_status)
SELECT a, f, t FROM (VALUES
  ('sign_for', '{submitted,referred}', 'signed'),
  ('start', '{signed}', 'in_progress'),
  ('resolve', '{signed,in_progress}', 'resolved'),
  ('verify', '{resolved}', 'verified'),
  ('reopen', '{resolved}', 'in_progress'),
  ('ask_satisfaction', '{verified}', NULL),
  ('review', '{verified}', NULL),
  ('close', '{verified}', 'closed'),
  ('return', '{submitted,signed}', 'returned'),
  ('reassign', '{submitted,signed,returned}', 'submitted'),
  ('dispute', '{submitted,signed}', 'disputed'),
  ('rule_dispute', '{disputed}', 'submitted'),
  ('request_extension', '{signed,in_progress}', NULL),
  ('approve_extension', '{signed,in_progress}', NULL),
  ('park', '{signed,in_progress}', 'parked'),
  ('resume', '{parked}', 'in_progress'),
  ('merge', '{submitted,signed,in_progress,returned,disputed,parked}', 'merged'),
  ('not_accept', '{submitted,returned}', 'not_accepted'),
  ('refer', '{submitted,signed,returned}', 'referred'),
  ('escalate', '{submitted,signed,in_progress,returned,parked}', NULL),
  ('supervise', '{submitted,signed,in_progress,returned,disputed,referred,parked}', NULL)
) m(a, fs, t), unnest(fs::text[]) f;

CREATE TABLE request_event (
  event_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id       bigint NOT NULL REFERENCES service_request ON DELETE RESTRICT,
  action           text NOT NULL,
  from_status      text,
  to_status        text,
  actor            name NOT NULL DEFAULT commgrid.acting_role(),
  at               timestamptz NOT NULL DEFAULT now(),
  note             text,
  handler          name,
  handling_level   text CHECK (handling_level IN ('grid', 'community', 'township', 'department')),
  new_deadline     timestamptz,
  review_on        date,
  unit_id          bigint REFERENCES unit ON DELETE RESTRICT,
  department       text,
  merged_into      bigint REFERENCES service_request,
  rule             text,
  satisfaction     text CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied',
                                                'unreachable', 'declined', 'not_asked')),
  decision         text CHECK (decision IN ('redo', 'explain')),
  supervision      text CHECK (supervision IN ('yellow', 'red')),
  deadline_kind    text CHECK (deadline_kind IN ('response', 'resolution')),
  deadline         timestamptz,
  addressed_to     text,
  grid_code        gridcode,
  referred_unit_id bigint,
  -- only a merge names a request, only a referral a unit: another action kept any id it was
  -- given, a hidden request's too, where a missing one got 23503
  CONSTRAINT request_event_merged_into_by_merge CHECK (merged_into IS NULL OR action = 'merge'),
  CONSTRAINT request_event_unit_by_refer CHECK (unit_id IS NULL OR action = 'refer')
);
CREATE INDEX request_event_request_idx ON request_event (request_id, event_id);
CREATE INDEX request_event_grid_code_idx ON request_event (grid_code);
CREATE INDEX request_event_unit_idx ON request_event (unit_id) WHERE unit_id IS NOT NULL;
CREATE INDEX request_event_merged_into_idx ON request_event (merged_into) WHERE merged_into IS NOT NULL;
-- a supervision event is raised once per request, deadline and colour (flag_overdue is idempotent)
CREATE UNIQUE INDEX request_event_supervision_once ON request_event (request_id, deadline_kind, deadline, supervision)
  WHERE action = 'supervise';
COMMENT ON TABLE request_event IS
  'The append-only history of every request: one row per workflow action, with the actor, the time and a note; never updated or deleted';
COMMENT ON COLUMN request_event.event_id IS 'Order of the events';
COMMENT ON COLUMN request_event.request_id IS 'The request';
COMMENT ON COLUMN request_event.action IS 'submit, or an action of commgrid.request_transition';
COMMENT ON COLUMN request_event.from_status IS 'State before (set by the trigger)';
COMMENT ON COLUMN request_event.to_status IS 'State after (set by the trigger)';
COMMENT ON COLUMN request_event.actor IS 'Role that acted (set by the trigger)';
COMMENT ON COLUMN request_event.at IS 'When; never before the previous event, never in the future';
COMMENT ON COLUMN request_event.note IS 'Note; the reason of a return, dispute, extension or parking';
COMMENT ON COLUMN request_event.handler IS 'reassign, rule_dispute: the new handler, if named';
COMMENT ON COLUMN request_event.handling_level IS 'reassign, rule_dispute, escalate, refer: the new handling level';
COMMENT ON COLUMN request_event.new_deadline IS 'request_extension: the resolution deadline asked for';
COMMENT ON COLUMN request_event.review_on IS 'park: the review date';
COMMENT ON COLUMN request_event.unit_id IS 'refer: the resident unit';
COMMENT ON COLUMN request_event.department IS 'refer: the department';
COMMENT ON COLUMN request_event.merged_into IS 'merge: the earlier request';
COMMENT ON COLUMN request_event.rule IS 'not_accept: the named rule (不予受理)';
COMMENT ON COLUMN request_event.satisfaction IS 'ask_satisfaction: the answer';
COMMENT ON COLUMN request_event.decision IS 'review of a dissatisfied answer: redo (重办) or explain';
COMMENT ON COLUMN request_event.supervision IS 'supervise: yellow (warning before the deadline) or red (deadline missed)';
COMMENT ON COLUMN request_event.deadline_kind IS 'supervise: response or resolution';
COMMENT ON COLUMN request_event.deadline IS 'supervise: the deadline it is about';
COMMENT ON COLUMN request_event.addressed_to IS 'supervise: whom it is addressed to (the handler''s superior level)';
COMMENT ON COLUMN request_event.grid_code IS 'Grid of the request (copied by the trigger, for row-level security)';
COMMENT ON COLUMN request_event.referred_unit_id IS 'Unit the request is referred to (copied by the trigger, for the liaison)';
SELECT commgrid.secure_table('commgrid.request_event', '{grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker, unit_liaison}',
  '{district_admin, township_staff, community_staff, grid_worker, unit_liaison}',
  '{referred_unit_id}', liaison_writes => true);
SELECT commgrid.register_dump('commgrid.request_event');

CREATE FUNCTION request_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'request events are never changed or deleted'
    USING ERRCODE = '55000', DETAIL = format('%s on commgrid.request_event refused.', TG_OP),
          HINT = 'Record a new event instead (e.g. reopen, review).';
END $$;
COMMENT ON FUNCTION request_event_refuse_change() IS 'Trigger: request_event is append-only (55000)';
CREATE TRIGGER request_event_append_only BEFORE UPDATE OR DELETE ON request_event
  FOR EACH ROW EXECUTE FUNCTION request_event_refuse_change();
CREATE TRIGGER request_event_no_truncate BEFORE TRUNCATE ON request_event
  FOR EACH STATEMENT EXECUTE FUNCTION request_event_refuse_change();

CREATE FUNCTION level_rank(level text) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN array_position(ARRAY['grid', 'community', 'township', 'department'], level);
COMMENT ON FUNCTION level_rank(text) IS 'Handling levels in order: grid 1, community 2, township 3, department 4';

-- THE REACH OF A REQUEST, its one source: a superuser, the staff whose jurisdiction holds its
-- grid, or the liaison of the unit it is referred to (for request_event_apply, as the owner).
CREATE FUNCTION request_reached_by(grid gridcode, unit bigint, actor name) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, commgrid, pg_temp
RETURN coalesce((SELECT u.rolsuper FROM pg_catalog.pg_roles u WHERE u.rolname = actor), false)
    OR coalesce(grid OPERATOR(commgrid.<@) ANY (commgrid.role_scopes(actor)), false)
    OR (unit IS NOT NULL AND commgrid.is_member_of(actor, 'unit_liaison')
        AND unit IN (SELECT l.unit_id FROM commgrid.liaison_unit l WHERE l.role_name = commgrid.role_oid(actor)));
REVOKE EXECUTE ON FUNCTION request_reached_by(gridcode, bigint, name) FROM PUBLIC;
COMMENT ON FUNCTION request_reached_by(gridcode, bigint, name) IS
  'Does the role reach a request of this grid, referred to this unit (a superuser; staff of the grid and above; the unit''s liaison)? Internal to request_event_apply';

-- The one check of a move, and its effect on the request.  As the owner, so row-level
-- security never hides the request or an earlier event; the writer's own policy on
-- request_event still decides whether it may record the event at all.
-- Every lookup here is by key.  Its plan is kept for the session, and one made while the
-- tables were small (a new district, a table analysed empty) would scan them whole for every
-- event of a later bulk import, which then costs the square of its rows: enable_seqscan off
-- keeps the keyed plans whatever the size (test/bench/services_bulk_moves.sh).
CREATE FUNCTION request_event_apply() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp
  SET enable_seqscan = off AS $$
DECLARE
  r commgrid.service_request;
  c commgrid.service_category;
  t commgrid.request_transition;
  last_at timestamptz;
  pending commgrid.request_event;
  fail text;
BEGIN
  NEW.actor := commgrid.acting_role();
  -- a merge's target too (one 42501 for elsewhere and missing): the merge rule never probes it
  IF NEW.action = 'merge' AND NOT coalesce((SELECT commgrid.request_reached_by(m.grid_code, m.referred_unit_id, NEW.actor) FROM commgrid.service_request m WHERE m.request_id = NEW.merged_into), NEW.merged_into IS NULL) THEN
    RAISE EXCEPTION 'request % is not in the jurisdiction of %', NEW.merged_into, NEW.actor USING ERRCODE = '42501', HINT = 'A request is merged only into one its writer also reaches.';
  END IF;
  SELECT * INTO r FROM commgrid.service_request WHERE request_id = NEW.request_id FOR UPDATE;
  -- a missing request: the foreign key reports it to whom every request is reached; anyone
  -- else is refused below by the very error of a request elsewhere (the policy's own refusal
  -- of a missing one told the two apart)
  IF NOT FOUND AND commgrid.request_reached_by(NULL, NULL, NEW.actor) THEN
    RETURN NEW;
  END IF;
  -- reach (its jurisdiction, its unit's referrals); only the first event, the submit written with
  -- the request, needs none: a submit again is refused here, before its error names the state
  IF r.request_id IS NULL
     OR ((NEW.action <> 'submit' OR EXISTS (SELECT 1 FROM commgrid.request_event e WHERE e.request_id = r.request_id))
         AND NOT commgrid.request_reached_by(r.grid_code, r.referred_unit_id, NEW.actor)) THEN
    RAISE EXCEPTION 'request % is not in the jurisdiction of %', NEW.request_id, NEW.actor
      USING ERRCODE = '42501', HINT = 'A request is handled by the staff of its grid and above, or by the liaison of the unit it is referred to.';
  END IF;
  SELECT * INTO c FROM commgrid.service_category WHERE code = r.category_code;
  NEW.grid_code := r.grid_code;
  NEW.from_status := r.status;
  IF NEW.action = 'submit' THEN
    IF EXISTS (SELECT 1 FROM commgrid.request_event e WHERE e.request_id = r.request_id) THEN
      RAISE EXCEPTION 'request % is %: cannot submit it again', r.request_id, r.status
        USING ERRCODE = '55000', DETAIL = format('Current state %s, requested action submit.', r.status);
    END IF;
    NEW.from_status := NULL;
    NEW.to_status := 'submitted';
    NEW.at := r.requested_at;
    RETURN NEW;
  END IF;
  SELECT * INTO t FROM commgrid.request_transition x WHERE x.action = NEW.action AND x.from_status = r.status;
  IF NOT FOUND THEN
    IF NOT EXISTS (SELECT 1 FROM commgrid.request_transition x WHERE x.action = NEW.action) THEN
      RAISE EXCEPTION 'unknown workflow action %', commgrid.echo_value(NEW.action)
        USING ERRCODE = '22023', HINT = 'The actions are the rows of commgrid.request_transition.';
    END IF;
    RAISE EXCEPTION 'request % is %: cannot %', r.request_id, r.status, NEW.action
      USING ERRCODE = '55000',
            DETAIL = format('Current state %s, requested action %s (allowed from %s).', r.status, NEW.action,
                            (SELECT string_agg(x.from_status, ', ' ORDER BY x.from_status)
                             FROM commgrid.request_transition x WHERE x.action = NEW.action)),
            HINT = 'See commgrid.request_transition for the legal moves.';
  END IF;
  NEW.to_status := coalesce(t.to_status, r.status);
  SELECT max(e.at) INTO last_at FROM commgrid.request_event e WHERE e.request_id = r.request_id;
  IF NEW.at < last_at OR NEW.at > now() + interval '5 minutes' THEN
    RAISE EXCEPTION 'event time % is out of order for request %', NEW.at, r.request_id
      USING ERRCODE = '23514', DETAIL = format('The last event is at %s; an event is never in the future.', last_at),
            HINT = 'Leave at out to record the event now.';
  END IF;

  -- what each action needs, and who may do it
  fail := CASE
    WHEN NEW.action IN ('return', 'dispute', 'request_extension', 'park') AND coalesce(btrim(NEW.note), '') = ''
      THEN 'a reason (note) is required'
    WHEN NEW.action = 'request_extension' AND (NEW.new_deadline IS NULL
         OR NEW.new_deadline <= coalesce(r.extended_due, r.resolution_due))
      THEN format('new_deadline must be after the current deadline %s', coalesce(r.extended_due, r.resolution_due))
    WHEN NEW.action = 'park' AND (NEW.review_on IS NULL OR NEW.review_on <= commgrid.district_date(NEW.at))
      THEN 'review_on must be a day after today'
    WHEN NEW.action = 'not_accept' AND coalesce(btrim(NEW.rule), '') = ''
      THEN 'the rule under which it is not accepted is required'
    WHEN NEW.action = 'refer' AND (NEW.unit_id IS NULL) = (NEW.department IS NULL)
      THEN 'refer names a unit or a department, one of them'
    WHEN NEW.action = 'merge' AND (NEW.merged_into IS NULL OR NEW.merged_into = r.request_id
         OR NOT EXISTS (SELECT 1 FROM commgrid.service_request m WHERE m.request_id = NEW.merged_into
                        AND m.requested_at <= r.requested_at AND m.status NOT IN ('merged', 'not_accepted')))
      THEN 'merged_into must be an earlier request that is not merged or refused itself'
    WHEN NEW.action IN ('resolve', 'start', 'request_extension', 'park', 'return', 'dispute')
         AND r.handler IS NOT NULL AND NEW.actor <> r.handler
      THEN format('only the handler %s may %s it', r.handler, NEW.action)
    WHEN NEW.action = 'resolve' AND coalesce(btrim(NEW.note), '') = ''
      THEN 'the resolution (note) is required'
    WHEN NEW.action IN ('verify', 'reopen') AND NEW.actor = r.handler
      THEN 'the handler cannot verify their own work (核查 by someone else)'
    WHEN NEW.action = 'ask_satisfaction' AND NEW.actor = r.handler
      THEN 'satisfaction is asked by the centre, never by the handler (办理与监督分离)'
    WHEN NEW.action = 'ask_satisfaction' AND (NEW.satisfaction IS NULL
         OR (NEW.satisfaction = 'not_asked') <> (r.requester_kind = 'anonymous'))
      THEN 'an answer is required; not_asked is for anonymous requests only, and only for them'
    WHEN NEW.action = 'review' AND (r.satisfaction IS DISTINCT FROM 'dissatisfied' OR NEW.decision IS NULL)
      THEN 'review decides (redo or explain) on a dissatisfied answer only'
    WHEN NEW.action = 'review' AND NEW.actor = r.handler
      THEN 'the handler cannot review their own case'
    WHEN NEW.action = 'close' AND r.satisfaction IS NULL
      THEN 'satisfaction must be asked before closing'
    WHEN NEW.action = 'close' AND r.satisfaction = 'dissatisfied' AND NOT EXISTS (
           SELECT 1 FROM commgrid.request_event e WHERE e.request_id = r.request_id
             AND e.action = 'review' AND e.decision = 'explain'
             AND e.event_id > (SELECT max(a.event_id) FROM commgrid.request_event a
                               WHERE a.request_id = r.request_id AND a.action = 'ask_satisfaction'))
      THEN 'a dissatisfied answer is reviewed before closing'
    WHEN NEW.action IN ('reassign', 'rule_dispute', 'escalate') AND NEW.handling_level IS NULL
      THEN 'the new handling_level is required'
    WHEN NEW.action = 'escalate' AND commgrid.level_rank(NEW.handling_level) <= commgrid.level_rank(r.handling_level)
      THEN format('escalation goes above %s', r.handling_level)
    WHEN NEW.action IN ('reassign', 'rule_dispute') AND c.default_level = 'department'
         AND NEW.handling_level <> 'department'
      THEN 'a department''s matter is not pushed down'
    WHEN NEW.action = 'supervise' AND (NEW.supervision IS NULL OR NEW.deadline_kind IS NULL OR NEW.deadline IS NULL)
      THEN 'supervision, deadline_kind and deadline are required'
    END;
  IF NEW.action = 'approve_extension' THEN
    SELECT * INTO pending FROM commgrid.request_event e
    WHERE e.request_id = r.request_id AND e.action IN ('request_extension', 'approve_extension')
    ORDER BY e.event_id DESC LIMIT 1;
    IF pending.action IS DISTINCT FROM 'request_extension' THEN
      fail := 'no extension is waiting for approval';
    ELSIF pending.actor = NEW.actor THEN
      fail := 'an extension is approved by someone other than who asked for it';
    END IF;
  END IF;
  IF fail IS NOT NULL THEN
    RAISE EXCEPTION 'request % (%): cannot % : %', r.request_id, r.status, NEW.action, fail
      USING ERRCODE = '23514',
            DETAIL = format('Current state %s, requested action %s leading to %s.', r.status, NEW.action, NEW.to_status);
  END IF;

  -- the effect on the request, written as the owner through the guarded path
  PERFORM set_config('commgrid.applying_event', r.request_id::text, true);
  UPDATE commgrid.service_request s SET
    status = NEW.to_status,
    handler = CASE WHEN NEW.action = 'sign_for' THEN NEW.actor
                   WHEN NEW.action IN ('reassign', 'rule_dispute', 'return', 'refer') THEN NEW.handler
                   ELSE s.handler END,
    signed_at = CASE WHEN NEW.action = 'sign_for' THEN NEW.at ELSE s.signed_at END,
    first_signed_at = CASE WHEN NEW.action = 'sign_for' THEN least(s.first_signed_at, NEW.at) ELSE s.first_signed_at END,
    returned = s.returned OR NEW.action = 'return',
    responded_at = CASE WHEN NEW.action IN ('start', 'resolve') THEN coalesce(s.responded_at, NEW.at) ELSE s.responded_at END,
    handling_level = CASE WHEN NEW.action IN ('reassign', 'rule_dispute', 'escalate') THEN NEW.handling_level
                          WHEN NEW.action = 'refer' AND NEW.department IS NOT NULL THEN 'department'
                          ELSE s.handling_level END,
    resolved_at = CASE WHEN NEW.action = 'resolve' THEN NEW.at ELSE s.resolved_at END,
    resolved_level = CASE WHEN NEW.action = 'resolve' THEN s.handling_level
                          WHEN NEW.action IN ('reopen', 'review') AND NEW.decision IS DISTINCT FROM 'explain' THEN NULL
                          ELSE s.resolved_level END,
    resolution = CASE WHEN NEW.action = 'resolve' THEN NEW.note ELSE s.resolution END,
    satisfaction = CASE WHEN NEW.action = 'ask_satisfaction' THEN NEW.satisfaction ELSE s.satisfaction END,
    extended_due = CASE WHEN NEW.action = 'approve_extension' THEN pending.new_deadline ELSE s.extended_due END,
    parked_until = CASE WHEN NEW.action = 'park' THEN NEW.review_on WHEN NEW.action = 'resume' THEN NULL ELSE s.parked_until END,
    merged_into = CASE WHEN NEW.action = 'merge' THEN NEW.merged_into ELSE s.merged_into END,
    referred_unit_id = CASE WHEN NEW.action = 'refer' THEN NEW.unit_id ELSE s.referred_unit_id END,
    referred_department = CASE WHEN NEW.action = 'refer' THEN NEW.department ELSE s.referred_department END,
    closed_at = CASE WHEN NEW.action = 'close' THEN NEW.at ELSE s.closed_at END
  WHERE s.request_id = r.request_id;
  -- a redo (重办) sends it back to work
  IF NEW.action = 'review' AND NEW.decision = 'redo' THEN
    NEW.to_status := 'in_progress';
    UPDATE commgrid.service_request s SET status = 'in_progress', satisfaction = NULL
    WHERE s.request_id = r.request_id;
  END IF;
  PERFORM set_config('commgrid.applying_event', '', true);
  SELECT s.referred_unit_id INTO NEW.referred_unit_id FROM commgrid.service_request s WHERE s.request_id = r.request_id;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION request_event_apply() FROM PUBLIC;
COMMENT ON FUNCTION request_event_apply() IS
  'Trigger: checks a workflow move against request_transition and the rules of who may act (55000 illegal move, 23514 broken rule, naming the current state and the action), then updates the request';
CREATE TRIGGER request_event_apply BEFORE INSERT ON request_event
  FOR EACH ROW EXECUTE FUNCTION request_event_apply();
-- the unit a referral names is one of the writer's jurisdiction, missing alike: checked before
-- request_event_apply (triggers fire in name order), whose update of the request would answer
-- a missing unit with the request's foreign key
CREATE TRIGGER request_event_0_unit_in_reach BEFORE INSERT ON request_event
  FOR EACH ROW EXECUTE FUNCTION referenced_row_in_reach('unit_id', 'unit', 'unit_id', 'community_code');

-- Every request starts with its submit event (as the owner: the writer of the request may
-- not see its own event under a liaison policy).
CREATE FUNCTION service_request_first_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  INSERT INTO commgrid.request_event (request_id, action, note) VALUES (NEW.request_id, 'submit', NULL);
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION service_request_first_event() FROM PUBLIC;
COMMENT ON FUNCTION service_request_first_event() IS 'Trigger: a new request gets its submit event';
CREATE TRIGGER service_request_first_event AFTER INSERT ON service_request
  FOR EACH ROW EXECUTE FUNCTION service_request_first_event();

-- The workflow columns and the deadlines fixed at intake change only through an event: the
-- marker request_event_apply sets counts only inside it, with the owner's rights (current_user;
-- this guard is no security definer), since any role may set a custom setting: a grid worker
-- closed a request with SET commgrid.applying_event and an UPDATE.
CREATE FUNCTION service_request_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  IF (NEW.status, NEW.handler, NEW.handling_level, NEW.response_due, NEW.resolution_due, NEW.extended_due,
      NEW.satisfaction, NEW.resolved_level, NEW.resolved_at, NEW.closed_at, NEW.merged_into,
      NEW.referred_unit_id, NEW.referred_department, NEW.parked_until, NEW.requested_at, NEW.responded_at,
      NEW.signed_at, NEW.first_signed_at, NEW.returned, NEW.resolution)
     IS DISTINCT FROM
     (OLD.status, OLD.handler, OLD.handling_level, OLD.response_due, OLD.resolution_due, OLD.extended_due,
      OLD.satisfaction, OLD.resolved_level, OLD.resolved_at, OLD.closed_at, OLD.merged_into,
      OLD.referred_unit_id, OLD.referred_department, OLD.parked_until, OLD.requested_at, OLD.responded_at,
      OLD.signed_at, OLD.first_signed_at, OLD.returned, OLD.resolution)
     AND NOT (current_setting('commgrid.applying_event', true) = OLD.request_id::text
              AND commgrid.is_owner(current_user)) THEN
    RAISE EXCEPTION 'request % is %: its workflow changes only through request_event', OLD.request_id, OLD.status
      USING ERRCODE = '55000',
            DETAIL = format('Current state %s, requested state %s.', OLD.status, NEW.status),
            HINT = 'Insert a row into commgrid.request_event with the action (e.g. sign_for, resolve).';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION service_request_guard() IS
  'Trigger: the workflow columns and the intake deadlines of a request change only through request_event (55000)';
CREATE TRIGGER service_request_guard BEFORE UPDATE ON service_request
  FOR EACH ROW EXECUTE FUNCTION service_request_guard();
