// Provides main() for the store conformance suite: the same cases against
// the store named by ACTODO_TEST_STORE (`sqlite` or `postgresql`; see
// backend.hpp). Every other file here defines its own suite.
#define CAF_SUITE store

#include "caf/test/unit_test_impl.hpp"
