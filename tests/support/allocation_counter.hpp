// Counts every operator new of the test executable it is linked into (the replacement lives in
// allocation_counter.cpp, its own file so no allocator code is inlined next to it), so a
// test can assert that a stretch of code allocated nothing.
#pragma once

namespace ringfence::testing {

long allocation_count() noexcept;

}  // namespace ringfence::testing
