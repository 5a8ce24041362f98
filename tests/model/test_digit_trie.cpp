// digit_trie: longest-prefix and exact lookups, the order of for_each_prefix, the compact
// layout, duplicate and invalid keys, and a randomised comparison with a naive scan.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "model/digit_trie.hpp"

using ringfence::model::digit_trie;

namespace {

digit_trie<int> build(const std::vector<std::pair<std::string, int>>& keys) {
    digit_trie<int>::builder b;
    for (const auto& [k, v] : keys) REQUIRE(b.add(k, v));
    return std::move(b).build();
}

}  // namespace

TEST_CASE("digit_trie: longest prefix picks the deepest stored prefix") {
    const auto t = build({{"84", 1}, {"849", 2}, {"8491", 3}, {"1", 4}, {"1876", 5}});
    auto m = t.longest_prefix("84912345678");
    REQUIRE(m);
    CHECK(*m.value == 3);
    CHECK(m.length == 4);
    m = t.longest_prefix("84812345678");
    REQUIRE(m);
    CHECK(*m.value == 1);
    CHECK(m.length == 2);
    m = t.longest_prefix("18765550123");
    CHECK(*m.value == 5);
    CHECK(m.length == 4);
    m = t.longest_prefix("12025550123");
    CHECK(*m.value == 4);
    CHECK(m.length == 1);
    CHECK_FALSE(t.longest_prefix("999"));
    CHECK_FALSE(t.longest_prefix(""));
    // The query ends before the longer key does.
    m = t.longest_prefix("849");
    CHECK(*m.value == 2);
    CHECK(m.length == 3);
}

TEST_CASE("digit_trie: for_each_prefix visits every stored prefix, shortest first") {
    const auto t = build({{"8491", 3}, {"84", 1}, {"849", 2}, {"85", 9}});
    std::vector<std::pair<std::size_t, int>> seen;
    t.for_each_prefix("849123", [&](std::size_t len, const int& v) { seen.emplace_back(len, v); });
    const std::vector<std::pair<std::size_t, int>> expected{{2, 1}, {3, 2}, {4, 3}};
    CHECK(seen == expected);
}

TEST_CASE("digit_trie: exact find, the empty key and non-digit queries") {
    const auto t = build({{"", 7}, {"112", 1}, {"1800", 2}});
    REQUIRE(t.find("112") != nullptr);
    CHECK(*t.find("112") == 1);
    CHECK(t.find("11") == nullptr);
    CHECK(t.find("1121") == nullptr);
    REQUIRE(t.find("") != nullptr);
    CHECK(*t.find("") == 7);
    // The root value is the prefix of everything.
    auto m = t.longest_prefix("999");
    CHECK(*m.value == 7);
    CHECK(m.length == 0);
    // A non-digit stops the walk where it stands.
    m = t.longest_prefix("18a00");
    CHECK(*m.value == 7);
    CHECK(m.length == 0);
    CHECK(t.find("1+12") == nullptr);
    CHECK(*t.longest_prefix("1800/1091").value == 2);
}

TEST_CASE("digit_trie: a key given twice keeps the value added last, bad keys are refused") {
    digit_trie<int>::builder b;
    CHECK(b.add("84", 1));
    CHECK(b.add("84", 2));
    CHECK_FALSE(b.add("8a", 3));
    CHECK_FALSE(b.add("+84", 4));
    CHECK(b.size() == 2);
    const auto t = std::move(b).build();
    CHECK(t.value_count() == 1);
    CHECK(*t.find("84") == 2);
}

TEST_CASE("digit_trie: nodes are 12 bytes and shared prefixes share nodes") {
    CHECK(digit_trie<int>::bytes_per_node == 12);
    const auto t = build({{"1", 1}, {"12", 2}, {"123", 3}, {"124", 4}});
    CHECK(t.node_count() == 5);  // root, 1, 12, 123, 124
    CHECK(t.value_count() == 4);
    const digit_trie<int> empty;
    CHECK(empty.empty());
    CHECK_FALSE(empty.longest_prefix("123"));
    CHECK(empty.find("") == nullptr);
    const auto built_empty = digit_trie<int>::builder().build();
    CHECK(built_empty.empty());
    CHECK(built_empty.node_count() == 1);
}

TEST_CASE("digit_trie: agrees with a naive scan on random keys") {
    std::mt19937 rng(20240601);
    std::uniform_int_distribution<int> digit(0, 9);
    std::uniform_int_distribution<int> length(1, 8);
    const auto random_digits = [&](int n) {
        std::string s;
        for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + digit(rng)));
        return s;
    };
    std::vector<std::pair<std::string, int>> keys;
    digit_trie<int>::builder b;
    for (int i = 0; i < 3000; ++i) {
        // Short keys collide often, which exercises duplicates (the last one wins).
        keys.emplace_back(random_digits(length(rng) % 4 + 1 + (i % 3 == 0 ? 4 : 0)), i);
        b.add(keys.back().first, i);
    }
    const auto t = std::move(b).build();
    for (int q = 0; q < 5000; ++q) {
        const std::string query = random_digits(length(rng) + 3);
        std::size_t best_len = 0;
        int best_value = -1;
        for (const auto& [k, v] : keys) {
            if (query.compare(0, k.size(), k) != 0 || k.size() > query.size()) continue;
            if (k.size() > best_len || (k.size() == best_len && best_value != -1)) {
                best_len = k.size();
                best_value = v;  // later duplicates overwrite: the last added wins
            }
        }
        const auto m = t.longest_prefix(query);
        if (best_value == -1) {
            CHECK_FALSE(m);
        } else {
            REQUIRE(m);
            CHECK(m.length == best_len);
            CHECK(*m.value == best_value);
        }
    }
}
