-- Reports of the love bank (issue 14 §2): the star board, needy members' participation, points
-- per month, the catalogue's stock, dormant balances.  Owner's-rights views filtered by the
-- caller's jurisdiction (commgrid.reaches), as every report view (47_org_compliance.sql).

-- Points earned net of reversals, per resident account and year of posting (Asia/Shanghai).
CREATE VIEW love_bank_star_board WITH (security_barrier) AS
SELECT b.community_code, b.year, b.place, b.resident_id, b.points_earned, b.hours, commgrid.star_level(b.hours) AS stars
FROM (
  SELECT e.community_code, e.year, e.resident_id, e.points_earned, e.hours,
         rank() OVER (PARTITION BY e.community_code, e.year ORDER BY e.points_earned DESC) AS place
  FROM (
    SELECT a.area_code AS community_code,
           extract(year FROM t.value_date)::int AS year,
           a.resident_id, sum(m.amount) AS points_earned,
           (SELECT COALESCE(sum(x.hours), 0) FROM commgrid.activity_attendance x
            WHERE x.resident_id = a.resident_id AND x.verified_on IS NOT NULL) AS hours
    FROM commgrid.love_movement m
    JOIN commgrid.love_account a USING (account_id)
    JOIN commgrid.love_transaction t USING (transaction_id)
    LEFT JOIN commgrid.love_transaction o ON o.transaction_id = t.reverses_id
    WHERE a.kind = 'resident' AND (t.kind = 'earning' OR o.kind = 'earning')
    GROUP BY 1, 2, 3
  ) e WHERE e.points_earned > 0
) b
WHERE b.place <= commgrid.participation_setting('star_board_size')
  AND commgrid.reaches(b.community_code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW love_bank_star_board IS
  'The star board: per community and year, the residents who earned the most points (net of reversals; places up to the setting star_board_size, ties share a place), with their cumulative verified hours and star level';
COMMENT ON COLUMN love_bank_star_board.community_code IS 'The account''s community';
COMMENT ON COLUMN love_bank_star_board.year IS 'Year of the transactions'' value date';
COMMENT ON COLUMN love_bank_star_board.place IS 'Place on the board (1 = most points)';
COMMENT ON COLUMN love_bank_star_board.resident_id IS 'The resident';
COMMENT ON COLUMN love_bank_star_board.points_earned IS 'Points earned in the year';
COMMENT ON COLUMN love_bank_star_board.hours IS 'Cumulative verified hours';
COMMENT ON COLUMN love_bank_star_board.stars IS 'Star level of the cumulative hours (0: none)';

-- Needy members' participation per year: how often they earned (person-times), what they earned
-- and redeemed.  Only the years they were on the register.  Only for roles that may read the
-- register itself (community staff and above): a grid worker gets no rows, so the view never
-- tells a role who is needy when the register would not.
CREATE VIEW needy_member_participation WITH (security_barrier) AS
SELECT n.community_code, y.year, n.resident_id,
       count(*) FILTER (WHERE t.kind = 'earning' AND m.amount > 0) AS earnings,
       COALESCE(sum(m.amount) FILTER (WHERE t.kind = 'earning'), 0) AS points_earned,
       count(*) FILTER (WHERE t.kind = 'redemption') AS redemptions,
       COALESCE(-sum(m.amount) FILTER (WHERE t.kind = 'redemption'), 0) AS points_redeemed
FROM commgrid.needy_member n
CROSS JOIN LATERAL generate_series(extract(year FROM n.decided_on)::int,
                                   extract(year FROM COALESCE(n.ended_on, commgrid.district_today()))::int) y (year)
LEFT JOIN commgrid.love_account a ON a.resident_id = n.resident_id
LEFT JOIN (commgrid.love_movement m JOIN commgrid.love_transaction t USING (transaction_id))
  ON m.account_id = a.account_id AND extract(year FROM t.value_date) = y.year
     AND t.value_date BETWEEN n.decided_on AND COALESCE(n.ended_on, 'infinity')
WHERE commgrid.reaches(n.community_code, (SELECT commgrid.reach_scopes()))
  AND (SELECT pg_catalog.has_table_privilege('commgrid.needy_member', 'SELECT'))
GROUP BY n.community_code, y.year, n.resident_id, n.decided_on;
COMMENT ON VIEW needy_member_participation IS
  'Needy members (the register) per year on it: earnings (person-times), points earned, redemptions and points redeemed while registered; rows only for roles that may read the register (not grid workers)';
COMMENT ON COLUMN needy_member_participation.community_code IS 'The community that keeps the entry';
COMMENT ON COLUMN needy_member_participation.year IS 'Year';
COMMENT ON COLUMN needy_member_participation.resident_id IS 'The member';
COMMENT ON COLUMN needy_member_participation.earnings IS 'Times the member earned points (person-times)';
COMMENT ON COLUMN needy_member_participation.points_earned IS 'Points earned (net of reversals of earnings)';
COMMENT ON COLUMN needy_member_participation.redemptions IS 'Redemptions';
COMMENT ON COLUMN needy_member_participation.points_redeemed IS 'Points redeemed';

CREATE VIEW love_bank_monthly WITH (security_barrier) AS
SELECT t.area_code, date_trunc('month', t.value_date)::date AS month,
       COALESCE(sum(-m.amount) FILTER (WHERE a.kind = 'issuance'), 0) AS points_issued,
       COALESCE(sum(m.amount) FILTER (WHERE a.kind = 'redemption'), 0) AS points_redeemed,
       COALESCE(sum(m.amount) FILTER (WHERE t.kind = 'transfer' AND m.amount > 0), 0) AS points_transferred,
       COALESCE(sum(m.amount) FILTER (WHERE a.kind = 'donation_pool'), 0) AS points_to_pool,
       count(DISTINCT t.transaction_id) AS transactions
FROM commgrid.love_transaction t
JOIN commgrid.love_movement m USING (transaction_id)
JOIN commgrid.love_account a USING (account_id)
WHERE commgrid.reaches(t.area_code, (SELECT commgrid.reach_scopes()))
GROUP BY 1, 2;
COMMENT ON VIEW love_bank_monthly IS
  'Points issued (earned), redeemed, transferred and sent to the donation pool per area and month (reversals counted negative)';
COMMENT ON COLUMN love_bank_monthly.area_code IS 'The area whose bank posted the transactions';
COMMENT ON COLUMN love_bank_monthly.month IS 'Month of the value date (its first day)';
COMMENT ON COLUMN love_bank_monthly.points_issued IS 'Points out of the issuance account';
COMMENT ON COLUMN love_bank_monthly.points_redeemed IS 'Points into the redemption account';
COMMENT ON COLUMN love_bank_monthly.points_transferred IS 'Points transferred to relatives';
COMMENT ON COLUMN love_bank_monthly.points_to_pool IS 'Points into the donation pool (overflow beyond the cap)';
COMMENT ON COLUMN love_bank_monthly.transactions IS 'Transactions posted';

CREATE VIEW redemption_stock WITH (security_barrier) AS
SELECT i.area_code, i.item_id, i.name, i.kind, i.price_points, i.stock,
       COALESCE((SELECT sum(CASE WHEN t.kind = 'redemption' THEN t.quantity ELSE -o.quantity END)
                 FROM commgrid.love_transaction t
                 LEFT JOIN commgrid.love_transaction o ON o.transaction_id = t.reverses_id
                 WHERE t.item_id = i.item_id OR o.item_id = i.item_id), 0) AS redeemed
FROM commgrid.redemption_item i
-- the items of the jurisdiction's banks and of the banks above it (offered to its residents)
WHERE commgrid.reaches(i.area_code, (SELECT commgrid.reach_scopes()))
   OR i.area_code OPERATOR(commgrid.@>) ANY ((SELECT commgrid.reach_scopes())::commgrid.gridcode[]);
COMMENT ON VIEW redemption_stock IS 'The catalogue''s stock: per item the stock left and how many were redeemed (net of reversals); staff see the items of their jurisdiction''s banks and of those above it';
COMMENT ON COLUMN redemption_stock.area_code IS 'The area of the bank that offers it';
COMMENT ON COLUMN redemption_stock.item_id IS 'The item';
COMMENT ON COLUMN redemption_stock.name IS 'Its name';
COMMENT ON COLUMN redemption_stock.kind IS 'household_help, training, consultation or goods';
COMMENT ON COLUMN redemption_stock.price_points IS 'Price of one, in points';
COMMENT ON COLUMN redemption_stock.stock IS 'Left';
COMMENT ON COLUMN redemption_stock.redeemed IS 'Redeemed (net of reversals)';

CREATE VIEW love_bank_dormant WITH (security_barrier) AS
SELECT a.area_code, a.account_id, a.resident_id, a.balance, l.last_movement, a.holder_died_on,
       CASE WHEN a.holder_died_on IS NOT NULL THEN 'holder died' ELSE 'dormant' END AS reason
FROM commgrid.love_account a
LEFT JOIN LATERAL (SELECT max(t.value_date) AS last_movement
                   FROM commgrid.love_movement m JOIN commgrid.love_transaction t USING (transaction_id)
                   WHERE m.account_id = a.account_id) l ON true
WHERE a.kind = 'resident' AND a.balance > 0
  AND (a.holder_died_on IS NOT NULL
       OR COALESCE(l.last_movement, a.opened_on)
          < commgrid.district_today() - make_interval(months => commgrid.participation_setting('dormant_months')::int))
  AND commgrid.reaches(a.area_code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW love_bank_dormant IS
  'Resident balances awaiting a decision: holders who died, and balances without a movement for dormant_months';
COMMENT ON COLUMN love_bank_dormant.area_code IS 'The account''s community';
COMMENT ON COLUMN love_bank_dormant.account_id IS 'The account';
COMMENT ON COLUMN love_bank_dormant.resident_id IS 'The holder';
COMMENT ON COLUMN love_bank_dormant.balance IS 'Points held';
COMMENT ON COLUMN love_bank_dormant.last_movement IS 'Day of the last movement (NULL: none)';
COMMENT ON COLUMN love_bank_dormant.holder_died_on IS 'Day the holder died, if known';
COMMENT ON COLUMN love_bank_dormant.reason IS 'holder died, or dormant';
