#include "pcap_test_reader.hpp"

#include <pcap/pcap.h>

#include <cstdio>

namespace pcap_test {

namespace {

std::string ipv4_text(const std::uint8_t* p) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
    return buf;
}

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

}  // namespace

std::optional<std::vector<segment>> read_segments(const std::string& path, std::string& error) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* handle = pcap_open_offline(path.c_str(), errbuf);
    if (handle == nullptr) {
        error = errbuf;
        return std::nullopt;
    }
    if (pcap_datalink(handle) != DLT_EN10MB) {
        error = "not an Ethernet capture";
        pcap_close(handle);
        return std::nullopt;
    }
    std::vector<segment> out;
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    int frame = 0;
    while (pcap_next_ex(handle, &header, &data) == 1) {
        ++frame;
        const std::uint32_t len = header->caplen;
        if (len < 14 + 20 || be16(data + 12) != 0x0800) continue;
        const std::uint8_t* ip = data + 14;
        const std::size_t ihl = (ip[0] & 0x0F) * 4u;
        const std::size_t ip_total = be16(ip + 2);
        if ((ip[0] >> 4) != 4 || ihl < 20 || 14 + ip_total > len || ip_total < ihl) continue;
        const std::uint8_t proto = ip[9];
        const std::uint8_t* l4 = ip + ihl;
        const std::size_t l4_len = ip_total - ihl;
        segment s;
        s.frame = frame;
        s.time_us = static_cast<std::int64_t>(header->ts.tv_sec) * 1'000'000 + header->ts.tv_usec;
        s.src_ip = ipv4_text(ip + 12);
        s.dst_ip = ipv4_text(ip + 16);
        std::size_t l4_header = 0;
        if (proto == 6 && l4_len >= 20) {
            s.tcp = true;
            l4_header = (l4[12] >> 4) * 4u;
        } else if (proto == 17 && l4_len >= 8) {
            l4_header = 8;
        } else {
            continue;
        }
        if (l4_header > l4_len) continue;
        s.src_port = be16(l4);
        s.dst_port = be16(l4 + 2);
        s.payload.assign(l4 + l4_header, l4 + l4_len);
        if (!s.payload.empty()) out.push_back(std::move(s));
    }
    pcap_close(handle);
    return out;
}

}  // namespace pcap_test
