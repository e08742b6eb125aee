-- The public-security index: a third party's survey per community and year, the share who
-- feel safe and the index score beside the 97 % target, in area_report.  On hand-made areas
-- of 430102 (芙蓉区), all rolled back.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/visits.sql

-- 识字岭: 400 respondents, 390 safe (97.5 %); 燕山街: 200, 190 safe (95 %)
INSERT INTO security_survey (community_code, year, surveyor, sample_size, answers) VALUES
  ('430102001001', 2025, '市统计局调查队', 400, '{300, 60, 30, 6, 4}'),
  ('430102001002', 2025, '市统计局调查队', 200, '{100, 50, 40, 6, 4}'),
  ('430102001001', 2024, '市统计局调查队', 100, '{50, 30, 15, 5, 0}');
SELECT community_code, year, sample_size, feels_safe_percent, index_score, target_percent, meets_target
FROM security_index WHERE community_code LIKE '430102%' ORDER BY 1, 2;
-- bad surveys: answers that do not add up, four levels, a negative count, a grid for a
-- community, the same community and year twice
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO security_survey (community_code, year, surveyor, sample_size, answers) VALUES ('430102001001', 2026, 'x', 10, '{1,1,1,1,1}')$$),
  ($$INSERT INTO security_survey (community_code, year, surveyor, sample_size, answers) VALUES ('430102001001', 2026, 'x', 4, '{1,1,1,1}')$$),
  ($$INSERT INTO security_survey (community_code, year, surveyor, sample_size, answers) VALUES ('430102001001', 2026, 'x', 4, '{5,-1,0,0,0}')$$),
  ($$INSERT INTO security_survey (community_code, year, surveyor, sample_size, answers) VALUES ('430102001001001', 2026, 'x', 5, '{1,1,1,1,1}')$$),
  ($$INSERT INTO security_survey (community_code, year, surveyor, sample_size, answers) VALUES ('430102001001', 2025, 'x', 5, '{1,1,1,1,1}')$$)
) t(stmt);
-- the report: a community its own latest figure; the subdistrict the sample-weighted figure
-- of its communities' latest year ((390 + 190) / 600); a grid its community's
SELECT a.code, r.value FROM (VALUES ('430102001001'), ('430102001'), ('430102001001002')) a(code),
  LATERAL area_report(a.code::gridcode) r WHERE r.indicator LIKE 'feel safe%' ORDER BY a.code;
-- a grid worker: the view holds community rows, above the worker's jurisdiction, so none;
-- the worker's grid report gives the community's figure; community staff see their own
SET ROLE v430102_grid;
SELECT community_code, year FROM security_index ORDER BY 1, 2;
SELECT value FROM area_report('430102001001001') WHERE indicator LIKE 'feel safe%';
SET ROLE v430102_comm;
SELECT community_code, year FROM security_index ORDER BY 1, 2;
SET ROLE v430102_grid;
SELECT pg_temp.try($$INSERT INTO commgrid.security_survey (community_code, year, surveyor, sample_size, answers) VALUES ('430102001001', 2026, 'x', 5, '{1,1,1,1,1}')$$);
RESET ROLE;
-- the weights are the district's: counting 不太安全 as safe changes the share
UPDATE security_survey_level SET feels_safe = true WHERE level = 4;
SELECT community_code, year, feels_safe_percent FROM security_index WHERE community_code LIKE '430102%' AND year = 2025 ORDER BY 1;
ROLLBACK;
