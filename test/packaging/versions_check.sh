#!/usr/bin/env bash
# `make versions-check`: build the C warning-free (-Wall -Werror) against each PostgreSQL
# server version of VERSIONS whose headers are installed, each in a copy of the tracked files,
# and say for the others whether Debian packages them here (apt-cache policy).  Then list every
# `#if PG_VERSION_NUM` branch of src/ and which of the built versions compiled each side: a
# side no installed version compiles is reported as NOT COMPILED (docs/packaging.md).
# Exits 1 only when a build fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
VERSIONS=${VERSIONS:-15 16 17}
built=() failed=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for v in $VERSIONS; do
  pgc=/usr/lib/postgresql/$v/bin/pg_config
  if [ -x "$pgc" ] && [ -d "$("$pgc" --includedir-server 2>/dev/null)" ]; then
    mkdir -p "$tmp/$v" && git ls-files -z src Makefile pg_commgrid.control 'sql/*' | xargs -0 cp -a --parents -t "$tmp/$v"
    if make -s -C "$tmp/$v" PG_CONFIG="$pgc" all > "$tmp/$v.log" 2>&1; then
      echo "ok: PostgreSQL $v: the C builds with -Wall -Werror ($("$pgc" --version))"; built+=("$v")
    else
      echo "FAILED: PostgreSQL $v:"; sed 's/^/  /' "$tmp/$v.log" | tail -30; failed=1
    fi
  else
    cand=$(apt-cache policy "postgresql-server-dev-$v" 2>/dev/null | sed -n 's/^ *Candidate: //p')
    if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
      echo "not checked: PostgreSQL $v: no server headers, and this system's archive has no postgresql-server-dev-$v ($(. /etc/os-release; echo "$PRETTY_NAME"))"
    else
      echo "not checked: PostgreSQL $v: headers not installed; apt-get install postgresql-server-dev-$v ($cand) and run again"
    fi
  fi
done
echo "version branches in src/:"
grep -n 'PG_VERSION_NUM' src/*.c src/*.h | while IFS=: read -r file line text; do
  n=$(echo "$text" | grep -oE '[0-9]{6}' | head -1)
  major=$((n / 10000))
  newer=() older=()
  for v in "${built[@]}"; do if [ "$v" -ge "$major" ]; then newer+=("$v"); else older+=("$v"); fi; done
  echo "  $file:$line ${text#\#}: branch for >= $major compiled by: ${newer[*]:-NOT COMPILED}; #else by: ${older[*]:-NOT COMPILED}"
done
exit $failed
