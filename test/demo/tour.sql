-- The README's tour ("A five-minute tour"; docs/demo.md), as any demo role (test/demo/roles.sql).
-- psql variables: point (a point, as EWKT), scope (an area code), inside (a resident in the
-- role's jurisdiction), outside (a resident outside it).  test/demo/tour_check.sh runs this
-- file as each role and checks which statements answer and which are refused.
SET search_path = commgrid, public;

-- Locate a point: which grid, community and township hold it?
SELECT locate(:'point') AS grid, locate(:'point', 'community') AS community,
       locate(:'point', 'township') AS township;

-- The report (基本情况) of an area of the jurisdiction
SELECT * FROM area_report(:'scope');

-- A resident's card (ID number, phone, address): in the jurisdiction, then outside it
SELECT resident_id, name, idcard, phone, address, grid_code FROM resident_card(:inside);
SELECT resident_id, name, idcard, phone, address, grid_code FROM resident_card(:outside);
