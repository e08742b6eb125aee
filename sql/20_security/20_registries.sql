-- Jurisdiction security: group roles, the jurisdiction mapping and row-level security.
--
-- Roles belong to the cluster and the extension to one database, so this script creates no
-- role: the administrator calls commgrid.create_roles() once per cluster (and again in each
-- database that has the extension, to grant there).  Every table with per-area data is
-- registered with commgrid.secure_table() beside its CREATE TABLE, which enables row-level
-- security with the one jurisdiction policy; commgrid.security_findings lists any table that
-- escaped the rule.  This file: the registries the grants are made from, and who is who.

-- A role's OID from its name (NULL when there is no such role).  The jurisdiction and liaison
-- maps are keyed by OID, not name: a role dropped and created again under its old name is a
-- new OID and inherits nothing.  quote_ident keeps to_regrole from folding case.
CREATE FUNCTION role_oid(role_name name) RETURNS regrole
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT pg_catalog.to_regrole(pg_catalog.quote_ident(role_name))
$$;
COMMENT ON FUNCTION role_oid(name) IS
  'The OID of a role, as regrole (NULL when no role has that name): the key of jurisdiction and liaison_unit';

-- Does a role exist and belong (directly or not) to a commgrid group role?
CREATE FUNCTION is_member_of(member name, short_name text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'commgrid_' || short_name)
     AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = member)
     AND pg_catalog.pg_has_role(member, 'commgrid_' || short_name, 'MEMBER')
$$;
COMMENT ON FUNCTION is_member_of(name, text) IS
  'Is the role a member of commgrid_<short_name>? (false when either role does not exist)';

-- The role a statement really runs for, seen from inside a security-definer function:
-- current_user there is the owner, but SET ROLE is kept in the role setting.
-- In C (src/acting_role.c): the reach checks ask it for every row of a bulk load.
CREATE FUNCTION acting_role() RETURNS name
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'commgrid_acting_role';
COMMENT ON FUNCTION acting_role() IS
  'The role in effect for the session (SET ROLE, else the login role): current_user as seen outside any security-definer function';

CREATE FUNCTION role_exists(short_name text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'commgrid_' || short_name)
$$;
COMMENT ON FUNCTION role_exists(text) IS 'Does the group role commgrid_<short_name> exist?';

-- The group roles, by their short names (the role is commgrid_<short name>).  The minimum
-- depth is the highest level a member's jurisdiction may name; NULL for the groups whose
-- reach is a map of their own (a liaison's units, a social worker's worker rows), so they
-- never gain an area level, not even when the login is also in a staff group.
CREATE TABLE security_role (
  short_name text PRIMARY KEY,
  min_scope_depth int CHECK (min_scope_depth BETWEEN 3 AND 6),
  description text NOT NULL
);
INSERT INTO security_role VALUES
  ('district_admin', 3, 'District administrator: reads and writes the whole district, grants jurisdictions, reads the audit log'),
  ('township_staff', 4, 'Subdistrict or town staff: reads and writes their township'),
  ('community_staff', 5, 'Community staff: reads and writes their community'),
  ('grid_worker', 6, 'Grid worker: reads and writes their grids'),
  ('unit_liaison', NULL, 'Resident unit liaison: their own unit''s co-building data and assessments only'),
  ('social_worker', NULL, 'Social worker: the cases, sessions, case notes, clients and groups of their own worker rows only'),
  ('bi_reader', NULL, 'BI reader: the masked and aggregate bi_* views only, never a base table');
COMMENT ON TABLE security_role IS
  'The group roles create_roles() makes (commgrid_<short_name>), and the highest level each may be given as jurisdiction';
COMMENT ON COLUMN security_role.short_name IS 'Role name without the commgrid_ prefix';
COMMENT ON COLUMN security_role.min_scope_depth IS
  'Smallest gridcode depth a member''s jurisdiction may name (3 district … 6 grid); NULL: no area jurisdiction';
COMMENT ON COLUMN security_role.description IS 'What members of the role may do';

-- Every table under the jurisdiction rule, with who may read and write it.  grant_privileges()
-- grants from here, so a table added later needs only its row (through secure_table).
CREATE TABLE secured_table (
  table_name    regclass PRIMARY KEY,
  scope_columns name[],
  readers      text[] NOT NULL,
  writers      text[] NOT NULL,
  unit_columns name[],
  liaison_writes boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE secured_table IS
  'Every table of the extension that roles may reach: its gridcode scope columns (NULL: reference data, no per-area rows) and the group roles (short names) that read and write it';
COMMENT ON COLUMN secured_table.table_name IS 'The table';
COMMENT ON COLUMN secured_table.scope_columns IS
  'The gridcode column(s) the jurisdiction policy tests with <@ (a row is reachable through any of them); NULL for reference data without per-area rows';
COMMENT ON COLUMN secured_table.readers IS
  'Roles granted SELECT on the columns not classified restricted in personal_column (those only through the audited staff functions)';
COMMENT ON COLUMN secured_table.writers IS 'Roles granted INSERT, UPDATE and DELETE';
COMMENT ON COLUMN secured_table.unit_columns IS
  'Resident unit id column(s): a unit liaison reaches the rows of its own units (commgrid.liaison_unit) through them';
COMMENT ON COLUMN secured_table.liaison_writes IS
  'May a unit liaison also insert, update and delete its own units'' rows (through the first unit column)?';

-- The personal-data classification of columns, filled by mark_personal beside each CREATE
-- TABLE.  The grants read it (a restricted column is granted to no staff role); the column
-- comment repeats the class for people, but no privilege is ever read from a comment.
CREATE TABLE personal_column (
  table_name  regclass NOT NULL,
  column_name name NOT NULL,
  class       text NOT NULL CHECK (class IN ('personal', 'restricted', 'not personal')),
  PRIMARY KEY (table_name, column_name)
);
COMMENT ON TABLE personal_column IS
  'Personal data by column: personal (masked or aggregated for BI), restricted (granted to no staff role: read only through the audited staff functions) or not personal (looks personal, is not)';
COMMENT ON COLUMN personal_column.table_name IS 'The table';
COMMENT ON COLUMN personal_column.column_name IS 'The column';
COMMENT ON COLUMN personal_column.class IS
  'personal, restricted (ID numbers, phones, addresses, home locations) or not personal';

-- Security-definer functions that hand personal data to staff: granted to every staff role;
-- each checks the caller's jurisdiction itself and writes a READ row to the audit log.
CREATE TABLE staff_function (
  function_name name PRIMARY KEY,
  description   text NOT NULL
);
COMMENT ON TABLE staff_function IS
  'Security-definer staff functions (by name) granted to the staff roles; each audits its reads';
COMMENT ON COLUMN staff_function.function_name IS 'Function name in schema commgrid';
COMMENT ON COLUMN staff_function.description IS 'What personal data it returns';


-- the registries are the extension's own: CREATE EXTENSION writes them again on restore
SELECT commgrid.mark_install_only('commgrid.security_role', 'the group roles, written by the install script');
SELECT commgrid.mark_install_only('commgrid.secured_table', 'written by secure_table in the install script');
SELECT commgrid.mark_install_only('commgrid.personal_column', 'written by mark_personal in the install script');
SELECT commgrid.mark_install_only('commgrid.staff_function', 'written by the install script');
