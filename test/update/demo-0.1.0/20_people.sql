-- The demo district's people: households and residents placed where the city lives, the
-- community Party organisations, Party members, floating members, dues and grid staff.
-- psql variables: :scale (1 = the report's district) and :seed.  Everything random comes
-- from setseed(:seed) in serial plans, so (scale, seed) gives the same people every time
-- (dates are relative to the day of the run, so terms and absences are always current).
--
-- Figures at scale 1 (DOMAIN.md §1): 2,000,000 residents; 131 communities whose Party
-- organisations are 58 committees, 50 general branches and 23 branches; 11,182 members of
-- record; about 10 staff and one Party group per grid.  At other scales residents and
-- members scale, and the kinds keep the report's proportions; since a committee needs 100
-- members and a general branch 51, a small district can carry more members than 11,182 × scale.
SET search_path = commgrid, public;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET client_min_messages = warning;
SET work_mem = '256MB';
-- a superuser's bulk load: one BULK entry per statement in the audit log, not a row per person
SET commgrid.audit = off;
\set QUIET on
\set district '500112'
-- one transaction: a failed run leaves nothing behind
BEGIN;
SELECT setseed((:seed % 1000003) / 1000003.0) AS seeded \gset

-- the targets
SELECT round(2000000 * :scale)::bigint AS n_residents, round(11182 * :scale)::int AS n_members \gset

-- households of 1-5 people (mean 2.6), as many as the residents fill
CREATE TEMP TABLE demo_household_size AS
SELECT h, size, sum(size) OVER (ORDER BY h) - size + 1 AS first_resident, sum(size) OVER (ORDER BY h) AS last_resident
FROM (SELECT h, 1 + (r >= 0.20)::int + (r >= 0.48)::int + (r >= 0.76)::int + (r >= 0.92)::int AS size
        FROM (SELECT h, random() AS r FROM generate_series(1, ceil(:n_residents / 2.5)::int + 10) h) s) t;
DELETE FROM demo_household_size WHERE first_resident > :n_residents;
SELECT count(*) AS n_households FROM demo_household_size \gset

-- where they live: the generator's clustered population when the territory is a generated
-- one (test/district/territory.sql), else points spread over the district
SELECT to_regclass('demo.territory') IS NOT NULL AS has_demo_schema \gset
\if :has_demo_schema
SELECT EXISTS (SELECT 1 FROM demo.territory WHERE district = :'district') AS has_territory \gset
\else
\set has_territory false
\endif
\if :has_territory
CREATE TEMP TABLE demo_point AS
SELECT id, location FROM demo.population_points(:n_households, :seed, :'district');
\else
CREATE TEMP TABLE demo_point AS
SELECT row_number() OVER () AS id, ST_SetSRID(d.geom, 4490)::geometry(Point, 4490) AS location
FROM area a, ST_Dump(ST_GeneratePoints(a.boundary, :n_households, :seed)) d
WHERE a.code = :'district';
\endif
SELECT setseed((:seed % 1000003) / 1000003.0) AS seeded \gset

-- 1. households: the spatial engine assigns each one its grid as it is inserted
SELECT clock_timestamp() AS t0 \gset
INSERT INTO household (household_id, address, location)
SELECT p.id,
       format('%s%s号%s栋%s单元%s室',
              (ARRAY['金开大道', '新牌坊路', '龙溪路', '红锦大道', '宝圣大道', '回兴路', '双龙大道',
                     '空港大道', '黄山大道', '兰桂大道', '松石北路', '龙山路', '加州路', '北环大道'])[1 + p.id % 14],
              1 + p.id * 7 % 400, 1 + p.id * 13 % 30, 1 + p.id % 4, (1 + p.id * 17 % 32) * 100 + 1 + p.id % 4),
       p.location
FROM demo_point p ORDER BY p.id;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS household_seconds \gset
SELECT setval(pg_get_serial_sequence('commgrid.household', 'household_id'), max(household_id)) AS s FROM household \gset

-- 2. residents: age, sex, county of registration, then an ID number unique per county,
-- birth date and sex; the household gives the grid (given here from the join, which the
-- resident trigger checks once for the statement instead of looking it up row by row)
CREATE TEMP TABLE demo_resident AS
SELECT n AS resident_id, s.h AS household_id, a.age,
       (current_date - (a.age * 365.25)::int - floor(random() * 365)::int) AS birth,
       random() < 0.51 AS male,
       CASE WHEN random() < 0.78 THEN '500112'
            ELSE (ARRAY['500101', '500222', '500229', '500233', '510104', '510722', '511602',
                        '420106', '430104', '522401', '530102', '500231'])[1 + floor(random() * 12)::int] END AS county,
       random() AS r_name1, random() AS r_name2, random() AS r_phone, random() AS r_flag
FROM demo_household_size s,
     generate_series(s.first_resident, least(s.last_resident, :n_residents)) n,
     LATERAL (SELECT random() AS r, n AS row_no) x,   -- correlated: a new draw per row
     LATERAL (SELECT CASE WHEN x.r < 0.82 THEN floor(x.r / 0.82 * 60)
                          ELSE 60 + floor(((x.r - 0.82) / 0.18) ^ 1.4 * 36) END::int AS age) a
ORDER BY n;
CREATE TEMP TABLE demo_idcard AS
SELECT resident_id,
       CASE WHEN seq <= 999 THEN make_idcard(county, birth, seq::int) END AS idcard
FROM (SELECT resident_id, county, birth,
             (row_number() OVER (PARTITION BY county, birth, male ORDER BY resident_id) - 1) * 2
             + male::int AS seq
        FROM demo_resident) t;
CREATE INDEX ON demo_idcard (resident_id);

SELECT clock_timestamp() AS t0 \gset
INSERT INTO resident (resident_id, idcard, name, phone, household_id, grid_code, vulnerable_kinds,
                      empty_nest_elderly, living_alone, disability)
SELECT r.resident_id, i.idcard,
       (ARRAY['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡',
              '郭', '何', '罗', '高', '林', '谭', '冉', '向', '唐', '彭', '邓', '曾', '蒋', '熊', '袁'])[1 + floor(r.r_name1 * 30)::int]
       || (ARRAY['建', '国', '华', '明', '丽', '敏', '军', '平', '芳', '勇', '强', '秀', '静', '杰', '涛',
                 '霞', '燕', '伟', '红', '玲', '刚', '辉', '琴', '波', '英', '兰', '林', '洪', '春', '梅'])[1 + floor(r.r_name2 * 30)::int]
       || CASE WHEN r.r_name2 * 7 - floor(r.r_name2 * 7) < 0.7
               THEN (ARRAY['峰', '成', '娟', '飞', '云', '珍', '宇', '鹏', '婷', '文'])[1 + floor(mod((r.r_name1 * 97)::numeric, 10))::int]
               ELSE '' END,
       CASE WHEN r.r_phone < 0.75 AND r.age >= 12
            THEN '1' || (ARRAY['3', '5', '7', '8', '9'])[1 + floor(r.r_phone * 6.6)::int] || lpad((floor(r.r_phone * 1e12)::bigint % 1000000000)::text, 9, '0') END,
       r.household_id, h.grid_code,
       CASE WHEN r.r_flag < 0.025
            THEN ARRAY[(ARRAY['minimum_living_allowance', 'minimum_living_allowance', 'low_income_margin',
                              'serious_illness', 'extreme_poverty', 'zero_employment_family', 'unsupported_child',
                              'other'])[1 + floor(r.r_flag / 0.025 * 8)::int]]
            ELSE '{}' END,
       r.age >= 60 AND r.r_flag * 13 - floor(r.r_flag * 13) < 0.3,
       r.age >= 60 AND r.r_flag * 13 - floor(r.r_flag * 13) < 0.1,
       r.r_flag * 31 - floor(r.r_flag * 31) < 0.02
FROM demo_resident r JOIN demo_idcard i USING (resident_id)
JOIN household h USING (household_id)
ORDER BY r.resident_id;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS resident_seconds \gset
SELECT setval(pg_get_serial_sequence('commgrid.resident', 'resident_id'), max(resident_id)) AS s FROM resident \gset
ANALYZE household;
ANALYZE resident;

-- 3. the community Party organisations: kinds in the report's proportions (58/50/23 of 131),
-- members per community fitting the kind, shared out exactly (largest remainder)
CREATE TEMP TABLE demo_community AS
SELECT a.code, a.name, row_number() OVER (ORDER BY random(), a.code) AS draw,
       (SELECT count(*) FROM area g WHERE g.parent = a.code AND g.kind = 'grid') AS grids
FROM area a WHERE a.kind = 'community' AND a.code <@ :'district'::gridcode
ORDER BY a.code;
SELECT count(*) AS n_comm, round(count(*) * 58 / 131.0)::int AS n_committee,
       round(count(*) * 50 / 131.0)::int AS n_general
FROM demo_community \gset
ALTER TABLE demo_community ADD COLUMN kind text, ADD COLUMN weight float8, ADD COLUMN members int;
UPDATE demo_community SET kind = CASE WHEN draw <= :n_committee THEN 'committee'
                                      WHEN draw <= :n_committee + :n_general THEN 'general_branch'
                                      ELSE 'branch' END;
UPDATE demo_community c SET weight = w.weight
FROM (SELECT code, random() AS weight FROM demo_community ORDER BY code) w WHERE w.code = c.code;
-- average members per kind: committee 120 (±15 %), general branch 70 (±25 %), branch the rest (±40 %)
CREATE TEMP TABLE demo_kind AS
SELECT kind, n, spread,
       CASE kind WHEN 'committee' THEN 120.0 * n WHEN 'general_branch' THEN 70.0 * n
            ELSE n * greatest(8.0, least(35.0,
                   (:n_members - 120.0 * :n_committee - 70.0 * :n_general) / greatest(n, 1))) END AS target
FROM (SELECT kind, count(*) AS n,
             CASE kind WHEN 'committee' THEN 0.15 WHEN 'general_branch' THEN 0.25 ELSE 0.40 END AS spread
        FROM demo_community GROUP BY kind) k;
UPDATE demo_community c SET members = q.members
FROM (SELECT code, floor(quota)::int + (rank() OVER (PARTITION BY kind ORDER BY quota - floor(quota) DESC, code)
                                        <= round(target) - sum(floor(quota)) OVER (PARTITION BY kind))::int AS members
        FROM (SELECT c.code, c.kind, k.target,
                     k.target * (1 + k.spread * (2 * c.weight - 1))
                       / sum(1 + k.spread * (2 * c.weight - 1)) OVER (PARTITION BY c.kind) AS quota
                FROM demo_community c JOIN demo_kind k USING (kind)) t) q
WHERE q.code = c.code;

-- members: a category for each place (mostly retired and older, as the report says), then a
-- resident of the community of the right age for it
CREATE TEMP TABLE demo_slot AS
SELECT c.code AS community_code, s AS slot, cat.category,
       CASE cat.category
         WHEN 'retired' THEN 'old'
         WHEN 'job_seeking_graduate' THEN 'young'
         WHEN 'laid_off' THEN 'mid'
         WHEN 'other' THEN 'young'
         WHEN 'in_service' THEN CASE WHEN r2 < 0.5 THEN 'young' ELSE 'mid' END
         WHEN 'farm_to_urban' THEN CASE WHEN r2 < 0.5 THEN 'mid' ELSE 'old' END
         ELSE CASE WHEN r2 < 0.6 THEN 'mid' ELSE 'old' END END AS band,
       r3 < 0.03 AND cat.category IN ('in_service', 'job_seeking_graduate', 'other') AS probationary,
       r3 AS r_float
FROM demo_community c, generate_series(1, c.members) s,
     LATERAL (SELECT random() AS r1, random() AS r2, random() AS r3, s AS row_no) x,
     LATERAL (SELECT CASE WHEN x.r1 < 0.52 THEN 'retired' WHEN x.r1 < 0.64 THEN 'farm_to_urban'
                          WHEN x.r1 < 0.71 THEN 'veteran' WHEN x.r1 < 0.76 THEN 'job_seeking_graduate'
                          WHEN x.r1 < 0.90 THEN 'in_service' WHEN x.r1 < 0.96 THEN 'laid_off'
                          ELSE 'other' END AS category) cat
ORDER BY c.code, s;
CREATE TEMP TABLE demo_candidate AS
SELECT r.resident_id, p.community_code, p.band,
       row_number() OVER (PARTITION BY p.community_code, p.band ORDER BY p.rnd, r.resident_id) AS k
FROM resident r
JOIN demo_resident d USING (resident_id)
CROSS JOIN LATERAL (SELECT r.community_code,
                           CASE WHEN d.age >= 60 THEN 'old' WHEN d.age >= 40 THEN 'mid' ELSE 'young' END AS band,
                           hashint8(r.resident_id * 7919 + :seed) AS rnd) p
WHERE d.age >= 22 AND r.community_code IS NOT NULL;
CREATE INDEX ON demo_candidate (community_code, band, k);
CREATE TEMP TABLE demo_match AS
SELECT s.community_code, s.slot, s.category, s.probationary, s.r_float, c.resident_id
FROM (SELECT *, row_number() OVER (PARTITION BY community_code, band ORDER BY slot) AS k FROM demo_slot) s
JOIN demo_candidate c USING (community_code, band, k);
-- a community short of people of one age fills its remaining places with other adults
INSERT INTO demo_match
SELECT s.community_code, s.slot,
       CASE c.band WHEN 'old' THEN 'retired' WHEN 'mid' THEN 'in_service' ELSE 'other' END,
       s.probationary, s.r_float, c.resident_id
FROM (SELECT s.*, row_number() OVER (PARTITION BY s.community_code ORDER BY s.slot) AS k
        FROM demo_slot s
       WHERE NOT EXISTS (SELECT 1 FROM demo_match m WHERE m.community_code = s.community_code AND m.slot = s.slot)) s
JOIN (SELECT c.*, row_number() OVER (PARTITION BY c.community_code ORDER BY c.band, c.k) AS k2
        FROM demo_candidate c
       WHERE NOT EXISTS (SELECT 1 FROM demo_match m WHERE m.resident_id = c.resident_id)) c
  ON c.community_code = s.community_code AND c.k2 = s.k;
CREATE TEMP TABLE demo_member AS
SELECT m.*, row_number() OVER (PARTITION BY m.community_code ORDER BY m.slot) AS member_no
FROM demo_match m;

-- the organisations: the community's own, its branches (under a committee or general branch,
-- one per 40 members and at least 2), and a Party group in every grid under a branch
CREATE TEMP TABLE demo_branch AS
SELECT c.code AS community_code, b AS branch_no,
       CASE WHEN c.kind = 'branch' THEN 1 ELSE greatest(2, ceil(c.members / 40.0)::int) END AS n_branches
FROM demo_community c,
     generate_series(1, CASE WHEN c.kind = 'branch' THEN 1 ELSE greatest(2, ceil(c.members / 40.0)::int) END) b;
INSERT INTO party_org (name, kind, parent_id, community_code, term_start)
SELECT '中共' || c.name ||
       CASE c.kind WHEN 'committee' THEN '委员会' WHEN 'general_branch' THEN '总支部委员会' ELSE '支部委员会' END,
       c.kind, NULL, c.code, current_date - 30 - floor(random() * 1400)::int
FROM demo_community c ORDER BY c.code;
INSERT INTO party_org (name, kind, parent_id, community_code, term_start)
SELECT c.name || '第' || b.branch_no || '党支部', 'branch', root.org_id, c.code, root.term_start
FROM demo_branch b JOIN demo_community c ON c.code = b.community_code
JOIN party_org root ON root.community_code = c.code AND root.parent_id IS NULL
WHERE c.kind <> 'branch'
ORDER BY c.code, b.branch_no;
-- each member's branch: members dealt round the community's branches
CREATE TEMP TABLE demo_branch_org AS
SELECT o.community_code, o.org_id,
       row_number() OVER (PARTITION BY o.community_code ORDER BY o.org_id) AS branch_no,
       count(*) OVER (PARTITION BY o.community_code) AS n_branches
FROM party_org o WHERE o.kind = 'branch' AND o.community_code <@ :'district'::gridcode;
CREATE TEMP TABLE demo_grid AS
SELECT g.code, g.name, g.parent AS community_code,
       row_number() OVER (PARTITION BY g.parent ORDER BY g.code) AS grid_no,
       count(*) OVER (PARTITION BY g.parent) AS n_grids, ST_PointOnSurface(g.boundary) AS post
FROM area g WHERE g.kind = 'grid' AND g.code <@ :'district'::gridcode;
INSERT INTO party_org (name, kind, parent_id, community_code, grid_code)
SELECT g.name || '党小组', 'party_group', b.org_id, g.community_code, g.code
FROM demo_grid g JOIN demo_branch_org b
  ON b.community_code = g.community_code AND b.branch_no = 1 + (g.grid_no - 1) % b.n_branches
ORDER BY g.code;

-- 4. members: in a branch, placed in a grid of the community (党员划入网格), some with a claimed post
INSERT INTO party_member (resident_id, org_id, status, category, joined_on, grid_code, claimed_post)
SELECT m.resident_id, b.org_id,
       CASE WHEN m.probationary THEN 'probationary' ELSE 'full' END, m.category,
       CASE WHEN m.probationary THEN current_date - 30 - (m.r_float * 3000)::int % 300
            ELSE least(current_date - 400, d.birth + ((18 + (d.age - 18) * m.r_float * 0.8) * 365.25)::int) END,
       g.code,
       CASE WHEN m.member_no % 3 = 0
            THEN (ARRAY['楼栋联络员', '治安巡逻岗', '环境卫生监督岗', '矛盾纠纷调解岗', '政策宣传岗',
                        '关爱空巢老人岗', '文明劝导岗'])[1 + m.member_no % 7] END
FROM demo_member m
JOIN demo_resident d USING (resident_id)
JOIN demo_branch_org b ON b.community_code = m.community_code
                      AND b.branch_no = 1 + (m.member_no - 1) % b.n_branches
JOIN demo_grid g ON g.community_code = m.community_code
                AND g.grid_no = 1 + (m.member_no - 1) % g.n_grids
ORDER BY m.resident_id;

-- secretaries and committees: the first full members of each branch; the community's own
-- organisation is led by the first branch's secretary; each group by a member placed in it
UPDATE party_org o SET secretary_id = s.resident_id
FROM (SELECT DISTINCT ON (org_id) org_id, resident_id FROM party_member
       WHERE status = 'full' ORDER BY org_id, resident_id) s
WHERE o.org_id = s.org_id;
UPDATE party_org o SET secretary_id = s.secretary_id
FROM (SELECT DISTINCT ON (parent_id) parent_id, secretary_id FROM party_org
       WHERE kind = 'branch' AND parent_id IS NOT NULL ORDER BY parent_id, org_id) s
WHERE o.org_id = s.parent_id;
UPDATE party_org g SET secretary_id = coalesce(
         (SELECT min(m.resident_id) FROM party_member m WHERE m.grid_code = g.grid_code AND m.status = 'full'),
         (SELECT b.secretary_id FROM party_org b WHERE b.org_id = g.parent_id))
WHERE g.kind = 'party_group' AND g.community_code <@ :'district'::gridcode;
INSERT INTO party_org_committee (org_id, resident_id, post)
SELECT org_id, resident_id, (ARRAY['secretary', 'deputy_secretary', 'member'])[k]
FROM (SELECT m.org_id, m.resident_id, row_number() OVER (PARTITION BY m.org_id ORDER BY m.resident_id) AS k,
             count(*) FILTER (WHERE m.status = 'full') OVER (PARTITION BY m.org_id) AS full_members
        FROM party_member m WHERE m.status = 'full' AND m.community_code <@ :'district'::gridcode) t
WHERE k <= 3 AND full_members >= 7
ORDER BY org_id, k;

-- floating members: 4 % of the working members are away (with an activity certificate after a
-- month; none over 6 months, whose membership would be transferred), and 2 % more arrive from
-- elsewhere, declare themselves and claim a post (亮明身份、认领岗位)
INSERT INTO floating_member (resident_id, direction, since, destination, certificate_no)
SELECT m.resident_id, 'outflow', current_date - 10 - (m.resident_id * 7 % 160)::int,
       (ARRAY['广东省深圳市', '广东省东莞市', '浙江省杭州市', '上海市浦东新区', '四川省成都市', '北京市朝阳区'])[1 + m.resident_id % 6],
       CASE WHEN 10 + m.resident_id * 7 % 160 >= 30 THEN 'LD' || extract(year FROM current_date) || '-' || m.resident_id END
FROM party_member m
WHERE m.category IN ('in_service', 'job_seeking_graduate', 'farm_to_urban', 'other')
  AND hashint8(m.resident_id + :seed) % 100 BETWEEN -7 AND 6
  AND m.community_code <@ :'district'::gridcode
ORDER BY m.resident_id;
SELECT count(*) AS inflow_declared
FROM (SELECT declare_floating_member(r.resident_id, g.code,
               (ARRAY['治安巡逻岗', '文明劝导岗', '环境卫生监督岗', '政策宣传岗'])[1 + r.resident_id % 4],
               (ARRAY['中共四川省广安市某村支部', '中共贵州省遵义市某社区支部', '中共湖北省恩施州某村支部',
                      '中共重庆市开州区某村支部'])[1 + r.resident_id % 4],
               'LD' || extract(year FROM current_date) || '-' || r.resident_id,
               current_date - 20 - (r.resident_id % 300)::int,
               CASE WHEN r.resident_id % 10 = 0 THEN 'probationary' ELSE 'full' END,
               (ARRAY['in_service', 'farm_to_urban', 'other'])[1 + r.resident_id % 3],
               declared_on => current_date - 10 - (r.resident_id % 10)::int)
        FROM (SELECT c.resident_id, c.community_code,
                     row_number() OVER (ORDER BY hashint8(c.resident_id - :seed), c.resident_id) AS k
                FROM demo_candidate c JOIN demo_resident d USING (resident_id)
               WHERE c.band IN ('young', 'mid') AND d.age BETWEEN 22 AND 50
                 AND NOT EXISTS (SELECT 1 FROM party_member m WHERE m.resident_id = c.resident_id)) r
        JOIN LATERAL (SELECT g.code FROM demo_grid g WHERE g.community_code = r.community_code
                       ORDER BY g.grid_no OFFSET r.resident_id % greatest(1, (SELECT count(*) FROM demo_grid g2 WHERE g2.community_code = r.community_code)) LIMIT 1) g ON true
       WHERE r.k <= round(:n_members * 0.02)
       ORDER BY r.resident_id) d \gset

-- dues for the last 12 months; some young members have others pay for them (托人代交)
INSERT INTO party_dues (resident_id, month, amount, paid_on, paid_by_id)
SELECT m.resident_id, mo::date,
       CASE WHEN m.category = 'retired' THEN 2 + m.resident_id % 9 ELSE 10 + m.resident_id % 70 END,
       mo::date + (m.resident_id % 20)::int,
       CASE WHEN d.age < 40 AND hashint8(m.resident_id * 31 + :seed) % 100 BETWEEN 0 AND 11
            THEN (SELECT min(o.resident_id) FROM resident o
                   WHERE o.household_id = d.household_id AND o.resident_id <> m.resident_id) END
FROM member_of_record m
JOIN demo_resident d USING (resident_id)
CROSS JOIN generate_series(date_trunc('month', current_date) - interval '11 months',
                           date_trunc('month', current_date), interval '1 month') mo
WHERE m.community_code <@ :'district'::gridcode
ORDER BY m.resident_id, mo;

-- 5. grid staff: 9 to 11 a grid at the grid's service post, which the engine assigns
SELECT clock_timestamp() AS t0 \gset
INSERT INTO grid_staff (name, phone, resident_id, role, full_time, location, since)
SELECT coalesce(leader.name, (ARRAY['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'])[1 + (g.grid_no * 7 + s) % 10]
                              || (ARRAY['晓', '志', '海', '玉', '春', '德', '小', '文'])[1 + (g.grid_no + s * 3) % 8]
                              || (ARRAY['梅', '军', '东', '兰', '华', '明', '燕', '刚', '琳'])[1 + (g.grid_no * 3 + s) % 9]),
       '1' || (ARRAY['3', '5', '8'])[1 + s % 3] || lpad(((g.grid_no * 1000 + s) * 7919 % 1000000000)::text, 9, '0'),
       leader.resident_id,
       CASE WHEN s = 1 THEN 'grid_leader' WHEN s <= 3 THEN 'full_time_worker' WHEN s <= 6 THEN 'part_time_worker'
            WHEN s = 7 THEN 'party_group_leader' ELSE 'building_leader' END,
       s BETWEEN 2 AND 3, g.post, current_date - 30 - ((g.grid_no * 37 + s * 101) % 2000)::int
FROM demo_grid g
CROSS JOIN LATERAL generate_series(1, 9 + (hashint8(g.code::text::bigint + :seed) % 3 + 3)::int % 3) s
LEFT JOIN LATERAL (SELECT r.resident_id, r.name FROM party_org o JOIN resident r ON r.resident_id = o.secretary_id
                    WHERE o.grid_code = g.code AND o.kind = 'party_group' AND s = 7) leader ON true
ORDER BY g.code, s;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS staff_seconds \gset
COMMIT;
ANALYZE;

-- how long the engine took to assign everyone
SELECT count(*) AS located_households FROM household WHERE grid_code <@ :'district'::gridcode \gset
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FILTER (WHERE commgrid.locate(location) IS NULL) AS outside FROM household \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS locate_seconds \gset
\set QUIET off
SELECT step, rows, seconds FROM (VALUES
  (1, 'households inserted, each assigned its grid by the engine (assign_location trigger)', :n_households::bigint, round(:household_seconds::numeric, 1)),
  (2, 'residents inserted with their household''s grid, checked per statement', (SELECT count(*) FROM resident), round(:resident_seconds::numeric, 1)),
  (3, 'grid staff inserted, each assigned its grid by the engine', (SELECT count(*) FROM grid_staff), round(:staff_seconds::numeric, 1)),
  (4, 'households located again in one pass: commgrid.locate(location)', :n_households::bigint, round(:locate_seconds::numeric, 1))
) t(n, step, rows, seconds) ORDER BY n;

-- who the members are (the report: mostly retired and older, some floating)
SELECT m.category, count(*) AS members,
       round(avg(age(r.idcard)), 1) AS average_age,
       count(*) FILTER (WHERE age(r.idcard) >= 60) AS aged_60_or_more,
       count(*) FILTER (WHERE f.direction = 'outflow') AS away
FROM member_of_record m JOIN resident r USING (resident_id)
LEFT JOIN floating_member f USING (resident_id)
WHERE m.community_code <@ :'district'::gridcode
GROUP BY m.category ORDER BY members DESC;
