# deconflict — the two commands: `make run` and `make test`.
# Both install missing Debian packages first (scripts/install-deps.sh), then build with CMake.

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
RUN_ARGS   ?= serve --demo --guidance --data-dir $(BUILD)/demo-data

.PHONY: all deps build build-asan run replay test test-release test-asan bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

$(ASAN_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDECONFLICT_SANITIZE=ON -DDECONFLICT_BENCH=OFF

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# The main job: the service with its built-in two-party demo and the embedded SQLite store.
run: build
	./$(BUILD)/deconflict $(RUN_ARGS)

# Tactical detection over the whole real Switzerland day (2018-08-01, OpenSky Network).
replay: build
	./$(BUILD)/deconflict replay tests/data/traffic/switzerland.json.gz

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

test-asan: build-asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 900 -LE no-sanitizer

# Every test, in the release build and again under AddressSanitizer + UndefinedBehaviorSanitizer.
test: test-release test-asan

bench: build
	@for b in $(BUILD)/bench/*_bench; do echo "== $$b"; $$b --benchmark_min_time=0.5; done

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
