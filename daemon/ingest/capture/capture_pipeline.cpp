#include "ingest/capture/capture_pipeline.hpp"

#include <fmt/format.h>

#include <limits>

#include "decode/packet/link_type.hpp"
#include "decode/sip/call_record_line.hpp"

namespace ringfence::ingest::capture {

capture_pipeline::capture_pipeline(const capture_settings& settings, capture_record_handler& handler,
                                   decode::sip::sip_message_observer* observer, const model::numbering_plan* plan)
    : settings_(settings),
      handler_(handler),
      origins_(settings.peers, settings.default_origin_kind),
      dialogs_(settings.dialogs, origins_, sip_counters_, *this),
      sip_(settings.sip, packet_counters_, sip_counters_, dialogs_, observer) {
    if (plan) smpp_.emplace(settings.smpp, settings.smpp_ports, settings.sip.tcp, *plan, packet_counters_, handler);
    dialogs_.use_plan(plan);
}

bool capture_pipeline::begin_source(int link_type, std::string& error) {
    if (!decode::packet::is_supported_link_type(link_type)) {
        error = fmt::format(
            "link type {} is not supported (Ethernet, Linux SLL/SLL2, raw IP, BSD loopback are)",
            link_type);
        return false;
    }
    decoder_ = std::make_unique<decode::packet::packet_decoder>(link_type, settings_.fragments,
                                                                packet_counters_);
    dialogs_.restart_clock();  // the next file of a replay may lie before the last
    return true;
}

void capture_pipeline::on_frame(const unsigned char* frame, std::size_t caplen,
                                std::int64_t time_us) {
    // Fragment timeouts follow the capture's own clock, so a file replays as the live link
    // ran: a datagram that never completes is given up (and counted) once a second of
    // packets has passed its timeout, not only when another fragment happens to arrive.
    // (Dialogs keep a clock of their own that one stray timestamp cannot move far.)
    if (decoder_ && time_us - last_fragment_expiry_us_ >= fragment_expiry_interval_us) {
        last_fragment_expiry_us_ = time_us;
        decoder_->expire(time_us);
    }
    if (!decoder_ || !decoder_->decode(frame, caplen, time_us, packet_)) return;
    if (smpp_ && smpp_->on_packet(packet_)) return;
    // No SIP message begins with "HEP3": a datagram that does is a mirror an agent sent to a
    // collector, captured on its way (any port: agents send to 9060, 9061 or their own).
    if (packet_.protocol == decode::packet::ip_protocol_udp && packet_.payload.starts_with("HEP3")) {
        if (settings_.hep_on_wire) on_captured_hep(packet_.payload, packet_.time_us);
        else ++hep_.ignored;  // live: the daemon's HEP listener takes it (counted, so it is seen)
        return;
    }
    sip_.on_packet(packet_);
}

namespace {

decode::packet::ip_address from_hep(const decode::hep::ip_address& a) {
    return a.family == decode::hep::family_ipv4 ? decode::packet::ip_address::v4(a.bytes.data())
                                                : decode::packet::ip_address::v6(a.bytes.data());
}

}  // namespace

// The SIP inside goes on as the HEP listener's does (on_mirrored_sip): with the addresses,
// transport and capture time the agent reported, so origin.ip is the SIP peer, not the
// agent. The auth key is not checked: it guards the listener against forged packets, and
// these were only watched on the wire.
void capture_pipeline::on_captured_hep(std::string_view datagram, std::int64_t frame_us) {
    decode::hep::hep_packet p;
    const decode::hep::hep_error e =
        hep_parser_.parse(std::span(reinterpret_cast<const std::uint8_t*>(datagram.data()), datagram.size()), p);
    if (e != decode::hep::hep_error::none) {
        ++hep_.errors[static_cast<std::size_t>(e)];
        return;
    }
    ++hep_.packets;
    if (p.protocol_type != decode::hep::protocol::sip) {
        ++hep_.other;
        return;
    }
    ++hep_.sip;
    bool corrected = false;
    hep_packet_.time_us = decode::hep::message_time_us(p, frame_us, corrected);
    hep_.clock_corrected += corrected ? 1 : 0;
    hep_packet_.protocol = p.ip_protocol;
    hep_packet_.src = from_hep(p.source);
    hep_packet_.dst = from_hep(p.destination);
    hep_packet_.src_port = p.source_port;
    hep_packet_.dst_port = p.destination_port;
    hep_packet_.payload = p.payload;
    sip_.on_mirrored_message(hep_packet_);
}

void capture_pipeline::on_mirrored_sip(const decode::packet::transport_packet& packet) {
    ++packet_counters_.packets;
    packet_counters_.bytes += packet.payload.size();
    // The transport the mirror says the message travelled on.
    if (packet.protocol == decode::packet::ip_protocol_tcp) {
        ++packet_counters_.tcp_segments;
    } else {
        ++packet_counters_.udp_datagrams;
    }
    sip_.on_mirrored_message(packet);
}

void capture_pipeline::idle(std::int64_t now_us) {
    if (decoder_) decoder_->expire(now_us);
    sip_.expire(now_us);
    if (smpp_) smpp_->expire(now_us);
}

void capture_pipeline::finish() {
    // The end of the input: datagrams still missing fragments will never complete.
    if (decoder_) decoder_->expire(std::numeric_limits<std::int64_t>::max() / 2);
    sip_.finish();
    if (smpp_) smpp_->flush();
}

void capture_pipeline::on_call_event(const decode::sip::call_event& event) { handler_.on_call_event(event); }

void record_line_handler::on_call_event(const decode::sip::call_event& event) {
    line_.clear();
    decode::sip::append_record_line(line_, event);
    on_record_line(line_, event.time_us / 1000);
}

void record_line_handler::on_sms_record(const model::record& sms) {
    line_.clear();
    append_sms_record_line(line_, sms);
    on_record_line(line_, sms.time_ms);
}

std::string capture_pipeline::summary() const {
    std::string out = fmt::format("{} {} open_dialogs={} tcp_streams={}", packet_counters_.summary(),
                                  sip_counters_.summary(), dialogs_.open_calls(), sip_.tcp_streams());
    if (smpp_) out += " " + smpp_->summary();
    std::uint64_t hep_errors = 0;
    for (const auto n : hep_.errors) hep_errors += n;
    if (hep_.ignored != 0) out += fmt::format(" hep_ignored={}", hep_.ignored);
    if (hep_.packets != 0 || hep_errors != 0) {
        out += fmt::format(" hep_packets={} hep_sip={} hep_other={} hep_clock_corrected={} hep_errors{{", hep_.packets, hep_.sip, hep_.other,
                           hep_.clock_corrected);
        bool first = true;
        for (std::size_t i = 0; i < hep_.errors.size(); ++i) {
            if (hep_.errors[i] == 0) continue;
            out += fmt::format("{}{}={}", first ? "" : " ", decode::hep::to_string(static_cast<decode::hep::hep_error>(i)), hep_.errors[i]);
            first = false;
        }
        out += "}";
    }
    return out;
}

}  // namespace ringfence::ingest::capture
