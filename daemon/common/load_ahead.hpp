// Starting a cache miss early so that it overlaps other work: the batch of window-state adds,
// the call history and the intelligence-list lookups each start their loads before they use
// them. A prefetch instruction is only a hint, and on the (virtualised) machine the project is
// measured on, hints for addresses missing the TLB were measurably dropped: demand loads in
// the same place made `ringfence bench engine` 11% faster (docs/performance.md). A load whose
// value is never used costs nothing while the core has other work: out-of-order execution
// keeps it in flight. Only for addresses that are valid to read.
#pragma once

namespace ringfence::common {

inline void load_ahead(const void* address) noexcept {
    (void)*static_cast<const volatile char*>(address);
}

}  // namespace ringfence::common
