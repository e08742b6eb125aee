-- The jurisdiction rule applied to every table with per-area data.  THE RULE FOR NEW TABLES:
-- a table with a gridcode column gets a line here (secure_table with its scope column and its
-- readers and writers); personal columns get a comment starting with '[personal] '; tables of
-- residents, members and ratings get audit_table.  commgrid.security_findings lists every
-- table that breaks the rule, and the test security_catalog fails on any.

-- The area registry: every staff role reads the whole tree (the map is not personal and the
-- assignment of points to grids needs it); only district and township staff change it, and
-- only inside their jurisdiction.
SELECT commgrid.secure_table('commgrid.area', 'code',
  ARRAY['district_admin', 'township_staff', 'community_staff', 'grid_worker'],
  ARRAY['district_admin', 'township_staff']);
CREATE POLICY staff_read ON area FOR SELECT USING (true);
COMMENT ON POLICY staff_read ON area IS
  'Every role granted SELECT reads the whole area tree; writes stay inside the jurisdiction';

-- Who was given which jurisdiction, and by whom, is itself audited.
SELECT commgrid.audit_table('commgrid.jurisdiction');
