// test_main.cpp - doctest's main() for the peer's tests (the tests are in the other files).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
