-- The demo's login roles, one for each group with a jurisdiction (docs/demo.md): the README's
-- tour (test/demo/tour.sql) runs as any of them.  FOR THE DEMO ONLY: each password is the role's
-- name.  Their areas are the first township of the district, its first community and that
-- community's first grid; the liaison speaks for the first unit of that community; the social
-- worker is the first social worker of the pilot subdistrict (when the participation step ran).
-- Run by test/demo/cluster.sh and test/demo/tour_check.sh after the demo's steps.
SET search_path = commgrid, public;
\set QUIET on
SET client_min_messages = warning;
SELECT count(*) AS group_roles FROM create_roles() \gset
SELECT min(code::text) AS town FROM area WHERE depth(code) = 4 \gset
SELECT min(code::text) AS comm FROM area WHERE depth(code) = 5 AND code <@ :'town'::gridcode \gset
SELECT min(code::text) AS grid FROM area WHERE kind = 'grid' AND code <@ :'comm'::gridcode \gset
SELECT min(u.unit_id) AS unit FROM unit_community u WHERE u.community_code = :'comm'::gridcode \gset
DO $roles$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT * FROM (VALUES ('demo_district_admin', 'commgrid_district_admin'),
                                 ('demo_township_staff', 'commgrid_township_staff'),
                                 ('demo_community_staff', 'commgrid_community_staff'),
                                 ('demo_grid_worker', 'commgrid_grid_worker'),
                                 ('demo_bi_reader', 'commgrid_bi_reader'),
                                 ('demo_unit_liaison', 'commgrid_unit_liaison'),
                                 ('demo_social_worker', 'commgrid_social_worker')) x(login, grp)
  LOOP
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = r.login) THEN
      EXECUTE format('DROP OWNED BY %I', r.login);
      DELETE FROM commgrid.jurisdiction WHERE role_name::text = r.login;
      DELETE FROM commgrid.liaison_unit WHERE role_name::text = r.login;
      DELETE FROM commgrid.social_worker_login WHERE role_name::text = r.login;
      EXECUTE format('DROP ROLE %I', r.login);
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', r.login, r.login, r.grp);
  END LOOP;
END
$roles$;
SELECT count(*) AS granted FROM (VALUES (grant_jurisdiction('demo_district_admin', '500112')),
                                         (grant_jurisdiction('demo_township_staff', :'town')),
                                         (grant_jurisdiction('demo_community_staff', :'comm')),
                                         (grant_jurisdiction('demo_grid_worker', :'grid')),
                                         (grant_liaison('demo_unit_liaison', :unit))) g \gset
SELECT min(worker_id) IS NOT NULL AS has_worker, min(worker_id) AS worker FROM social_worker \gset
\if :has_worker
SELECT grant_social_worker('demo_social_worker', :worker) AS linked \gset
\endif
RESET client_min_messages;
\set QUIET off
\ir roles_list.sql
