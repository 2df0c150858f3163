// Provides main() for the config unit tests; every other file in this
// directory defines its own suite.
#define CAF_SUITE config

#include "caf/test/unit_test_impl.hpp"
