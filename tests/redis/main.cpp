// Provides main() for the Redis client's tests (io/redis) against the
// redis-server that tests/redis/redis_server.sh started (see fixture.hpp).
// Every other file here defines its own suite.
#define CAF_SUITE redis

#include "caf/test/unit_test_impl.hpp"
