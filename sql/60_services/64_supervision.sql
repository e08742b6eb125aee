-- Supervision (督办): yellow warnings before a deadline and red cards when it is missed
-- (红黄牌), recorded as request events addressed to the handler's superior level.  Idempotent:
-- one event per request, deadline and colour (request_event_supervision_once), so it can run
-- every minute from pg_cron.  It never escalates: moving a request up is a person's decision
-- (the escalate action), or 小事不出网格 would be distorted by the clock.

CREATE FUNCTION superior_level(level text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE level WHEN 'grid' THEN 'community' WHEN 'community' THEN 'township' ELSE 'district' END;
COMMENT ON FUNCTION superior_level(text) IS
  'Whom supervision of a request handled at a level is addressed to: grid → community, community → township, township and department → district';

CREATE FUNCTION flag_overdue(at timestamptz DEFAULT now(),
                             response_warning interval DEFAULT '1 hour',
                             resolution_warning interval DEFAULT '1 day')
RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  raised int;
BEGIN
  IF at IS NULL OR response_warning IS NULL OR resolution_warning IS NULL
     OR response_warning < interval '0' OR resolution_warning < interval '0' THEN
    RAISE EXCEPTION 'flag_overdue needs a time and non-negative warning periods'
      USING ERRCODE = '22023',
            DETAIL = format('at %s, response_warning %s, resolution_warning %s.', at, response_warning, resolution_warning);
  END IF;
  WITH open_request AS (
    SELECT r.request_id, r.handling_level, r.responded_at, r.status, r.response_due,
           coalesce(r.extended_due, r.resolution_due) AS resolution_deadline
    FROM commgrid.service_request r
    WHERE r.status NOT IN ('resolved', 'verified', 'closed', 'merged', 'not_accepted')
      AND r.requested_at <= flag_overdue.at
      -- an event never goes before the request's last one
      AND (SELECT max(e.at) FROM commgrid.request_event e WHERE e.request_id = r.request_id) <= flag_overdue.at
  ),
  due AS (
    SELECT o.request_id, o.handling_level, 'response' AS kind, o.response_due AS deadline, response_warning AS lead
    FROM open_request o WHERE o.responded_at IS NULL
    UNION ALL
    SELECT o.request_id, o.handling_level, 'resolution', o.resolution_deadline, resolution_warning
    FROM open_request o WHERE o.status <> 'parked'
  ),
  flag AS (
    SELECT d.*, CASE WHEN flag_overdue.at > d.deadline THEN 'red' ELSE 'yellow' END AS colour
    FROM due d WHERE flag_overdue.at >= d.deadline - d.lead
  ),
  ins AS (
    INSERT INTO commgrid.request_event AS e
      (request_id, action, at, supervision, deadline_kind, deadline, addressed_to, note)
    SELECT f.request_id, 'supervise', flag_overdue.at, f.colour, f.kind, f.deadline,
           commgrid.superior_level(f.handling_level),
           format('%s deadline %s %s', f.kind, f.deadline,
                  CASE f.colour WHEN 'red' THEN 'missed' ELSE 'near' END)
    FROM flag f
    -- a red card makes the yellow warning for the same deadline pointless
    WHERE NOT (f.colour = 'yellow' AND EXISTS (
            SELECT 1 FROM commgrid.request_event x WHERE x.request_id = f.request_id
              AND x.action = 'supervise' AND x.deadline_kind = f.kind AND x.deadline = f.deadline))
    ORDER BY f.request_id, f.kind
    ON CONFLICT (request_id, deadline_kind, deadline, supervision) WHERE action = 'supervise' DO NOTHING
    RETURNING 1
  )
  SELECT count(*) INTO raised FROM ins;
  RETURN raised;
END $$;
REVOKE EXECUTE ON FUNCTION flag_overdue(timestamptz, interval, interval) FROM PUBLIC;
COMMENT ON FUNCTION flag_overdue(timestamptz, interval, interval) IS
  'Supervision (督办): raises a yellow warning within the warning period before each open request''s response and resolution deadline and a red card once it is missed, as supervise events addressed to the handler''s superior level; once per request, deadline and colour; never escalates; returns the events raised. Schedule it with pg_cron: SELECT cron.schedule(''flag_overdue'', ''* * * * *'', ''SELECT commgrid.flag_overdue()'')';
