-- The report's practices (组织建在网格、党员划入网格): placing a member in a grid, and a floating
-- member declaring themselves (亮明身份) and claiming a post in a grid.  Both run with the
-- caller's rights, so row-level security decides whose members and grids they may touch.

-- The grid argument of a practice: it must be a grid-level code of an existing grid.
CREATE FUNCTION check_grid_argument(grid gridcode) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  IF grid IS NULL THEN
    RAISE EXCEPTION 'the grid must not be NULL' USING ERRCODE = '22004';
  END IF;
  IF commgrid.level(grid) <> 'grid' THEN
    RAISE EXCEPTION '% is a % code, not a grid', grid, commgrid.level(grid)
      USING ERRCODE = '22023',
            HINT = 'A grid code has 15 digits: the 12-digit community code and a 3-digit grid number.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM commgrid.area WHERE code = grid AND kind = 'grid') THEN
    RAISE EXCEPTION 'grid % does not exist', grid
      USING ERRCODE = '22023', HINT = 'Grids are the rows of commgrid.area with kind grid.';
  END IF;
END $$;
COMMENT ON FUNCTION check_grid_argument(gridcode) IS
  'Raise 22023 unless the code names an existing grid (used by the practices functions)';

CREATE FUNCTION place_member(member bigint, grid gridcode, post text DEFAULT NULL)
RETURNS party_member
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  m commgrid.party_member;
BEGIN
  PERFORM commgrid.check_grid_argument(grid);
  IF btrim(post) = '' THEN
    RAISE EXCEPTION 'the claimed post must not be empty' USING ERRCODE = '22023',
      HINT = 'Pass NULL to place the member without a post.';
  END IF;
  SELECT * INTO m FROM commgrid.party_member WHERE resident_id = member FOR UPDATE;
  -- under row-level security a member outside the jurisdiction and a missing one look alike:
  -- both are refused as outside it, so the answer tells nothing about other areas
  IF NOT FOUND AND pg_catalog.row_security_active('commgrid.party_member'::pg_catalog.regclass) THEN
    RAISE EXCEPTION 'Party member % is not in the jurisdiction of %', member, commgrid.acting_role()
      USING ERRCODE = '42501',
            HINT = 'Staff place only the members of their own jurisdiction.';
  ELSIF NOT FOUND THEN
    RAISE EXCEPTION 'resident % is not a Party member', member
      USING ERRCODE = '22023',
            HINT = CASE WHEN EXISTS (SELECT 1 FROM commgrid.resident WHERE resident_id = member)
                        THEN 'Record the membership in commgrid.party_member first.'
                        ELSE 'No resident has this id.' END;
  END IF;
  IF NOT grid <@ m.community_code THEN
    RAISE EXCEPTION 'grid % is not in community %, where member % belongs', grid, m.community_code, member
      USING ERRCODE = '23514',
            HINT = 'Place members in a grid of their own community, or move them to a branch of the grid''s community first.';
  END IF;
  UPDATE commgrid.party_member
     SET grid_code = grid, claimed_post = coalesce(post, claimed_post)
   WHERE resident_id = member
  RETURNING * INTO m;
  RETURN m;
END $$;
COMMENT ON FUNCTION place_member(bigint, gridcode, text) IS
  'Place a Party member in a grid of the member''s community (党员划入网格), optionally with a claimed post; returns the member row';

CREATE FUNCTION declare_floating_member(
  resident bigint, grid gridcode, post text, home_org text, certificate_no text,
  arrived_on date, status text DEFAULT 'full', category text DEFAULT 'other',
  joined_on date DEFAULT NULL, declared_on date DEFAULT commgrid.district_today())
RETURNS party_member
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  grp commgrid.party_org;
  m commgrid.party_member;
BEGIN
  PERFORM commgrid.check_grid_argument(grid);
  IF resident IS NOT NULL AND NOT EXISTS (SELECT 1 FROM commgrid.resident r WHERE r.resident_id = resident)
     AND pg_catalog.row_security_active('commgrid.resident'::pg_catalog.regclass) THEN
    RAISE EXCEPTION 'resident % is not in the jurisdiction of %', resident, commgrid.acting_role()
      USING ERRCODE = '42501',
            HINT = 'Staff record only the residents of their own jurisdiction.';
  END IF;
  IF resident IS NULL OR NOT EXISTS (SELECT 1 FROM commgrid.resident r WHERE r.resident_id = resident) THEN
    RAISE EXCEPTION 'resident % does not exist', resident
      USING ERRCODE = '22023', HINT = 'Register the person as a resident of a household first.';
  END IF;
  IF coalesce(btrim(post), '') = '' THEN
    RAISE EXCEPTION 'a floating member claims a post: post must not be empty' USING ERRCODE = '22023';
  END IF;
  IF coalesce(btrim(home_org), '') = '' OR coalesce(btrim(certificate_no), '') = '' THEN
    RAISE EXCEPTION 'a floating member declares the home organisation and shows the activity certificate'
      USING ERRCODE = '22023',
            DETAIL = 'home_org and certificate_no must both be given (流动党员活动证).';
  END IF;
  IF arrived_on IS NULL OR declared_on IS NULL OR declared_on < arrived_on THEN
    RAISE EXCEPTION 'declared on % but arrived on %', declared_on, arrived_on
      USING ERRCODE = '22023', HINT = 'A member declares themselves on or after arriving.';
  END IF;
  SELECT * INTO m FROM commgrid.party_member pm WHERE pm.resident_id = resident;
  IF FOUND THEN
    RAISE EXCEPTION 'resident % is already a Party member of organisation %', resident, m.org_id
      USING ERRCODE = '23505',
            HINT = 'Use place_member to move a member already recorded here.';
  END IF;
  -- the member is received by the branch that holds the grid's Party group
  SELECT * INTO grp FROM commgrid.party_org o WHERE o.grid_code = grid AND o.kind = 'party_group';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'grid % has no Party group to receive the member', grid
      USING ERRCODE = '23514', HINT = 'Set up the grid''s Party group first (组织建在网格).';
  END IF;
  INSERT INTO commgrid.party_member AS pm (resident_id, org_id, status, category, joined_on, grid_code, claimed_post)
  VALUES (resident, grp.parent_id, status, category, joined_on, grid, post)
  RETURNING * INTO m;
  INSERT INTO commgrid.floating_member (resident_id, direction, since, home_org, certificate_no, declared_on)
  VALUES (resident, 'inflow', arrived_on, home_org, certificate_no, declared_on);
  RETURN m;
END $$;
COMMENT ON FUNCTION declare_floating_member(bigint, gridcode, text, text, text, date, text, text, date, date) IS
  'An inflow floating member declares themselves (亮明身份) and claims a post in a grid: recorded under the branch of the grid''s Party group, with the home organisation and activity certificate; returns the member row';
