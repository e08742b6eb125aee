-- district_report on the hand-made part of 姑苏区 (320508): exact figures.  Rolled back.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/people.sql

-- a household that no grid covers (in the village, which has none): its 2 residents count
-- in the population and as unassigned; one outflow member; dues paid by someone else
INSERT INTO household (household_id, address, location)
VALUES (320508000004, '南浜村8号', ST_SetSRID(ST_MakePoint(120.64, 31.30), 4490));
INSERT INTO resident (resident_id, name, household_id) VALUES
  (320508000011, '村民甲', 320508000004), (320508000012, '村民乙', 320508000004);
INSERT INTO floating_member (resident_id, direction, since, destination, certificate_no)
VALUES (320508000008, 'outflow', current_date - 60, '重庆市渝北区', 'LD0001');
INSERT INTO party_dues (resident_id, month, amount, paid_on, paid_by_id)
VALUES (320508000004, date_trunc('month', current_date)::date, 10, current_date, 320508000001);

SELECT * FROM district_report('320508');

-- the grid assignment made complete: nothing unassigned
DELETE FROM resident WHERE household_id = 320508000004;
DELETE FROM household WHERE household_id = 320508000004;
SELECT indicator, value FROM district_report('320508')
WHERE indicator IN ('resident population', 'households', 'residents unassigned') ORDER BY indicator;

-- only districts
SAVEPOINT refused;
SELECT * FROM district_report('320508019');
ROLLBACK TO SAVEPOINT refused;
SELECT * FROM district_report('320509');
ROLLBACK;
