-- pg_commgrid install script, built by concatenating sql/NN_topic.sql in order.
\echo Use "CREATE EXTENSION pg_commgrid" to load this file. \quit

COMMENT ON SCHEMA commgrid IS
  'pg_commgrid: community grid management and regional Party-building co-governance';
