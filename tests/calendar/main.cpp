// Provides main() for the calendar unit tests; every other file in this
// directory defines its own suite.
#define CAF_SUITE calendar

#include "caf/test/unit_test_impl.hpp"
