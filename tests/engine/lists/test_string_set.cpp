// string_set: exact membership on edge cases (empty string, prefixes of members, long
// strings, duplicates, non-ASCII), a randomised comparison with std::set, and its memory.
#include <doctest/doctest.h>

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/lists/string_set.hpp"

using ringfence::engine::lists::string_set;

namespace {

string_set build(const std::vector<std::string>& items) {
    string_set::builder b;
    for (const auto& s : items) REQUIRE(b.add(s));
    return std::move(b).build();
}

}  // namespace

TEST_CASE("string_set: exact membership only") {
    const auto set = build({"+84912345678", "vcb-secure.top", "203.0.113.7", "2001:db8::1"});
    CHECK(set.size() == 4);
    CHECK(set.contains("+84912345678"));
    CHECK(set.contains("vcb-secure.top"));
    CHECK(set.contains("203.0.113.7"));
    CHECK(set.contains("2001:db8::1"));
    CHECK_FALSE(set.contains("+8491234567"));     // a prefix of a member
    CHECK_FALSE(set.contains("+849123456789"));   // a member is a prefix of it
    CHECK_FALSE(set.contains("VCB-SECURE.TOP"));  // case matters
    CHECK_FALSE(set.contains(""));
}

TEST_CASE("string_set: the empty string, duplicates, long and non-ASCII strings") {
    const std::string long_url(300, 'x');  // a length that needs two varint bytes
    const auto set = build({"", "a", "a", "", long_url, "ngân hàng", "a"});
    CHECK(set.size() == 4);
    CHECK(set.contains(""));
    CHECK(set.contains("a"));
    CHECK(set.contains(long_url));
    CHECK_FALSE(set.contains(long_url.substr(1)));
    CHECK(set.contains("ngân hàng"));
    CHECK_FALSE(set.contains("ngan hang"));
}

TEST_CASE("string_set: an empty set contains nothing") {
    const string_set empty;
    CHECK_FALSE(empty.contains(""));
    CHECK(empty.empty());
    const auto built = build({});
    CHECK_FALSE(built.contains(""));
    CHECK_FALSE(built.contains("x"));
}

TEST_CASE("string_set: agrees with std::set on random numbers, and stays compact") {
    std::mt19937_64 rng(7);
    std::set<std::string> reference;
    string_set::builder b;
    for (int i = 0; i < 20000; ++i) {
        std::string s = "+849" + std::to_string(10000000 + rng() % 90000000);
        reference.insert(s);
        REQUIRE(b.add(s));
    }
    const auto set = std::move(b).build();
    CHECK(set.size() == reference.size());
    for (int i = 0; i < 40000; ++i) {
        const std::string probe = "+849" + std::to_string(10000000 + rng() % 90000000);
        CHECK(set.contains(probe) == (reference.count(probe) == 1));
    }
    for (const auto& s : reference) REQUIRE(set.contains(s));
    // 13 bytes of string per entry and 8 bytes per slot at most 70% full: under 26 per entry.
    CHECK(set.memory_bytes() < 26 * set.size());
}

TEST_CASE("string_set: the length test passes every member's length and rejects others, up to and past 63 bytes") {
    string_set::builder b;
    const std::string long63(63, 'a'), long64(64, 'b'), long200(200, 'c');
    for (const std::string& s : {std::string(), std::string("113"), std::string(62, 'x'), long63, long64, long200}) b.add(s);
    const string_set set = std::move(b).build();
    CHECK(set.contains(""));
    CHECK(set.contains("113"));
    CHECK_FALSE(set.contains("114"));
    CHECK_FALSE(set.contains("1130"));  // a length no member has
    CHECK(set.contains(std::string(62, 'x')));
    CHECK(set.contains(long63));
    CHECK(set.contains(long64));
    CHECK(set.contains(long200));
    CHECK_FALSE(set.contains(std::string(100, 'c')));  // past 63: the length bit says maybe, the probe says no
    CHECK_FALSE(set.contains(std::string(63, 'b')));
    string_set::builder only_short;
    only_short.add("112");
    const string_set emergency = std::move(only_short).build();
    CHECK_FALSE(emergency.contains("+84987654321"));
    CHECK_FALSE(emergency.contains(""));
    CHECK(emergency.contains("112"));
}
