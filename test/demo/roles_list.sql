-- The demo's login roles (test/demo/roles.sql), their groups and areas.
SELECT r.rolname AS login, r.rolname AS "password (demo only)", g.rolname AS "group",
       coalesce((SELECT string_agg(scope::text, ', ') FROM commgrid.jurisdiction j WHERE j.role_name = r.oid),
                (SELECT 'unit ' || string_agg(unit_id::text, ', ') FROM commgrid.liaison_unit l WHERE l.role_name = r.oid),
                (SELECT 'social worker ' || string_agg(worker_id::text, ', ') FROM commgrid.social_worker_login w WHERE w.role_name = r.oid),
                CASE WHEN g.rolname = 'commgrid_bi_reader' THEN 'aggregate bi_* views' END) AS jurisdiction
FROM pg_roles r
JOIN pg_auth_members m ON m.member = r.oid
JOIN pg_roles g ON g.oid = m.roleid
WHERE r.rolname LIKE 'demo\_%\_%' AND g.rolname LIKE 'commgrid\_%'
ORDER BY array_position(ARRAY['demo_grid_worker', 'demo_community_staff', 'demo_township_staff',
                              'demo_district_admin', 'demo_bi_reader', 'demo_unit_liaison',
                              'demo_social_worker'], r.rolname::text);
