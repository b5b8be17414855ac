# The two commands of the README:
#   make demo   installs what is missing, builds in release, runs the main job on Data/
#   make test   runs every test
SWIFT ?= swift
JOBS ?= $(shell nproc)

.PHONY: deps build demo test bench clean

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

clean:
	rm -rf .build
