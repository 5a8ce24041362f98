// Test-only: the TCP and UDP payloads of a small capture file, for feeding the SMPP and HEP
// decoders in tests. Ethernet, IPv4, TCP and UDP only, no fragments, TCP payloads taken in
// file order (no reassembly): enough for the shared captures these tests read. The real
// capture layer (daemon/decode/packet, daemon/ingest/capture) is another branch's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pcap_test {

struct segment {
    int frame = 0;             // 1-based, as tshark numbers frames
    std::int64_t time_us = 0;  // capture timestamp, Unix microseconds
    bool tcp = false;          // else UDP
    std::string src_ip, dst_ip;
    std::uint16_t src_port = 0, dst_port = 0;
    std::vector<std::uint8_t> payload;
};

// The payload-carrying TCP and UDP segments of a pcap file, in order; nullopt with error
// set when the file cannot be opened.
std::optional<std::vector<segment>> read_segments(const std::string& path, std::string& error);

}  // namespace pcap_test
