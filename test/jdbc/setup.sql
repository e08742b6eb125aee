-- JDBC test fixture (run by test/jdbc/run.sh as the superuser in database commgrid_jdbc):
-- the group roles, the test district 330106 and two login roles with passwords.
SET search_path = commgrid, public;
SELECT count(*) AS group_roles FROM create_roles();
INSERT INTO area (code, name, kind, boundary)
SELECT code, name, kind, ST_MakeEnvelope(x0, 30.0, x1, 30.4, 4490)
FROM (VALUES
  ('330106', '测试区', 'district', 120.0, 120.4),
  ('330106001', '甲街道', 'subdistrict', 120.0, 120.2),
  ('330106002', '乙镇', 'town', 120.2, 120.4),
  ('330106001001', '甲一社区', 'community', 120.0, 120.2),
  ('330106002001', '乙一社区', 'community', 120.2, 120.4),
  ('330106001001001', '甲一社区第1网格', 'grid', 120.0, 120.1),
  ('330106001001002', '甲一社区第2网格', 'grid', 120.1, 120.2),
  ('330106002001001', '乙一社区第1网格', 'grid', 120.2, 120.4)
) a(code, name, kind, x0, x1)
ORDER BY code;
-- one household in the grid worker's first grid, one in another township
INSERT INTO household (household_id, address, location) VALUES
  (330106000001, '测试路1号', ST_SetSRID(ST_MakePoint(120.05, 30.2), 4490)),
  (330106000002, '测试路2号', ST_SetSRID(ST_MakePoint(120.3, 30.2), 4490));
INSERT INTO resident (resident_id, idcard, name, phone, household_id) VALUES
  (330106000001, '11010519491231002X', '张三丰', '13812341234', 330106000001),
  (330106000002, make_idcard('330106', date '1980-05-01', 7), '李四', '13900001111', 330106000002);
DROP ROLE IF EXISTS jdbc330106_bi, jdbc330106_grid;
CREATE ROLE jdbc330106_bi LOGIN PASSWORD 'bi-330106' IN ROLE commgrid_bi_reader;
CREATE ROLE jdbc330106_grid LOGIN PASSWORD 'grid-330106' IN ROLE commgrid_grid_worker;
SELECT grant_jurisdiction('jdbc330106_grid', '330106001001001'),
       grant_jurisdiction('jdbc330106_grid', '330106001001002');
-- wearable care (issue 15): a device of 张三丰 with consent, and the device gateway's login
-- (inserts pings only; BYPASSRLS because the gateway acts for every grid)
INSERT INTO care_device (device_id, imei, provider, owner_code) VALUES (330106000001, '490154203237518', '甲公司', '330106');
INSERT INTO care_binding (device_id, resident_id, consent_by, consent_at)
  VALUES (330106000001, 330106000001, 'person', now());
DROP ROLE IF EXISTS jdbc330106_gateway;
CREATE ROLE jdbc330106_gateway LOGIN PASSWORD 'gw-330106' BYPASSRLS;
GRANT USAGE ON SCHEMA commgrid TO jdbc330106_gateway;
GRANT INSERT ON care_ping TO jdbc330106_gateway;
GRANT USAGE ON SEQUENCE care_ping_id_seq TO jdbc330106_gateway;
