# pg_commgrid: PGXS build.  `make demo` and `make test` are the two commands of README.md;
# both install the Debian packages they need first, so they work on a fresh Debian 12.
EXTENSION  = pg_commgrid
EXTVERSION = 0.1.0
PGVERSION  = 15

MODULE_big = pg_commgrid
OBJS = \
	src/pg_commgrid.o \
	src/gridcode.o \
	src/coordsys.o

# Install SQL: numbered topic files, concatenated in order into one versioned script.
TOPICS     = $(sort $(wildcard sql/[0-9][0-9]_*.sql))
DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql

REGRESS      = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --load-extension=postgis --load-extension=$(EXTENSION)

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

sql/$(EXTENSION)--$(EXTVERSION).sql: $(TOPICS)
	cat $^ > $@

# Debian packages every target needs; installed only when missing.
PACKAGES = postgresql-$(PGVERSION) postgresql-server-dev-$(PGVERSION) postgresql-common \
	postgresql-$(PGVERSION)-postgis-3 postgresql-$(PGVERSION)-postgis-3-scripts \
	libgeos-dev clang-14 llvm-14 make gcc

.PHONY: deps demo test
deps:
	@missing=$$(for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# The demo: a throwaway cluster with the sample district, printed from psql.
demo: deps
	$(MAKE) install
	pg_virtualenv -v $(PGVERSION) bash test/demo/run.sh

# The tests: every suite against a throwaway cluster.
test: deps
	$(MAKE) install
	pg_virtualenv -v $(PGVERSION) $(MAKE) installcheck
