-- Postings of the love bank: earning from verified hours, transfers to relatives and
-- reversals.  Redemption is in 67_redemption.sql.  No staff role writes the ledger's tables:
-- the posting functions are security definer and check the acting role's reach first
-- (acting_scopes, check_posting_reach); the ledger's triggers keep the balances and check the sums for
-- everyone alike.  grant_privileges grants redeem and transfer_points to every staff group,
-- and the earning postings and reversals to the groups that verify hours (community level
-- and above).

-- 42501 unless the area lies in the scopes; one message for a missing row and one elsewhere.
CREATE FUNCTION check_posting_reach(scopes gridcode[], area gridcode, what text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  IF scopes IS NULL OR (area IS NOT NULL AND commgrid.reaches(area, scopes)) THEN
    RETURN;
  END IF;
  RAISE EXCEPTION '% is not in the jurisdiction of %', what, commgrid.acting_role()
    USING ERRCODE = '42501',
          HINT = 'Staff post to the love bank only for attendances and accounts in their jurisdiction.';
END $$;
REVOKE EXECUTE ON FUNCTION check_posting_reach(gridcode[], gridcode, text) FROM PUBLIC;
COMMENT ON FUNCTION check_posting_reach(gridcode[], gridcode, text) IS
  'Raise 42501 unless the area lies in the scopes (acting_scopes(): NULL passes everything; internal to the posting functions)';

-- The area a posting for an account is checked against: a resident holder's grid (so a grid
-- worker reaches the accounts of its grid's residents), else the account's area.
CREATE FUNCTION love_account_reach_area(account bigint) RETURNS gridcode
LANGUAGE sql STABLE SET search_path = pg_catalog, commgrid, pg_temp
RETURN (SELECT COALESCE(r.grid_code, a.area_code) FROM commgrid.love_account a
        LEFT JOIN commgrid.resident r ON r.resident_id = a.resident_id
        WHERE a.account_id = account);
REVOKE EXECUTE ON FUNCTION love_account_reach_area(bigint) FROM PUBLIC;
COMMENT ON FUNCTION love_account_reach_area(bigint) IS
  'The area a posting for the account is checked against: its resident holder''s grid, else its area (internal to the posting functions)';

-- The bank account (issuance, redemption or donation_pool) that serves an area: the one of the
-- area itself or of its nearest ancestor.
CREATE FUNCTION love_bank_account(area gridcode, kind text) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  found_id bigint;
BEGIN
  IF kind IS NULL OR kind NOT IN ('issuance', 'redemption', 'donation_pool') THEN
    RAISE EXCEPTION 'unknown bank account kind "%"', commgrid.echo_value(kind)
      USING ERRCODE = '22023', HINT = 'A bank account is issuance, redemption or donation_pool.';
  END IF;
  SELECT a.account_id INTO found_id FROM commgrid.love_account a
  WHERE a.kind = love_bank_account.kind AND area OPERATOR(commgrid.<@) a.area_code
  ORDER BY commgrid.depth(a.area_code) DESC LIMIT 1;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no love bank serves area %', area
      USING ERRCODE = '23503', DETAIL = format('No %s account exists for the area or any area above it.', kind),
            HINT = 'Open the bank''s accounts with commgrid.open_love_bank(area).';
  END IF;
  RETURN found_id;
END $$;
REVOKE EXECUTE ON FUNCTION love_bank_account(gridcode, text) FROM PUBLIC;
COMMENT ON FUNCTION love_bank_account(gridcode, text) IS
  'The issuance, redemption or donation_pool account of the nearest love bank at or above an area';

-- A bank for an area: its three accounts; idempotent.
CREATE FUNCTION open_love_bank(area gridcode) RETURNS SETOF love_account
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM commgrid.area a WHERE a.code OPERATOR(commgrid.=) area
                 AND commgrid.depth(a.code) BETWEEN 3 AND 5) THEN
    RAISE EXCEPTION 'no district, subdistrict or community %', commgrid.echo_value(area::text)
      USING ERRCODE = '22023', DETAIL = 'A love bank serves a district, subdistrict or community that exists.';
  END IF;
  INSERT INTO commgrid.love_account (kind, area_code, balance)
  SELECT k, area, CASE WHEN k = 'donation_pool' THEN 0 END
  FROM unnest(ARRAY['issuance', 'redemption', 'donation_pool']) k
  ON CONFLICT (area_code, kind) WHERE kind IN ('issuance', 'redemption', 'donation_pool') DO NOTHING;
  RETURN QUERY SELECT * FROM commgrid.love_account a
    WHERE a.area_code OPERATOR(commgrid.=) area AND a.kind IN ('issuance', 'redemption', 'donation_pool')
    ORDER BY a.account_id;
END $$;
REVOKE EXECUTE ON FUNCTION open_love_bank(gridcode) FROM PUBLIC;
COMMENT ON FUNCTION open_love_bank(gridcode) IS
  'Open the love bank of an area (its issuance, redemption and donation-pool accounts); returns them; safe to run again';

-- Earnings of verified attendances not yet credited (all of them, or those given): one
-- transaction per attendance, from the issuance account of the member's bank: hours × the rate
-- of the activity's kind on the activity's day.  Beyond the account cap the rest goes to the
-- donation pool.  A resident account is opened on first earning.  Returns the number credited.
-- Staff credit the attendances of their jurisdiction (the activity's community): all of them
-- when none are given, else every one given must be (42501 naming the first that is not).
CREATE FUNCTION post_earnings(attendances bigint[] DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  cap numeric := commgrid.participation_setting('account_cap_points');
  scopes commgrid.gridcode[] := commgrid.acting_scopes();
  outside bigint;
  n bigint;
BEGIN
  IF scopes IS NOT NULL AND attendances IS NOT NULL THEN
    SELECT x.id INTO outside FROM unnest(attendances) x(id)
    LEFT JOIN commgrid.activity_attendance t ON t.attendance_id = x.id
    WHERE NOT COALESCE(commgrid.reaches(t.community_code, scopes), false) ORDER BY x.id LIMIT 1;
    IF FOUND THEN
      PERFORM commgrid.check_posting_reach(scopes, NULL, format('attendance %s', outside));
    END IF;
  END IF;
  -- the work table is this function's own: one the caller made in its place (a trigger on it
  -- would run with the owner's rights here) is refused
  IF pg_catalog.to_regclass('pg_temp.earning_due') IS NULL THEN
    CREATE TEMP TABLE earning_due (
      attendance_id bigint PRIMARY KEY, resident_id bigint, community_code commgrid.gridcode,
      value_date date, points numeric(12, 2), account_id bigint, issuance_id bigint, pool_id bigint) ON COMMIT DROP;
  ELSIF (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass('pg_temp.earning_due'))
        IS DISTINCT FROM (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
    RAISE EXCEPTION 'the temporary table pg_temp.earning_due is not the love bank''s'
      USING ERRCODE = '42501', HINT = 'Drop your temporary table earning_due.';
  END IF;
  TRUNCATE pg_temp.earning_due;
  -- the attendances are locked, so two sessions never credit one twice; the statements below
  -- see what a concurrent posting committed meanwhile
  PERFORM 1 FROM commgrid.activity_attendance t
  WHERE t.verified_on IS NOT NULL AND (attendances IS NULL OR t.attendance_id = ANY (attendances))
    AND commgrid.reaches(t.community_code, scopes)
  ORDER BY t.attendance_id FOR UPDATE;
  INSERT INTO pg_temp.earning_due (attendance_id, resident_id, community_code, value_date, points)
  SELECT t.attendance_id, t.resident_id, r.community_code, commgrid.district_date(v.starts_at),
         round(t.hours * (SELECT e.points_per_hour FROM commgrid.earning_rate e
                          WHERE e.kind = v.kind AND e.valid_from <= commgrid.district_date(v.starts_at)
                          ORDER BY e.valid_from DESC LIMIT 1), 2)
  FROM commgrid.activity_attendance t
  JOIN commgrid.activity v USING (activity_id)
  JOIN commgrid.resident r ON r.resident_id = t.resident_id
  WHERE t.verified_on IS NOT NULL AND (attendances IS NULL OR t.attendance_id = ANY (attendances))
    AND commgrid.reaches(t.community_code, scopes)
    AND NOT EXISTS (SELECT 1 FROM commgrid.love_transaction x WHERE x.attendance_id = t.attendance_id);
  IF EXISTS (SELECT 1 FROM pg_temp.earning_due WHERE points IS NULL) THEN
    RAISE EXCEPTION 'no earning rate for an activity to credit'
      USING ERRCODE = '23503',
            DETAIL = (SELECT format('Attendance %s: no rate of kind %s valid on %s.', d.attendance_id, v.kind,
                                    commgrid.district_date(v.starts_at))
                      FROM pg_temp.earning_due d JOIN commgrid.activity_attendance t USING (attendance_id)
                      JOIN commgrid.activity v USING (activity_id)
                      WHERE d.points IS NULL ORDER BY d.attendance_id LIMIT 1),
            HINT = 'Add the kind''s rate to commgrid.earning_rate.';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_temp.earning_due WHERE community_code IS NULL) THEN
    RAISE EXCEPTION 'a volunteer to credit lives in no community'
      USING ERRCODE = '23514',
            DETAIL = (SELECT format('Resident %s of attendance %s has no grid.', d.resident_id, d.attendance_id)
                      FROM pg_temp.earning_due d WHERE d.community_code IS NULL ORDER BY 1 LIMIT 1);
  END IF;
  INSERT INTO commgrid.love_account (kind, area_code, resident_id, balance)
  SELECT DISTINCT 'resident', d.community_code, d.resident_id, 0 FROM pg_temp.earning_due d
  ON CONFLICT (resident_id) DO NOTHING;
  UPDATE pg_temp.earning_due d SET account_id = a.account_id FROM commgrid.love_account a
  WHERE a.resident_id = d.resident_id;
  -- the bank of each area once, not of each attendance
  UPDATE pg_temp.earning_due d SET issuance_id = b.issuance_id, pool_id = b.pool_id
  FROM (SELECT x.area_code, commgrid.love_bank_account(x.area_code, 'issuance') AS issuance_id,
               commgrid.love_bank_account(x.area_code, 'donation_pool') AS pool_id
        FROM (SELECT DISTINCT a.area_code FROM commgrid.love_account a
              JOIN pg_temp.earning_due e ON e.account_id = a.account_id) x) b,
       commgrid.love_account a
  WHERE a.account_id = d.account_id AND a.area_code OPERATOR(commgrid.=) b.area_code;
  -- the accounts are locked before their balances are read for the cap
  PERFORM 1 FROM commgrid.love_account a
  WHERE a.account_id IN (SELECT d.account_id FROM pg_temp.earning_due d)
  ORDER BY a.account_id FOR NO KEY UPDATE;
  WITH capped AS (
    SELECT d.*, greatest(0, least(d.points,
             cap - a.balance - COALESCE(sum(d.points) OVER (PARTITION BY d.account_id ORDER BY d.attendance_id
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))) AS credited
    FROM pg_temp.earning_due d JOIN commgrid.love_account a USING (account_id)
  ), posted AS (
    INSERT INTO commgrid.love_transaction (kind, area_code, attendance_id, value_date)
    SELECT 'earning', c.community_code, c.attendance_id, c.value_date FROM capped c
    RETURNING transaction_id, attendance_id
  )
  INSERT INTO commgrid.love_movement (transaction_id, account_id, area_code, amount)
  SELECT p.transaction_id, leg.account_id, a.area_code, leg.amount
  FROM posted p JOIN capped c USING (attendance_id)
  CROSS JOIN LATERAL (VALUES (c.issuance_id, -c.points), (c.account_id, c.credited),
                             (c.pool_id, c.points - c.credited)) leg (account_id, amount)
  JOIN commgrid.love_account a ON a.account_id = leg.account_id
  WHERE leg.amount <> 0;
  SELECT count(*) INTO n FROM pg_temp.earning_due;
  RETURN n;
END $$;
REVOKE EXECUTE ON FUNCTION post_earnings(bigint[]) FROM PUBLIC;
COMMENT ON FUNCTION post_earnings(bigint[]) IS
  'Credit the verified attendances not yet credited (all in the caller''s jurisdiction, or those given, each of which it must reach): hours × the dated rate of the activity kind, beyond the account cap to the donation pool; returns how many were credited';

-- One attendance, refused when it cannot be credited (not verified, already credited).
CREATE FUNCTION credit_attendance(attendance bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  scopes commgrid.gridcode[] := commgrid.acting_scopes();
  t commgrid.activity_attendance;
  txn bigint;
BEGIN
  IF scopes IS NOT NULL THEN
    PERFORM commgrid.check_posting_reach(scopes,
      (SELECT a.community_code FROM commgrid.activity_attendance a WHERE a.attendance_id = attendance),
      format('attendance %s', attendance));
  END IF;
  SELECT * INTO t FROM commgrid.activity_attendance a WHERE a.attendance_id = attendance FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no attendance %', attendance USING ERRCODE = '22023';
  END IF;
  IF t.verified_on IS NULL THEN
    RAISE EXCEPTION 'attendance % is not verified', attendance
      USING ERRCODE = '23514', DETAIL = 'Points derive only from hours the organiser verified.',
            HINT = 'Set verified_by and verified_on first.';
  END IF;
  SELECT x.transaction_id INTO txn FROM commgrid.love_transaction x WHERE x.attendance_id = attendance;
  IF FOUND THEN
    RAISE EXCEPTION 'attendance % is already credited', attendance
      USING ERRCODE = '23505', DETAIL = format('Transaction %s credited it.', txn),
            HINT = 'An attendance earns points once; reverse that transaction to correct it.';
  END IF;
  PERFORM commgrid.post_earnings(ARRAY[attendance]);
  SELECT x.transaction_id INTO STRICT txn FROM commgrid.love_transaction x WHERE x.attendance_id = attendance;
  RETURN txn;
END $$;
REVOKE EXECUTE ON FUNCTION credit_attendance(bigint) FROM PUBLIC;
COMMENT ON FUNCTION credit_attendance(bigint) IS
  'Credit one verified attendance (staff: of an activity in their jurisdiction); refused when it is unverified or already credited; returns the transaction';

-- A credited attendance is the ledger's record of what it paid: while its earning stands, its
-- person, activity, hours and verification stay as they were credited.  Community staff took a credited attendance's
-- verification back, changed its hours or moved it to another resident, and the points stayed
-- where they were: the verified hours behind the star board and the members' participation
-- then told another story than the ledger.  No function of the extension changes these columns,
-- so only an owner's session (a restore, a repair) passes; a security definer, as the
-- attendance's earning may lie in its resident's community, beyond the writer's reach.
CREATE FUNCTION activity_attendance_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp
  SET enable_seqscan = off AS $$
DECLARE
  changed text[];
  txn bigint;
BEGIN
  changed := commgrid.kept_columns_set(to_jsonb(NEW), to_jsonb(OLD),
                                       '{activity_id, resident_id, attended, hours, verified_by, verified_on}');
  IF changed = '{}' OR commgrid.is_owner(commgrid.acting_role()) THEN
    RETURN NEW;
  END IF;
  SELECT x.transaction_id INTO txn FROM commgrid.love_transaction x
  WHERE x.attendance_id OPERATOR(pg_catalog.=) OLD.attendance_id
    AND NOT EXISTS (SELECT 1 FROM commgrid.love_transaction r WHERE r.reverses_id OPERATOR(pg_catalog.=) x.transaction_id);
  IF FOUND THEN
    PERFORM commgrid.refuse_kept_columns('a credited attendance', changed,
      format('Attendance %s was credited by transaction %s; the statement sets %s.',
             OLD.attendance_id, txn, array_to_string(changed, ', ')),
      'Reverse that earning first (reverse_transaction): its points go back, and the attendance may then be corrected.');
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION activity_attendance_guard() FROM PUBLIC;
COMMENT ON FUNCTION activity_attendance_guard() IS
  'Trigger: while the love bank''s earning of an attendance stands (not reversed), staff do not change its activity, person, attendance, hours or verification (428C9)';
CREATE TRIGGER activity_attendance_guard
  BEFORE UPDATE OF activity_id, resident_id, attended, hours, verified_by, verified_on ON activity_attendance
  FOR EACH ROW EXECUTE FUNCTION activity_attendance_guard();

-- Points to a relative: between two resident accounts, within the recipient's cap.
-- Staff reach both holders.
CREATE FUNCTION transfer_points(from_account bigint, to_account bigint, points numeric, relation text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  scopes commgrid.gridcode[] := commgrid.acting_scopes();
  src commgrid.love_account;
  dst commgrid.love_account;
  txn bigint;
BEGIN
  IF scopes IS NOT NULL THEN
    PERFORM commgrid.check_posting_reach(scopes, commgrid.love_account_reach_area(from_account),
                                         format('account %s', from_account));
    PERFORM commgrid.check_posting_reach(scopes, commgrid.love_account_reach_area(to_account),
                                         format('account %s', to_account));
  END IF;
  IF points IS NULL OR points <= 0 OR points <> round(points, 2) THEN
    RAISE EXCEPTION 'points to transfer must be positive, in hundredths'
      USING ERRCODE = '22023', DETAIL = format('Got %s.', COALESCE(points::text, 'NULL'));
  END IF;
  IF relation IS NULL OR btrim(relation) = '' THEN
    RAISE EXCEPTION 'a transfer needs the relation of the recipient'
      USING ERRCODE = '22023', HINT = 'Points go to relatives, e.g. relation => ''母亲''.';
  END IF;
  SELECT * INTO src FROM commgrid.love_account WHERE account_id = from_account;
  SELECT * INTO dst FROM commgrid.love_account WHERE account_id = to_account;
  IF src.kind IS DISTINCT FROM 'resident' OR dst.kind IS DISTINCT FROM 'resident' OR from_account = to_account THEN
    RAISE EXCEPTION 'a transfer goes between two resident accounts'
      USING ERRCODE = '22023', DETAIL = format('From account %s (%s) to account %s (%s).',
              from_account, COALESCE(src.kind, 'unknown'), to_account, COALESCE(dst.kind, 'unknown'));
  END IF;
  INSERT INTO commgrid.love_transaction (kind, area_code, note) VALUES ('transfer', src.area_code, relation)
  RETURNING transaction_id INTO txn;
  INSERT INTO commgrid.love_movement (transaction_id, account_id, amount)
  VALUES (txn, from_account, -points), (txn, to_account, points);
  -- the recipient is locked now (the movement trigger): its balance is current
  IF (SELECT a.balance FROM commgrid.love_account a WHERE a.account_id = to_account)
     > commgrid.participation_setting('account_cap_points') THEN
    RAISE EXCEPTION 'the transfer takes account % beyond the cap', to_account
      USING ERRCODE = '23514', DETAIL = format('The cap is %s points.', commgrid.participation_setting('account_cap_points'));
  END IF;
  RETURN txn;
END $$;
REVOKE EXECUTE ON FUNCTION transfer_points(bigint, bigint, numeric, text) FROM PUBLIC;
COMMENT ON FUNCTION transfer_points(bigint, bigint, numeric, text) IS
  'Transfer points from a resident''s account to a relative''s (the relation is recorded; staff: both in their jurisdiction); refused beyond the balance or the recipient''s cap; returns the transaction';

-- The correction: a new transaction with every movement negated, referring to the original.
-- A redemption reversed puts its items back in stock.  Staff reach every holder's account it
-- moves (a bank-only transaction: its area).
CREATE FUNCTION reverse_transaction(original bigint, reason text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  scopes commgrid.gridcode[] := commgrid.acting_scopes();
  o commgrid.love_transaction;
  txn bigint;
BEGIN
  -- none of the areas may lie outside (a missing transaction has none: refused alike)
  IF scopes IS NOT NULL AND NOT COALESCE((
       SELECT bool_and(commgrid.reaches(x.area, scopes))
       FROM (SELECT commgrid.love_account_reach_area(m.account_id) AS area
             FROM commgrid.love_movement m JOIN commgrid.love_account a USING (account_id)
             WHERE m.transaction_id = original AND a.kind IN ('resident', 'organiser', 'donor')
             UNION ALL
             SELECT t.area_code FROM commgrid.love_transaction t
             WHERE t.transaction_id = original
               AND NOT EXISTS (SELECT 1 FROM commgrid.love_movement m JOIN commgrid.love_account a USING (account_id)
                               WHERE m.transaction_id = original AND a.kind IN ('resident', 'organiser', 'donor'))) x),
       false) THEN
    PERFORM commgrid.check_posting_reach(scopes, NULL, format('transaction %s', original));
  END IF;
  IF reason IS NULL OR btrim(reason) = '' THEN
    RAISE EXCEPTION 'a reversal needs a reason' USING ERRCODE = '22023';
  END IF;
  SELECT * INTO o FROM commgrid.love_transaction t WHERE t.transaction_id = original;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no love-bank transaction %', original USING ERRCODE = '22023';
  END IF;
  IF o.kind = 'reversal' THEN
    RAISE EXCEPTION 'transaction % is itself a reversal', original
      USING ERRCODE = '23514', HINT = 'Post the original operation again instead.';
  END IF;
  SELECT t.transaction_id INTO txn FROM commgrid.love_transaction t WHERE t.reverses_id = original;
  IF FOUND THEN
    RAISE EXCEPTION 'transaction % is already reversed', original
      USING ERRCODE = '23505', DETAIL = format('Transaction %s reversed it.', txn);
  END IF;
  INSERT INTO commgrid.love_transaction (kind, area_code, reverses_id, note, value_date)
  VALUES ('reversal', o.area_code, original, reason, o.value_date) RETURNING transaction_id INTO txn;
  INSERT INTO commgrid.love_movement (transaction_id, account_id, amount)
  SELECT txn, m.account_id, -m.amount FROM commgrid.love_movement m
  WHERE m.transaction_id = original ORDER BY m.movement_id;
  IF o.kind = 'redemption' THEN
    UPDATE commgrid.redemption_item i SET stock = i.stock + o.quantity WHERE i.item_id = o.item_id;
  END IF;
  RETURN txn;
END $$;
REVOKE EXECUTE ON FUNCTION reverse_transaction(bigint, text) FROM PUBLIC;
COMMENT ON FUNCTION reverse_transaction(bigint, text) IS
  'Undo a transaction by a new one with every movement negated, referring to it (once; a reversed redemption restocks its items; staff: every holder it moves in their jurisdiction); returns the reversal';
