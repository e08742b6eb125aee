-- Jurisdiction security on the demo district: one staff member at each level, the rows each
-- one reaches through row-level security, a staff function's audited read, a social worker's
-- own cases and notes, and what a BI tool sees.  The roles are made here and dropped at the end.
SET search_path = commgrid, public;
\set QUIET on
SET client_min_messages = warning;
SELECT count(*) AS group_roles FROM create_roles() \gset
DROP ROLE IF EXISTS demo_admin, demo_town, demo_comm, demo_grid, demo_bi, demo_social;
CREATE ROLE demo_admin IN ROLE commgrid_district_admin;
CREATE ROLE demo_town IN ROLE commgrid_township_staff;
CREATE ROLE demo_comm IN ROLE commgrid_community_staff;
CREATE ROLE demo_grid IN ROLE commgrid_grid_worker;
CREATE ROLE demo_bi IN ROLE commgrid_bi_reader;
CREATE ROLE demo_social IN ROLE commgrid_social_worker;
-- the first township, its first community and that community's first grid
SELECT min(code::text) AS town FROM area WHERE kind IN ('subdistrict', 'town') \gset
SELECT min(code::text) AS comm FROM area WHERE kind IN ('community', 'village') AND code <@ :'town' \gset
SELECT min(code::text) AS grid FROM area WHERE kind = 'grid' AND code <@ :'comm' \gset
SELECT count(*) FROM (VALUES (grant_jurisdiction('demo_admin', '500112')),
                             (grant_jurisdiction('demo_town', :'town')),
                             (grant_jurisdiction('demo_comm', :'comm')),
                             (grant_jurisdiction('demo_grid', :'grid'))) g \gset
CREATE FUNCTION pg_temp.reach(r name) RETURNS TABLE (households bigint, residents bigint, members bigint)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  RETURN QUERY SELECT (SELECT count(*) FROM commgrid.household), (SELECT count(*) FROM commgrid.resident),
                      (SELECT count(*) FROM commgrid.party_member);
  RESET ROLE;
END $$;
-- a statement run as a role: 'ok' or the refusal
CREATE FUNCTION pg_temp.try_as(r name, stmt text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  EXECUTE stmt;
  RESET ROLE;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN 'refused: ' || SQLSTATE || ' ' || SQLERRM;
END $$;
RESET client_min_messages;
\set QUIET off

-- what each level reaches (the table owner sees everything)
SELECT x.who, x.scope, r.*
FROM (VALUES ('district admin', 'demo_admin', '500112'), ('township staff', 'demo_town', :'town'),
             ('community staff', 'demo_comm', :'comm'), ('grid worker', 'demo_grid', :'grid')) x(who, role, scope),
     LATERAL pg_temp.reach(x.role) r;

-- a grid worker opens a resident's card (ID, phone, address): allowed in the grid, audited
SELECT min(resident_id) AS someone FROM resident WHERE grid_code = :'grid' \gset
SELECT min(resident_id) AS elsewhere FROM resident WHERE grid_code <> :'grid' \gset
SET ROLE demo_grid;
SELECT resident_id, name, idcard, phone, address, grid_code FROM resident_card(:someone);
RESET ROLE;
SELECT pg_temp.try_as('demo_grid', 'SELECT count(idcard) FROM commgrid.resident') AS grid_worker_reads_id_column,
       pg_temp.try_as('demo_grid', format('SELECT * FROM commgrid.resident_card(%s)', :elsewhere)) AS card_outside_the_grid;
SELECT action, table_name, row_key, acting_role, via FROM audit_log
WHERE action = 'READ' ORDER BY id DESC LIMIT 1;

-- a social worker (the pilot's first, linked by the district): its own cases, their notes and
-- a session it records; another worker's notes and case and the residents' table are refused
SELECT min(worker_id) IS NOT NULL AS has_worker, min(worker_id) AS worker FROM social_worker \gset
\if :has_worker
SELECT grant_social_worker('demo_social', :worker) AS linked \gset
SELECT min(case_id) AS own_case FROM sw_case WHERE worker_id = :worker \gset
SELECT min(case_id) AS other_case FROM sw_case WHERE worker_id <> :worker \gset
SET ROLE demo_social;
SELECT sw_add_case_note(:own_case, '首次面谈') AS note_id \gset
SELECT count(*) AS cases_it_sees, count(DISTINCT worker_id) AS workers_of_them FROM sw_case;
SELECT count(*) AS notes_of_its_case FROM sw_case_notes(:own_case);
SELECT sw_record_session(:own_case, district_today(), 45) IS NOT NULL AS session_recorded;
RESET ROLE;
SELECT (SELECT count(*) FROM sw_case) AS cases_in_the_district,
       pg_temp.try_as('demo_social', format('SELECT * FROM commgrid.sw_case_notes(%s)', :other_case)) AS another_workers_notes,
       pg_temp.try_as('demo_social', format('SELECT * FROM commgrid.sw_record_session(%s, current_date, 30)', :other_case)) AS session_on_another_workers_case,
       pg_temp.try_as('demo_social', 'SELECT count(*) FROM commgrid.resident') AS social_worker_reads_residents;
\endif

-- what a BI tool sees: residents only as groups of at least k by grid, sex and age band
SET ROLE demo_bi;
SELECT grid_code, sex, age_band, residents FROM bi_resident
WHERE grid_code = :'grid' ORDER BY sex, age_band;
RESET ROLE;
SELECT pg_temp.try_as('demo_bi', 'SELECT count(*) FROM commgrid.resident') AS bi_reads_base_table;

\set QUIET on
SET client_min_messages = warning;
SELECT count(*) FROM social_worker_login l WHERE l.role_name::text = 'demo_social'
  AND revoke_social_worker('demo_social', l.worker_id) \gset
DROP OWNED BY demo_admin, demo_town, demo_comm, demo_grid, demo_bi, demo_social;
DROP ROLE demo_admin, demo_town, demo_comm, demo_grid, demo_bi, demo_social;
