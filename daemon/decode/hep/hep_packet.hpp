// One HEP v3 packet (HEP3, the Homer Encapsulation Protocol that Kamailio, OpenSIPS,
// FreeSWITCH, heplify and captagent send): a 6-byte header ("HEP3", total length) then
// chunks of (vendor id, type id, length incl. the 6-byte chunk header, value), all
// big-endian. The parser is zero-copy except for a compressed payload, which it inflates
// (zlib or gzip) into its own buffer, bounded by max_inflated_bytes.
//
// Contract:
//   - Required: IP family (chunk 1, 2 = IPv4 or 10 = IPv6), source and destination
//     address of that family (3/4 or 5/6), source and destination port (7/8), timestamp
//     seconds (9) and protocol type (11), and a payload (15, or 16 compressed). Microseconds
//     (10) default to 0 and must be below 1,000,000.
//   - A chunk of a fixed-size type with another size, a chunk ringfence reads appearing
//     twice, or a chunk length below 6 or past the end rejects the packet: each with a
//     reason, none silently repaired. Chunks of other vendors (vendor id != 0) and generic
//     chunks ringfence does not read are stepped over and counted.
//   - The auth key (14) is kept only as a view for comparison; never log it.
//   - For a datagram, total length must equal the datagram's size; the TCP framer cuts
//     the stream by total length before calling parse().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ringfence::decode::hep {

inline constexpr std::size_t header_size = 6;  // "HEP3" + total length

namespace chunk {
inline constexpr std::uint16_t ip_family = 0x0001;
inline constexpr std::uint16_t ip_protocol = 0x0002;
inline constexpr std::uint16_t ipv4_source = 0x0003;
inline constexpr std::uint16_t ipv4_destination = 0x0004;
inline constexpr std::uint16_t ipv6_source = 0x0005;
inline constexpr std::uint16_t ipv6_destination = 0x0006;
inline constexpr std::uint16_t source_port = 0x0007;
inline constexpr std::uint16_t destination_port = 0x0008;
inline constexpr std::uint16_t timestamp_seconds = 0x0009;
inline constexpr std::uint16_t timestamp_microseconds = 0x000A;
inline constexpr std::uint16_t protocol_type = 0x000B;
inline constexpr std::uint16_t capture_agent_id = 0x000C;
inline constexpr std::uint16_t keep_alive = 0x000D;
inline constexpr std::uint16_t auth_key = 0x000E;
inline constexpr std::uint16_t payload = 0x000F;
inline constexpr std::uint16_t compressed_payload = 0x0010;
inline constexpr std::uint16_t correlation_id = 0x0011;
inline constexpr std::uint16_t vlan_id = 0x0012;
inline constexpr std::uint16_t node_name = 0x0013;
}  // namespace chunk

// Protocol types (chunk 11) that matter here; HOMER assigns the rest.
namespace protocol {
inline constexpr std::uint8_t sip = 1;
inline constexpr std::uint8_t rtcp_json = 5;
inline constexpr std::uint8_t log = 100;
}  // namespace protocol

inline constexpr std::uint8_t family_ipv4 = 2;
inline constexpr std::uint8_t family_ipv6 = 10;

struct ip_address {
    std::uint8_t family = 0;  // family_ipv4 or family_ipv6
    std::array<std::uint8_t, 16> bytes{};

    std::string to_string() const;  // "192.0.2.1", "2001:db8::1"
};

struct hep_packet {
    std::uint8_t ip_family = 0;
    std::uint8_t ip_protocol = 0;  // 17 UDP, 6 TCP, 132 SCTP; 0 when absent
    ip_address source;
    ip_address destination;
    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;
    std::uint32_t timestamp_seconds = 0;
    std::uint32_t timestamp_microseconds = 0;
    std::uint8_t protocol_type = 0;
    std::optional<std::uint32_t> capture_agent_id;
    std::optional<std::string_view> auth_key;  // never log
    std::string_view payload;                  // inflated when it came compressed
    bool compressed = false;                   // the payload came in chunk 16
    std::string_view correlation_id;
    std::string_view node_name;
    std::optional<std::uint16_t> vlan_id;
    std::uint32_t chunks_skipped = 0;  // vendor chunks and generic ones not read

    std::int64_t time_us() const noexcept {
        return static_cast<std::int64_t>(timestamp_seconds) * 1'000'000 + timestamp_microseconds;
    }
};

// The time a mirrored message is taken at: the agent's capture time, unless it lies more
// than max_agent_clock_skew_us from when the packet reached us (arrived_us: the clock at
// the listener, or the frame time of a capture holding HEP; 0 or less: unknown, the agent's
// is taken); then the arrival time, and corrected is set. An agent mirrors within
// milliseconds, so such a gap is the agent's clock (a time zone set wrong, a clock never
// set): taken as it is, one call's messages would be hours apart, timing the call out at
// once and dating its records wrong. Two agents within it of the arrival are within a
// minute of each other: what the dialogs' clock takes (sip_dialog_table.hpp).
inline constexpr std::int64_t max_agent_clock_skew_us = 30'000'000;
inline std::int64_t message_time_us(const hep_packet& p, std::int64_t arrived_us, bool& corrected) noexcept {
    const std::int64_t agent_us = p.time_us();
    corrected = arrived_us > 0 && (agent_us > arrived_us + max_agent_clock_skew_us || agent_us < arrived_us - max_agent_clock_skew_us);
    return corrected ? arrived_us : agent_us;
}

enum class hep_error : std::uint8_t {
    none,
    too_short,           // fewer bytes than the 6-byte header
    bad_magic,           // not "HEP3" (HEP v1/v2 are not read)
    bad_length,          // total length below 6 or not the datagram's size
    bad_chunk_length,    // a chunk length below 6 or past the end of the packet
    bad_chunk_size,      // a fixed-size chunk with another size
    duplicate_chunk,     // a chunk ringfence reads, twice
    bad_family,          // IP family neither 2 nor 10, or addresses of the other family
    missing_chunk,       // a required chunk is absent
    bad_timestamp,       // microseconds of 1,000,000 or more
    inflate_failed,      // a compressed payload that does not inflate
    inflated_too_large,  // a compressed payload above max_inflated_bytes once inflated
};
inline constexpr int hep_error_count = 12;
std::string_view to_string(hep_error e) noexcept;  // "bad_magic", ...; "" for none

class hep_parser {
  public:
    static constexpr std::size_t default_max_inflated_bytes = 256 * 1024;

    explicit hep_parser(std::size_t max_inflated_bytes = default_max_inflated_bytes);
    ~hep_parser();
    hep_parser(const hep_parser&) = delete;
    hep_parser& operator=(const hep_parser&) = delete;

    // Parses one whole packet. The views in out point into bytes, or into this parser's
    // inflate buffer (valid until the next parse()).
    hep_error parse(std::span<const std::uint8_t> bytes, hep_packet& out);

  private:
    hep_error inflate(std::string_view compressed, std::string_view& out);

    struct inflater;  // a zlib stream kept across packets (reset, not rebuilt, for each)
    std::size_t max_inflated_bytes_;
    std::string inflated_;
    std::unique_ptr<inflater> inflater_;
};

}  // namespace ringfence::decode::hep
