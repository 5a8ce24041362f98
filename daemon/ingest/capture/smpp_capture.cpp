#include "ingest/capture/smpp_capture.hpp"

#include <fmt/format.h>

#include "common/json_writer.hpp"
#include "ingest/capture/capture_pipeline.hpp"

namespace ringfence::ingest::capture {

namespace {

void append_number(std::string& out, const char* name, const model::number_info& n) {
    if (!n.present) return;
    out += ",\"";
    out += name;
    out += "\":";
    common::append_json_string(out, n.e164.empty() ? n.raw : n.e164);
}

// A whole bind_receiver / bind_transmitter / bind_transceiver request, status 0, of a
// plausible size, at the start of the segment: how an SMPP session starts. The segment may
// hold more after it (an ESME often sends its first submit_sm in the same segment). Its
// last byte ends address_range, a C-string: 0.
bool looks_like_bind(std::string_view p) {
    if (p.size() < 16) return false;
    auto u32 = [&](std::size_t at) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(p[at])) << 24 | static_cast<std::uint32_t>(static_cast<unsigned char>(p[at + 1])) << 16 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(p[at + 2])) << 8 | static_cast<std::uint32_t>(static_cast<unsigned char>(p[at + 3]));
    };
    const std::uint32_t length = u32(0), id = u32(4), status = u32(8);
    return length <= p.size() && length >= 23 && length <= 512 && status == 0 && (id == 1 || id == 2 || id == 9) && p[length - 1] == 0;
}

}  // namespace

void append_sms_record_line(std::string& out, const model::record& r) {
    out += "{\"id\":";
    common::append_json_string(out, r.id);
    out += ",\"kind\":";
    common::append_json_string(out, model::to_string(r.kind));
    out += fmt::format(",\"time\":{}", r.time_ms);
    // A brandname sender is not given as the caller: the wire parser takes it from
    // sms.sender as a brandname, whatever punctuation it holds ("Tiki*").
    if (!(r.sms.sender_is_alpha && r.caller.raw == r.sms.sender)) append_number(out, "caller", r.caller);
    append_number(out, "callee", r.callee);
    out += ",\"origin\":{";
    bool first = true;
    auto field = [&](const char* name, std::string_view v) {
        if (v.empty()) return;
        out += first ? "\"" : ",\"";
        first = false;
        out += name;
        out += "\":";
        common::append_json_string(out, v);
    };
    if (r.origin.kind != model::origin_kind::unspecified) field("kind", model::to_string(r.origin.kind));
    field("trunk", r.origin.trunk);
    field("ip", r.origin.ip);
    out += "},\"sms\":{\"sender\":";
    common::append_json_string(out, r.sms.sender);
    // TON 5 says brandname even when the sender holds no letter ("8088").
    if (r.sms.sender_is_alpha) out += ",\"sender_alphanumeric\":true";
    out += ",\"text\":";
    common::append_json_string(out, r.sms.text);
    out += fmt::format(",\"parts\":{}}}", r.sms.parts);
    for (const auto& x : r.extra) {
        out += ",";
        common::append_json_string(out, x.name);
        out += ':';
        if (x.type == model::extra_field::json_type::string) common::append_json_string(out, x.text);
        else out += x.text;  // already JSON
    }
    out += '}';
}

smpp_capture::smpp_capture(const decode::smpp::smpp_settings& settings, const std::vector<std::uint16_t>& ports,
                           const decode::packet::tcp_stream_settings& tcp, const model::numbering_plan& plan,
                           decode::packet::packet_counters& packet_counters, capture_record_handler& handler)
    : idle_timeout_us_(tcp.idle_timeout_us),
      max_sessions_(tcp.max_streams),
      handler_(handler),
      decoder_(settings, plan, [this](model::record& r) { emit(r); }),
      streams_(tcp, packet_counters) {
    for (const auto p : ports) ports_.set(p);
}

smpp_capture::connection smpp_capture::orient(const decode::packet::transport_packet& s, bool& from_esme) const {
    const connection forward{s.src, s.dst, s.src_port, s.dst_port};
    // The SMSC listens on the SMPP port: the other end opened the connection. Off those
    // ports, the side that sent the bind is the ESME.
    from_esme = is_smpp_port(s.src_port) || is_smpp_port(s.dst_port) ? !is_smpp_port(s.src_port) : detected_.count(forward) != 0;
    return from_esme ? forward : connection{s.dst, s.src, s.dst_port, s.src_port};
}

bool smpp_capture::on_packet(const decode::packet::transport_packet& packet) {
    if (packet.protocol != decode::packet::ip_protocol_tcp) return false;
    if (!is_smpp_port(packet.src_port) && !is_smpp_port(packet.dst_port)) {
        const bool bind = looks_like_bind(packet.payload);
        if (detected_.empty() && !bind) return false;
        const connection forward{packet.src, packet.dst, packet.src_port, packet.dst_port};
        const connection backward{packet.dst, packet.src, packet.dst_port, packet.src_port};
        if (!detected_.count(forward) && !detected_.count(backward)) {
            if (!bind || detected_.size() >= max_sessions_) return false;
            detected_.insert(forward);
        }
    }
    streams_.on_segment(packet, *this);
    return true;
}

smpp_capture::session_entry& smpp_capture::session_for(const decode::packet::transport_packet& s, decode::smpp::stream_side& side) {
    bool from_esme = true;
    const connection c = orient(s, from_esme);
    side = from_esme ? decode::smpp::stream_side::initiator : decode::smpp::stream_side::responder;
    auto it = sessions_.find(c);
    if (it == sessions_.end()) {
        if (sessions_.size() >= max_sessions_) {
            // At the cap the least recently active session ends (its partial PDUs are dropped).
            auto oldest = sessions_.begin();
            for (auto i = sessions_.begin(); i != sessions_.end(); ++i)
                if (i->second.last_us < oldest->second.last_us) oldest = i;
            oldest->second.session.on_closed();
            sessions_.erase(oldest);
            ++sessions_evicted_;
        }
        it = sessions_.emplace(c, session_entry{decode::smpp::smpp_session(decoder_, {c.src.to_string(), c.src_port, c.dst.to_string(), c.dst_port}), 0})
                 .first;
    }
    it->second.last_us = s.time_us;
    return it->second;
}

std::size_t smpp_capture::on_stream_data(const decode::packet::transport_packet& segment, std::string_view bytes, decode::packet::stream_cursor&) {
    decode::smpp::stream_side side;
    session_entry& e = session_for(segment, side);
    // The session keeps partial PDUs itself, so every byte is used.
    e.session.on_bytes(side, {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, segment.time_us);
    return bytes.size();
}

void smpp_capture::on_stream_gap(const decode::packet::transport_packet& segment) {
    decode::smpp::stream_side side;
    session_for(segment, side).session.on_gap(side);
}

void smpp_capture::expire(std::int64_t now_us) {
    streams_.expire(now_us, *this);
    decoder_.expire(now_us);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        if (now_us - it->second.last_us > idle_timeout_us_) {
            it->second.session.on_closed();
            detected_.erase(it->first);
            it = sessions_.erase(it);
        } else {
            ++it;
        }
    }
}

void smpp_capture::flush() {
    streams_.flush(*this);  // data held behind a hole, decoded first
    decoder_.flush();
}

void smpp_capture::emit(model::record& r) { handler_.on_sms_record(r); }

std::string smpp_capture::summary() {
    return fmt::format("{} smpp_sessions={} smpp_sessions_evicted={}", decoder_.counters().summary(), sessions_.size(), sessions_evicted_);
}

}  // namespace ringfence::ingest::capture
