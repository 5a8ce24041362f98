// libFuzzer target for the L2-L4 decoder and everything after it that reads packet bytes:
// fragment and TCP stream reassembly, the SIP parser and the dialog table. The first input
// byte picks the link type; the rest is a sequence of frames, each prefixed by a 2-byte
// length, with packet times one millisecond apart (so timeouts fire too). Checks, beyond
// "no crash": every frame is decoded, dropped with a reason, or held as a fragment; every
// payload lies inside the frame or the reassembler's buffer and fits in a datagram; caps
// hold (small ones, so the fuzzer reaches them).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "decode/packet/link_type.hpp"
#include "decode/packet/packet_decoder.hpp"
#include "decode/sip/call_record_line.hpp"
#include "decode/sip/sip_capture_decoder.hpp"
#include "decode/sip/sip_dialog_table.hpp"

namespace {

using namespace ringfence::decode;

void require(bool condition) {
    if (!condition) std::abort();
}

constexpr int link_types[] = {packet::link_type::ethernet,   packet::link_type::linux_sll,
                              packet::link_type::linux_sll2, packet::link_type::raw_ip,
                              packet::link_type::null_bsd,   packet::link_type::loop_bsd,
                              packet::link_type::ipv4,       packet::link_type::ipv6};

class line_checker final : public sip::call_event_sink {
  public:
    void on_call_event(const sip::call_event& e) override {
        line.clear();
        sip::append_record_line(line, e);
        require(line.find('\n') == std::string::npos);
        require(!e.call_id.empty());
    }
    std::string line;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const int link = link_types[data[0] % (sizeof link_types / sizeof link_types[0])];
    packet::packet_counters counters;
    packet::fragment_settings fragments;
    fragments.max_datagrams = 8;
    fragments.max_bytes = 64 * 1024;
    fragments.timeout_us = 5'000;
    packet::packet_decoder decoder(link, fragments, counters);

    sip::sip_counters sip_counters;
    sip::peer_origin_map origins;
    line_checker sink;
    sip::dialog_settings dialogs;
    dialogs.max_dialogs = 16;
    dialogs.unanswered_timeout_us = 20'000;
    dialogs.answered_timeout_us = 60'000'000;
    sip::sip_dialog_table table(dialogs, origins, sip_counters, sink);
    sip::sip_capture_settings settings;
    settings.tcp.max_streams = 8;
    settings.tcp.max_stream_bytes = 4096;
    settings.tcp.idle_timeout_us = 30'000;
    sip::sip_capture_decoder sip_decoder(settings, counters, sip_counters, table);

    std::size_t pos = 1;
    std::int64_t time_us = 1'000'000;
    packet::transport_packet out;
    while (pos + 2 <= size) {
        const std::size_t n =
            std::min<std::size_t>((std::size_t{data[pos]} << 8) | data[pos + 1], size - pos - 2);
        pos += 2;
        const unsigned char* frame = data + pos;
        pos += n;
        time_us += 1000;
        const std::uint64_t drops = counters.dropped();
        const std::uint64_t held = counters.fragments;
        if (decoder.decode(frame, n, time_us, out)) {
            require(out.payload.size() <= 65535);
            require(out.protocol == packet::ip_protocol_udp ||
                    out.protocol == packet::ip_protocol_tcp);
            sip_decoder.on_packet(out);
        } else {
            require(counters.dropped() > drops || counters.fragments > held);
        }
        require(sip_decoder.tcp_streams() <= settings.tcp.max_streams);
        require(table.size() <= dialogs.max_dialogs);
    }
    sip_decoder.expire(time_us + 100'000'000);
    require(table.open_calls() == 0);
    return 0;
}
