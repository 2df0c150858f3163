#define CAF_SUITE io.partition

#include <librdkafka/rdkafka.h>
#include <string>

#include "caf/test/unit_test.hpp"

#include "actors/domain/partition.hpp"

using actodo::actors::domain::murmur2;
using actodo::actors::domain::partition_of;

CAF_TEST(murmur2 gives the values of the Kafka Java client) {
  // Kafka's UtilsTest.testMurmur2.
  CAF_CHECK_EQUAL(static_cast<int32_t>(murmur2("21")), -973932308);
  CAF_CHECK_EQUAL(static_cast<int32_t>(murmur2("foobar")), -790332482);
  CAF_CHECK_EQUAL(static_cast<int32_t>(murmur2("a-little-bit-long-string")),
                  -985981536);
  CAF_CHECK_EQUAL(static_cast<int32_t>(murmur2("a-little-bit-longer-string")),
                  -1486304829);
  CAF_CHECK_EQUAL(static_cast<int32_t>(murmur2(
                    "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")),
                  -58897971);
  CAF_CHECK_EQUAL(static_cast<int32_t>(murmur2("abc")), 479470107);
}

CAF_TEST(users land in the partition librdkafka picks for their key) {
  // The producers use `partitioner=murmur2_random`: a record keyed by the
  // user id goes where `partition_of` says its owner is.
  for (int32_t n : {1, 3, 6, 12, 64}) {
    for (int i = 0; i < 2000; ++i) {
      auto key = "user-" + std::to_string(i * 7919) + std::string(i % 5, 'x');
      auto expected = rd_kafka_msg_partitioner_murmur2(
        nullptr, key.data(), key.size(), n, nullptr, nullptr);
      if (partition_of(key, n) != expected) {
        CAF_FAIL("key " << key << " with " << n << " partitions: "
                        << partition_of(key, n) << " vs " << expected);
      }
    }
  }
  CAF_CHECK_EQUAL(partition_of("", 7), rd_kafka_msg_partitioner_murmur2(
                                         nullptr, "", 0, 7, nullptr, nullptr));
}
