// Provides main() for the actors unit tests; every other file in this
// directory defines its own suite.
#define CAF_SUITE actors

#include "caf/test/unit_test_impl.hpp"
