-- JDBC test fixture (run by test/jdbc/run.sh as the superuser in database commgrid_jdbc):
-- the group roles, the test district 330106 and two login roles with passwords.
SET search_path = commgrid, public;
SELECT count(*) AS group_roles FROM create_roles();
INSERT INTO area (code, name, kind) VALUES
  ('330106', '测试区', 'district'),
  ('330106001', '甲街道', 'subdistrict'),
  ('330106002', '乙镇', 'town'),
  ('330106001001', '甲一社区', 'community'),
  ('330106002001', '乙一社区', 'community'),
  ('330106001001001', '甲一社区第1网格', 'grid'),
  ('330106001001002', '甲一社区第2网格', 'grid'),
  ('330106002001001', '乙一社区第1网格', 'grid');
DROP ROLE IF EXISTS jdbc330106_bi, jdbc330106_grid;
CREATE ROLE jdbc330106_bi LOGIN PASSWORD 'bi-330106' IN ROLE commgrid_bi_reader;
CREATE ROLE jdbc330106_grid LOGIN PASSWORD 'grid-330106' IN ROLE commgrid_grid_worker;
SELECT grant_jurisdiction('jdbc330106_grid', '330106001001001'),
       grant_jurisdiction('jdbc330106_grid', '330106001001002');
