// main.cpp - the doctest runner of the process-level tests.
//
// Run from the repository root as `BIN=bin bin/process_tests`: BIN names the
// folder of the programs under test, LECTURE_DIR (default tests/lecture) the
// lecture's Python programs, BIG_STREAM_BYTES the size of the big TCP stream.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
