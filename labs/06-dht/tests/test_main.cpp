// The doctest main of lab 06's own tests (the given code, with the reference rules).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
