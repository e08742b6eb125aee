-- Audit: every change to residents, members and ratings, and every read of personal data
-- through a staff function, in an append-only log.  Written only by security-definer
-- triggers and functions of the extension; no role has INSERT, UPDATE, DELETE or TRUNCATE
-- on it, and triggers refuse UPDATE, DELETE and TRUNCATE even to its owner.

CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  session_role name NOT NULL,
  acting_role  name NOT NULL,
  action       text NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE', 'READ', 'BULK INSERT', 'BULK UPDATE', 'BULK DELETE')),
  table_name   text NOT NULL,
  row_key      jsonb,
  old_values   jsonb,
  new_values   jsonb,
  via          text,
  xact_id      bigint NOT NULL DEFAULT txid_current(),
  scope_code   gridcode,
  person_id    bigint DEFAULT nullif(current_setting('commgrid.person_id', true), '')::bigint
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_row_idx ON audit_log (table_name, row_key);
COMMENT ON TABLE audit_log IS
  'Append-only audit: who changed or read what and when; old and new values of each change';
COMMENT ON COLUMN audit_log.id IS 'Order of writing';
COMMENT ON COLUMN audit_log.at IS 'Time the entry was written (clock_timestamp(), not the transaction start; with zone)';
COMMENT ON COLUMN audit_log.session_role IS 'session_user: the login role';
COMMENT ON COLUMN audit_log.acting_role IS
  'The role in effect (current_user outside security-definer functions, i.e. after SET ROLE)';
COMMENT ON COLUMN audit_log.action IS
  'INSERT, UPDATE, DELETE, READ (a staff function returned personal data), or BULK … (a superuser load with commgrid.audit = off)';
COMMENT ON COLUMN audit_log.table_name IS 'Schema-qualified table changed or read';
COMMENT ON COLUMN audit_log.row_key IS 'Primary key of the row, as a JSON object';
COMMENT ON COLUMN audit_log.old_values IS
  '[personal] The row before an UPDATE or DELETE (may hold restricted personal data: readable by district administrators, for entries in their jurisdiction only)';
COMMENT ON COLUMN audit_log.new_values IS
  '[personal] The row after an INSERT or UPDATE; for a BULK action the row count (district administrators, for entries in their jurisdiction only)';
COMMENT ON COLUMN audit_log.via IS 'Trigger or staff function that wrote the entry';
COMMENT ON COLUMN audit_log.xact_id IS 'Transaction id, to group the entries of one transaction';
COMMENT ON COLUMN audit_log.scope_code IS
  'The area the entry is about, for row-level security: the row''s grid or community code (for a row that moved, the lowest area holding both places), the district for a change of jurisdiction or liaison; NULL (superusers only) when the row has none';
COMMENT ON COLUMN audit_log.person_id IS
  'The person (resident_id) the application names as acting, from the setting commgrid.person_id (SET LOCAL commgrid.person_id = ''3006''); NULL when not set';
CREATE INDEX audit_log_scope_code_idx ON audit_log (scope_code);

-- A district administrator reads the entries about its own jurisdiction only, so the old and
-- new values of one township's rows (ID numbers, phones) never reach another's.  Every read
-- of the log is also written to the server log (pgaudit object audit, see grant_privileges).
SELECT commgrid.secure_table('commgrid.audit_log', '{scope_code}', '{district_admin}', '{}');
SELECT commgrid.mark_personal('commgrid.audit_log', '{old_values, new_values}');

-- user data: pg_dump saves the log and its id sequence with the database
SELECT commgrid.register_dump('commgrid.audit_log');

-- Append-only even for the owner: a superuser must drop this trigger on purpose to purge.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
    USING ERRCODE = '42501',
          HINT = 'Audit entries can be neither changed nor removed.';
END $$;
COMMENT ON FUNCTION audit_log_refuse_change() IS
  'Trigger: refuse UPDATE, DELETE and TRUNCATE on the audit log';
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- The key columns of a row, out of its JSON form.
CREATE FUNCTION audit_key(row_json jsonb, key_columns text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT jsonb_object_agg(k, row_json -> k) FROM unnest(key_columns) k
$$;
COMMENT ON FUNCTION audit_key(jsonb, text[]) IS 'The key columns of a row, as a JSON object';

-- The area an entry about a role-map row is about: the district of the granted area or unit,
-- so only a district administrator of the whole district (or a superuser) sees who was given
-- what.  (A secured table's entries take the row's first non-NULL scope column: audit_change.)
-- PL/pgSQL, so its body is bound at the first call: the unit and liaison tables come later,
-- with the units, and the social workers' logins with social work.
CREATE FUNCTION audit_scope(tbl regclass, row_json jsonb) RETURNS gridcode
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  RETURN CASE
    WHEN tbl = 'commgrid.jurisdiction'::regclass THEN
      (SELECT CASE WHEN commgrid.depth(c) > commgrid.level_depth('district') THEN commgrid.ancestor(c, commgrid.level_depth('district')) ELSE c END
       FROM (SELECT (row_json ->> 'scope')::commgrid.gridcode AS c) x)
    WHEN tbl = 'commgrid.liaison_unit'::regclass THEN
      (SELECT commgrid.ancestor(u.community_code, commgrid.level_depth('district')) FROM commgrid.unit u
       WHERE u.unit_id = (row_json ->> 'unit_id')::bigint)
    WHEN tbl = 'commgrid.social_worker_login'::regclass THEN
      (SELECT commgrid.ancestor(w.subdistrict_code, commgrid.level_depth('district')) FROM commgrid.social_worker w
       WHERE w.worker_id = (row_json ->> 'worker_id')::bigint)
  END;
END $$;
REVOKE EXECUTE ON FUNCTION audit_scope(regclass, jsonb) FROM PUBLIC;
COMMENT ON FUNCTION audit_scope(regclass, jsonb) IS
  'The area code an audit entry about a jurisdiction, liaison or social-worker login row is scoped to: its district (internal to the audit triggers)';

-- The area of an entry about a row: its first non-NULL scope column (secured tables have one
-- or two), or audit_scope for the role maps (scope_cols NULL).  A SQL-standard body with no
-- subquery, so the planner inlines it: no function call per audited row.
CREATE FUNCTION audit_entry_scope(tbl regclass, scope_cols name[], row_json jsonb) RETURNS gridcode
LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT CASE WHEN scope_cols IS NULL THEN commgrid.audit_scope(tbl, row_json)
              ELSE COALESCE((row_json OPERATOR(pg_catalog.->>) scope_cols[1])::commgrid.gridcode,
                            (row_json OPERATOR(pg_catalog.->>) scope_cols[2])::commgrid.gridcode,
                            (row_json OPERATOR(pg_catalog.->>) scope_cols[3])::commgrid.gridcode) END;
END;
REVOKE EXECUTE ON FUNCTION audit_entry_scope(regclass, name[], jsonb) FROM PUBLIC;
COMMENT ON FUNCTION audit_entry_scope(regclass, name[], jsonb) IS
  'The area code an audit entry about this row is scoped to (internal to the audit triggers)';

-- The lowest area holding both codes; NULL when either is NULL (then only superusers see it).
CREATE FUNCTION audit_common_scope(a gridcode, b gridcode) RETURNS gridcode
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
  SELECT commgrid.ancestor(a, d)
  FROM generate_series(least(commgrid.depth(a), commgrid.depth(b)), 1, -1) d
  WHERE commgrid.ancestor(a, d) OPERATOR(commgrid.=) commgrid.ancestor(b, d)
  LIMIT 1
$$;
COMMENT ON FUNCTION audit_common_scope(gridcode, gridcode) IS
  'The lowest area code that holds both codes (the scope of an audit entry about a row that moved)';

-- Statement-level trigger over the transition tables: one set-based insert per statement,
-- so a bulk change stays fast.  A superuser's bulk load may set commgrid.audit = off:
-- it is then recorded as one BULK entry with the row count.  Nobody else can skip it.
CREATE FUNCTION audit_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  keys text[] := TG_ARGV;
  tbl text := format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME);
  who name := session_user;
  actor name := commgrid.acting_role();
  n bigint;
  -- a secured table's scope columns; NULL for the role maps (audit_scope)
  scope_cols name[] := (SELECT s.scope_columns FROM commgrid.secured_table s
                        WHERE s.table_name OPERATOR(pg_catalog.=) TG_RELID);
BEGIN
  IF current_setting('commgrid.audit', true) = 'off'
     AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = actor) THEN
    IF TG_OP = 'DELETE' THEN
      SELECT count(*) INTO n FROM old_rows;
    ELSE
      SELECT count(*) INTO n FROM new_rows;
    END IF;
    INSERT INTO commgrid.audit_log (session_role, acting_role, action, table_name, new_values, via)
    VALUES (who, actor, 'BULK ' || TG_OP, tbl, jsonb_build_object('rows', n), TG_NAME);
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO commgrid.audit_log (session_role, acting_role, action, table_name, row_key, new_values, via, scope_code)
    SELECT who, actor, 'INSERT', tbl, commgrid.audit_key(j, keys), j, TG_NAME,
           commgrid.audit_entry_scope(TG_RELID, scope_cols, j)
    FROM (SELECT to_jsonb(r) AS j FROM new_rows r) x;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO commgrid.audit_log (session_role, acting_role, action, table_name, row_key, old_values, via, scope_code)
    SELECT who, actor, 'DELETE', tbl, commgrid.audit_key(j, keys), j, TG_NAME,
           commgrid.audit_entry_scope(TG_RELID, scope_cols, j)
    FROM (SELECT to_jsonb(r) AS j FROM old_rows r) x;
  ELSE
    -- a row that moved between areas is scoped to the lowest area holding both places, so
    -- neither side alone reads the other's values
    INSERT INTO commgrid.audit_log (session_role, acting_role, action, table_name, row_key, old_values, new_values, via, scope_code)
    SELECT who, actor, 'UPDATE', tbl, COALESCE(n.k, o.k), o.j, n.j, TG_NAME,
           CASE WHEN o.j IS NULL THEN n.s WHEN n.j IS NULL THEN o.s
                WHEN o.s OPERATOR(commgrid.=) n.s THEN o.s
                ELSE commgrid.audit_common_scope(o.s, n.s) END
    FROM (SELECT j, commgrid.audit_key(j, keys) AS k,
                 commgrid.audit_entry_scope(TG_RELID, scope_cols, j) AS s
          FROM (SELECT to_jsonb(r) AS j FROM old_rows r) x) o
    FULL JOIN (SELECT j, commgrid.audit_key(j, keys) AS k,
                      commgrid.audit_entry_scope(TG_RELID, scope_cols, j) AS s
               FROM (SELECT to_jsonb(r) AS j FROM new_rows r) x) n
      ON n.k = o.k
    WHERE o.j IS DISTINCT FROM n.j;
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION audit_change() IS
  'Statement trigger: write each inserted, updated or deleted row (old and new values) to the audit log; arguments are the key columns';

-- Attach the audit triggers to a table, keyed by its primary key.
CREATE FUNCTION audit_table(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  keys text;
  op text;
BEGIN
  SELECT string_agg(quote_literal(a.attname), ', ' ORDER BY k.ord) INTO keys
  FROM pg_catalog.pg_index i
  CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
  WHERE i.indrelid = tbl AND i.indisprimary;
  IF keys IS NULL THEN
    RAISE EXCEPTION 'table % has no primary key to audit by', tbl USING ERRCODE = '22023';
  END IF;
  FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', 'audit_' || op, tbl);
    EXECUTE format('CREATE TRIGGER %I AFTER %s ON %s REFERENCING %s TABLE AS %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION commgrid.audit_change(%s)',
                   'audit_' || op, upper(op), tbl,
                   CASE op WHEN 'delete' THEN 'OLD' WHEN 'insert' THEN 'NEW'
                           ELSE 'OLD TABLE AS old_rows NEW' END,
                   CASE op WHEN 'delete' THEN 'old_rows' ELSE 'new_rows' END,
                   keys);
  END LOOP;
END $$;
REVOKE EXECUTE ON FUNCTION audit_table(regclass) FROM PUBLIC;
COMMENT ON FUNCTION audit_table(regclass) IS
  'Record every change to a table in the audit log (statement triggers keyed by its primary key)';

-- The proof of a read-only transaction's READ entry (see audit_read): a table that never
-- holds a row and that no role of the extension may read.  audit_read selects from it with
-- the entry as the parameter, and pgaudit, through the auditor role's SELECT on it
-- (grant_privileges), logs that query with the entry; a role that RAISEs a look-alike LOG
-- line cannot make this one.
CREATE TABLE audit_read_witness (
  entry jsonb,
  CONSTRAINT audit_read_witness_holds_no_row CHECK (false)
);
COMMENT ON TABLE audit_read_witness IS
  'Never holds a row: audit_read''s query on it, with the entry as its parameter, is the proof pgaudit logs of a READ entry in a read-only transaction (no role of the extension reads it)';
COMMENT ON COLUMN audit_read_witness.entry IS 'The READ entry audit_read''s query names (never stored)';
SELECT commgrid.secure_table('commgrid.audit_read_witness', NULL, '{}', '{}');
SELECT commgrid.mark_install_only('commgrid.audit_read_witness', 'holds no row (CHECK false): the proof pgaudit logs of a read-only READ entry');

-- A staff function's read of personal data; called only from inside security-definer
-- staff functions (no role may execute it).  The entry is written in the caller's
-- transaction, so a rollback removes it: the durable record is the server log.  With pgaudit
-- loaded and pgaudit.role = commgrid_auditor, pgaudit logs this INSERT (the auditor role holds
-- INSERT on the log) when it runs, with every value as a parameter (pgaudit.log_parameter):
-- one line per read naming the login, the acting role, the table, the row and the function.
-- A READ ONLY transaction (a JDBC connection with readOnly=true, a hot standby) cannot write
-- the entry, and PostgreSQL allows reads and LISTEN there: the entry then goes to the server
-- log only, as one LOG line "pg_commgrid audit: READ {…}" with the same fields and the acting
-- role's jurisdiction, written when the read happens (log_min_messages is a superuser
-- setting, LOG is logged by default), like pgaudit's line for a rolled-back entry.  Any role
-- can RAISE LOG such a line in a DO block, naming any login, so the LOG line proves nothing:
-- the entry is also the parameter of a query on audit_read_witness, which no role of the
-- extension may read, and pgaudit logs that query (the auditor role holds SELECT on it), a
-- line only the extension's code, its owner or a superuser can cause (a role's RAISE of a
-- look-alike is followed by a CONTEXT line, which pgaudit never writes).  The person the
-- application names is a resident id there as in audit_log's bigint column (22P02 otherwise),
-- so no entry carries a text of the caller's choosing.
CREATE FUNCTION audit_read(tbl regclass, row_key jsonb, via text, area_code gridcode) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  table_name text := (SELECT format('%I.%I', n.nspname, c.relname) FROM pg_catalog.pg_class c
                      JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
                      WHERE c.oid OPERATOR(pg_catalog.=) tbl);
  actor name := commgrid.acting_role();
  entry jsonb;
BEGIN
  IF pg_catalog.current_setting('transaction_read_only')::boolean THEN
    entry := pg_catalog.jsonb_build_object(
      'session_role', session_user, 'acting_role', actor,
      'person_id', NULLIF(pg_catalog.current_setting('commgrid.person_id', true), '')::bigint,
      'table_name', table_name, 'row_key', row_key, 'via', via, 'scope_code', area_code::text,
      'jurisdiction', commgrid.role_scopes(actor)::text[],
      'xact', 'read only');
    RAISE LOG 'pg_commgrid audit: READ %', entry::text;
    EXECUTE 'SELECT FROM commgrid.audit_read_witness w WHERE w.entry OPERATOR(pg_catalog.=) $1'
      USING entry;
    RETURN;
  END IF;
  EXECUTE 'INSERT INTO commgrid.audit_log (session_role, acting_role, action, table_name, row_key, via, scope_code) VALUES ($1, $2, ''READ'', $3, $4, $5, $6)'
    USING session_user, actor, table_name, row_key, via, area_code;
END $$;
REVOKE EXECUTE ON FUNCTION audit_read(regclass, jsonb, text, gridcode) FROM PUBLIC;
COMMENT ON FUNCTION audit_read(regclass, jsonb, text, gridcode) IS
  'Record that a staff function returned a row''s personal data (internal to the staff functions); with pgaudit configured, also in the server log; in a READ ONLY transaction in the server log only (a LOG line "pg_commgrid audit: READ {…}", proven by pgaudit''s line for its query on audit_read_witness)';

-- The check every staff function makes before returning personal data: the acting role
-- must be staff and the row's area inside its jurisdiction.  One message for "missing" and
-- "elsewhere", so a probe learns nothing.
CREATE FUNCTION check_staff_reach(area_code gridcode, what text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  actor name := commgrid.acting_role();
BEGIN
  IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = actor) THEN
    IF area_code IS NOT NULL THEN
      RETURN;
    END IF;
  -- the same reach as the policies: the scopes the role's current staff group allows
  ELSIF COALESCE(area_code OPERATOR(commgrid.<@) ANY (commgrid.role_scopes(actor)), false) THEN
    RETURN;
  END IF;
  RAISE EXCEPTION '% is not in the jurisdiction of %', what, actor
    USING ERRCODE = '42501',
          HINT = 'Staff functions return personal data only for rows in the caller''s jurisdiction.';
END $$;
REVOKE EXECUTE ON FUNCTION check_staff_reach(gridcode, text) FROM PUBLIC;
COMMENT ON FUNCTION check_staff_reach(gridcode, text) IS
  'Raise 42501 unless the acting role is staff and the area is in its jurisdiction (internal to the staff functions)';

-- The check a trigger makes before it reads, with the owner's rights, a row the writer names
-- (the resident, household, task or alarm a new row refers to): its rules must never answer
-- about another jurisdiction's rows ("resident 3 does not live in household 1" tells where
-- resident 3 lives).  The acting role's reach as acting_scopes gives it (the owner and
-- superusers pass); one 42501 for a row elsewhere and a missing one.
CREATE FUNCTION check_writer_reach(area gridcode, what text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  scopes commgrid.gridcode[] := commgrid.acting_scopes();
BEGIN
  IF scopes IS NULL OR COALESCE(area OPERATOR(commgrid.<@) ANY (scopes), false) THEN
    RETURN;
  END IF;
  RAISE EXCEPTION '% is not in the jurisdiction of %', what, commgrid.acting_role()
    USING ERRCODE = '42501', HINT = 'A row refers only to rows of its writer''s jurisdiction.';
END $$;
REVOKE EXECUTE ON FUNCTION check_writer_reach(gridcode, text) FROM PUBLIC;
COMMENT ON FUNCTION check_writer_reach(gridcode, text) IS
  'Raise 42501 unless the acting role reaches the area (acting_scopes; the owner and superusers always): the check of the triggers that read a referenced row with the owner''s rights';

-- The row a foreign key names lies in the writer's reach, checked before the key itself: a
-- plain foreign key accepts a row the writer may not see, where a missing one gets 23503, so
-- stepping ids told which exist elsewhere (and let a community credit hours to, or file a
-- request for, another district's resident).  One 42501 for elsewhere and missing.
-- Arguments: the column, the table it refers to (in commgrid), that table's key and the
-- column that files its rows (grid_code or community_code).
-- keyed lookups only: enable_seqscan off (docs/design/cached-plans.md)
CREATE FUNCTION referenced_row_in_reach() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp
  SET enable_seqscan = off AS $$
DECLARE
  id bigint;
  area commgrid.gridcode;
BEGIN
  -- the owner's bulk loads check nothing: asked first, before the row is taken apart
  IF commgrid.is_owner(commgrid.acting_role()) THEN
    RETURN NEW;
  END IF;
  id := (pg_catalog.to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
  IF id IS NULL
     OR (TG_OP = 'UPDATE' AND id IS NOT DISTINCT FROM (pg_catalog.to_jsonb(OLD) ->> TG_ARGV[0])::bigint) THEN
    RETURN NEW;
  END IF;
  EXECUTE format('SELECT %I FROM commgrid.%I WHERE %I OPERATOR(pg_catalog.=) $1', TG_ARGV[3], TG_ARGV[1], TG_ARGV[2])
    INTO area USING id;
  PERFORM commgrid.check_writer_reach(area, format('%s %s', TG_ARGV[1], id));
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION referenced_row_in_reach() FROM PUBLIC;
COMMENT ON FUNCTION referenced_row_in_reach() IS
  'Trigger (column, table, key, filing column): the row the column names lies in the writer''s jurisdiction, 42501 otherwise and the same for a missing one, before the foreign key answers';
REVOKE EXECUTE ON FUNCTION audit_change() FROM PUBLIC;
