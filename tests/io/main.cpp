// Provides main() for the io unit tests; every other file in this directory
// defines its own suite.
#define CAF_SUITE io

#include "caf/test/unit_test_impl.hpp"
