#!/usr/bin/env bash
# `make debcheck DEB_FILE=…`: the built package, installed as a district's server would, runs
# the regression suite (docs/packaging.md).
#   1. the package's fields and files: Depends names postgresql-15-postgis-3; the library, the
#      control file, the install script of this version, the frozen 0.1.0 script and the update;
#   2. apt-get install ./package.deb (the system PostgreSQL), the regression suite
#      (installcheck) in a throwaway cluster with pgaudit (pg_virtualenv), then
#      apt-get remove: the system is left as it was, except that files of an earlier
#      `make install` are gone (run it again).
# DEBCHECK_ROOT=/opt/pg_x instead unpacks the package into that relocated PostgreSQL copy (its
# usr/ tree), checks with `apt-get install --simulate` that its dependencies resolve, and runs
# installcheck against the server in PGHOST/PGPORT with PG_CONFIG: for a machine whose system
# PostgreSQL others are using.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEB=$(realpath "$1")
mkdir -p results
PGV=15
VERSION=$(sed -n "s/^default_version = '\(.*\)'/\1/p" pg_commgrid.control)
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAILED: $*"; }

pkg=$(dpkg-deb -f "$DEB" Package)
[ "$pkg" = "postgresql-$PGV-commgrid" ] && pass "package $pkg $(dpkg-deb -f "$DEB" Version)" || fail "package name $pkg"
deps=$(dpkg-deb -f "$DEB" Depends)
echo "$deps" | grep -qw "postgresql-$PGV-postgis-3" && pass "Depends: $deps" || fail "Depends lacks postgresql-$PGV-postgis-3: $deps"
files=$(dpkg-deb -c "$DEB" | awk '{print $NF}')
for f in /usr/lib/postgresql/$PGV/lib/pg_commgrid.so /usr/share/postgresql/$PGV/extension/pg_commgrid.control \
         /usr/share/postgresql/$PGV/extension/pg_commgrid--$VERSION.sql \
         /usr/share/postgresql/$PGV/extension/pg_commgrid--0.1.0.sql \
         /usr/share/postgresql/$PGV/extension/pg_commgrid--0.1.0--$VERSION.sql; do
  echo "$files" | grep -qx ".$f" && pass "contains $f" || fail "does not contain $f"
done

if [ -n "${DEBCHECK_ROOT:-}" ]; then
  out=$(apt-get install --simulate "$DEB" 2>&1) && pass "apt-get install --simulate: dependencies resolve" ||
    { fail "apt-get install --simulate:"; echo "$out" | tail -5; }
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  dpkg-deb -x "$DEB" "$tmp"
  cp -a "$tmp/usr/lib/postgresql/$PGV/lib/." "$DEBCHECK_ROOT/usr/lib/postgresql/$PGV/lib/"
  cp -a "$tmp/usr/share/postgresql/$PGV/extension/." "$DEBCHECK_ROOT/usr/share/postgresql/$PGV/extension/"
  pass "unpacked into $DEBCHECK_ROOT"
  if make -s installcheck PG_CONFIG="$PG_CONFIG" > results/debcheck_installcheck.out 2>&1; then
    pass "installcheck against the package's files: $(grep -oE 'All [0-9]+ tests passed' results/debcheck_installcheck.out | paste -sd ',' | sed 's/,/, /')"
  else fail "installcheck against the package's files (results/debcheck_installcheck.out)"; tail -20 results/debcheck_installcheck.out; fi
else
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$DEB" > /dev/null
  pass "apt-get install $DEB"
  status=0
  pg_virtualenv -v $PGV -o shared_preload_libraries=pgaudit -o pgaudit.role=commgrid_auditor \
    -o pgaudit.log_parameter=on -o logging_collector=on \
    make -s installcheck PG_CONFIG=/usr/lib/postgresql/$PGV/bin/pg_config || status=$?
  [ $status -eq 0 ] && pass "installcheck against the installed package" || fail "installcheck against the installed package"
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "postgresql-$PGV-commgrid" > /dev/null
  pass "apt-get remove postgresql-$PGV-commgrid (run 'make install' again for a source install)"
fi
echo "debcheck: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
