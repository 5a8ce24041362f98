// A zeroed array for a large hash table that lives long and is probed at random (the window
// state's slot arrays, the intelligence lists' slots). From 2 MiB on it is mapped on its own,
// aligned to 2 MiB and marked MADV_HUGEPAGE: each probe of a table of millions of slots
// otherwise also misses the TLB (4 KiB pages), on top of the cache. Smaller arrays come from
// the heap. The kernel backs the mapping with huge pages when transparent huge pages are
// "always" or "madvise" (Debian's default), and with ordinary pages otherwise; either way
// the memory reads as zero.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace ringfence::common {

inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;

// Mapping and unmapping (table_array.cpp); map returns nullptr when the kernel refuses.
void* map_huge_table(std::size_t bytes) noexcept;
void unmap_huge_table(void* p, std::size_t bytes) noexcept;

template <class T>
class table_array {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>, "a table of plain slots");

  public:
    table_array() = default;
    explicit table_array(std::size_t count) : count_(count) {
        const std::size_t bytes = count * sizeof(T);
        if (mapped()) {
            data_ = static_cast<T*>(map_huge_table(footprint_bytes()));
        } else if (bytes > 0) {
            data_ = static_cast<T*>(::operator new(bytes));
            std::memset(static_cast<void*>(data_), 0, bytes);
        }
        if (data_ == nullptr && bytes > 0) throw std::bad_alloc();
    }
    ~table_array() { release(); }
    table_array(const table_array&) = delete;
    table_array& operator=(const table_array&) = delete;
    table_array(table_array&& o) noexcept : data_(std::exchange(o.data_, nullptr)), count_(std::exchange(o.count_, 0)) {}
    table_array& operator=(table_array&& o) noexcept {
        if (this != &o) {
            release();
            data_ = std::exchange(o.data_, nullptr);
            count_ = std::exchange(o.count_, 0);
        }
        return *this;
    }

    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    std::size_t size() const noexcept { return count_; }
    bool mapped() const noexcept { return count_ * sizeof(T) >= huge_page_bytes; }
    // What the array takes: whole huge pages when mapped, its bytes otherwise (without the
    // heap's own overhead, which a caller that accounts for it adds).
    std::size_t footprint_bytes() const noexcept {
        const std::size_t bytes = count_ * sizeof(T);
        return mapped() ? (bytes + huge_page_bytes - 1) & ~(huge_page_bytes - 1) : bytes;
    }

  private:
    void release() noexcept {
        if (data_ == nullptr) return;
        if (mapped())
            unmap_huge_table(data_, footprint_bytes());
        else
            ::operator delete(data_);
        data_ = nullptr;
    }

    T* data_ = nullptr;
    std::size_t count_ = 0;
};

}  // namespace ringfence::common
