// parse_ip_address and cidr_set: IPv4/IPv6 text forms (compressed, mapped, bracketed,
// zoned, malformed), nested ranges and the most specific match, host bits, duplicates,
// and entry errors.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/lists/cidr_set.hpp"

using namespace ringfence::engine::lists;

namespace {

cidr_set build(const std::vector<std::string>& entries) {
    cidr_set::builder b;
    for (const auto& e : entries) REQUIRE(b.add(e) == cidr_error::none);
    return std::move(b).build();
}

}  // namespace

TEST_CASE("parse_ip_address: IPv4") {
    const auto a = parse_ip_address("203.0.113.7");
    REQUIRE(a);
    CHECK_FALSE(a->v6);
    CHECK(a->low == 0xCB007107u);
    CHECK(parse_ip_address("0.0.0.0")->low == 0);
    CHECK(parse_ip_address("255.255.255.255")->low == 0xFFFFFFFFu);
    for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "010.1.1.1", "1.2.3.4 ",
                            "1..2.3", "a.b.c.d", "1234.1.1.1", "1.2.3.-4"})
        CHECK_MESSAGE(!parse_ip_address(bad), std::string(bad));
}

TEST_CASE("parse_ip_address: IPv6 compressed, full, mapped, bracketed and zoned forms") {
    const auto a = parse_ip_address("2001:db8::1");
    REQUIRE(a);
    CHECK(a->v6);
    CHECK(a->high == 0x20010DB800000000ull);
    CHECK(a->low == 1);
    CHECK(parse_ip_address("2001:0DB8:0000:0000:0000:0000:0000:0001") == a);
    CHECK(parse_ip_address("[2001:db8::1]") == a);
    CHECK(parse_ip_address("2001:db8:0:0::1") == a);
    CHECK(parse_ip_address("::") == ip_address{true, 0, 0});
    CHECK(parse_ip_address("::1") == ip_address{true, 0, 1});
    CHECK(parse_ip_address("1::") == ip_address{true, 0x0001000000000000ull, 0});
    CHECK(parse_ip_address("1:2:3:4:5:6:7::") ==
          ip_address{true, 0x0001000200030004ull, 0x0005000600070000ull});
    CHECK(parse_ip_address("fe80::1%eth0") == ip_address{true, 0xFE80000000000000ull, 1});
    CHECK(parse_ip_address("64:ff9b::203.0.113.7") ==
          ip_address{true, 0x0064FF9B00000000ull, 0xCB007107ull});
    // IPv4-mapped addresses come back as IPv4.
    CHECK(parse_ip_address("::ffff:203.0.113.7") == ip_address{false, 0, 0xCB007107u});
    CHECK(parse_ip_address("::FFFF:cb00:7107") == ip_address{false, 0, 0xCB007107u});
    for (const char* bad :
         {":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "12345::", "::g",
          "1:", ":1", "fe80::1%", "::ffff:1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "[::1"})
        CHECK_MESSAGE(!parse_ip_address(bad), std::string(bad));
}

TEST_CASE("cidr_set: IPv4 ranges, nesting and the most specific match") {
    const auto set = build({"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "203.0.113.0/24",
                            "198.51.100.7", "0.0.0.0/0"});
    CHECK(set.longest_match("10.1.2.3") == 2u);
    CHECK(set.longest_match("10.1.3.3") == 1u);
    CHECK(set.longest_match("10.200.0.1") == 0u);
    CHECK(set.longest_match("203.0.113.255") == 3u);
    CHECK(set.longest_match("198.51.100.7") == 4u);
    CHECK(set.longest_match("198.51.100.8") == 5u);  // only 0.0.0.0/0
    CHECK(set.longest_match("11.0.0.0") == 5u);
    CHECK(set.contains("::ffff:10.1.2.3"));
    CHECK(set.longest_match("::ffff:10.1.2.3") == 2u);
    CHECK_FALSE(set.contains("2001:db8::1"));  // IPv4 ranges hold no IPv6 address
    CHECK_FALSE(set.contains("not an ip"));
}

TEST_CASE("cidr_set: IPv6 ranges with compressed forms") {
    const auto set = build({"2001:db8::/32", "2001:db8:1::/48", "2001:db8:1:2::1/128", "::1",
                            "::ffff:203.0.113.0/120"});
    CHECK(set.longest_match("2001:db8::5") == 0u);
    CHECK(set.longest_match("2001:0db8:0001:0000::9") == 1u);
    CHECK(set.longest_match("2001:db8:1:2::1") == 2u);
    CHECK(set.longest_match("2001:db8:1:2::2") == 1u);
    CHECK(set.longest_match("[::1]") == 3u);
    CHECK_FALSE(set.contains("::2"));
    CHECK_FALSE(set.contains("2001:db9::"));
    // A mapped IPv6 range is the IPv4 range it maps.
    CHECK(set.longest_match("203.0.113.9") == 4u);
    CHECK(set.longest_match("::ffff:203.0.113.9") == 4u);
    CHECK_FALSE(set.contains("203.0.114.1"));
}

TEST_CASE("cidr_set: host bits, boundaries, duplicates and an empty set") {
    const auto set =
        build({"203.0.113.77/24", "203.0.113.0/24", "192.0.2.128/25", "2001:db8::ffff/127"});
    CHECK(set.size() == 3);
    CHECK(set.longest_match("203.0.113.1") == 0u);
    CHECK_FALSE(set.contains("192.0.2.127"));
    CHECK(set.contains("192.0.2.128"));
    CHECK(set.contains("192.0.2.255"));
    CHECK_FALSE(set.contains("192.0.3.0"));
    CHECK(set.contains("2001:db8::fffe"));
    CHECK(set.contains("2001:db8::ffff"));
    CHECK_FALSE(set.contains("2001:db8::1:0"));
    const cidr_set empty;
    CHECK_FALSE(empty.contains("1.2.3.4"));
}

TEST_CASE("cidr_set: malformed entries are refused with a reason") {
    cidr_set::builder b;
    CHECK(b.add("203.0.113.0/33") == cidr_error::bad_prefix_length);
    CHECK(b.add("2001:db8::/129") == cidr_error::bad_prefix_length);
    CHECK(b.add("203.0.113.0/") == cidr_error::bad_prefix_length);
    CHECK(b.add("203.0.113.0/2x") == cidr_error::bad_prefix_length);
    CHECK(b.add("203.0.113/24") == cidr_error::bad_address);
    CHECK(b.add("vcb.com/24") == cidr_error::bad_address);
    CHECK(b.add("") == cidr_error::bad_address);
    CHECK(b.size() == 0);
    CHECK(to_string(cidr_error::bad_address) == "not an IPv4 or IPv6 address");
    CHECK(to_string(cidr_error::bad_prefix_length) ==
          "prefix length must be 0-32 for IPv4 and 0-128 for IPv6");
    CHECK(to_string(cidr_error::none) == "");
}
