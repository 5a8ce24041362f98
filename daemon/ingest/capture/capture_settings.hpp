// The capture: section of the configuration: where packets come from (live interfaces) and
// how they become records (SIP ports, peer origins, memory caps and timeouts). Replays of
// files (`ringfence replay`) use the same settings, so a replay decodes as the daemon does.
#pragma once

#include <string>
#include <vector>

#include "decode/packet/ip_fragment_reassembler.hpp"
#include "decode/sip/peer_origin_map.hpp"
#include "decode/sip/sip_capture_decoder.hpp"
#include "decode/sip/sip_dialog_table.hpp"
#include "decode/smpp/smpp_decoder.hpp"

namespace ringfence::ingest::capture {

struct live_settings {
    std::vector<std::string> interfaces;  // capture.interfaces; empty: no live capture
    std::string bpf_filter;  // capture.bpf_filter (tcpdump syntax); empty: every packet
    int snaplen = 65535;
    int buffer_mb = 256;    // the kernel ring each interface gets
    bool immediate = true;  // deliver each packet at once instead of in blocks
    int read_timeout_ms = 100;
};

struct capture_settings {
    bool enabled = false;  // capture.enabled: live capture in ringfenced (needs CAP_NET_RAW)
    live_settings live;
    decode::sip::sip_capture_settings sip;
    decode::packet::fragment_settings fragments;
    decode::sip::dialog_settings dialogs;
    std::vector<decode::sip::peer_range> peers;
    model::origin_kind default_origin_kind = model::origin_kind::unspecified;
    // SMPP: TCP to or from these ports is read as SMPP (smpp.ports), decoded with smpp.*.
    std::vector<std::uint16_t> smpp_ports{2775};
    decode::smpp::smpp_settings smpp;
    // HEP3 datagrams in the capture are decoded as the SIP they carry. Set by `ringfence
    // replay` for files (a pcap of what agents sent to a collector); never for live capture:
    // the daemon takes HEP on its listener (ingest.hep), and reading it off the wire as well
    // would decide each mirrored call twice; nor would a captured packet's auth key be checked.
    bool hep_on_wire = false;
};

}  // namespace ringfence::ingest::capture
