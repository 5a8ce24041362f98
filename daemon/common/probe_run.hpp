// Backward-shift deletion in the project's linear-probing tables (no tombstones): once a slot
// is emptied, the later slots of its probe run move back into the hole, except an entry that
// would then lie before its home slot. This says which entries must stay.
#pragma once

#include <cstddef>

namespace ringfence::common {

// True when the entry at slot j, whose home slot is home, must stay where it is with the
// hole at slot hole: its home lies cyclically in (hole, j].
constexpr bool stays_behind_hole(std::size_t hole, std::size_t home, std::size_t j) noexcept {
    return hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
}

}  // namespace ringfence::common
