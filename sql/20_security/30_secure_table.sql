-- The policy generator: secure_table puts a table under the jurisdiction rule, and the
-- functions its policies call (the caller's scopes, their envelope, a liaison's units).

-- THE LEVEL RULE, its one source: the smallest depth a role's jurisdiction may name is the
-- lowest min_scope_depth among the staff groups it belongs to now (security_role); NULL when
-- it is in none.  grant_jurisdiction checks new scopes against it, and role_scopes drops the
-- scopes it no longer allows, so a role moved from district administrator to grid worker
-- loses its district at once, with nobody editing the jurisdiction map.  Security definer,
-- so the policies need no grant on security_role (granted to every group role; membership is
-- public in pg_auth_members anyway).
CREATE FUNCTION staff_min_depth(member name) RETURNS int
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  RETURN (SELECT min(r.min_scope_depth) FROM commgrid.security_role r
          WHERE r.min_scope_depth IS NOT NULL AND commgrid.is_member_of(member, r.short_name));
END $$;
REVOKE EXECUTE ON FUNCTION staff_min_depth(name) FROM PUBLIC;
COMMENT ON FUNCTION staff_min_depth(name) IS
  'Smallest gridcode depth the role''s current staff groups allow as jurisdiction (3 district … 6 grid); NULL when it belongs to no staff group';

-- The scopes a role may use now, sorted: its jurisdiction rows (by OID) at or below the depth
-- its current staff group allows; NULL when none.  Called as the role itself (the policies,
-- through jurisdiction_scopes) it sees only its own rows; the security-definer grant and
-- staff functions call it for the acting role.
CREATE FUNCTION role_scopes(member name) RETURNS gridcode[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  min_depth int := commgrid.staff_min_depth(member);
  member_oid regrole := commgrid.role_oid(member);
  scopes commgrid.gridcode[];
BEGIN
  IF min_depth IS NULL OR member_oid IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(j.scope ORDER BY j.scope) INTO scopes
  FROM commgrid.jurisdiction j
  WHERE j.role_name = member_oid AND commgrid.depth(j.scope) >= min_depth;
  RETURN scopes;
END $$;
COMMENT ON FUNCTION role_scopes(name) IS
  'The jurisdiction codes a role may use now: its scopes at or below the level its current staff group allows (NULL when none)';

-- THE REACH OF A CHECKED WRITE, its one source: the scopes of the acting role as seen from
-- inside a security-definer function, NULL (everywhere) for a superuser or the extension's
-- owner, whose bulk work checks nothing; else role_scopes (empty when none).  The functions
-- that let staff write through the owner's rights (the love bank's postings, the stipends)
-- test their rows against it with commgrid.reaches().
-- Is the role a superuser or the extension's owner (the schema's)?  For the acting role, the
-- reach below; for current_user, the guards of the columns only the owner's own functions write.
-- In C (src/acting_role.c): a bulk load by the owner asks it for every row.
CREATE FUNCTION is_owner(role name) RETURNS boolean
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'commgrid_is_owner';
-- open to all: the guards call it with the writer's rights, and pg_roles tells the same
COMMENT ON FUNCTION is_owner(name) IS
  'Is the role a superuser or the owner of schema commgrid? (acting_scopes, and the guards of the columns only the extension''s own functions write)';

-- The guards of the columns only the extension's own functions write (a due day, the visit that
-- closed a task, a credited attendance's hours): which of them a write sets, and the one 428C9
-- they all answer, naming the first.  Open to all and immutable: the guards run with the
-- writer's rights, and both compute from their arguments only.
-- The columns, of those named, whose value differs between the rows (an INSERT: old_row NULL,
-- the columns the new row sets).
CREATE FUNCTION kept_columns_set(new_row jsonb, old_row jsonb, columns text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT COALESCE(array_agg(c ORDER BY o), '{}')
  FROM unnest(columns) WITH ORDINALITY u(c, o)
  WHERE COALESCE(new_row -> c, 'null') IS DISTINCT FROM COALESCE(old_row -> c, 'null')
$$;
COMMENT ON FUNCTION kept_columns_set(jsonb, jsonb, text[]) IS
  'Of the columns named, those whose value differs between two rows as JSON (old_row NULL: those the new row sets); for the guards of system-kept columns';
CREATE FUNCTION refuse_kept_columns(what text, changed text[], detail text, hint text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF changed <> '{}' THEN
    RAISE EXCEPTION 'column % of % is kept by the system', changed[1], what
      USING ERRCODE = '428C9', DETAIL = detail, HINT = hint;
  END IF;
END $$;
COMMENT ON FUNCTION refuse_kept_columns(text, text[], text, text) IS
  'Raise 428C9 "column C of WHAT is kept by the system" (with the detail and hint given) when a write sets any of the changed columns; for the guards of system-kept columns';
-- A new row's date stamp is the system's: the column's default (the transaction's start, or
-- the district's today), which the table's own trigger keeps on every change.  A writer who
-- sets it dates the row as it likes (a rating a day before a cross-appointment, an element
-- "changed" a year ahead).  Trigger arguments: the column, 'now' or 'district_today', the hint.
-- The owner (a restore, a load) passes.  Not a security definer: current_user is the writer.
CREATE FUNCTION refuse_staff_stamp() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  given text;
  differs boolean;
BEGIN
  -- the owner first: a bulk load turns no row into JSON (an element's shape would be GeoJSON)
  IF commgrid.is_owner(current_user) THEN
    RETURN NEW;
  END IF;
  given := pg_catalog.to_jsonb(NEW) ->> TG_ARGV[0];
  differs := CASE TG_ARGV[1]
               WHEN 'now' THEN given::timestamptz IS DISTINCT FROM pg_catalog.now()
               WHEN 'district_today' THEN given::date IS DISTINCT FROM commgrid.district_today() END;
  IF differs THEN
    PERFORM commgrid.refuse_kept_columns(TG_TABLE_NAME, ARRAY[TG_ARGV[0]],
      format('The statement sets %s to %s.', TG_ARGV[0],
             CASE TG_ARGV[1] WHEN 'now' THEN given::timestamptz::text ELSE given END),
      TG_ARGV[2]);
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION refuse_staff_stamp() FROM PUBLIC;
COMMENT ON FUNCTION refuse_staff_stamp() IS
  'Trigger (column, now or district_today, hint): staff leave a new row''s date stamp to its default (428C9); the owner may set it';

CREATE FUNCTION acting_scopes() RETURNS gridcode[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  actor name := commgrid.acting_role();
BEGIN
  IF commgrid.is_owner(actor) THEN
    RETURN NULL;
  END IF;
  RETURN COALESCE(commgrid.role_scopes(actor), '{}');
END $$;
REVOKE EXECUTE ON FUNCTION acting_scopes() FROM PUBLIC;
COMMENT ON FUNCTION acting_scopes() IS
  'The acting role''s jurisdiction for the functions that write with the owner''s rights: NULL (everywhere) for a superuser or the extension''s owner, else role_scopes (empty when none)';

-- The caller's scopes, sorted; NULL when it has none.  Policies call it through a scalar
-- subquery, so it runs once per statement as an InitPlan; PL/pgSQL keeps its plan across
-- statements (a SQL function would be planned again in every statement).
CREATE FUNCTION jurisdiction_scopes() RETURNS gridcode[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  RETURN commgrid.role_scopes(current_user);
END $$;
COMMENT ON FUNCTION jurisdiction_scopes() IS
  'The current role''s jurisdiction codes that its current staff group allows (NULL when none)';

-- The lowest code that covers all the caller's scopes: the common ancestor of the first and
-- the last in code order.  The policies test `col <@ envelope` first: the gridcode support
-- function turns it into a B-tree range scan with the envelope as its parameter.
CREATE FUNCTION jurisdiction_envelope() RETURNS gridcode
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  scopes commgrid.gridcode[] := commgrid.role_scopes(current_user);
  lo commgrid.gridcode := scopes[1];
  hi commgrid.gridcode := scopes[cardinality(scopes)];
BEGIN
  IF lo IS NULL THEN
    RETURN NULL;
  END IF;
  FOR d IN REVERSE least(commgrid.depth(lo), commgrid.depth(hi))..1 LOOP
    IF commgrid.ancestor(lo, d) OPERATOR(commgrid.=) commgrid.ancestor(hi, d) THEN
      RETURN commgrid.ancestor(lo, d);
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION jurisdiction_envelope() IS
  'The lowest area code covering all of the current role''s jurisdiction (NULL when it has none or it spans provinces)';

-- The caller's units, sorted; NULL when it has none or is no longer a unit liaison (an
-- InitPlan in the liaison policies).
CREATE FUNCTION liaison_units() RETURNS bigint[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  units bigint[];
BEGIN
  IF NOT commgrid.is_member_of(current_user, 'unit_liaison') THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(l.unit_id ORDER BY l.unit_id) INTO units
  FROM commgrid.liaison_unit l WHERE l.role_name = commgrid.role_oid(current_user);
  RETURN units;
END $$;
COMMENT ON FUNCTION liaison_units() IS
  'The resident units the current role is liaison for, while it belongs to commgrid_unit_liaison (NULL when none)';

-- Grants for one registered table to the group roles that exist; idempotent.
CREATE FUNCTION grant_table_privileges(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  t commgrid.secured_table;
  r text;
  cols text;
BEGIN
  SELECT * INTO STRICT t FROM commgrid.secured_table WHERE table_name = tbl;
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
  FROM pg_catalog.pg_attribute
  WHERE attrelid = tbl AND attnum > 0 AND NOT attisdropped
    AND attname NOT IN (SELECT p.column_name FROM commgrid.personal_column p
                        WHERE p.table_name = tbl AND p.class = 'restricted');
  FOR r IN SELECT 'commgrid_' || short_name FROM commgrid.security_role
           WHERE commgrid.role_exists(short_name)
  LOOP
    EXECUTE format('REVOKE ALL ON %s FROM %I', tbl, r);
  END LOOP;
  FOR r IN SELECT 'commgrid_' || x FROM unnest(t.readers) x
           WHERE commgrid.role_exists(x)
  LOOP
    IF EXISTS (SELECT 1 FROM commgrid.personal_column p
               WHERE p.table_name = tbl AND p.class = 'restricted') THEN
      EXECUTE format('GRANT SELECT (%s) ON %s TO %I', cols, tbl, r);
    ELSE
      EXECUTE format('GRANT SELECT ON %s TO %I', tbl, r);
    END IF;
  END LOOP;
  FOR r IN SELECT 'commgrid_' || x FROM unnest(t.writers) x
           WHERE commgrid.role_exists(x)
  LOOP
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO %I', tbl, r);
  END LOOP;
  -- pgaudit's auditor role holds the restricted columns, so every read of them is logged
  IF commgrid.role_exists('auditor') THEN
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
    FROM pg_attribute
    WHERE attrelid = tbl AND attnum > 0 AND NOT attisdropped
      AND attname IN (SELECT p.column_name FROM commgrid.personal_column p
                      WHERE p.table_name = tbl AND p.class = 'restricted');
    IF cols IS NOT NULL THEN
      EXECUTE format('GRANT SELECT (%s) ON %s TO commgrid_auditor', cols, tbl);
    END IF;
  END IF;
END $$;
COMMENT ON FUNCTION grant_table_privileges(regclass) IS
  'Grant a secured table to its readers (all columns but the restricted ones of personal_column) and writers; run by secure_table, mark_personal and grant_privileges';

-- Put a table under the jurisdiction rule: row-level security with a policy that lets a role
-- reach a row only when one of its scope columns lies under one of the role's jurisdiction
-- codes, for reading and for the new row of an INSERT or UPDATE.  With no scope column the
-- table is reference data: registered and granted, without row-level security.
CREATE FUNCTION secure_table(tbl regclass, scope_columns name[],
                             readers text[], writers text[],
                             unit_columns name[] DEFAULT NULL,
                             liaison_writes boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  col name;
  check_expr text;
BEGIN
  FOREACH col IN ARRAY COALESCE(scope_columns, '{}') LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                   WHERE attrelid = tbl AND attname = col AND NOT attisdropped
                     AND commgrid.is_gridcode_type(atttypid)) THEN
      RAISE EXCEPTION 'table % has no gridcode column %', tbl, col
        USING ERRCODE = '22023', HINT = 'A scope column must be of type commgrid.gridcode.';
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM unnest(readers || writers) x
             WHERE x NOT IN (SELECT short_name FROM commgrid.security_role)) THEN
    RAISE EXCEPTION 'unknown role in % or %', readers, writers
      USING ERRCODE = '22023',
            HINT = 'Use the short names in commgrid.security_role, e.g. grid_worker.';
  END IF;
  INSERT INTO commgrid.secured_table
    VALUES (tbl, scope_columns, readers, writers, unit_columns, liaison_writes)
    ON CONFLICT (table_name) DO UPDATE
    SET scope_columns = EXCLUDED.scope_columns, readers = EXCLUDED.readers,
        writers = EXCLUDED.writers, unit_columns = EXCLUDED.unit_columns,
        liaison_writes = EXCLUDED.liaison_writes;
  IF cardinality(scope_columns) > 0 THEN
    SELECT string_agg(format(
             '(%1$I OPERATOR(commgrid.<@) (SELECT commgrid.jurisdiction_envelope()) AND '
             '%1$I OPERATOR(commgrid.<@) ANY ((SELECT commgrid.jurisdiction_scopes())::commgrid.gridcode[]))',
             c), ' OR ')
      INTO check_expr FROM unnest(scope_columns) c;
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON %s', tbl);
    EXECUTE format('CREATE POLICY jurisdiction ON %s USING (%s) WITH CHECK (%s)',
                   tbl, check_expr, check_expr);
    EXECUTE format('COMMENT ON POLICY jurisdiction ON %s IS %L', tbl,
                   format('Rows whose %s lies in the current role''s jurisdiction (commgrid.jurisdiction)',
                          array_to_string(scope_columns, ' or ')));
  END IF;
  IF cardinality(unit_columns) > 0 THEN
    SELECT string_agg(format('%I = ANY ((SELECT commgrid.liaison_units())::bigint[])', c), ' OR ')
      INTO check_expr FROM unnest(unit_columns) c;
    EXECUTE format('DROP POLICY IF EXISTS own_unit ON %s', tbl);
    EXECUTE format('CREATE POLICY own_unit ON %s FOR SELECT USING (%s)', tbl, check_expr);
    EXECUTE format('COMMENT ON POLICY own_unit ON %s IS %L', tbl,
                   'A unit liaison reads the rows of its own units (commgrid.liaison_unit)');
    IF liaison_writes THEN
      check_expr := format('%I = ANY ((SELECT commgrid.liaison_units())::bigint[])', unit_columns[1]);
      EXECUTE format('DROP POLICY IF EXISTS own_unit_insert ON %s', tbl);
      EXECUTE format('DROP POLICY IF EXISTS own_unit_update ON %s', tbl);
      EXECUTE format('DROP POLICY IF EXISTS own_unit_delete ON %s', tbl);
      EXECUTE format('CREATE POLICY own_unit_insert ON %s FOR INSERT WITH CHECK (%s)', tbl, check_expr);
      EXECUTE format('CREATE POLICY own_unit_update ON %s FOR UPDATE USING (%s) WITH CHECK (%s)',
                     tbl, check_expr, check_expr);
      EXECUTE format('CREATE POLICY own_unit_delete ON %s FOR DELETE USING (%s)', tbl, check_expr);
    END IF;
  END IF;
  PERFORM commgrid.grant_table_privileges(tbl);
END $$;
COMMENT ON FUNCTION secure_table(regclass, name[], text[], text[], name[], boolean) IS
  'Put a table under the jurisdiction rule: enable row-level security, add the jurisdiction policy on its gridcode column(s) and the unit liaison''s policies on its unit column(s), register and grant it; with no scope column, register and grant reference data';

REVOKE EXECUTE ON FUNCTION secure_table(regclass, name[], text[], text[], name[], boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION grant_table_privileges(regclass) FROM PUBLIC;
