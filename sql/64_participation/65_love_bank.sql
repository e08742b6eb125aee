-- The love bank (爱心储蓄银行, issue 14 §2): a double-entry points ledger.  Accounts hold
-- points; a transaction is two or more movements that sum to zero, checked at commit;
-- movements are never changed, a correction is a reversing transaction.  Stored balances
-- (never negative) are kept by one statement trigger that locks the accounts it moves.

-- Settings: the account cap, the star board's size, when a balance counts as dormant, and
-- the age up to which a member counts as young (members' participation, 70_member_participation.sql).
CREATE TABLE participation_setting (
  name        text PRIMARY KEY,
  value       numeric NOT NULL CHECK (value >= 0),
  description text NOT NULL
);
COMMENT ON TABLE participation_setting IS 'Tunable rules of participation: the love bank''s cap, the star board, dormancy, the age that counts as young';
COMMENT ON COLUMN participation_setting.name IS 'Setting name';
COMMENT ON COLUMN participation_setting.value IS 'Its value';
COMMENT ON COLUMN participation_setting.description IS 'What it rules';
SELECT commgrid.secure_table('commgrid.participation_setting', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{district_admin}');
CREATE FUNCTION participation_setting_defaults() RETURNS SETOF participation_setting
LANGUAGE sql IMMUTABLE PARALLEL SAFE BEGIN ATOMIC
  VALUES ('account_cap_points', 1500::numeric, 'Most points a resident account holds; earnings beyond it go to the donation pool (some cities cap at 1,500 hours)'),
         ('star_board_size', 10, 'Places on the star board of a community and year'),
         ('dormant_months', 12, 'Months without a movement after which a balance is dormant'),
         ('young_age', 35, 'Members of this age or younger count as young');
END;
COMMENT ON FUNCTION participation_setting_defaults() IS
  'The rows the install script puts into participation_setting (pg_dump leaves out rows still equal to one of them)';
INSERT INTO participation_setting SELECT * FROM participation_setting_defaults();
SELECT commgrid.register_dump('commgrid.participation_setting',
  $$WHERE (name, value, description) NOT IN (SELECT d.name, d.value, d.description FROM commgrid.participation_setting_defaults() d)$$);

CREATE FUNCTION participation_setting(setting text) RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp
RETURN (SELECT s.value FROM commgrid.participation_setting s WHERE s.name = setting);
COMMENT ON FUNCTION participation_setting(text) IS 'The value of a love-bank setting (NULL when unknown)';

-- Points per verified hour of an activity kind, from a date on: the rate of an activity is
-- the one valid on its day.
CREATE TABLE earning_rate (
  kind            text NOT NULL REFERENCES activity_kind ON UPDATE CASCADE,
  valid_from      date NOT NULL,
  points_per_hour numeric(8, 2) NOT NULL CHECK (points_per_hour > 0),
  PRIMARY KEY (kind, valid_from)
);
COMMENT ON TABLE earning_rate IS 'Points per verified hour for an activity kind, valid from a date until the next row of the kind';
COMMENT ON COLUMN earning_rate.kind IS 'The activity kind';
COMMENT ON COLUMN earning_rate.valid_from IS 'First day (Asia/Shanghai) the rate applies';
COMMENT ON COLUMN earning_rate.points_per_hour IS 'Points per verified hour';
SELECT commgrid.secure_table('commgrid.earning_rate', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{district_admin}');
SELECT commgrid.register_dump('commgrid.earning_rate');

-- Needy members (困难党员): an explicit register, never inferred from vulnerable flags.
CREATE TABLE needy_member (
  resident_id    bigint NOT NULL REFERENCES resident ON DELETE RESTRICT,
  community_code community_code NOT NULL REFERENCES area (code) ON UPDATE CASCADE,
  decided_on     date NOT NULL,
  decided_by     text NOT NULL CHECK (btrim(decided_by) <> ''),
  reason         text NOT NULL CHECK (btrim(reason) <> ''),
  ended_on       date,
  PRIMARY KEY (resident_id, decided_on),
  CONSTRAINT needy_member_period CHECK (ended_on >= decided_on)
);
CREATE INDEX needy_member_community_code_idx ON needy_member (community_code);
COMMENT ON TABLE needy_member IS
  'Register of needy members (困难党员): who decided, when and why; a period from decided_on to ended_on';
COMMENT ON COLUMN needy_member.resident_id IS 'The member';
COMMENT ON COLUMN needy_member.community_code IS 'The community that keeps the entry';
COMMENT ON COLUMN needy_member.decided_on IS 'Day of the decision';
COMMENT ON COLUMN needy_member.decided_by IS 'Who decided (a body or office, e.g. 社区党委会议)';
COMMENT ON COLUMN needy_member.reason IS 'Why';
COMMENT ON COLUMN needy_member.ended_on IS 'Day the member stopped being needy; NULL: still';
SELECT commgrid.secure_table('commgrid.needy_member', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.mark_personal('commgrid.needy_member', '{reason}');
SELECT commgrid.audit_table('commgrid.needy_member');
-- The member registered lives in the writer's jurisdiction (referenced_row_in_reach, 42501 as for
-- a resident that does not exist): the foreign key alone took another township's resident, so
-- a community's staff learnt which resident ids exist anywhere and, through
-- needy_member_participation, read that person's points earned and redeemed year by year.
CREATE TRIGGER needy_member_person_in_reach BEFORE INSERT OR UPDATE OF resident_id ON needy_member
  FOR EACH ROW EXECUTE FUNCTION referenced_row_in_reach('resident_id', 'resident', 'resident_id', 'grid_code');
SELECT commgrid.register_dump('commgrid.needy_member');

-- Accounts.  The bank of an area (a community or subdistrict) has an issuance account (the
-- source of every earned point: its derived balance is minus the points out), a redemption
-- account (where redeemed points go) and a donation pool (overflow beyond the cap, gifts).
-- The issuance and redemption accounts store no balance: every earning and every redemption
-- would otherwise queue on their rows; ledger_check derives them.
CREATE TABLE love_account (
  account_id     bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  kind           text NOT NULL CHECK (kind IN (
                   'resident', 'organiser', 'donor', 'issuance', 'redemption', 'donation_pool')),
  area_code      gridcode NOT NULL REFERENCES area (code) ON UPDATE CASCADE,
  resident_id    bigint UNIQUE REFERENCES resident ON DELETE RESTRICT,
  organiser_id   bigint UNIQUE REFERENCES organiser ON DELETE RESTRICT,
  donor_unit_id  bigint REFERENCES unit ON DELETE RESTRICT,
  donor_name     text CHECK (btrim(donor_name) <> ''),
  balance        numeric(12, 2),
  opened_on      date NOT NULL DEFAULT commgrid.district_today(),
  holder_died_on date,
  CONSTRAINT love_account_holder CHECK (CASE kind
    WHEN 'resident' THEN resident_id IS NOT NULL AND organiser_id IS NULL AND donor_name IS NULL
    WHEN 'organiser' THEN organiser_id IS NOT NULL AND resident_id IS NULL AND donor_name IS NULL
    WHEN 'donor' THEN donor_name IS NOT NULL AND resident_id IS NULL AND organiser_id IS NULL
    ELSE resident_id IS NULL AND organiser_id IS NULL AND donor_name IS NULL AND donor_unit_id IS NULL END),
  CONSTRAINT love_account_stored_balance CHECK (
    (kind IN ('issuance', 'redemption')) = (balance IS NULL)),
  CONSTRAINT love_account_balance_not_negative CHECK (balance >= 0),
  CONSTRAINT love_account_death_of_resident CHECK (holder_died_on IS NULL OR kind = 'resident')
);
CREATE UNIQUE INDEX love_account_bank_idx ON love_account (area_code, kind)
  WHERE kind IN ('issuance', 'redemption', 'donation_pool');
CREATE INDEX love_account_area_code_idx ON love_account (area_code);
CREATE INDEX love_account_donor_unit_idx ON love_account (donor_unit_id);
COMMENT ON TABLE love_account IS
  'A love-bank account: a resident''s (member or volunteer), an organiser''s, a donor''s, or the bank''s own issuance, redemption and donation-pool accounts of an area';
COMMENT ON COLUMN love_account.account_id IS 'Stable account id';
COMMENT ON COLUMN love_account.kind IS 'resident, organiser, donor, issuance, redemption or donation_pool';
COMMENT ON COLUMN love_account.area_code IS 'The area: the holder''s community, or the area whose bank it is';
COMMENT ON COLUMN love_account.resident_id IS 'The holder, for a resident account';
COMMENT ON COLUMN love_account.organiser_id IS 'The holder, for an organiser account';
COMMENT ON COLUMN love_account.donor_unit_id IS 'The donor''s resident unit, when the donor is one';
COMMENT ON COLUMN love_account.donor_name IS 'The donor''s name, for a donor account';
COMMENT ON COLUMN love_account.balance IS
  'Points held, kept by the ledger (never negative); NULL for the issuance and redemption accounts, whose balance ledger_check derives';
COMMENT ON COLUMN love_account.opened_on IS 'Day the account was opened';
COMMENT ON COLUMN love_account.holder_died_on IS 'Day the holder died, as told to the bank (the balance then awaits a decision)';
SELECT commgrid.secure_table('commgrid.love_account', '{area_code}',
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
SELECT commgrid.register_dump('commgrid.love_account');
-- Staff also read the account of a resident they reach.  A resident account's area is the
-- holder's community, which no grid lies above, so a grid worker, who records its residents'
-- redemptions and transfers (the posting functions check the holder's grid:
-- love_account_reach_area), found none of their accounts; and an account stays in the
-- community where it was opened when its holder moves.  Whether the holder is in reach is the
-- resident table's own policy (the subquery runs with the caller's rights); no other account,
-- movement or transaction is opened by it.
CREATE POLICY holder_in_reach ON love_account FOR SELECT
  USING (kind OPERATOR(pg_catalog.=) 'resident'
         AND EXISTS (SELECT 1 FROM commgrid.resident r
                     WHERE r.resident_id OPERATOR(pg_catalog.=) love_account.resident_id));
COMMENT ON POLICY holder_in_reach ON love_account IS
  'Staff read the account of a resident they reach (the resident''s policy decides): a grid worker its grids'' residents'' accounts';

CREATE TABLE love_transaction (
  transaction_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  kind           text NOT NULL CHECK (kind IN ('earning', 'redemption', 'transfer', 'donation', 'reversal')),
  area_code      gridcode NOT NULL REFERENCES area (code) ON UPDATE CASCADE,
  posted_at      timestamptz NOT NULL DEFAULT now(),
  posted_by      name NOT NULL DEFAULT commgrid.acting_role(),
  value_date     date NOT NULL DEFAULT commgrid.district_today(),
  attendance_id  bigint UNIQUE REFERENCES activity_attendance ON DELETE RESTRICT,
  item_id        bigint,
  quantity       int CHECK (quantity > 0),
  reverses_id    bigint UNIQUE REFERENCES love_transaction ON DELETE RESTRICT,
  note           text CHECK (btrim(note) <> ''),
  -- the top-level transaction that created it: movements may join it only there
  created_xid    xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT love_transaction_earning_attendance CHECK ((kind = 'earning') = (attendance_id IS NOT NULL)),
  CONSTRAINT love_transaction_redemption_item CHECK (
    (kind = 'redemption') = (item_id IS NOT NULL) AND (item_id IS NULL) = (quantity IS NULL)),
  CONSTRAINT love_transaction_reversal_original CHECK (
    (kind = 'reversal') = (reverses_id IS NOT NULL) AND (kind <> 'reversal' OR note IS NOT NULL))
);
CREATE INDEX love_transaction_area_code_idx ON love_transaction (area_code);
CREATE INDEX love_transaction_posted_at_idx ON love_transaction (posted_at);
COMMENT ON TABLE love_transaction IS
  'A love-bank transaction: two or more movements summing to zero (checked at commit); never changed, corrected by a reversal';
COMMENT ON COLUMN love_transaction.transaction_id IS 'Stable transaction id';
COMMENT ON COLUMN love_transaction.kind IS 'earning, redemption, transfer, donation or reversal';
COMMENT ON COLUMN love_transaction.area_code IS 'The area of the bank that posted it';
COMMENT ON COLUMN love_transaction.posted_at IS 'When it was posted';
COMMENT ON COLUMN love_transaction.posted_by IS 'The role that posted it (the acting role, also through the posting functions)';
COMMENT ON COLUMN love_transaction.value_date IS
  'The day it counts for in the reports: the activity''s day for an earning, the original''s for a reversal, else the day of posting';
COMMENT ON COLUMN love_transaction.attendance_id IS 'For an earning: the attendance credited (each at most once)';
COMMENT ON COLUMN love_transaction.item_id IS 'For a redemption: the catalogue item';
COMMENT ON COLUMN love_transaction.quantity IS 'For a redemption: how many of the item';
COMMENT ON COLUMN love_transaction.reverses_id IS 'For a reversal: the transaction it undoes (each reversed at most once)';
COMMENT ON COLUMN love_transaction.note IS 'Why (required for a reversal), or the relation of a transfer';
COMMENT ON COLUMN love_transaction.created_xid IS 'The database transaction that posted it (movements are accepted only from it)';
SELECT commgrid.secure_table('commgrid.love_transaction', '{area_code}',
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
SELECT commgrid.register_dump('commgrid.love_transaction');

CREATE TABLE love_movement (
  movement_id    bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  transaction_id bigint NOT NULL REFERENCES love_transaction ON DELETE RESTRICT,
  account_id     bigint NOT NULL REFERENCES love_account ON DELETE RESTRICT,
  area_code      gridcode NOT NULL,
  amount         numeric(12, 2) NOT NULL CHECK (amount <> 0)
);
CREATE INDEX love_movement_transaction_idx ON love_movement (transaction_id);
CREATE INDEX love_movement_account_idx ON love_movement (account_id);
CREATE INDEX love_movement_area_code_idx ON love_movement (area_code);
COMMENT ON TABLE love_movement IS 'One leg of a love-bank transaction: points into (positive) or out of (negative) an account; append-only';
COMMENT ON COLUMN love_movement.movement_id IS 'Stable movement id';
COMMENT ON COLUMN love_movement.transaction_id IS 'The transaction';
COMMENT ON COLUMN love_movement.account_id IS 'The account';
COMMENT ON COLUMN love_movement.area_code IS 'The account''s area (filled in when omitted)';
COMMENT ON COLUMN love_movement.amount IS 'Points: positive into the account, negative out of it';
SELECT commgrid.secure_table('commgrid.love_movement', '{area_code}',
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
SELECT commgrid.register_dump('commgrid.love_movement');

-- Append-only: a posted movement or transaction is never changed or removed.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'the love-bank ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = '23514',
          HINT = 'Correct a transaction with commgrid.reverse_transaction(id, reason).';
END $$;
REVOKE EXECUTE ON FUNCTION ledger_refuse_change() FROM PUBLIC;
COMMENT ON FUNCTION ledger_refuse_change() IS 'Trigger: refuse UPDATE, DELETE and TRUNCATE on the ledger';
CREATE TRIGGER love_transaction_append_only BEFORE UPDATE OR DELETE ON love_transaction
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER love_transaction_no_truncate BEFORE TRUNCATE ON love_transaction
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER love_movement_append_only BEFORE UPDATE OR DELETE ON love_movement
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER love_movement_no_truncate BEFORE TRUNCATE ON love_movement
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- keyed lookups only: enable_seqscan off (docs/design/cached-plans.md)
CREATE FUNCTION love_movement_take_area() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp
  SET enable_seqscan = off AS $$
BEGIN
  SELECT a.area_code INTO NEW.area_code FROM commgrid.love_account a WHERE a.account_id = NEW.account_id;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION love_movement_take_area() FROM PUBLIC;
COMMENT ON FUNCTION love_movement_take_area() IS 'Trigger: a movement''s area, when omitted, is its account''s';
-- only when omitted; one given is checked against the account by love_movement_apply, per statement
CREATE TRIGGER love_movement_take_area BEFORE INSERT ON love_movement
  FOR EACH ROW WHEN (NEW.area_code IS NULL) EXECUTE FUNCTION love_movement_take_area();

-- The balances, once per statement: the accounts moved are locked in id order (no deadlock
-- between two postings), then read afresh, so a balance that another session lowered meanwhile
-- is seen; an account that would go below zero refuses the whole statement.
CREATE FUNCTION love_movement_apply() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  bad record;
BEGIN
  SELECT t.transaction_id INTO bad FROM commgrid.love_transaction t
  WHERE t.transaction_id IN (SELECT n.transaction_id FROM new_movement n)
    AND t.created_xid OPERATOR(pg_catalog.<>) pg_catalog.pg_current_xact_id()
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'transaction % is already posted', bad.transaction_id
      USING ERRCODE = '23514', DETAIL = 'Movements join a transaction only in the database transaction that created it.',
            HINT = 'Post a new transaction, or reverse this one.';
  END IF;
  SELECT n.account_id, n.area_code, a.area_code AS account_area INTO bad
  FROM new_movement n JOIN commgrid.love_account a USING (account_id)
  WHERE n.area_code OPERATOR(commgrid.<>) a.area_code ORDER BY n.movement_id LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'a movement of account % names area %, the account belongs to %', bad.account_id, bad.area_code, bad.account_area
      USING ERRCODE = '23514', HINT = 'Leave area_code out: it is taken from the account.';
  END IF;
  PERFORM 1 FROM commgrid.love_account a
  WHERE a.account_id IN (SELECT n.account_id FROM new_movement n) AND a.balance IS NOT NULL
  ORDER BY a.account_id FOR NO KEY UPDATE;
  SELECT a.account_id, a.kind, a.balance, d.delta INTO bad
  FROM commgrid.love_account a
  JOIN (SELECT n.account_id, sum(n.amount) AS delta FROM new_movement n GROUP BY n.account_id) d USING (account_id)
  WHERE a.balance + d.delta < 0
  ORDER BY a.account_id LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'the balance of account % would go below zero', bad.account_id
      USING ERRCODE = '23514',
            DETAIL = format('The %s account holds %s points; this posting takes %s.', bad.kind, bad.balance, -bad.delta);
  END IF;
  UPDATE commgrid.love_account a SET balance = a.balance + d.delta
  FROM (SELECT n.account_id, sum(n.amount) AS delta FROM new_movement n GROUP BY n.account_id) d
  WHERE a.account_id = d.account_id AND a.balance IS NOT NULL;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION love_movement_apply() FROM PUBLIC;
COMMENT ON FUNCTION love_movement_apply() IS
  'Trigger: apply a statement''s movements to the stored balances (accounts locked in id order), refusing any that would go below zero; refuse movements into a transaction another database transaction posted, and an area_code that is not the account''s';
CREATE TRIGGER love_movement_apply AFTER INSERT ON love_movement
  REFERENCING NEW TABLE AS new_movement FOR EACH STATEMENT EXECUTE FUNCTION love_movement_apply();

-- Balanced at commit: a deferred constraint trigger per transaction sums its movements.
-- keyed lookups only: enable_seqscan off (docs/design/cached-plans.md)
CREATE FUNCTION love_transaction_check_balanced() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp
  SET enable_seqscan = off AS $$
DECLARE
  legs bigint;
  total numeric;
BEGIN
  SELECT count(*), COALESCE(sum(m.amount), 0) INTO legs, total
  FROM commgrid.love_movement m WHERE m.transaction_id = NEW.transaction_id;
  IF legs < 2 OR total <> 0 THEN
    RAISE EXCEPTION 'love-bank transaction % is not balanced', NEW.transaction_id
      USING ERRCODE = '23514',
            DETAIL = format('It has %s movement(s) summing to %s; a transaction needs two or more summing to zero.', legs, total);
  END IF;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION love_transaction_check_balanced() FROM PUBLIC;
COMMENT ON FUNCTION love_transaction_check_balanced() IS
  'Constraint trigger, deferred to commit: a transaction has two or more movements summing to zero';
CREATE CONSTRAINT TRIGGER love_transaction_balanced AFTER INSERT ON love_transaction
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION love_transaction_check_balanced();
