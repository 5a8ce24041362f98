// libFuzzer target for HEP v3: arbitrary bytes as one datagram through the packet parser,
// and the same bytes as a TCP stream, cut into pieces, through the framer and the parser.
// Checks, beyond "no crash":
//   - a parsed packet has a family of 2 or 10, both addresses of it as text, microseconds
//     below 1,000,000, and a payload inside the input (or inside the inflate buffer, no
//     larger than its cap);
//   - a rejected packet has a reason with a name;
//   - every packet the framer hands out starts with "HEP3" and is exactly its total length,
//     and once the stream is finished, framed bytes + skipped bytes are the input, nothing
//     left buffered.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "decode/hep/hep_packet.hpp"
#include "decode/hep/hep_stream_framer.hpp"
#include "fuzz_support.hpp"

namespace {

using ringfence::fuzz::require;

constexpr std::size_t inflate_cap = 64 * 1024;

void check_parse(ringfence::decode::hep::hep_parser& parser, std::span<const std::uint8_t> bytes) {
    namespace hep = ringfence::decode::hep;
    hep::hep_packet p;
    const hep::hep_error e = parser.parse(bytes, p);
    if (e != hep::hep_error::none) {
        require(!hep::to_string(e).empty());
        return;
    }
    require(p.ip_family == hep::family_ipv4 || p.ip_family == hep::family_ipv6);
    require(!p.source.to_string().empty() && !p.destination.to_string().empty());
    require(p.timestamp_microseconds < 1'000'000);
    const auto* begin = reinterpret_cast<const char*>(bytes.data());
    if (!p.compressed) {
        require(p.payload.data() >= begin && p.payload.data() + p.payload.size() <= begin + bytes.size());
    } else {
        require(p.payload.size() <= inflate_cap);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace hep = ringfence::decode::hep;
    static hep::hep_parser parser(inflate_cap);
    check_parse(parser, std::span<const std::uint8_t>(data, size));

    hep::hep_stream_framer framer;
    hep::hep_framer_counters c;
    std::size_t framed = 0;
    std::uint32_t seed = size > 0 ? data[0] | 1u : 1u;
    for (std::size_t pos = 0; pos < size;) {
        seed = seed * 1103515245u + 12345u;
        const std::size_t n = std::min<std::size_t>(1 + (seed >> 16) % 200, size - pos);
        framer.feed(std::span<const std::uint8_t>(data + pos, n), c, [&](std::span<const std::uint8_t> packet) {
            require(packet.size() >= 6 && std::memcmp(packet.data(), "HEP3", 4) == 0);
            require(((std::size_t{packet[4]} << 8) | packet[5]) == packet.size());
            framed += packet.size();
            check_parse(parser, packet);
        });
        pos += n;
    }
    require(framed + c.bytes_skipped + framer.buffered_bytes() == size);
    framer.finish(c);
    require(framer.buffered_bytes() == 0 && framed + c.bytes_skipped == size);
    return 0;
}
