-- Search-path hijacking: a staff member plants look-alike objects (an always-true `=` and
-- `<@` on gridcode, functions named like the ones the extension calls, a fake jurisdiction
-- table) in their own schema, puts it first on search_path, even before pg_catalog, and the
-- extension's policies, functions and triggers behave exactly as before.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/security.psql
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
CREATE ROLE r330106_evil IN ROLE commgrid_township_staff;
SELECT grant_jurisdiction('r330106_evil', '330106002');
CREATE SCHEMA r330106_evil AUTHORIZATION r330106_evil;

-- the behaviour before
SET ROLE r330106_evil;
SELECT commgrid.jurisdiction_scopes(), commgrid.jurisdiction_envelope(),
       commgrid.mask_phone('13812341234') AS phone;
UPDATE area SET name = name WHERE code <@ '330106';

-- the plant
SET search_path = r330106_evil, pg_catalog, commgrid, public;
CREATE FUNCTION r330106_evil.always(a gridcode, b gridcode) RETURNS boolean
  LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR r330106_evil.= (LEFTARG = gridcode, RIGHTARG = gridcode, FUNCTION = r330106_evil.always);
CREATE OPERATOR r330106_evil.<@ (LEFTARG = gridcode, RIGHTARG = gridcode, FUNCTION = r330106_evil.always);
CREATE FUNCTION r330106_evil.subtree_last(gridcode) RETURNS gridcode
  LANGUAGE sql AS $$SELECT '999999999999999'::text::gridcode$$;
CREATE FUNCTION r330106_evil.depth(gridcode) RETURNS int LANGUAGE sql AS 'SELECT 6';
CREATE FUNCTION r330106_evil.ancestor(gridcode, int) RETURNS gridcode
  LANGUAGE sql AS $$SELECT '33'::text::gridcode$$;
CREATE FUNCTION r330106_evil.jurisdiction_scopes() RETURNS gridcode[]
  LANGUAGE sql AS $$SELECT ARRAY['33'::text::gridcode]$$;
CREATE FUNCTION r330106_evil.left(text, int) RETURNS text LANGUAGE sql AS $$SELECT 'LEAK'$$;
CREATE FUNCTION r330106_evil.repeat(text, int) RETURNS text LANGUAGE sql AS $$SELECT 'LEAK'$$;
CREATE FUNCTION r330106_evil.current_setting(text) RETURNS text LANGUAGE sql AS $$SELECT 'postgres'$$;
CREATE FUNCTION r330106_evil.pg_has_role(name, text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE TABLE r330106_evil.jurisdiction (role_name name, scope gridcode);
INSERT INTO r330106_evil.jurisdiction VALUES ('r330106_evil', '33');

-- the plant works on code that does not pin its path: a naive function is fooled
CREATE FUNCTION pg_temp.naive_same(a gridcode, b gridcode) RETURNS boolean
  LANGUAGE sql AS 'SELECT a = b';
SELECT pg_temp.naive_same('330106', '110101') AS naive_fooled;

-- and changes nothing in the extension: the same jurisdiction, masking and reach
SELECT commgrid.jurisdiction_scopes(), commgrid.jurisdiction_envelope(),
       commgrid.mask_phone('13812341234') AS phone;
UPDATE commgrid.area SET name = name WHERE code OPERATOR(commgrid.<@) '330106';
UPDATE commgrid.area SET name = name;
-- even the caller's own query, fooled by its own always-true `=`, reaches only its township
UPDATE commgrid.area SET name = name WHERE code = '330106001';
SELECT commgrid.grant_jurisdiction('r330106_evil', '330106');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT commgrid.create_roles();
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET ROLE;

-- security-definer and trigger code run by the superuser under the hijacked path too
SELECT commgrid.grant_jurisdiction('r330106_grid2', '330106002001');  -- depth check still holds
SELECT commgrid.grant_jurisdiction('r330106_grid2', '330106001002001');
SELECT action, table_name, row_key, new_values ->> 'scope' AS scope,
       acting_role = session_user AS by_session_user
FROM commgrid.audit_log
WHERE xact_id = txid_current() AND row_key ->> 'role_name' IN ('r330106_evil', 'r330106_grid2')
ORDER BY id;
SELECT commgrid.audit_key('{"a": 1, "b": 2}', ARRAY['a']);
SET search_path = commgrid, public;
DROP SCHEMA r330106_evil CASCADE;

-- Temporary relations.  Unless a path names pg_temp, PostgreSQL searches it FIRST for
-- relations, so a staff login's temporary table named like a catalog view or like one of the
-- extension's tables would be read in its place.  The targets come from the catalog: every
-- pg_catalog relation named in the body of a commgrid function, and every relation of
-- schema commgrid.
CREATE TEMP TABLE hijack_target AS
SELECT DISTINCT 'pg_catalog' AS nsp, m[1] AS relname
FROM pg_catalog.pg_proc p, regexp_matches(p.prosrc, '\m(pg_[a-z_]+)', 'g') m
WHERE p.pronamespace = 'commgrid'::regnamespace
  AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c
              WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relname = m[1])
UNION ALL
SELECT 'commgrid', c.relname FROM pg_catalog.pg_class c
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm');
SELECT nsp, count(*) > 0 AS found, bool_or(relname = 'pg_roles') AS has_pg_roles
FROM hijack_target GROUP BY nsp ORDER BY nsp;
GRANT SELECT ON hijack_target TO PUBLIC;
-- a demoted administrator: a grid worker still holding the district in the map
INSERT INTO jurisdiction (role_name, scope) VALUES ('r330106_grid', '330106');
-- a district administrator whose jurisdiction is township 乙, to attack the grant functions
-- in township 甲 (where 测试一中 is)
CREATE ROLE r330106_evil_admin IN ROLE commgrid_district_admin;
SELECT grant_jurisdiction('r330106_evil_admin', '330106002');
SELECT unit_id AS unit_a FROM commgrid.unit WHERE name = '测试一中' \gset

SET ROLE r330106_evil;
SET search_path = pg_temp, pg_catalog, commgrid, public;
-- the catalog look-alikes are views over the real catalog that lie: every role a superuser,
-- every table in a schema "nowhere" named "hidden"; the commgrid look-alikes are tables of
-- the same columns
DO $$
DECLARE
  t record;
  cols text;
BEGIN
  FOR t IN SELECT h.relname, format('%I.%I', h.nsp, h.relname)::regclass AS real, h.nsp
           FROM pg_temp.hijack_target h ORDER BY 1 LOOP
    IF t.nsp = 'pg_catalog' THEN
      SELECT string_agg(CASE a.attname WHEN 'rolsuper' THEN 'true'
                                       WHEN 'nspname' THEN '''nowhere''::name'
                                       WHEN 'relname' THEN '''hidden''::name'
                                       ELSE quote_ident(a.attname) END
                        || ' AS ' || quote_ident(a.attname), ', ' ORDER BY a.attnum)
        INTO cols FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = t.real AND a.attnum > 0 AND NOT a.attisdropped
        AND a.atttypid <> 'anyarray'::regtype;  -- a view cannot show a pseudo-type
      EXECUTE format('CREATE TEMP VIEW %I AS SELECT %s FROM %s', t.relname, cols, t.real);
    ELSE
      SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', '
                        ORDER BY a.attnum)
        INTO cols FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = t.real AND a.attnum > 0 AND NOT a.attisdropped;
      EXECUTE format('CREATE TEMP TABLE %I (%s)', t.relname, cols);
    END IF;
    EXECUTE format('GRANT ALL ON pg_temp.%I TO PUBLIC', t.relname);
  END LOOP;
END $$;
-- the lies: the whole province for the attackers, every unit for the liaison, and every group
-- allowed district-wide reach
INSERT INTO pg_temp.jurisdiction (role_name, scope)
SELECT r, '33' FROM unnest('{r330106_evil, r330106_evil_admin, r330106_grid}'::regrole[]) r;
INSERT INTO pg_temp.liaison_unit (role_name, unit_id)
SELECT 'r330106_liaison', u FROM generate_series(1, 1000) u;
INSERT INTO pg_temp.security_role (short_name, min_scope_depth, description)
SELECT g, 3, 'lie'
FROM unnest('{district_admin, township_staff, community_staff, grid_worker, unit_liaison, bi_reader}'::text[]) g;
-- every target has its look-alike in pg_temp
SELECT count(*) AS targets,
       count(*) FILTER (WHERE c.oid IS NULL) AS without_look_alike
FROM pg_temp.hijack_target h
LEFT JOIN pg_catalog.pg_class c
  ON c.relname = h.relname AND c.relnamespace = pg_catalog.pg_my_temp_schema()
HAVING count(*) > 0;

-- the plant works on code that does not name pg_temp last: a naive function is fooled
CREATE FUNCTION pg_temp.naive_is_superuser() RETURNS boolean LANGUAGE sql
  SET search_path = pg_catalog, commgrid
  AS 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user';
CREATE FUNCTION pg_temp.naive_scopes() RETURNS text LANGUAGE sql
  SET search_path = pg_catalog, commgrid
  AS 'SELECT string_agg(scope::text, '','') FROM jurisdiction';
SELECT pg_temp.naive_is_superuser() AS naive_fooled, pg_temp.naive_scopes() AS naive_scopes;

-- and fools nothing in the extension: the policies, the level rule and the card functions
SELECT commgrid.jurisdiction_scopes(), commgrid.jurisdiction_envelope();
SELECT count(*) AS residents FROM commgrid.resident;
SELECT name FROM commgrid.resident_card(330106000008);
SELECT name FROM commgrid.resident_card(330106000001);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT address FROM commgrid.household_card(330106000001);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- a row change with the superuser's bulk switch set: audited row by row, not as BULK
SET commgrid.audit = off;
UPDATE commgrid.resident SET name = name || '改' WHERE resident_id = 330106000009;
RESET commgrid.audit;
SET ROLE r330106_grid;
SELECT commgrid.jurisdiction_scopes(), count(*) AS residents FROM commgrid.resident;
SET ROLE r330106_liaison;
SELECT commgrid.liaison_units() = ARRAY[u.unit_id] AS own_unit_only, count(*) AS units
FROM commgrid.unit u GROUP BY u.unit_id;
-- the grant functions: a district administrator of township 乙 still cannot act in 甲
SET ROLE r330106_evil_admin;
SELECT commgrid.grant_jurisdiction('r330106_evil_admin', '330106');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT commgrid.revoke_jurisdiction('r330106_comm', '330106001001');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
SELECT commgrid.grant_liaison('r330106_liaison', :unit_a);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT commgrid.revoke_liaison('r330106_liaison', :unit_a);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
RESET ROLE;
-- the audit log: the real one, with the real table names and the real actor
SELECT action, table_name, row_key, acting_role
FROM commgrid.audit_log
WHERE xact_id = txid_current() AND acting_role IN ('r330106_evil', 'r330106_evil_admin')
ORDER BY id;
SELECT count(*) AS entries_in_look_alike FROM pg_temp.audit_log;
SELECT role_name, scope FROM commgrid.jurisdiction
WHERE role_name IN ('r330106_evil', 'r330106_evil_admin', 'r330106_comm') ORDER BY role_name::text, scope;
SET search_path = commgrid, public;
\i test/fixtures/security_cleanup.psql
ROLLBACK;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'commgrid\_%' OR rolname LIKE 'r330106\_%';
