// Provides main() for the web unit tests; every other file in this directory
// defines its own suite.
#define CAF_SUITE web

#include "caf/test/unit_test_impl.hpp"
