-- Staff functions: the only way to a person's restricted personal data (ID number, phone,
-- address, exact location).  Each is security definer with its path pinned, checks that the
-- acting role is staff and the person lies in its jurisdiction (one 42501 for missing and
-- elsewhere alike), and writes a READ entry to the audit log before returning.

CREATE FUNCTION resident_card(id bigint)
RETURNS TABLE (resident_id bigint, name text, idcard idcard, sex text, birth_date date,
               phone text, household_id bigint, address text, grid_code gridcode,
               community_code gridcode, vulnerable_kinds text[], empty_nest_elderly boolean,
               living_alone boolean, disability boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  area_code commgrid.gridcode;
BEGIN
  SELECT r.grid_code INTO area_code FROM commgrid.resident r WHERE r.resident_id = id;
  PERFORM commgrid.check_staff_reach(area_code, format('resident %s', id));
  PERFORM commgrid.audit_read('commgrid.resident', jsonb_build_object('resident_id', id),
                              'resident_card', area_code);
  RETURN QUERY
  SELECT r.resident_id, r.name, r.idcard, commgrid.sex(r.idcard), commgrid.birth_date(r.idcard),
         r.phone, r.household_id, h.address, r.grid_code, r.community_code,
         r.vulnerable_kinds, r.empty_nest_elderly, r.living_alone, r.disability
  FROM commgrid.resident r JOIN commgrid.household h ON h.household_id = r.household_id
  WHERE r.resident_id = id;
END $$;
REVOKE EXECUTE ON FUNCTION resident_card(bigint) FROM PUBLIC;
COMMENT ON FUNCTION resident_card(bigint) IS
  'Staff function: one resident''s full record with ID number, phone and address, for staff whose jurisdiction holds the resident; audited';

CREATE FUNCTION household_card(id bigint)
RETURNS TABLE (household_id bigint, address text, longitude float8, latitude float8,
               grid_code gridcode, community_code gridcode, residents bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  area_code commgrid.gridcode;
BEGIN
  SELECT h.grid_code INTO area_code FROM commgrid.household h WHERE h.household_id = id;
  PERFORM commgrid.check_staff_reach(area_code, format('household %s', id));
  PERFORM commgrid.audit_read('commgrid.household', jsonb_build_object('household_id', id),
                              'household_card', area_code);
  RETURN QUERY
  SELECT h.household_id, h.address, ST_X(h.location), ST_Y(h.location), h.grid_code::commgrid.gridcode,
         h.community_code,
         (SELECT count(*) FROM commgrid.resident r WHERE r.household_id = h.household_id)
  FROM commgrid.household h
  WHERE h.household_id = id;
END $$;
REVOKE EXECUTE ON FUNCTION household_card(bigint) FROM PUBLIC;
COMMENT ON FUNCTION household_card(bigint) IS
  'Staff function: a household''s address and exact location, for staff whose jurisdiction holds it; audited';

INSERT INTO staff_function VALUES
  ('resident_card', 'A resident''s ID number, phone, address and vulnerabilities'),
  ('household_card', 'A household''s address and exact location');
