# pg_commgrid: PGXS build.  `make demo` and `make test` are the two commands of README.md;
# both install the Debian packages they need first, so they work on a fresh Debian 12.
EXTENSION  = pg_commgrid
EXTVERSION = 0.2.0
PGVERSION  = 15

MODULE_big = pg_commgrid
OBJS = \
	src/pg_commgrid.o \
	src/care_listen.o \
	src/gridcode.o \
	src/point_reader.o \
	src/ewkb_reader.o \
	src/orientation.o \
	src/boundary_index.o \
	src/levels.o \
	src/locate.o \
	src/shared_index.o \
	src/idcard.o \
	src/aggregates.o \
	src/uscc.o \
	src/assign_location.o \
	src/assign_lookahead.o \
	src/coordsys.o \
	src/walk.o \
	src/service_clock.o \
	src/imei.o \
	src/care_ingest.o \
	src/acting_role.o

# Install SQL: one folder per area (sql/NN_area/), one file per topic inside (NN_topic.sql);
# the numbers only order them.  Concatenated in that order into one versioned script.
TOPICS     = $(sort $(wildcard sql/[0-9][0-9]_*/[0-9][0-9]_*.sql))
DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql
# earlier releases' install scripts (frozen) and the update scripts between releases
# (sql/updates/README.md): `make install` ships them so ALTER EXTENSION ... UPDATE finds its path
DATA       = $(sort $(wildcard sql/updates/$(EXTENSION)--*.sql))

REGRESS      = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --load-extension=postgis --load-extension=$(EXTENSION)

# isolation specs in test/specs; --outputdir=. makes their expected output top-level expected/
# (PG15 has no --expecteddir), as for pg_regress
ISOLATION      = $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --outputdir=. --load-extension=postgis --load-extension=$(EXTENSION)

PG_CPPFLAGS = -Wall -Werror
SHLIB_LINK  =

PG_CONFIG ?= /usr/lib/postgresql/$(PGVERSION)/bin/pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
all install installcheck:
	@echo "PostgreSQL $(PGVERSION) server headers are missing: run 'make deps' (or 'make test')" >&2; exit 1
endif

# the script is rebuilt when a topic file is added, moved or removed, not only when one changes
TOPICS_LIST = sql/.topics
$(shell echo '$(TOPICS)' | cmp -s - $(TOPICS_LIST) 2>/dev/null || echo '$(TOPICS)' > $(TOPICS_LIST))
sql/$(EXTENSION)--$(EXTVERSION).sql: $(TOPICS) $(TOPICS_LIST)
	cat $(TOPICS) > $@

# Debian packages every target needs; installed only when missing.
PACKAGES = postgresql-$(PGVERSION) postgresql-server-dev-$(PGVERSION) postgresql-common \
	postgresql-$(PGVERSION)-postgis-3 postgresql-$(PGVERSION)-postgis-3-scripts \
	clang-14 llvm-14 make gcc postgresql-$(PGVERSION)-pgaudit postgresql-$(PGVERSION)-cron
# the JDBC client test (test/jdbc): Debian's driver on Java 17
PACKAGES += openjdk-17-jdk-headless libpostgresql-jdbc-java
# the reference generator (scripts/sql2doc): standard library only
PACKAGES += python3
# the libFuzzer harnesses (test/fuzz): clang-14's libFuzzer and sanitizer runtimes
FUZZ_PACKAGES = clang-14 libclang-rt-14-dev

.PHONY: deps demo test clang-check assert-check install-packages jdbccheck concurrencycheck walcheck fuzz bench bench-security bench-visits bench-services mapcheck bench-maps bench-care
deps:
	@$(MAKE) -s install-packages LIST='$(PACKAGES)'
install-packages:
	@missing=$$(for p in $(LIST); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Every throwaway cluster (test, demo, bench) runs as a district's server should: pgaudit
# writes each read of restricted data and of the audit log to the server log, where a rollback
# cannot reach it (docs/design/security.md: "Durable read audit"); the log collector lets the test read it.
# pg_commgrid is preloaded too, so that backends share one boundary index per level
# (docs/design/boundary-index-cache.md: "Shared between backends").  pg_cron schedules
# commgrid.flag_overdue (issue 12): its metadata lives in the database cron.database_name, a job
# runs in another with cron.schedule_in_database, and in background workers, since a throwaway
# cluster's TCP login needs a password pg_cron does not have.
SERVER_OPTS_BASE = -o pgaudit.role=commgrid_auditor -o pgaudit.log_parameter=on -o logging_collector=on \
	-o cron.database_name=postgres -o cron.use_background_workers=on
SERVER_OPTS = -o shared_preload_libraries=pgaudit,pg_cron,pg_commgrid $(SERVER_OPTS_BASE)
# the engine's tests once more without the preload: every backend builds its own index
ENGINE_PRIVATE_TESTS = REGRESS='engine_locate engine_index_memory engine_assign_lookahead' \
	ISOLATION='engine_locate_cache engine_locate_shared engine_assign_redraw_race'

# The demo: the sample district in its own cluster that stays up (docs/demo.md; demo-stop,
# demo-drop below), printed from psql, with login roles for the tour.
SCALE ?= 1
SEED  ?= 2016
demo: deps
	$(MAKE) install
	SCALE=$(SCALE) SEED=$(SEED) DEMO_DIR=$(DEMO_DIR) DEMO_PORT=$(DEMO_PORT) PG_CONFIG=$(PG_CONFIG) bash test/demo/cluster.sh rebuild

# The C must also build warning-free with clang (PGXS's CFLAGS carry gcc-only options).
CLANG_CPPFLAGS = -Wall -Werror -Wno-ignored-attributes -Wno-unknown-warning-option -Wno-ignored-optimization-argument
clang-check: deps
	$(MAKE) clean
	$(MAKE) CC=clang-14 PG_CPPFLAGS='$(CLANG_CPPFLAGS)' all
	$(MAKE) clean

# The C with its Asserts compiled in (USE_ASSERT_CHECKING), warning-free.  Debian's server
# is built without assertions, but such a module needs from it only ExceptionalCondition,
# which every server exports; so `make test` installs this build and runs every suite with
# the Asserts live.  `make assert-check` alone only compiles it.
ASSERT_CPPFLAGS = -Wall -Werror -DUSE_ASSERT_CHECKING
assert-check: deps
	$(MAKE) clean
	$(MAKE) PG_CPPFLAGS='$(ASSERT_CPPFLAGS)' all
	$(MAKE) clean

# The tests: every suite against a throwaway cluster, with the module built with its Asserts.
# First what needs no server and fails fast: the update script regenerated from the install SQL
# (stale when someone changed the install SQL without `make update-script`) and META.json.
# Inside one throwaway cluster: pg_regress, the reference check, the JDBC client test and the
# tour, then the maps browser test; then the concurrency run, the update path from the last release;
# then the triggers' rows across a 4 GB boundary of WAL, in a cluster of its own; then a short fuzz.
test: deps clang-check
	$(MAKE) update-script-check
	$(MAKE) metacheck
	$(MAKE) PG_CPPFLAGS='$(ASSERT_CPPFLAGS)' install
	pg_virtualenv -v $(PGVERSION) $(SERVER_OPTS) sh -c '$(MAKE) installcheck && $(MAKE) docs-check && $(MAKE) jdbccheck && $(MAKE) tourcheck && $(MAKE) mapcheck'
	pg_virtualenv -v $(PGVERSION) -o shared_preload_libraries=pgaudit $(SERVER_OPTS_BASE) $(MAKE) installcheck $(ENGINE_PRIVATE_TESTS)
	pg_virtualenv -v $(PGVERSION) $(SERVER_OPTS) $(MAKE) concurrencycheck
	pg_virtualenv -v $(PGVERSION) $(SERVER_OPTS) $(MAKE) updatecheck
	$(MAKE) walcheck
	$(MAKE) fuzz FUZZ_RUNS=500000 FUZZ_TIME=20
	$(MAKE) clean

# The C triggers' rows across a 4 GB boundary of WAL (PostgreSQL 15.20's descriptor versions),
# in a cluster of its own started just below it; prints `N passed, M failed`.
walcheck:
	PG_CONFIG=$(PG_CONFIG) bash test/wal_versions/run.sh

# Inserts racing redraws, with pgbench, against the running server (as jdbccheck): a fixed
# number of transactions, then every assignment checked; prints `N passed, M failed`.
# Then love-bank redemptions racing (8 clients, 4 accounts), then ledger_check().
concurrencycheck:
	PG_CONFIG=$(PG_CONFIG) bash test/concurrency/redraw_race.sh
	PG_CONFIG=$(PG_CONFIG) bash test/concurrency/redeem_race.sh

# The maps in a real browser (test/maps) against the running server (as jdbccheck): Debian's
# headless Chromium and CJK fonts, Node.js and npm (when no node/npm is on the PATH); the
# page's libraries come from npm into test/maps/node_modules.  Prints `N passed, M failed`.
MAP_PACKAGES = chromium fonts-noto-cjk
mapcheck:
	@$(MAKE) -s install-packages LIST='$(MAP_PACKAGES) $(if $(shell command -v node),,nodejs) $(if $(shell command -v npm),,npm)'
	bash test/maps/run.sh

# The JDBC client test against the running server (PGHOST/PGPORT/PGUSER/PGPASSWORD as
# pg_virtualenv sets them): Debian's driver, plain javac, prints `N passed, M failed`.
jdbccheck:
	bash test/jdbc/run.sh

# The reference docs/reference/ (one page per sql/ area) from the install SQL, which says what
# each area creates, and the catalog, which says what it is (COMMENT ON, signatures, columns).
# Both run against the server in PGHOST/PGPORT (as installcheck) with this tree's SQL installed
# (`make install`), in a throwaway database DOCS_DB that they create and drop.
# docs-check regenerates into a temporary directory and fails with the diff when docs/reference
# is stale.  DOCS_FLAGS=--undocumented lists objects and columns without COMMENT ON,
# DOCS_FLAGS=--fail-undocumented fails on them.
DOCS_DB    ?= pg_commgrid_docs
DOCS_FLAGS ?=
SQL2DOC     = python3 scripts/sql2doc --sql-dir sql --fresh-db $(DOCS_DB) $(DOCS_FLAGS)
.PHONY: docs docs-check
docs:
	$(SQL2DOC) --out docs/reference
docs-check:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(SQL2DOC) --out "$$tmp" && \
	if diff -ru docs/reference "$$tmp"; then \
		echo "docs/reference is up to date"; \
	else \
		echo "docs/reference is stale: run 'make docs' (after 'make install') and commit it" >&2; \
		exit 1; \
	fi

# The cost of jurisdiction row-level security on 2,000,000 residents of the demo district
# (about 10 minutes): each role's query against the owner's, as ratios.
bench-security: deps
	$(MAKE) install
	pg_virtualenv -v $(PGVERSION) $(SERVER_OPTS) bash test/bench/rls_overhead.sh

# The love bank's cost (issue 14): redemptions per second with 8 pgbench clients against bare
# guarded UPDATEs, then ledger_check(); post_earnings for 100,000 attendances against a plain
# INSERT of the same rows.  Prints ratios; never fails on a time.
.PHONY: bench-participation
bench-participation: deps
	$(MAKE) install
	pg_virtualenv -v $(PGVERSION) $(SERVER_OPTS) bash test/bench/participation_ledger.sh

# The vector tiles over the demo district's zoom pyramid (several minutes): area_tile against
# the plain ST_AsMVT(ST_AsMVTGeom(...)) query, p50/p95/worst per zoom and their ratios.
bench-maps: deps
	$(MAKE) install
	pg_virtualenv -v $(PGVERSION) $(SERVER_OPTS) bash test/bench/maps_tiles.sh

# libFuzzer over the C input parsers; FUZZ_RUNS inputs or FUZZ_TIME seconds per parser.
FUZZ_RUNS ?= 5000000
FUZZ_TIME ?= 60
fuzz:
	@$(MAKE) -s install-packages LIST='$(FUZZ_PACKAGES)'
	FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_TIME=$(FUZZ_TIME) PG_CONFIG=$(PG_CONFIG) bash test/fuzz/run.sh

# The benchmark of commgrid.locate against PostGIS on the full district (several minutes):
# prints medians and ratios against the targets, never fails on a time.  test/bench/run.sh
# alone runs it against the server in PGHOST/PGPORT.
bench: deps
	$(MAKE) install
	pg_virtualenv -v $(PGVERSION) $(SERVER_OPTS) bash test/bench/run.sh

# Updates (docs/upgrading.md, sql/updates/README.md).  The update script from the previous
# release is generated by scripts/update_gen from that release's frozen install script, this
# tree's install script and the hand-written part sql/updates/hand/; `make update-script`
# regenerates it (commit the result).  updatecheck proves the path against the running server
# (PGHOST/PGPORT, as installcheck) with this tree installed: the previous release with the demo
# at UPDATE_SCALE, ALTER EXTENSION UPDATE, then schema, data and reports against a fresh install.
PREV_VERSION  = 0.1.0
UPDATE_SCRIPT = sql/updates/$(EXTENSION)--$(PREV_VERSION)--$(EXTVERSION).sql
UPDATE_HAND   = sql/updates/hand/$(PREV_VERSION)--$(EXTVERSION).sql
UPDATE_SCALE ?= 0.01
.PHONY: update-script update-script-check updatecheck
update-script: sql/$(EXTENSION)--$(EXTVERSION).sql
	python3 scripts/update_gen sql/updates/$(EXTENSION)--$(PREV_VERSION).sql $< $(UPDATE_HAND) > $(UPDATE_SCRIPT)
update-script-check: sql/$(EXTENSION)--$(EXTVERSION).sql
	@python3 scripts/update_gen sql/updates/$(EXTENSION)--$(PREV_VERSION).sql $< $(UPDATE_HAND) 2>/dev/null | \
	if cmp -s - $(UPDATE_SCRIPT); then echo "$(UPDATE_SCRIPT) is up to date"; \
	else echo "$(UPDATE_SCRIPT) is stale: run 'make update-script' (then 'make install') and commit it" >&2; exit 1; fi
updatecheck: update-script-check
	FROM=$(PREV_VERSION) SCALE=$(UPDATE_SCALE) PG_CONFIG=$(PG_CONFIG) bash test/update/run.sh

# The demo you can explore (docs/demo.md): its own cluster under DEMO_DIR on DEMO_PORT, which
# stays up; `make demo` again rebuilds it.  tourcheck runs the README's tour (test/demo/tour.sql)
# as each demo role against a small demo on the running server (PGHOST/PGPORT, as installcheck).
DEMO_DIR  ?= .demo
DEMO_PORT ?= 54320
TOUR_SCALE ?= 0.01
.PHONY: demo-stop demo-start demo-drop tourcheck
demo-start:
	DEMO_DIR=$(DEMO_DIR) DEMO_PORT=$(DEMO_PORT) PG_CONFIG=$(PG_CONFIG) bash test/demo/cluster.sh start
demo-stop:
	DEMO_DIR=$(DEMO_DIR) DEMO_PORT=$(DEMO_PORT) PG_CONFIG=$(PG_CONFIG) bash test/demo/cluster.sh stop
demo-drop:
	DEMO_DIR=$(DEMO_DIR) DEMO_PORT=$(DEMO_PORT) PG_CONFIG=$(PG_CONFIG) bash test/demo/cluster.sh drop
tourcheck:
	SCALE=$(TOUR_SCALE) bash test/demo/tour_check.sh

# Packaging (docs/packaging.md).  `make deb` builds postgresql-$(PGVERSION)-commgrid with
# pg_buildext from a copy of the tracked files in DEB_BUILD (the source tree stays clean);
# its build dependencies are installed here only, not by `make deps`.  debcheck installs the
# built package with apt-get into the system PostgreSQL, runs the regression suite against it
# in a throwaway cluster (pg_virtualenv) and removes the package again (it replaces the files
# of a `make install`: run `make install` again afterwards if you use one).  metacheck checks
# META.json against the PGXN Meta Spec; versions-check builds the C against every PostgreSQL
# server version whose headers are installed and says which are missing.
DEB_PACKAGES = postgresql-server-dev-all debhelper dpkg-dev fakeroot
DEB_BUILD   ?= build/deb
DEB_FILE     = $(DEB_BUILD)/postgresql-$(PGVERSION)-commgrid_$(EXTVERSION)_$(shell dpkg --print-architecture 2>/dev/null).deb
.PHONY: deb debcheck metacheck versions-check
deb:
	@$(MAKE) -s install-packages LIST='$(DEB_PACKAGES)'
	rm -rf $(DEB_BUILD) && mkdir -p $(DEB_BUILD)/pg-commgrid-$(EXTVERSION)
	git ls-files -z | xargs -0 cp -a --parents -t $(DEB_BUILD)/pg-commgrid-$(EXTVERSION)
	cd $(DEB_BUILD)/pg-commgrid-$(EXTVERSION) && dpkg-buildpackage -us -uc -b
	@echo "built: $(DEB_FILE)"
debcheck:
	@test -f $(DEB_FILE) || { echo "$(DEB_FILE) is missing: run 'make deb' first" >&2; exit 1; }
	bash test/packaging/debcheck.sh $(DEB_FILE)
metacheck:
	python3 scripts/meta_check META.json
versions-check:
	bash test/packaging/versions_check.sh

# The visits and elements benchmark (issue 13): worklist, grid file, element load, on a demo
# district already loaded in the database psql connects to (test/demo up to 62_visits).
bench-visits:
	psql -X -v ON_ERROR_STOP=1 -f test/bench/visits_bench.sql

# The services benchmark (issue 12): service_deadline in C against its PL/pgSQL reference over
# N random instants (default 1,000,000), as a ratio; intake through pgbench (CLIENTS=8, T=20 s)
# against a bare insert; the figures and hotspots over FIGURES_N=300000 requests, timed; then
# bulk intake and bulk workflow moves in one statement (rows/s as the size grows).
bench-services: deps
	$(MAKE) install
	pg_virtualenv -v $(PGVERSION) $(SERVER_OPTS) sh -c 'bash test/bench/services.sh && bash test/bench/services_bulk_intake.sh && bash test/bench/services_bulk_moves.sh'

# wearable care ingest (issue 15): COPY (Java, with an alarm listener) and 8-client INSERT
# through care_ingest against a PL/pgSQL trigger baseline and the no-trigger ceiling; DEVICES,
# PINGS, CLIENTS, SECONDS set the size
bench-care: deps
	$(MAKE) install
	pg_virtualenv -v $(PGVERSION) $(SERVER_OPTS) bash test/bench/care_ingest.sh
