-- The public-security index (群众安全感): a third party surveys each community once a year and
-- reports the answers over five levels.  Published reports give two figures: the share who
-- feel safe (安全感率: the levels counted as safe over the sample) and an index score (the
-- answers weighted by level, 0-100).  Levels, their weights and which count as safe are
-- reference data (the defaults below are ours: 很安全 100, 安全 80, 基本安全 60 count as safe;
-- 不太安全 30, 不安全 0 do not); the target is the report's 97 %.

CREATE TABLE security_survey_level (
  level      int PRIMARY KEY CHECK (level BETWEEN 1 AND 5),
  name       text NOT NULL CHECK (btrim(name) <> ''),
  weight     numeric NOT NULL CHECK (weight BETWEEN 0 AND 100),
  feels_safe boolean NOT NULL
);
COMMENT ON TABLE security_survey_level IS
  'The five answer levels of the public-security survey: name, weight in the index score, and whether the answer counts as feeling safe';
COMMENT ON COLUMN security_survey_level.level IS '1 (safest) … 5';
COMMENT ON COLUMN security_survey_level.name IS 'The answer, e.g. 很安全';
COMMENT ON COLUMN security_survey_level.weight IS 'Points of the answer in the index score (0-100)';
COMMENT ON COLUMN security_survey_level.feels_safe IS 'Does the answer count for the share who feel safe (安全感率)?';
SELECT commgrid.secure_table('commgrid.security_survey_level', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{district_admin}');
INSERT INTO security_survey_level VALUES
  (1, '很安全', 100, true), (2, '安全', 80, true), (3, '基本安全', 60, true),
  (4, '不太安全', 30, false), (5, '不安全', 0, false);
-- the installed rows are kept by pg_dump as they are: five fixed levels, only changed in place
SELECT commgrid.register_dump('commgrid.security_survey_level');

CREATE TABLE security_survey (
  community_code community_code NOT NULL REFERENCES area (code) ON UPDATE CASCADE,
  year           int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  surveyor       text NOT NULL CHECK (btrim(surveyor) <> ''),
  sample_size    int NOT NULL CHECK (sample_size > 0),
  answers        int[] NOT NULL,
  imported_on    date NOT NULL DEFAULT commgrid.district_today(),
  PRIMARY KEY (community_code, year),
  CONSTRAINT security_survey_five_levels CHECK (cardinality(answers) = 5 AND array_position(answers, NULL) IS NULL
                                                AND 0 <= ALL (answers)),
  CONSTRAINT security_survey_answers_add_up CHECK (
    answers[1] + answers[2] + answers[3] + answers[4] + answers[5] = sample_size)
);
COMMENT ON TABLE security_survey IS
  'A third-party public-security survey of a community for a year: the sample and how many gave each of the five answers';
COMMENT ON COLUMN security_survey.community_code IS 'The community surveyed';
COMMENT ON COLUMN security_survey.year IS 'The survey year';
COMMENT ON COLUMN security_survey.surveyor IS 'The third party that ran it (e.g. a statistics bureau''s survey team)';
COMMENT ON COLUMN security_survey.sample_size IS 'Respondents';
COMMENT ON COLUMN security_survey.answers IS 'Respondents per level 1-5 (security_survey_level); they add up to sample_size';
COMMENT ON COLUMN security_survey.imported_on IS 'Day the figures were entered';
-- filed under a community: a grid worker's jurisdiction (a grid) never holds such a row, so it
-- is not granted one either
SELECT commgrid.secure_table('commgrid.security_survey', '{community_code}',
  '{district_admin, township_staff, community_staff}', '{district_admin, township_staff}');
SELECT commgrid.register_dump('commgrid.security_survey');

-- The index per community and year beside the target; for an area, the sample-weighted
-- figures of its communities (security_index_of).
CREATE VIEW security_index WITH (security_barrier) AS
SELECT s.community_code::text AS community_code, s.year, s.sample_size,
       round(100.0 * sum(s.answers[l.level]) FILTER (WHERE l.feels_safe) / s.sample_size, 2) AS feels_safe_percent,
       round(sum(s.answers[l.level] * l.weight) / s.sample_size, 2) AS index_score,
       97.0 AS target_percent,
       100.0 * sum(s.answers[l.level]) FILTER (WHERE l.feels_safe) / s.sample_size >= 97 AS meets_target
FROM commgrid.security_survey s CROSS JOIN commgrid.security_survey_level l
WHERE commgrid.reaches(s.community_code, (SELECT commgrid.reach_scopes()))
GROUP BY s.community_code, s.year, s.sample_size;
COMMENT ON VIEW security_index IS
  'The public-security index per community and year, for the caller''s jurisdiction: the share who feel safe (安全感率) and the index score, beside the report''s 97 % target';
COMMENT ON COLUMN security_index.community_code IS 'The community (text)';
COMMENT ON COLUMN security_index.year IS 'The survey year';
COMMENT ON COLUMN security_index.sample_size IS 'Respondents';
COMMENT ON COLUMN security_index.feels_safe_percent IS 'Respondents whose answer counts as safe, in per cent (安全感率)';
COMMENT ON COLUMN security_index.index_score IS 'Mean weight of the answers (0-100)';
COMMENT ON COLUMN security_index.target_percent IS 'The report''s target: 97 %';
COMMENT ON COLUMN security_index.meets_target IS 'feels_safe_percent >= 97?';
