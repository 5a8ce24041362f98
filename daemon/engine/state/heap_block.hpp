// Raw heap blocks for the window entries, and what a block really costs. stats().bytes adds
// up these costs: glibc malloc hands out chunks of (request + 8) rounded up to 16 bytes, at
// least 32, and serves requests from 128 KiB on with whole pages (mmap, 16 bytes of header).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

namespace ringfence::engine::state {

inline constexpr std::size_t mmap_threshold_bytes = 128 * 1024;

// The bytes the allocator really takes for a request of `request` bytes.
constexpr std::size_t heap_chunk_bytes(std::size_t request) {
    if (request + 8 >= mmap_threshold_bytes) return (request + 16 + 4095) & ~std::size_t{4095};
    const std::size_t chunk = (request + 8 + 15) & ~std::size_t{15};
    return chunk < 32 ? 32 : chunk;
}

// The largest request that still fits in the chunk a request of `request` bytes gets: a
// growing array asks for `request` and uses all of this.
constexpr std::size_t heap_fill_request(std::size_t request) {
    const std::size_t chunk = heap_chunk_bytes(request);
    return chunk - (chunk >= mmap_threshold_bytes ? 16 : 8);
}

// malloc that throws on exhaustion (the memory cap should keep us far from it).
inline void* allocate_block(std::size_t bytes) {
    void* block = std::malloc(bytes);
    if (block == nullptr) throw std::bad_alloc();
    return block;
}

inline void free_block(void* block) { std::free(block); }

}  // namespace ringfence::engine::state
