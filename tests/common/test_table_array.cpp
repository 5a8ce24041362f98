// table_array: zeroed memory, from the heap when small and from a 2 MiB-aligned mapping
// advised for huge pages when large, what it takes, and moves that leave nothing behind.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "common/table_array.hpp"

using ringfence::common::huge_page_bytes;
using ringfence::common::table_array;

namespace {

struct slot {
    std::uint64_t hash;
    void* entry;
};

// The kernel's view of the mapping holding p: its line in /proc/self/smaps names the
// range, and the flags line below it lists "hg" for MADV_HUGEPAGE.
bool advised_huge(const void* p) {
    std::ifstream smaps("/proc/self/smaps");
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t from = 0, to = 0;
        char dash = 0;
        if (std::sscanf(line.c_str(), "%lx%c%lx", &from, &dash, &to) == 3 && dash == '-') {
            inside = at >= from && at < to;
            continue;
        }
        if (inside && line.rfind("VmFlags:", 0) == 0) return line.find(" hg") != std::string::npos;
    }
    return false;
}

}  // namespace

TEST_CASE("table_array: a small table comes from the heap, zeroed") {
    table_array<slot> t(1000);
    CHECK(t.size() == 1000);
    CHECK_FALSE(t.mapped());
    bool zero = true;
    for (std::size_t i = 0; i < t.size(); ++i) zero = zero && t[i].hash == 0 && t[i].entry == nullptr;
    CHECK(zero);
    t[999].hash = 7;
    CHECK(t.data()[999].hash == 7);
}

TEST_CASE("table_array: from 2 MiB on, a mapping aligned to 2 MiB, advised for huge pages, zeroed") {
    const std::size_t count = huge_page_bytes / sizeof(slot) + 1;  // just past one huge page
    table_array<slot> t(count);
    CHECK(t.mapped());
    CHECK(reinterpret_cast<std::uintptr_t>(t.data()) % huge_page_bytes == 0);
    CHECK(t.footprint_bytes() == 2 * huge_page_bytes);
    bool zero = true;
    for (std::size_t i = 0; i < t.size(); i += 4096 / sizeof(slot)) zero = zero && t[i].hash == 0;
    CHECK(zero);
    t[count - 1].hash = 42;  // the last slot is writable
    CHECK(t[count - 1].hash == 42);
    // The advice is recorded wherever the kernel has transparent huge pages at all.
    if (std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled")) CHECK(advised_huge(t.data()));

    table_array<std::uint64_t> exact(huge_page_bytes / sizeof(std::uint64_t));
    CHECK(exact.mapped());
    CHECK(exact.footprint_bytes() == huge_page_bytes);
}

TEST_CASE("table_array: a move hands the memory over and leaves an empty array") {
    table_array<std::uint64_t> a(huge_page_bytes / sizeof(std::uint64_t) * 2);
    a[5] = 9;
    std::uint64_t* p = a.data();
    table_array<std::uint64_t> b = std::move(a);
    CHECK(b.data() == p);
    CHECK(b[5] == 9);
    CHECK(a.data() == nullptr);  // NOLINT(bugprone-use-after-move): the moved-from state is the test
    CHECK(a.size() == 0);
    table_array<std::uint64_t> c(16);
    c = std::move(b);
    CHECK(c.data() == p);
    CHECK(c.size() == huge_page_bytes / sizeof(std::uint64_t) * 2);
    table_array<std::uint64_t> empty;
    CHECK(empty.size() == 0);
    CHECK(empty.data() == nullptr);
}
