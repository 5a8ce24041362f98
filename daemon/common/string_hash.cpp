#include "common/string_hash.hpp"

#include <random>

namespace ringfence::common {

std::uint64_t random_seed() {
    static const std::uint64_t seed = [] {
        std::random_device source;
        return (static_cast<std::uint64_t>(source()) << 32) ^ source();
    }();
    return seed;
}

}  // namespace ringfence::common
