// Test-only: builds HEP3 packets chunk by chunk (big-endian), so tests can send well-formed
// and malformed ones.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace hep_test {

using bytes = std::vector<std::uint8_t>;

class packet_builder {
  public:
    packet_builder& chunk(std::uint16_t type, const bytes& value, std::uint16_t vendor = 0) {
        put16(vendor);
        put16(type);
        put16(static_cast<std::uint16_t>(6 + value.size()));
        body_.insert(body_.end(), value.begin(), value.end());
        return *this;
    }
    packet_builder& u8(std::uint16_t type, std::uint8_t v) { return chunk(type, {v}); }
    packet_builder& u16(std::uint16_t type, std::uint16_t v) {
        return chunk(type, {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)});
    }
    packet_builder& u32(std::uint16_t type, std::uint32_t v) {
        return chunk(type, {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                            static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)});
    }
    packet_builder& text(std::uint16_t type, std::string_view s) { return chunk(type, bytes(s.begin(), s.end())); }
    packet_builder& raw(const bytes& b) {
        body_.insert(body_.end(), b.begin(), b.end());
        return *this;
    }
    bytes build() const {
        bytes out{'H', 'E', 'P', '3', static_cast<std::uint8_t>((6 + body_.size()) >> 8),
                  static_cast<std::uint8_t>(6 + body_.size())};
        out.insert(out.end(), body_.begin(), body_.end());
        return out;
    }

  private:
    void put16(std::uint16_t v) {
        body_.push_back(static_cast<std::uint8_t>(v >> 8));
        body_.push_back(static_cast<std::uint8_t>(v));
    }
    bytes body_;
};

// The chunks of a SIP-over-UDP IPv4 packet as captagent sends it, up to (not including)
// the payload; protocol_type 1 is SIP (5 RTCP, 100 a log line).
inline packet_builder sip_ipv4_head(std::uint32_t seconds = 1795834800, std::uint32_t micros = 123456,
                                    std::uint8_t protocol_type = 1) {
    packet_builder b;
    b.u8(1, 2).u8(2, 17).chunk(3, {192, 0, 2, 10}).chunk(4, {198, 51, 100, 5}).u16(7, 5060).u16(8, 5080);
    b.u32(9, seconds).u32(10, micros).u8(11, protocol_type).u32(12, 2001).text(14, "secret-key");
    return b;
}

}  // namespace hep_test
