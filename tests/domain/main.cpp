// Provides main() for the domain unit tests; every other file in this
// directory defines its own suite.
#define CAF_SUITE domain

#include "caf/test/unit_test_impl.hpp"
