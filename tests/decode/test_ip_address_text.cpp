// ip_address text: IPv4 written by hand is what inet_ntop writes, for every byte value in
// every position; IPv6 still through inet_ntop; parse and write round-trip.
#include <doctest/doctest.h>

#include <arpa/inet.h>

#include <string>

#include "decode/packet/ip_address.hpp"

using ringfence::decode::packet::ip_address;

TEST_CASE("an IPv4 address is written as inet_ntop writes it, every byte value in every position") {
    for (unsigned v = 0; v < 256; ++v) {
        for (std::size_t pos = 0; pos < 4; ++pos) {
            ip_address a;
            a.family = 4;
            a.bytes = {};
            for (std::size_t i = 0; i < 4; ++i) a.bytes[i] = static_cast<std::uint8_t>(i == pos ? v : (v * 7 + i * 31) & 0xff);
            char expected[INET_ADDRSTRLEN] = {};
            REQUIRE(::inet_ntop(AF_INET, a.bytes.data(), expected, sizeof expected) != nullptr);
            CAPTURE(expected);
            CHECK(a.to_string() == expected);
            ip_address back;
            REQUIRE(ip_address::parse(a.to_string(), back));
            CHECK(back.to_string() == a.to_string());
        }
    }
    std::string out = "ip=";
    ip_address six;
    REQUIRE(ip_address::parse("2001:db8::7", six));
    six.append_to(out);
    CHECK(out == "ip=2001:db8::7");
}
