#!/usr/bin/env bash
# The demo's own cluster (docs/demo.md): `make demo` (rebuild), `make demo-stop`, `make demo-drop`.
#   cluster.sh rebuild   drop the demo cluster if there is one, create it under DEMO_DIR with
#                        pgaudit, pg_cron and pg_commgrid preloaded (as `make test`'s clusters), start it on DEMO_PORT,
#                        load the demo (test/demo/run.sh), make the login roles
#                        (test/demo/roles.sql) and print how to connect
#   cluster.sh start     start it again (after stop, or after a reboot)
#   cluster.sh stop      stop it; the data stays
#   cluster.sh drop      stop it and remove DEMO_DIR
#   cluster.sh info      how to connect
# The server listens on DEMO_PORT on localhost (TCP, for JDBC and BI tools) and on a socket in
# DEMO_DIR/socket.  The superuser postgres connects without a password over the socket only;
# the demo roles log in with passwords (scram-sha-256).  When run as root, the server runs as
# the user postgres.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEMO_DIR=$(realpath -m "${DEMO_DIR:-.demo}")
DEMO_PORT=${DEMO_PORT:-54320}
PG_CONFIG=${PG_CONFIG:-pg_config}
BINDIR=$("$PG_CONFIG" --bindir)
DATA=$DEMO_DIR/data
SOCK=$DEMO_DIR/socket
DB=commgrid_demo
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
running() { [ -f "$DATA/postmaster.pid" ] && as_owner "$BINDIR/pg_ctl" -D "$DATA" status > /dev/null 2>&1; }

start() {
  running && return 0
  as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$DEMO_DIR/server.log" -w start > /dev/null
}
stop() {
  if running; then as_owner "$BINDIR/pg_ctl" -D "$DATA" -m fast -w stop > /dev/null; echo "demo cluster stopped ($DATA)"; fi
}

info() {
  cat <<EOF

The demo is up: database $DB on port $DEMO_PORT (cluster in $DATA; make demo-stop, make demo-drop).

  psql as the superuser:   psql "host=$SOCK port=$DEMO_PORT dbname=$DB user=postgres"
  psql as a demo role:     PGPASSWORD=demo_grid_worker psql "host=localhost port=$DEMO_PORT dbname=$DB user=demo_grid_worker"
  JDBC URL:                jdbc:postgresql://localhost:$DEMO_PORT/$DB?currentSchema=commgrid,public
                           (user and password: one of the roles below)

Login roles (FOR THE DEMO ONLY: each password is the role's name):
EOF
  psql -X -q "host=$SOCK port=$DEMO_PORT dbname=$DB user=postgres" -f test/demo/roles_list.sql
  echo "The tour (README, docs/demo.md): test/demo/tour.sql."
}

rebuild() {
  stop
  rm -rf "$DEMO_DIR"
  mkdir -p "$DATA" "$SOCK"
  [ "$(id -u)" = 0 ] && chown -R postgres "$DEMO_DIR"
  as_owner "$BINDIR/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust \
    --auth-host=scram-sha-256 > "$DEMO_DIR/initdb.log"
  # the superuser over the socket only; everyone else with a password
  cat > "$DATA/pg_hba.conf" <<EOF
local   all   postgres                 trust
local   all   all                      scram-sha-256
host    all   all        127.0.0.1/32  scram-sha-256
host    all   all        ::1/128       scram-sha-256
EOF
  cat >> "$DATA/postgresql.conf" <<EOF
# the demo cluster (test/demo/cluster.sh): as make test's clusters (Makefile SERVER_OPTS)
port = $DEMO_PORT
listen_addresses = 'localhost'
unix_socket_directories = '$SOCK'
shared_preload_libraries = 'pgaudit,pg_cron,pg_commgrid'
cron.database_name = 'postgres'
cron.use_background_workers = on
pgaudit.role = 'commgrid_auditor'
pgaudit.log_parameter = on
logging_collector = on
password_encryption = 'scram-sha-256'
EOF
  start
  export PGHOST=$SOCK PGPORT=$DEMO_PORT PGUSER=postgres
  bash test/demo/run.sh
  # pg_cron keeps its jobs in cron.database_name; none is scheduled: the demo's day is past, so
  # flag_overdue and care_check_no_signal would flag all of it at once (docs/demo.md)
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE EXTENSION IF NOT EXISTS pg_cron'
  psql -X -q -v ON_ERROR_STOP=1 -d $DB -f test/demo/roles.sql > /dev/null
  info
}

case "${1:-}" in
  rebuild) rebuild ;;
  start) start; info ;;
  stop) stop ;;
  drop) stop; rm -rf "$DEMO_DIR"; echo "demo cluster removed ($DEMO_DIR)" ;;
  info) info ;;
  *) echo "usage: $0 rebuild|start|stop|drop|info" >&2; exit 2 ;;
esac
