#include "actors/gateway_worker.hpp"

namespace actodo::actors {

caf::behavior gateway_worker(caf::event_based_actor* self) {
  return {[self](gateway_job& job) { job.fn(self); }};
}

} // namespace actodo::actors
