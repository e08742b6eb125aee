-- Reach after a role is changed or dropped, and the one caller check of the grant and revoke
-- functions.  The jurisdiction and liaison maps are keyed by role OID, and a role uses a
-- scope only while its current staff group allows the scope's level (district administrator
-- depth 3, township staff 4, community staff 5, grid worker 6).  District 330106 (the shared
-- fixture) and a second district 330108 for the cross-district checks.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/security.psql
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse

-- A role holding one scope at every level, and liaison for 测试一中 (in grid 1), as if each
-- had been granted while its group allowed it.
CREATE ROLE r330106_mover;
INSERT INTO jurisdiction (role_name, scope) VALUES
  ('r330106_mover', '330106'), ('r330106_mover', '330106002'),
  ('r330106_mover', '330106001002'), ('r330106_mover', '330106001001001');
INSERT INTO liaison_unit (role_name, unit_id)
SELECT 'r330106_mover', unit_id FROM unit WHERE name = '测试一中';

-- Make the mover a member of exactly these groups, then report, as the mover: the scopes the
-- policies use, the residents and units it reads, whose cards (residents 1 in grid 1, 6 in
-- community 甲二, 8 in town 乙) it may open, and whether it may grant jurisdiction.
CREATE FUNCTION pg_temp.reach_in(groups text[])
RETURNS TABLE (scopes text, residents text, units text, cards text, grants text)
LANGUAGE plpgsql SET client_min_messages = error AS $$
DECLARE
  g text;
  id bigint;
BEGIN
  FOR g IN SELECT short_name FROM commgrid.security_role ORDER BY 1 LOOP
    EXECUTE format(CASE WHEN g = ANY (groups) THEN 'GRANT %I TO r330106_mover'
                        ELSE 'REVOKE %I FROM r330106_mover' END, 'commgrid_' || g);
  END LOOP;
  SET LOCAL ROLE r330106_mover;
  BEGIN
    scopes := COALESCE(commgrid.jurisdiction_scopes()::text, '-');
  EXCEPTION WHEN insufficient_privilege THEN scopes := '42501';
  END;
  BEGIN
    SELECT count(*)::text INTO residents FROM commgrid.resident;
  EXCEPTION WHEN insufficient_privilege THEN residents := '42501';
  END;
  BEGIN
    SELECT string_agg(u.name, ',' ORDER BY u.name) INTO units FROM commgrid.unit u;
    units := COALESCE(units, '-');
  EXCEPTION WHEN insufficient_privilege THEN units := '42501';
  END;
  cards := '';
  FOREACH id IN ARRAY ARRAY[330106000001, 330106000006, 330106000008]::bigint[] LOOP
    BEGIN
      PERFORM commgrid.resident_card(id);
      cards := cards || (id - 330106000000) || ' ';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
  END LOOP;
  cards := COALESCE(NULLIF(rtrim(cards), ''), '-');
  BEGIN
    PERFORM commgrid.grant_jurisdiction('r330106_grid', '330106001001001');
    grants := 'yes';
  EXCEPTION WHEN insufficient_privilege THEN grants := '42501';
  END;
  RESET ROLE;
  RETURN NEXT;
END $$;

-- the reach of each group, of none, and of two groups at once (the higher group's level)
SELECT array_to_string(g, '+') AS groups, r.*
FROM (VALUES ('{district_admin}'::text[]), ('{township_staff}'), ('{community_staff}'),
             ('{grid_worker}'), ('{unit_liaison}'), ('{bi_reader}'), ('{}'),
             ('{grid_worker,township_staff}'), ('{community_staff,district_admin}'),
             ('{grid_worker,unit_liaison}'), ('{bi_reader,community_staff}')) v(g),
     LATERAL pg_temp.reach_in(g) r;

-- every move from one group to another: the reach afterwards is the new group's alone
CREATE FUNCTION pg_temp.move(from_group text, to_group text)
RETURNS TABLE (scopes text, residents text, units text, cards text, grants text)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_temp.reach_in(ARRAY[from_group]);
  RETURN QUERY SELECT * FROM pg_temp.reach_in(ARRAY[to_group]);
END $$;
SELECT f.short_name AS from_group, t.short_name AS to_group, m.*
FROM security_role f CROSS JOIN security_role t, LATERAL pg_temp.move(f.short_name, t.short_name) m
WHERE f.short_name <> t.short_name
ORDER BY f.short_name, t.short_name;

-- a staff member moved down can no longer be given the old level either
SELECT count(*) AS moved FROM pg_temp.reach_in('{grid_worker}');
SELECT grant_jurisdiction('r330106_mover', '330106001');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- the map itself is untouched: nobody had to edit it
SELECT role_name, scope FROM jurisdiction WHERE role_name = role_oid('r330106_mover') ORDER BY scope;

-- A dropped role: its rows stay, keyed by an OID that names nobody; a new role with the old
-- name is a new OID and inherits nothing, neither jurisdiction nor liaison units.
CREATE ROLE r330106_old IN ROLE commgrid_grid_worker, commgrid_unit_liaison;
SELECT grant_jurisdiction('r330106_old', '330106002001001'),
       grant_liaison('r330106_old', (SELECT unit_id FROM unit WHERE name = '测试医院'));
SELECT role_oid('r330106_old')::oid AS old_oid \gset
SET ROLE r330106_old;
SELECT jurisdiction_scopes(), cardinality(liaison_units()) AS units, count(*) AS residents FROM resident;
RESET ROLE;
DROP ROLE r330106_old;
SELECT role_name::text = :'old_oid' AS shown_as_number, scope FROM jurisdiction
WHERE role_name::oid = :'old_oid';
SELECT finding, object FROM security_findings WHERE finding = 'rows of a dropped role' ORDER BY 2;
CREATE ROLE r330106_old IN ROLE commgrid_grid_worker, commgrid_unit_liaison;
SELECT role_oid('r330106_old')::oid = :'old_oid' AS same_oid;
SET ROLE r330106_old;
SELECT jurisdiction_scopes(), liaison_units(), count(*) AS residents FROM resident;
SELECT count(*) AS jurisdiction_rows FROM jurisdiction;
SELECT count(*) AS liaison_rows FROM liaison_unit;
SELECT count(*) AS units FROM unit;
SELECT name FROM resident_card(330106000008);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT forget_dropped_roles();
SELECT count(*) AS dropped_role_findings FROM security_findings WHERE finding = 'rows of a dropped role';
-- a role renamed keeps its reach: the OID is the key, the name only shows it
ALTER ROLE r330106_grid2 RENAME TO r330106_grid2b;
SET ROLE r330106_grid2b;
SELECT jurisdiction_scopes(), count(*) AS residents FROM resident;
RESET ROLE;
ALTER ROLE r330106_grid2b RENAME TO r330106_grid2;

-- The caller check, one for all four functions: a district administrator grants and revokes
-- inside their own district only.  District 330108 east of 330106, with a grid worker, a
-- liaison and a unit of its own.
INSERT INTO area (code, name, kind, boundary)
SELECT code, name, kind, ST_MakeEnvelope(x0, 30.0, x1, 30.4, 4490)
FROM (VALUES
  ('330108', '测试二区', 'district', 120.4, 120.8),
  ('330108001', '丙街道', 'subdistrict', 120.4, 120.8),
  ('330108001001', '丙一社区', 'community', 120.4, 120.8),
  ('330108001001001', '丙一社区第1网格', 'grid', 120.4, 120.8)
) a(code, name, kind, x0, x1);
INSERT INTO unit (name, uscc, kind, affiliation, location)
VALUES ('测试二区医院', '91310115591693856A', 'public_institution', 'district',
        ST_SetSRID(ST_MakePoint(120.6, 30.2), 4490));
CREATE ROLE r330108_admin IN ROLE commgrid_district_admin;
CREATE ROLE r330108_grid IN ROLE commgrid_grid_worker;
CREATE ROLE r330108_liaison IN ROLE commgrid_unit_liaison;
SELECT unit_id AS unit_a FROM unit WHERE name = '测试一中' \gset
SELECT unit_id AS unit_a2 FROM unit WHERE name = '测试医院' \gset
SELECT unit_id AS unit_b FROM unit WHERE name = '测试二区医院' \gset
SELECT grant_jurisdiction('r330108_admin', '330108'),
       grant_jurisdiction('r330108_grid', '330108001001001'),
       grant_liaison('r330108_liaison', :unit_b);

-- district A's administrator: each of the four refused in district B (42501), nothing changed
-- (unit ids depend on the tests before: only the SQLSTATE is shown for the unit calls)
SET ROLE r330106_admin;
SELECT grant_jurisdiction('r330106_grid2', '330108001001001');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT revoke_jurisdiction('r330108_grid', '330108001001001');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
SELECT grant_liaison('r330106_liaison', :unit_b);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT revoke_liaison('r330108_liaison', :unit_b);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- a unit that does not exist is refused the same way
SELECT revoke_liaison('r330108_liaison', -1);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
RESET ROLE;
-- district B's administrator: each of the four refused in district A, allowed in B
SET ROLE r330108_admin;
SELECT grant_jurisdiction('r330108_grid', '330106002001001');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT revoke_jurisdiction('r330106_grid', '330106001001001');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
SELECT grant_liaison('r330108_liaison', :unit_a2);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT revoke_liaison('r330106_liaison', :unit_a);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
SELECT revoke_jurisdiction('r330108_grid', '330108001001001') AS revoked_b,
       revoke_liaison('r330108_liaison', :unit_b) AS revoked_liaison_b;
SELECT grant_jurisdiction('r330108_grid', '330108001001001'),
       grant_liaison('r330108_liaison', :unit_b);
RESET ROLE;
-- and district A's administrator does all four in A
SET ROLE r330106_admin;
SELECT revoke_jurisdiction('r330106_grid', '330106001001002') AS revoked_a,
       revoke_liaison('r330106_liaison', :unit_a) AS revoked_liaison_a;
SELECT grant_jurisdiction('r330106_grid', '330106001001002'),
       grant_liaison('r330106_liaison', :unit_a);
RESET ROLE;
-- staff below district administrator may do none of the four, even inside their reach
SET ROLE r330106_town;
SELECT revoke_liaison('r330106_liaison', :unit_a);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET ROLE;
-- the maps after all of it: every refused call left them as they were
SELECT role_name, scope FROM jurisdiction
WHERE role_name::text ~ '^r33010[68]_(grid|grid2|admin)$' ORDER BY role_name::text, scope;
SELECT l.role_name, u.name FROM liaison_unit l JOIN unit u USING (unit_id)
WHERE l.role_name::text LIKE 'r33010_\_liaison' ORDER BY l.role_name::text, u.name;
\i test/fixtures/security_cleanup.psql
ROLLBACK;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'commgrid\_%' OR rolname LIKE 'r33010_\_%';
