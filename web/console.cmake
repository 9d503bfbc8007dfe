# The web console (web/): `npm ci` when the lockfile changed, then esbuild (web/build.mjs) when a source
# changed; the bundle becomes a C++ source embedded in the server (src/server/console.h), so that
# `deconflict serve` is one self-contained binary that serves exactly the files it was built with.
# Without Node.js/npm (or with -DDECONFLICT_CONSOLE=OFF) the server serves a page that says how to build it.
option(DECONFLICT_CONSOLE "Build the web console in web/ (needs Node.js >= 20 and npm)" ON)
find_program(DECONFLICT_NPM npm)
find_program(DECONFLICT_NODE node)
set(DECONFLICT_WEB ${CMAKE_SOURCE_DIR}/web)
set(DECONFLICT_WEB_OUT ${CMAKE_BINARY_DIR}/web)
set(DECONFLICT_ASSETS_CC ${DECONFLICT_WEB_OUT}/console_assets.cc)
if(DECONFLICT_CONSOLE AND DECONFLICT_NPM AND DECONFLICT_NODE)
  file(GLOB_RECURSE web_sources CONFIGURE_DEPENDS ${DECONFLICT_WEB}/src/*)
  file(MAKE_DIRECTORY ${DECONFLICT_WEB_OUT})
  add_custom_command(OUTPUT ${DECONFLICT_WEB_OUT}/npm-ci.stamp
    COMMAND ${DECONFLICT_NPM} ci --ignore-scripts --no-audit --no-fund --loglevel=error
    COMMAND ${CMAKE_COMMAND} -E touch ${DECONFLICT_WEB_OUT}/npm-ci.stamp
    WORKING_DIRECTORY ${DECONFLICT_WEB}
    DEPENDS ${DECONFLICT_WEB}/package.json ${DECONFLICT_WEB}/package-lock.json
    COMMENT "web console: npm ci")
  add_custom_command(OUTPUT ${DECONFLICT_ASSETS_CC}
    COMMAND ${DECONFLICT_NODE} ${DECONFLICT_WEB}/build.mjs --out ${DECONFLICT_WEB_OUT}/dist --cc ${DECONFLICT_ASSETS_CC}
    DEPENDS ${DECONFLICT_WEB_OUT}/npm-ci.stamp ${DECONFLICT_WEB}/build.mjs ${web_sources}
    COMMENT "web console: esbuild bundle")
  set(DECONFLICT_CONSOLE_BUILT ON)
else()
  configure_file(${DECONFLICT_WEB}/console_assets_missing.cc ${DECONFLICT_ASSETS_CC} COPYONLY)
  message(STATUS "web console: not built (DECONFLICT_CONSOLE=${DECONFLICT_CONSOLE}, npm: ${DECONFLICT_NPM}, node: ${DECONFLICT_NODE})")
  set(DECONFLICT_CONSOLE_BUILT OFF)
endif()
add_library(dc_console_assets STATIC ${DECONFLICT_ASSETS_CC})
target_include_directories(dc_console_assets PUBLIC ${CMAKE_SOURCE_DIR}/src)

# The console in a real browser (Debian's chromium via playwright-core) against the real server and its demo:
# web/test/console.test.mjs. Release tree only (label no-sanitizer: `make test-asan` skips it).
if(BUILD_TESTING AND DECONFLICT_CONSOLE_BUILT AND NOT DECONFLICT_SANITIZE)
  # Pure functions (record hash against docs/record.md's worked example, alert order, conversions).
  add_test(NAME web_console_units COMMAND ${DECONFLICT_NODE} --test ${DECONFLICT_WEB}/test/units.test.mjs
    WORKING_DIRECTORY ${DECONFLICT_WEB})
  set_tests_properties(web_console_units PROPERTIES LABELS "web;no-sanitizer" TIMEOUT 60)
  add_test(NAME web_console_browser
    COMMAND ${DECONFLICT_NODE} --test --test-concurrency=1 --test-timeout=150000 ${DECONFLICT_WEB}/test/console.test.mjs
    WORKING_DIRECTORY ${DECONFLICT_WEB})
  set_tests_properties(web_console_browser PROPERTIES
    LABELS "web;no-sanitizer" TIMEOUT 180 RUN_SERIAL ON
    ENVIRONMENT "DECONFLICT_BIN=${CMAKE_BINARY_DIR}/deconflict;ARTIFACTS=${CMAKE_BINARY_DIR}/web/test-artifacts;CHROMIUM=/usr/bin/chromium")
endif()
