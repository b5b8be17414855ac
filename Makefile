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

test: deps
	$(SWIFT) build --build-tests -j $(JOBS)
	$(SWIFT) test --skip-build --disable-swift-testing

clean:
	rm -rf .build
