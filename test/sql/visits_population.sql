-- The actual-population register and rented housing: dated residence events, the current
-- status, rentals and tenancies, their grids following the household, and who may read them.
-- On hand-made areas of 430102 (芙蓉区), all rolled back.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/visits.sql

-- a floating arrival, a departure to live elsewhere (人户分离), a departure for good
INSERT INTO residence_event (resident_id, kind, status, on_date, origin, permit_no) VALUES
  (430102000004, 'arrival', 'floating', district_today() - 100, '湖南省邵阳市', 'JZZ430102-0001'),
  (430102000005, 'departure', 'registered_away', district_today() - 50, NULL, NULL),
  (430102000006, 'arrival', 'floating', district_today() - 400, '江西省萍乡市', NULL),
  (430102000006, 'departure', 'departed', district_today() - 20, NULL, NULL);
SELECT resident_id, grid_code, status, since = district_today() - 100 AS since_arrival, origin, living_here
FROM actual_population WHERE resident_id BETWEEN 430102000003 AND 430102000006 ORDER BY resident_id;

-- bad events: status that does not fit the kind, a floating arrival without origin, a permit
-- on a registered arrival, the future, back-dating before the latest event, a malformed permit
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO residence_event (resident_id, kind, status, on_date, origin) VALUES (430102000007, 'departure', 'floating', district_today(), '某地')$$),
  ($$INSERT INTO residence_event (resident_id, kind, status, on_date) VALUES (430102000007, 'arrival', 'floating', district_today())$$),
  ($$INSERT INTO residence_event (resident_id, kind, status, on_date, permit_no) VALUES (430102000007, 'arrival', 'registered_resident', district_today(), 'JZZ0000001')$$),
  ($$INSERT INTO residence_event (resident_id, kind, status, on_date) VALUES (430102000007, 'arrival', 'registered_resident', district_today() + 1)$$),
  ($$INSERT INTO residence_event (resident_id, kind, status, on_date) VALUES (430102000006, 'arrival', 'registered_resident', district_today() - 30)$$),
  ($$INSERT INTO residence_event (resident_id, kind, status, on_date, origin, permit_no) VALUES (430102000007, 'arrival', 'floating', district_today(), '某地', 'x')$$)
) t(stmt);
-- the history is kept: who lived here 60 days ago
SELECT count(*) FILTER (WHERE e.kind = 'arrival') AS arrivals, count(*) FILTER (WHERE e.kind = 'departure') AS departures
FROM residence_event e WHERE e.resident_id BETWEEN 430102000004 AND 430102000006 AND e.on_date <= district_today() - 60;

-- rented housing: household 3 let by a landlord who is not a resident, resident 4 the tenant
INSERT INTO rental (rental_id, household_id, landlord_name, landlord_phone, purpose, registered_on)
VALUES (430102000001, 430102000003, '房东某', '13900000001', 'dwelling', district_today() - 100);
INSERT INTO tenancy (tenancy_id, rental_id, resident_id, starts_on) VALUES
  (430102000001, 430102000001, 430102000004, district_today() - 100);
SELECT rental_id, grid_code FROM rental;
SELECT tenancy_id, grid_code, ends_on FROM tenancy;
SELECT pg_temp.try(stmt) FROM (VALUES
  -- the tenant already rents it from that day
  ($$INSERT INTO tenancy (rental_id, resident_id, starts_on) VALUES (430102000001, 430102000004, district_today() - 10)$$),
  ($$INSERT INTO tenancy (rental_id, resident_id, starts_on, ends_on) VALUES (430102000001, 430102000005, district_today(), district_today() - 1)$$),
  ($$INSERT INTO rental (household_id) VALUES (430102000004)$$),
  ($$INSERT INTO rental (household_id, landlord_name) VALUES (430102000003, '另一房东')$$),
  ($$INSERT INTO rental (household_id, landlord_name, purpose) VALUES (430102000004, '房东', 'hotel')$$)
) t(stmt);
-- a tenancy ended, then a new one: no overlap
UPDATE tenancy SET ends_on = district_today() - 11 WHERE tenancy_id = 430102000001;
SELECT pg_temp.try($$INSERT INTO tenancy (tenancy_id, rental_id, resident_id, starts_on) VALUES (430102000002, 430102000001, 430102000004, district_today() - 10)$$);

-- the household moves to grid 002: rental, tenancies and events follow
UPDATE household SET location = ST_SetSRID(ST_MakePoint(112.995, 28.196), 4490) WHERE household_id = 430102000003;
SELECT 'rental' AS what, grid_code FROM rental
UNION ALL SELECT 'tenancy ' || tenancy_id, grid_code FROM tenancy
UNION ALL SELECT 'event', grid_code FROM residence_event WHERE resident_id = 430102000004
ORDER BY 1;
UPDATE household SET location = ST_SetSRID(ST_MakePoint(112.985, 28.195), 4490) WHERE household_id = 430102000003;

-- who reads what: the grid worker of grid 001 the register of grid 001, not the permit
-- number; the grid worker of 燕山街 nothing here; a BI reader no table
SET ROLE v430102_grid;
SELECT resident_id, status FROM actual_population WHERE status <> 'registered_resident' ORDER BY resident_id;
SELECT count(*) AS rentals, (SELECT count(*) FROM tenancy) AS tenancies FROM rental;
SELECT pg_temp.try($$SELECT permit_no FROM commgrid.residence_event$$);
SELECT pg_temp.try($$SELECT landlord_phone FROM commgrid.rental$$);
-- a write outside the jurisdiction is refused
SELECT pg_temp.try($$INSERT INTO commgrid.residence_event (resident_id, kind, status, on_date) VALUES (430102000008, 'departure', 'departed', commgrid.district_today())$$);
SET ROLE v430102_grid2;
SELECT count(*) AS visible_events FROM residence_event;
SELECT count(*) AS visible_population FROM actual_population WHERE grid_code <@ '430102001001';
SET ROLE v430102_bi;
SELECT pg_temp.try($$SELECT count(*) FROM commgrid.residence_event$$);
RESET ROLE;
-- every change of the register is audited
SELECT table_name, action, count(*) FROM audit_log
WHERE table_name IN ('commgrid.residence_event', 'commgrid.rental', 'commgrid.tenancy')
  AND scope_code <@ '430102'
GROUP BY 1, 2 ORDER BY 1, 2;
ROLLBACK;
