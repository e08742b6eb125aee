-- The element inventory (人、地、事、物、组织): a catalogue of element types by aspect, major
-- class and minor class.  Things (部件) and events (事件) follow the national city-management
-- classification (CJ/T 214-2007, carried on as GB/T 30428.2): two-digit major classes and
-- two-digit minor classes within them.  People, places and organisations are not copied
-- here: their types name the existing table that holds them (resident, household, area,
-- unit, party_org).  The shipped minor classes are our reading of the public summaries of the
-- standard, numbered in order; the catalogue is data, so a district corrects or extends it
-- with UPDATE and INSERT (its own minor classes from 51, by our convention).

CREATE TABLE element_type (
  type_code   text PRIMARY KEY CHECK (type_code ~ '^[a-z_]+:[0-9a-z_]+$'),
  aspect      text NOT NULL CHECK (aspect IN ('person', 'place', 'event', 'thing', 'organisation')),
  major_code  text CHECK (major_code ~ '^[0-9]{2}$'),
  major_name  text NOT NULL CHECK (btrim(major_name) <> ''),
  minor_code  text CHECK (minor_code ~ '^[0-9]{2}$'),
  minor_name  text NOT NULL CHECK (btrim(minor_name) <> ''),
  source      text NOT NULL DEFAULT 'district' CHECK (source IN ('CJ/T 214', 'district')),
  held_in     regclass,
  shipped     boolean NOT NULL DEFAULT false,
  CONSTRAINT element_type_classified CHECK (
    (aspect IN ('thing', 'event')) = (major_code IS NOT NULL AND minor_code IS NOT NULL)),
  CONSTRAINT element_type_refers_elsewhere CHECK ((aspect IN ('person', 'place', 'organisation')) = (held_in IS NOT NULL)),
  UNIQUE (aspect, major_code, minor_code)
);
COMMENT ON TABLE element_type IS
  'The catalogue of element types (人、地、事、物、组织): aspect, major and minor class (CJ/T 214 / GB/T 30428.2 codes for things and events), or the table that holds people, places and organisations';
COMMENT ON COLUMN element_type.type_code IS 'Stable name, aspect:name or aspect:MMmm (e.g. thing:0101)';
COMMENT ON COLUMN element_type.aspect IS 'person (人), place (地), event (事), thing (物, 部件) or organisation (组织)';
COMMENT ON COLUMN element_type.major_code IS 'Things and events: two-digit major class (大类), e.g. 01 公用设施';
COMMENT ON COLUMN element_type.major_name IS 'Name of the major class (for people, places and organisations: the group)';
COMMENT ON COLUMN element_type.minor_code IS 'Things and events: two-digit minor class (小类) within the major class';
COMMENT ON COLUMN element_type.minor_name IS 'Name of the minor class, e.g. 上水井盖';
COMMENT ON COLUMN element_type.source IS 'CJ/T 214 (the national classification, as shipped) or district (the district''s own)';
COMMENT ON COLUMN element_type.held_in IS 'People, places and organisations: the table that holds them (not copied into the inventory)';
COMMENT ON COLUMN element_type.shipped IS 'Installed by the extension and unchanged (pg_dump keeps only the other rows)';
SELECT commgrid.secure_table('commgrid.element_type', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{district_admin}');
SELECT commgrid.register_dump('commgrid.element_type', 'WHERE NOT shipped');

CREATE TRIGGER element_type_keep BEFORE INSERT OR UPDATE ON element_type
  FOR EACH ROW EXECUTE FUNCTION keep_shipped_row('type_code');
ALTER TABLE element_type ENABLE ALWAYS TRIGGER element_type_keep;

-- things (部件): the six major classes and minor classes in order
INSERT INTO element_type (type_code, aspect, major_code, major_name, minor_code, minor_name, source, shipped)
SELECT 'thing:' || m.code || lpad(n::text, 2, '0'), 'thing', m.code, m.name, lpad(n::text, 2, '0'), x, 'CJ/T 214', true
FROM (VALUES
  ('01', '公用设施', ARRAY['上水井盖', '污水井盖', '雨水井盖', '雨水箅子', '电力井盖', '路灯井盖', '通讯井盖',
     '电视井盖', '网络井盖', '热力井盖', '燃气井盖', '公安井盖', '无主井盖', '消防栓', '电力设施', '通讯交接箱',
     '变压器（箱）', '路灯', '地灯', '景观灯', '报刊亭', '邮筒', '公用电话', '公共厕所', '垃圾间（楼）']),
  ('02', '道路交通', ARRAY['停车场', '停车咪表', '公交站亭', '出租车站牌', '过街天桥', '地下通道', '高架立交桥',
     '跨河桥', '交通标志牌', '交通信号灯', '交通护栏', '隔音屏', '自行车停放点', '道路信息显示屏', '电子警察',
     '违章监控', '治安监控摄像头']),
  ('03', '市容环境', ARRAY['公共厕所指示牌', '垃圾箱', '果皮箱', '灯箱霓虹灯', '广告牌匾', '户外屏幕', '街头座椅',
     '环保监测站', '气象监测站', '污水口']),
  ('04', '园林绿化', ARRAY['古树名木', '行道树', '护树设施', '绿地', '城市雕塑', '街头坐椅', '花架花钵',
     '绿地护栏', '喷泉', '水景']),
  ('05', '房屋土地', ARRAY['宣传栏', '人防工事', '地下室', '工地', '房屋', '建筑物外立面']),
  ('06', '其他设施', ARRAY['重大危险源', '工地围挡', '水域附属设施', '景观桥', '健身设施', '应急避难场所'])
) m(code, name, minors), unnest(m.minors) WITH ORDINALITY u(x, n);

-- events (事件): the major classes and minor classes in order
INSERT INTO element_type (type_code, aspect, major_code, major_name, minor_code, minor_name, source, shipped)
SELECT 'event:' || m.code || lpad(n::text, 2, '0'), 'event', m.code, m.name, lpad(n::text, 2, '0'), x, 'CJ/T 214', true
FROM (VALUES
  ('01', '市容环境', ARRAY['私搭乱建', '暴露垃圾', '积存垃圾渣土', '道路不洁', '水域不洁', '绿地脏乱', '废弃家具设备',
     '非装饰性树挂', '焚烧垃圾', '油烟污染', '噪声扰民']),
  ('02', '宣传广告', ARRAY['违章张贴悬挂广告', '占道广告牌', '街头散发广告', '非法小广告']),
  ('03', '施工管理', ARRAY['施工扰民', '工地扬尘', '道路遗撒', '施工占道', '无证掘路']),
  ('04', '突发事件', ARRAY['路面塌陷', '自来水管破裂', '燃气管道破裂', '下水道堵塞或破损', '道路积水', '道路积雪结冰']),
  ('05', '街面秩序', ARRAY['无照经营游商', '流浪乞讨', '占道废品收购', '店外经营', '机动车乱停放', '非机动车乱停放',
     '黑车拉客', '露天烧烤', '违规饲养家禽']),
  ('06', '其他事件', ARRAY['群租房', '消防通道堵塞', '高空抛物', '违规充电'])
) m(code, name, minors), unnest(m.minors) WITH ORDINALITY u(x, n);

-- people, places and organisations: types over the tables that hold them
INSERT INTO element_type (type_code, aspect, major_name, minor_name, source, held_in, shipped) VALUES
  ('person:resident', 'person', '实有人口', '户籍人口', 'district', 'commgrid.resident', true),
  ('person:floating', 'person', '实有人口', '流动人口', 'district', 'commgrid.residence_event', true),
  ('person:registered_away', 'person', '实有人口', '人户分离人口', 'district', 'commgrid.residence_event', true),
  ('person:vulnerable', 'person', '特殊人群', '困难群体', 'district', 'commgrid.resident', true),
  ('person:party_member', 'person', '党员', '党员', 'district', 'commgrid.party_member', true),
  ('place:household', 'place', '房屋', '住户', 'district', 'commgrid.household', true),
  ('place:rental', 'place', '房屋', '出租屋', 'district', 'commgrid.rental', true),
  ('place:grid', 'place', '区域', '网格', 'district', 'commgrid.area', true),
  ('organisation:unit', 'organisation', '组织', '驻区单位', 'district', 'commgrid.unit', true),
  ('organisation:party_org', 'organisation', '组织', '党组织', 'district', 'commgrid.party_org', true);
