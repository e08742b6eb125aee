-- Request categories, shaped as GB/T 39666-2020 政府热线服务分类与代码 describes its catalogue:
-- three levels (major, middle, minor class) in a 6-digit code, two digits per level, a
-- middle class ending in 00 and a major class in 0000.  The standard's own entries are not
-- public text; the rows shipped here are the district's catalogue in that structure.

CREATE TABLE service_category (
  code            text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$' AND code NOT LIKE '00%'
                                              AND (code NOT LIKE '__00__' OR code LIKE '__0000')),
  level           text GENERATED ALWAYS AS (
                    CASE WHEN code LIKE '__0000' THEN 'major' WHEN code LIKE '____00' THEN 'middle'
                         ELSE 'minor' END) STORED,
  parent_code     text GENERATED ALWAYS AS (
                    CASE WHEN code LIKE '__0000' THEN NULL WHEN code LIKE '____00' THEN left(code, 2) || '0000'
                         ELSE left(code, 4) || '00' END) STORED
                  REFERENCES service_category (code),
  name            text NOT NULL CHECK (btrim(name) <> ''),
  service_code    text NOT NULL UNIQUE CHECK (service_code ~ '^[A-Za-z0-9_.-]{1,64}$'),
  default_level   text NOT NULL DEFAULT 'grid'
                  CHECK (default_level IN ('grid', 'community', 'township', 'department')),
  response_class  text NOT NULL DEFAULT 'standard' REFERENCES service_class (name),
  resolution_days int NOT NULL DEFAULT 7 CHECK (resolution_days BETWEEN 1 AND 365),
  public          boolean NOT NULL DEFAULT true,
  description     text
);
CREATE INDEX service_category_parent_idx ON service_category (parent_code);
CREATE INDEX service_category_response_class_idx ON service_category (response_class);
COMMENT ON TABLE service_category IS
  'Request categories in the structure of GB/T 39666-2020 (major/middle/minor class, 6-digit code), each with its Open311 service_code, default handling level, response class, resolution limit in working days, and whether its requests may be public';
COMMENT ON COLUMN service_category.code IS '6-digit code: two digits each for the major, middle and minor class (e.g. 010101); a middle class ends in 00, a major class in 0000';
COMMENT ON COLUMN service_category.level IS 'major, middle or minor (from the code); requests take a minor class';
COMMENT ON COLUMN service_category.parent_code IS 'The class one level up (from the code)';
COMMENT ON COLUMN service_category.name IS 'Name of the class, e.g. 噪声扰民';
COMMENT ON COLUMN service_category.service_code IS 'Open311 GeoReport v2 service_code';
COMMENT ON COLUMN service_category.default_level IS 'Where its requests are handled first: grid, community, township or department (a department''s matter is never pushed down to the grid)';
COMMENT ON COLUMN service_category.response_class IS 'The response clock (commgrid.service_class), standard = 上不过午,下不过夜';
COMMENT ON COLUMN service_category.resolution_days IS 'Resolution limit in working days (commgrid.add_working_time)';
COMMENT ON COLUMN service_category.public IS 'May its requests appear in public listings? Never for family disputes, elder care and reports about people';
COMMENT ON COLUMN service_category.description IS 'What belongs in the class';
SELECT commgrid.secure_table('commgrid.service_category', NULL,
  '{district_admin, township_staff, community_staff, grid_worker, unit_liaison}', '{district_admin}');
SELECT commgrid.register_dump('commgrid.service_category');

INSERT INTO service_category (code, name, service_code, default_level, response_class, resolution_days, public) VALUES
  ('010000', '城乡建设与管理', 'urban', 'grid', 'standard', 7, true),
  ('010100', '市容环境', 'urban.environment', 'grid', 'standard', 7, true),
  ('010101', '环境卫生', 'urban.environment.sanitation', 'grid', 'standard', 3, true),
  ('010102', '噪声扰民', 'urban.environment.noise', 'grid', 'standard', 5, true),
  ('010103', '违章搭建', 'urban.environment.illegal_building', 'community', 'standard', 15, true),
  ('010200', '市政设施', 'urban.facilities', 'township', 'standard', 7, true),
  ('010201', '道路破损', 'urban.facilities.road', 'department', 'standard', 10, true),
  ('010202', '路灯故障', 'urban.facilities.streetlight', 'department', 'standard', 5, true),
  ('010203', '井盖缺失', 'urban.facilities.manhole', 'department', 'urgent', 2, true),
  ('010300', '物业管理', 'urban.property', 'community', 'standard', 7, true),
  ('010301', '物业服务', 'urban.property.service', 'community', 'standard', 7, true),
  ('010302', '电梯故障', 'urban.property.elevator', 'community', 'urgent', 3, true),
  ('020000', '社会保障与公共服务', 'social', 'community', 'standard', 7, true),
  ('020100', '养老服务', 'social.elderly', 'community', 'standard', 7, false),
  ('020101', '居家养老', 'social.elderly.home_care', 'community', 'standard', 7, false),
  ('020102', '高龄津贴', 'social.elderly.allowance', 'township', 'working_3', 10, false),
  ('020200', '社会救助', 'social.assistance', 'township', 'standard', 10, false),
  ('020201', '低保申请', 'social.assistance.minimum_living', 'township', 'standard', 20, false),
  ('030000', '社会治安与矛盾纠纷', 'order', 'community', 'standard', 7, true),
  ('030100', '矛盾纠纷', 'order.disputes', 'community', 'standard', 10, false),
  ('030101', '家庭纠纷', 'order.disputes.family', 'grid', 'standard', 10, false),
  ('030102', '邻里纠纷', 'order.disputes.neighbour', 'grid', 'standard', 10, true),
  ('030200', '举报线索', 'order.reports', 'department', 'standard', 15, false),
  ('030201', '人员举报', 'order.reports.person', 'department', 'standard', 15, false),
  ('030202', '安全隐患', 'order.reports.hazard', 'grid', 'urgent', 3, true);
