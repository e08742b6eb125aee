-- Search-path hijacking: a staff member plants look-alike objects (an always-true `=` and
-- `<@` on gridcode, functions named like the ones the extension calls, a fake jurisdiction
-- table) in their own schema, puts it first on search_path, even before pg_catalog, and the
-- extension's policies, functions and triggers behave exactly as before.
SET search_path = commgrid, public;
BEGIN;
\i test/sql/security_fixture.psql
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
\i test/sql/security_cleanup.psql
ROLLBACK;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'commgrid\_%' OR rolname LIKE 'r330106\_%';
