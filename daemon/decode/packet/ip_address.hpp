// An IPv4 or IPv6 address as carried in a packet (16 bytes; IPv4 in the first four), with
// the text form used in records ("203.0.113.7", "2001:db8::1").
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ringfence::decode::packet {

struct ip_address {
    std::uint8_t family = 0;  // 4 or 6; 0 for none
    std::array<unsigned char, 16> bytes{};

    // Written in place (the packet decoder's way): a packet's addresses go straight into the
    // packet's fields. Returning v4() and copying it built the address on the stack with four
    // small stores and read it back as one 16-byte load, which waits for them (a
    // store-forwarding stall: ~4% of `bench replay`'s cycles, twice a packet).
    void set_v4(const unsigned char* p) noexcept {
        family = 4;
        std::memcpy(bytes.data(), p, 4);
        std::memset(bytes.data() + 4, 0, bytes.size() - 4);
    }
    void set_v6(const unsigned char* p) noexcept {
        family = 6;
        std::memcpy(bytes.data(), p, 16);
    }
    static ip_address v4(const unsigned char* p) noexcept {
        ip_address a;
        a.set_v4(p);
        return a;
    }
    static ip_address v6(const unsigned char* p) noexcept {
        ip_address a;
        a.set_v6(p);
        return a;
    }
    std::size_t size() const noexcept { return family == 4 ? 4 : 16; }
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack agent may report) as
    // the IPv4 address it is; any other address as it is.
    ip_address unmapped() const noexcept {
        static constexpr unsigned char mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (family != 6 || std::memcmp(bytes.data(), mapped_prefix, sizeof mapped_prefix) != 0) return *this;
        return v4(bytes.data() + 12);
    }
    bool operator==(const ip_address&) const = default;

    // Appends the text form (inet_ntop's).
    void append_to(std::string& out) const;
    std::string to_string() const {
        std::string s;
        append_to(s);
        return s;
    }
    // "10.0.0.1" or "2001:db8::1"; false when the text is neither.
    static bool parse(std::string_view text, ip_address& out);
};

// FNV-1a over bytes; for the decoders' tables (flows, fragments, SMS parts).
inline std::uint64_t hash_mix(std::uint64_t h, const unsigned char* p, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

}  // namespace ringfence::decode::packet
