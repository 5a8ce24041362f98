// The mapping behind table_array: 2 MiB-aligned anonymous memory, advised for huge pages.
#include "common/table_array.hpp"

#include <sys/mman.h>

#include <cstdint>

namespace ringfence::common {

void* map_huge_table(std::size_t bytes) noexcept {
    // mmap aligns to 4 KiB only: map one huge page more, keep the aligned part, give back the
    // rest. A huge page can only back a 2 MiB-aligned range.
    const std::size_t length = bytes + huge_page_bytes;
    void* raw = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return nullptr;
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + huge_page_bytes - 1) & ~(std::uintptr_t{huge_page_bytes} - 1);
    if (aligned > start) ::munmap(raw, aligned - start);
    const std::uintptr_t end = start + length;
    if (end > aligned + bytes) ::munmap(reinterpret_cast<void*>(aligned + bytes), end - (aligned + bytes));
    // Only advice: without transparent huge pages the table works on ordinary pages.
    ::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);
    return reinterpret_cast<void*>(aligned);
}

void unmap_huge_table(void* p, std::size_t bytes) noexcept { ::munmap(p, bytes); }

}  // namespace ringfence::common
