-- Remove what setup.sql made outside the test database (run from database postgres).
DROP ROLE IF EXISTS jdbc330106_bi, jdbc330106_grid, jdbc330106_gateway;
