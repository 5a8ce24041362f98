// number_prefix_set: longest prefix among prefixes of prefixes, the empty prefix, '+',
// invalid input, duplicates, exact lookup, and a randomised comparison with digit_trie.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/lists/number_prefix_set.hpp"
#include "model/digit_trie.hpp"

using ringfence::engine::lists::number_prefix_set;

namespace {

number_prefix_set build(const std::vector<std::string>& prefixes) {
    number_prefix_set::builder b;
    for (const auto& p : prefixes) REQUIRE(b.add(p));
    return std::move(b).build();
}

}  // namespace

TEST_CASE("number_prefix_set: the longest of nested prefixes wins") {
    const auto set = build({"84", "849", "8491", "84912345678", "1", "1876"});
    auto m = set.longest_match("84912345678");
    REQUIRE(m);
    CHECK(m->index == 3);
    CHECK(m->length == 11);
    m = set.longest_match("84912345679");
    REQUIRE(m);
    CHECK(m->index == 2);
    CHECK(m->length == 4);
    CHECK(set.longest_prefix("849") == 1u);
    CHECK(set.longest_prefix("84") == 0u);
    CHECK(set.longest_prefix("8") == std::nullopt);
    CHECK(set.longest_prefix("18765550123") == 5u);
    CHECK(set.longest_prefix("12025550123") == 4u);
    CHECK(set.longest_prefix("999") == std::nullopt);
    CHECK(set.longest_prefix("") == std::nullopt);
}

TEST_CASE("number_prefix_set: leading zeros, '+' and the end of the digits") {
    const auto set = build({"+8491", "0", "00", "0091"});
    CHECK(set.longest_prefix("+84912345678") == 0u);
    CHECK(set.longest_prefix("84912345678") == 0u);
    CHECK(set.longest_prefix("0912345678") == 1u);
    CHECK(set.longest_prefix("00912345678") == 3u);
    CHECK(set.longest_prefix("00812345678") == 2u);
    CHECK(set.longest_prefix("8491x") == 0u);  // digits up to the first non-digit
    CHECK(set.longest_prefix("849x1") == std::nullopt);
    CHECK(set.longest_prefix("++8491") == std::nullopt);
}

TEST_CASE(
    "number_prefix_set: the empty prefix matches everything, duplicates keep the first index") {
    const auto set = build({"849", "", "849", "84"});
    CHECK(set.size() == 3);
    CHECK(set.longest_prefix("849123") == 0u);
    CHECK(set.longest_prefix("84") == 3u);
    auto m = set.longest_match("12345");
    REQUIRE(m);
    CHECK(m->index == 1);
    CHECK(m->length == 0);
    CHECK(set.longest_prefix("") == 1u);
}

TEST_CASE("number_prefix_set: exact lookup and invalid prefixes") {
    number_prefix_set::builder b;
    CHECK(b.add("84912345678"));
    CHECK_FALSE(b.add("84-91"));
    CHECK_FALSE(b.add("12345678901234567890"));  // 20 digits
    CHECK(b.add("1234567890123456789"));         // 19 digits
    CHECK(b.add("+"));                           // the empty prefix
    CHECK(b.size() == 3);
    const auto set = std::move(b).build();
    CHECK(set.contains("+84912345678"));
    CHECK_FALSE(set.contains("8491234567"));
    CHECK_FALSE(set.contains("849123456789"));
    CHECK(set.contains("1234567890123456789"));
    CHECK(set.contains(""));
    CHECK(set.longest_prefix("12345678901234567890") == 1u);
    const number_prefix_set empty;
    CHECK(empty.longest_prefix("84") == std::nullopt);
    CHECK_FALSE(empty.contains(""));
}

TEST_CASE("number_prefix_set: agrees with digit_trie on random prefixes of mixed lengths") {
    std::mt19937_64 rng(11);
    number_prefix_set::builder b;
    ringfence::model::digit_trie<std::uint32_t>::builder trie_builder;
    std::uint32_t index = 0;
    const auto random_digits = [&](std::size_t n) {
        std::string s;
        for (std::size_t k = 0; k < n; ++k) s.push_back(static_cast<char>('0' + rng() % 10));
        return s;
    };
    for (int i = 0; i < 30000; ++i) {
        // Short prefixes collide often, so both duplicates and nesting occur.
        const std::string p = "84" + random_digits(1 + rng() % 9);
        REQUIRE(b.add(p));
        if (!trie_builder.add(p, index)) FAIL("digit_trie refused " << p);
        ++index;
    }
    const auto set = std::move(b).build();
    const auto trie = std::move(trie_builder).build();
    for (int i = 0; i < 50000; ++i) {
        const std::string q = "84" + random_digits(rng() % 12);
        const auto expected = trie.longest_prefix(q);
        const auto got = set.longest_match(q);
        REQUIRE(got.has_value() == static_cast<bool>(expected));
        if (!got) continue;
        // digit_trie keeps the last value of a duplicate key, the set its first index; compare the
        // length.
        CHECK(got->length == expected.length);
    }
}
