// Provides main() for the persistence unit tests; every other file in this
// directory defines its own suite.
#define CAF_SUITE persistence

#include "caf/test/unit_test_impl.hpp"
