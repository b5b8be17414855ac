# The commands of the README:
#   make demo     installs what is missing, builds in release, runs the main job on Data/
#   make test     runs every test
#   make paquet   builds build/paquet/gup_VERSION_ARCH.deb and a .tar.gz of the same tree
#   make install  installs that tree from the sources under $(DESTDIR)$(PREFIX)
#   make verifier-paquet  installs the .deb in a fresh Debian 12 root (debootstrap) and runs it
SWIFT ?= swift
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
DESTDIR ?=
# One place for the version: the gup target's BuildInfo.swift.
VERSION := $(shell sed -n 's/^let gupVersion = "\(.*\)"/\1/p' Sources/gup/BuildInfo.swift)
ARCH := $(shell dpkg --print-architecture 2>/dev/null || uname -m)
# The installable gup: Swift standard library and Foundation linked
# statically (--static-swift-stdlib), so it loads nothing from the
# toolchain; its own scratch folder, so the flags do not force the
# everyday debug/release builds in .build to start over.
STATIC_SCRATCH := .build-statique
STATIC_FLAGS := -c release --static-swift-stdlib --scratch-path $(STATIC_SCRATCH) -Xswiftc -DGUP_BUILD_INFO
STATIC_BIN := $(STATIC_SCRATCH)/release

.PHONY: deps build demo test bench clean gup-statique install paquet verifier-paquet

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release -j $(JOBS)

demo: build
	.build/release/gup dossier Data/demo/dossier.toml

# The PostGIS tests use a throw-away cluster on a Unix socket
# (scripts/test-postgis.sh; started here if not running, stopped by .ci/run).
test: deps
	$(SWIFT) build --build-tests -j $(JOBS)
	bash scripts/test-postgis.sh start || echo "PostGIS de test indisponible : les tests qui en ont besoin diront pourquoi (et échoueront si CI=true)"
	$(SWIFT) test --skip-build --disable-swift-testing

# gup and the manual generator of swift-argument-parser's GenerateManual
# plugin (the plugin's own tool, run on this gup: the plugin itself would
# rebuild every product of the package a second time).
gup-statique: deps
	@bash scripts/build-info.sh
	$(SWIFT) build $(STATIC_FLAGS) --product gup -j $(JOBS)
	$(SWIFT) build $(STATIC_FLAGS) --product generate-manual -j $(JOBS)

install: gup-statique
	bash scripts/install-tree.sh "$(DESTDIR)$(PREFIX)" $(STATIC_BIN)

paquet: gup-statique
	bash scripts/paquet.sh $(VERSION) $(ARCH) $(STATIC_BIN)

verifier-paquet: paquet
	bash scripts/verifier-paquet.sh build/paquet/gup_$(VERSION)_$(ARCH).deb

clean:
	rm -rf .build $(STATIC_SCRATCH) build
