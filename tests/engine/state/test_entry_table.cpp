#include <doctest/doctest.h>

#include <random>
#include <unordered_map>
#include <vector>

#include "engine/state/entry_table.hpp"

using namespace ringfence::engine::state;

namespace {
// Distinct fake entry pointers: the table never dereferences them.
entry_header* fake(std::uint64_t n) { return reinterpret_cast<entry_header*>((n + 1) * 64); }
}  // namespace

TEST_CASE("the entry table agrees with a map through inserts, erases and growth") {
    entry_table table;
    std::unordered_map<std::uint64_t, entry_header*> model;
    std::mt19937_64 random(12345);
    // Hashes from a small range, with shared top bits, so probe runs collide and wrap.
    std::vector<std::uint64_t> pool;
    for (int i = 0; i < 3000; ++i) pool.push_back((random() & 0xf000'0000'0000'ffffull) | i);
    int mismatches = 0;
    for (int step = 0; step < 200'000; ++step) {
        const std::uint64_t hash = pool[random() % pool.size()];
        entry_table::slot* s = table.find(hash);
        const auto it = model.find(hash);
        if ((s == nullptr) != (it == model.end()) || (s != nullptr && s->entry != it->second)) {
            ++mismatches;
        }
        if (s == nullptr) {
            table.insert(hash, fake(static_cast<std::uint64_t>(step)));
            model[hash] = fake(static_cast<std::uint64_t>(step));
        } else if (random() % 3 != 0) {
            table.erase_at(static_cast<std::size_t>(s - &table.at(0)));
            model.erase(it);
        }
    }
    CHECK(mismatches == 0);
    CHECK(table.size() == model.size());
    std::size_t found = 0;
    for (const auto& [hash, entry] : model) {
        const entry_table::slot* s = table.find(hash);
        found += s != nullptr && s->entry == entry ? 1 : 0;
    }
    CHECK(found == model.size());

    table.retain_if([](entry_table::slot& s) { return (s.hash & 1) == 0; });
    std::size_t even = 0;
    for (const auto& [hash, entry] : model) {
        if ((hash & 1) != 0) continue;
        ++even;
        CHECK(table.find(hash) != nullptr);
    }
    CHECK(table.size() == even);
}
