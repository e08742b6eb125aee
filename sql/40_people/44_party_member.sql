-- Party members, their dues, and floating members (流动党员).  A member is a resident who
-- belongs to a branch of a community, is placed in one of that community's grids
-- (党员划入网格) and may claim a post there (认领岗位).

CREATE TABLE party_member (
  resident_id    bigint PRIMARY KEY REFERENCES resident ON DELETE RESTRICT,
  org_id         bigint NOT NULL,
  community_code gridcode NOT NULL,
  status         text NOT NULL CHECK (status IN ('full', 'probationary')),
  category       text NOT NULL CHECK (category IN (
                   'retired', 'farm_to_urban', 'veteran', 'job_seeking_graduate',
                   'in_service', 'laid_off', 'other')),
  joined_on      date,
  grid_code      grid_code REFERENCES area (code) ON UPDATE CASCADE,
  claimed_post   text CHECK (btrim(claimed_post) <> ''),
  UNIQUE (resident_id, community_code),
  FOREIGN KEY (org_id, community_code) REFERENCES party_org (org_id, community_code)
    ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT party_member_grid_in_community CHECK (
    grid_code IS NULL OR grid_code <@ community_code),
  CONSTRAINT party_member_post_needs_grid CHECK (claimed_post IS NULL OR grid_code IS NOT NULL)
);
CREATE INDEX party_member_org_idx ON party_member (org_id);
CREATE INDEX party_member_community_code_idx ON party_member (community_code);
CREATE INDEX party_member_grid_code_idx ON party_member (grid_code);

COMMENT ON TABLE party_member IS
  'A Party member in a community branch: status, category, grid and claimed post; inflow floating members are here too, attached to the branch that receives them';
COMMENT ON COLUMN party_member.resident_id IS 'The member (a resident): the stable member id';
COMMENT ON COLUMN party_member.org_id IS 'The branch (kind branch) the member belongs to or is received by';
COMMENT ON COLUMN party_member.community_code IS 'The branch''s community (filled in when omitted)';
COMMENT ON COLUMN party_member.status IS 'full (正式党员) or probationary (预备党员)';
COMMENT ON COLUMN party_member.category IS
  'retired (离退休), farm_to_urban (农转城), veteran (退转军人), job_seeking_graduate (待业大学生), in_service (在职), laid_off (下岗失业), other';
COMMENT ON COLUMN party_member.joined_on IS 'Date of joining the Party; NULL when not known here (e.g. an inflow floating member)';
COMMENT ON COLUMN party_member.grid_code IS 'The grid the member is placed in (党员划入网格); one of the community''s grids';
COMMENT ON COLUMN party_member.claimed_post IS 'The post claimed in the grid (认领岗位), e.g. 楼栋联络员';
-- kept by community staff and above; a grid worker reads the members placed in its grids;
-- every change audited
SELECT commgrid.secure_table('commgrid.party_member', '{community_code, grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.audit_table('commgrid.party_member');
SELECT commgrid.register_dump('commgrid.party_member');

-- Members belong to branches; the community comes from the branch.
-- keyed lookups only: enable_seqscan off (docs/design/cached-plans.md)
CREATE FUNCTION party_member_check_org() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp
  SET enable_seqscan = off AS $$
DECLARE
  org commgrid.party_org;
BEGIN
  SELECT * INTO org FROM commgrid.party_org WHERE org_id = NEW.org_id;
  -- another jurisdiction's organisation is refused before the kind rule names it
  PERFORM commgrid.check_writer_reach(org.community_code, format('Party organisation %s', NEW.org_id));
  IF org.org_id IS NULL THEN
    RAISE EXCEPTION 'Party organisation % does not exist', NEW.org_id
      USING ERRCODE = '23503';
  END IF;
  IF org.kind <> 'branch' THEN
    RAISE EXCEPTION 'Party members belong to a branch, and % (%) is a %', org.org_id, commgrid.echo_value(org.name), org.kind
      USING ERRCODE = '23514',
            HINT = 'Attach the member to one of the branches under it.';
  END IF;
  NEW.community_code := org.community_code;
  IF NEW.grid_code IS NOT NULL AND NOT NEW.grid_code <@ NEW.community_code THEN  -- a grid by its domain
    RAISE EXCEPTION 'grid % is not a grid of community %', NEW.grid_code, NEW.community_code
      USING ERRCODE = '23514',
            DETAIL = format('Member %s belongs to branch %s of community %s.', NEW.resident_id, org.org_id, NEW.community_code),
            HINT = 'Place a member in a grid of the community of the member''s branch.';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION party_member_check_org() FROM PUBLIC;
COMMENT ON FUNCTION party_member_check_org() IS
  'Trigger: a member belongs to a branch and is placed in one of its community''s grids';

CREATE TRIGGER party_member_check_org BEFORE INSERT OR UPDATE OF org_id, grid_code, community_code ON party_member
  FOR EACH ROW EXECUTE FUNCTION party_member_check_org();

-- Now the secretary and committee references can point at members.
ALTER TABLE party_org ADD FOREIGN KEY (secretary_id) REFERENCES party_member (resident_id)
  ON DELETE SET NULL;
ALTER TABLE party_org_committee ADD FOREIGN KEY (resident_id) REFERENCES party_member (resident_id)
  ON DELETE CASCADE;

-- The person a row names as a member, a secretary or a committee member lives in the writer's
-- jurisdiction (referenced_row_in_reach) before the keys answer about them: party_member's
-- primary key (23505) and the foreign keys to it (23503 or success) told a community's staff
-- whether a resident of any district is a Party member, and let it enrol or seat another
-- district's resident.
CREATE TRIGGER party_member_person_in_reach BEFORE INSERT OR UPDATE OF resident_id ON party_member
  FOR EACH ROW EXECUTE FUNCTION referenced_row_in_reach('resident_id', 'resident', 'resident_id', 'grid_code');
CREATE TRIGGER party_org_secretary_in_reach BEFORE INSERT OR UPDATE OF secretary_id ON party_org
  FOR EACH ROW EXECUTE FUNCTION referenced_row_in_reach('secretary_id', 'resident', 'resident_id', 'grid_code');
CREATE TRIGGER party_org_committee_person_in_reach BEFORE INSERT OR UPDATE OF resident_id ON party_org_committee
  FOR EACH ROW EXECUTE FUNCTION referenced_row_in_reach('resident_id', 'resident', 'resident_id', 'grid_code');

-- Floating members: inflow (from an organisation elsewhere, showing the activity certificate)
-- and outflow (away from the community).  DOMAIN §4: away 1-6 months → an activity
-- certificate (流动党员活动证); over 6 months → the membership is transferred.
CREATE TABLE floating_member (
  resident_id    bigint PRIMARY KEY,
  community_code gridcode NOT NULL,
  direction      text NOT NULL CHECK (direction IN ('inflow', 'outflow')),
  since          date NOT NULL,
  home_org       text CHECK (btrim(home_org) <> ''),
  destination    text CHECK (btrim(destination) <> ''),
  certificate_no text CHECK (btrim(certificate_no) <> ''),
  declared_on    date,
  transferred_on date,
  FOREIGN KEY (resident_id, community_code) REFERENCES party_member (resident_id, community_code)
    ON UPDATE CASCADE ON DELETE CASCADE,
  CONSTRAINT floating_member_inflow_shows_certificate CHECK (
    direction <> 'inflow' OR (home_org IS NOT NULL AND certificate_no IS NOT NULL)),
  CONSTRAINT floating_member_inflow_fields CHECK (
    direction <> 'inflow' OR (destination IS NULL AND transferred_on IS NULL)),
  CONSTRAINT floating_member_outflow_fields CHECK (
    direction <> 'outflow' OR (home_org IS NULL AND declared_on IS NULL)),
  CONSTRAINT floating_member_dates CHECK (declared_on >= since AND transferred_on >= since)
);
CREATE INDEX floating_member_community_code_idx ON floating_member (community_code);

COMMENT ON TABLE floating_member IS
  'Floating Party members: inflow (from elsewhere, declared with an activity certificate) and outflow (away since a date; over 6 months the membership must be transferred)';
COMMENT ON COLUMN floating_member.resident_id IS 'The member';
COMMENT ON COLUMN floating_member.community_code IS 'The member''s community (filled in when omitted)';
COMMENT ON COLUMN floating_member.direction IS 'inflow or outflow';
COMMENT ON COLUMN floating_member.since IS 'Arrived here (inflow) or left (outflow)';
COMMENT ON COLUMN floating_member.home_org IS 'Inflow: the organisation that holds the membership';
COMMENT ON COLUMN floating_member.destination IS 'Outflow: where the member went';
COMMENT ON COLUMN floating_member.certificate_no IS 'Number of the activity certificate (流动党员活动证)';
COMMENT ON COLUMN floating_member.declared_on IS 'Inflow: the day the member declared themselves (亮明身份)';
COMMENT ON COLUMN floating_member.transferred_on IS 'Outflow: the day the membership was transferred out';
SELECT commgrid.secure_table('commgrid.floating_member', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.mark_personal('commgrid.floating_member', '{certificate_no}', restricted => true);
SELECT commgrid.audit_table('commgrid.floating_member');
SELECT commgrid.register_dump('commgrid.floating_member');

-- keyed lookups only: enable_seqscan off (docs/design/cached-plans.md)
CREATE FUNCTION take_member_community() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp
  SET enable_seqscan = off AS $$
BEGIN
  IF NEW.community_code IS NULL THEN
    SELECT community_code INTO NEW.community_code
    FROM commgrid.party_member WHERE resident_id = NEW.resident_id;
    IF NOT FOUND THEN
      -- a member elsewhere is refused by the policy: so is anyone elsewhere, before the answer
      -- "not a Party member" tells another jurisdiction's resident's membership
      PERFORM commgrid.check_writer_reaches_resident(NEW.resident_id);
      RAISE EXCEPTION 'resident % is not a Party member', NEW.resident_id
        USING ERRCODE = '23503', DETAIL = format('%s rows are about Party members.', TG_TABLE_NAME);
    END IF;
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION take_member_community() FROM PUBLIC;
COMMENT ON FUNCTION take_member_community() IS
  'Trigger: fill community_code from the row''s member (the composite foreign key then keeps it right); a non-member is refused with 23503, or with 42501 outside the writer''s jurisdiction';

CREATE TRIGGER floating_member_take_community BEFORE INSERT ON floating_member
  FOR EACH ROW EXECUTE FUNCTION take_member_community();

-- Dues (党费), month by month, and who paid them: the report's problem of dues paid by others.
CREATE TABLE party_dues (
  resident_id    bigint NOT NULL,
  community_code gridcode NOT NULL,
  month          date NOT NULL CHECK (month = date_trunc('month', month)::date),
  amount         numeric(10, 2) NOT NULL CHECK (amount > 0),
  paid_on        date NOT NULL,
  paid_by_id     bigint NOT NULL REFERENCES resident,
  PRIMARY KEY (resident_id, month),
  FOREIGN KEY (resident_id, community_code) REFERENCES party_member (resident_id, community_code)
    ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX party_dues_community_code_idx ON party_dues (community_code);
CREATE INDEX party_dues_paid_by_idx ON party_dues (paid_by_id);

COMMENT ON TABLE party_dues IS 'Party dues paid, one row per member and month';
COMMENT ON COLUMN party_dues.resident_id IS 'The member';
COMMENT ON COLUMN party_dues.community_code IS 'The member''s community (filled in when omitted)';
COMMENT ON COLUMN party_dues.month IS 'The month paid for (its first day)';
COMMENT ON COLUMN party_dues.amount IS 'Amount in yuan';
COMMENT ON COLUMN party_dues.paid_on IS 'Day of payment';
COMMENT ON COLUMN party_dues.paid_by_id IS
  'Who paid (a resident); the member by default, someone else for dues paid on the member''s behalf (托人代交)';
SELECT commgrid.secure_table('commgrid.party_dues', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.register_dump('commgrid.party_dues');

CREATE FUNCTION party_dues_paid_by_member() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  NEW.paid_by_id := coalesce(NEW.paid_by_id, NEW.resident_id);
  RETURN NEW;
END $$;
COMMENT ON FUNCTION party_dues_paid_by_member() IS
  'Trigger: dues are paid by the member unless paid_by_id says otherwise';

CREATE TRIGGER party_dues_paid_by_member BEFORE INSERT ON party_dues
  FOR EACH ROW EXECUTE FUNCTION party_dues_paid_by_member();
CREATE TRIGGER party_dues_take_community BEFORE INSERT ON party_dues
  FOR EACH ROW EXECUTE FUNCTION take_member_community();
