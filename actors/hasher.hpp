#pragma once

#include "actors/interfaces.hpp"

namespace actodo::actors {

/// One password hasher: hashes and verifies with scrypt. Spawn detached
/// (each call holds a core for ~0.1 s); the `accounts` actor spreads work
/// over a pool of them. `index` is the hasher's place in the pool (a spawn
/// argument is needed anyway: CAF 0.17 dereferences a null argument tuple
/// for function-based actors spawned without one).
hasher_actor::behavior_type hasher(hasher_actor::pointer self, size_t index);

} // namespace actodo::actors
