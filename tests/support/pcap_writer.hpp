// Writes real pcap files with libpcap (pcap_open_dead + pcap_dump), so capture tests read
// what tcpdump would have written.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ringfence::test {

struct timed_frame {
    std::int64_t time_us = 0;
    std::vector<unsigned char> bytes;
};

inline void write_pcap(const std::string& path, int link_type,
                       const std::vector<timed_frame>& frames) {
    pcap_t* dead = pcap_open_dead(link_type, 262144);
    pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
    if (dumper == nullptr) {
        const std::string why = pcap_geterr(dead);
        pcap_close(dead);
        throw std::runtime_error("pcap_dump_open " + path + ": " + why);
    }
    for (const auto& f : frames) {
        pcap_pkthdr h{};
        h.ts.tv_sec = static_cast<time_t>(f.time_us / 1'000'000);
        h.ts.tv_usec = static_cast<suseconds_t>(f.time_us % 1'000'000);
        h.caplen = static_cast<bpf_u_int32>(f.bytes.size());
        h.len = h.caplen;
        pcap_dump(reinterpret_cast<u_char*>(dumper), &h, f.bytes.data());
    }
    pcap_dump_close(dumper);
    pcap_close(dead);
}

}  // namespace ringfence::test
