#include "decode/sip/sip_capture_decoder.hpp"

#include <algorithm>

#include "decode/sip/sip_parser.hpp"

namespace ringfence::decode::sip {

sip_capture_decoder::sip_capture_decoder(const sip_capture_settings& settings,
                                         packet::packet_counters& packet_counters,
                                         sip_counters& counters, sip_dialog_table& dialogs,
                                         sip_message_observer* observer)
    : detect_any_port_(settings.detect_any_port),
      max_stream_bytes_(settings.tcp.max_stream_bytes),
      counters_(counters),
      dialogs_(dialogs),
      observer_(observer),
      streams_(settings.tcp, packet_counters) {
    for (std::uint16_t port : settings.ports) ports_.set(port);
}

void sip_capture_decoder::deliver(const sip_message& message,
                                  const packet::transport_packet& packet) {
    ++counters_.messages;
    if (message.is_request)
        ++counters_.requests;
    else
        ++counters_.responses;
    if (message.junk_skipped > 0) ++counters_.junk_prefixed;
    // RFC 3261 18.3 calls a datagram whose body is shorter than its Content-Length an error;
    // its headers, all a decision needs, are whole, so it is decoded and counted.
    if (packet.protocol != packet::ip_protocol_tcp && message.has_content_length && message.body.size() < message.content_length)
        ++counters_.short_bodies;
    if (message.bad_content_length) ++counters_.bad_content_length;
    if (observer_ != nullptr) observer_->on_sip_message(message, packet);
    dialogs_.on_message(message, packet);
}

void sip_capture_decoder::on_mirrored_message(const packet::transport_packet& packet) {
    ++counters_.payloads_tried;
    if (packet.protocol != packet::ip_protocol_tcp) {
        parse_datagram(packet);
        return;
    }
    // A TCP payload may hold several messages (an agent mirrors what one segment carried):
    // each is framed by its Content-Length; what is left after the last whole one is read
    // as a datagram (a message whose end the agent did not send is decoded from its headers).
    std::string_view rest = packet.payload;
    while (!rest.empty()) {
        const parse_outcome r = parse_sip_message(rest, true, message_, parties(), this);
        if (r.result == parse_result::message) {
            deliver(message_, packet);
        } else if (r.result == parse_result::keepalive) {
            ++counters_.keepalives;
        } else {
            packet::transport_packet tail = packet;
            tail.payload = rest;
            parse_datagram(tail);
            return;
        }
        rest.remove_prefix(r.consumed);
    }
}

void sip_capture_decoder::on_packet(const packet::transport_packet& packet) {
    if (packet.protocol == packet::ip_protocol_udp) {
        streams_.tick(packet.time_us, *this);
        const bool on_port = on_sip_port(packet);
        if (!on_port && !(detect_any_port_ && looks_like_sip(packet.payload))) return;
        ++counters_.payloads_tried;
        parse_datagram(packet);
        return;
    }
    if (packet.protocol == packet::ip_protocol_tcp) {
        if (on_sip_port(packet) ||
            (detect_any_port_ && (streams_.follows(packet) || looks_like_sip(packet.payload)))) {
            streams_.on_segment(packet, *this);
        }
    }
}

void sip_capture_decoder::parse_datagram(const packet::transport_packet& packet) {
    const parse_outcome r = parse_sip_message(packet.payload, false, message_, parties(), this);
    switch (r.result) {
        case parse_result::message:
            deliver(message_, packet);
            break;
        case parse_result::keepalive:
            ++counters_.keepalives;
            break;
        case parse_result::malformed:
            ++counters_.malformed;
            break;
        case parse_result::not_sip:
        case parse_result::incomplete:
            ++counters_.not_sip;
            break;
    }
}

std::size_t sip_capture_decoder::on_stream_data(const packet::transport_packet& segment,
                                                std::string_view bytes,
                                                packet::stream_cursor& cursor) {
    ++counters_.payloads_tried;
    // The rest of a body too long to hold (below): passed over, then framing goes on.
    std::size_t skipped = 0;
    if (cursor.discard > 0) {
        skipped = static_cast<std::size_t>(std::min<std::uint64_t>(cursor.discard, bytes.size()));
        cursor.discard -= skipped;
        counters_.bytes_passed_over += skipped;
        if (skipped == bytes.size()) return skipped;
        cursor.restart();
    }
    return skipped + frame_stream(segment, bytes.substr(skipped), cursor);
}

std::size_t sip_capture_decoder::frame_stream(const packet::transport_packet& segment, std::string_view bytes,
                                              packet::stream_cursor& cursor) {
    // Bytes held from before: parse again only once what the last attempt lacked is there,
    // so a message sent a few bytes per segment is scanned once, not once per segment.
    if (cursor.need > bytes.size()) return 0;
    if (cursor.need == 0 && cursor.scanned > 0 && bytes.size() <= max_header_bytes &&
        find_header_end(bytes, cursor.line_start, cursor.scanned) == std::string_view::npos) {
        return 0;
    }
    cursor = {};
    std::size_t used = 0;
    while (used < bytes.size()) {
        const std::string_view rest = bytes.substr(used);
        const parse_outcome r = parse_sip_message(rest, true, message_, parties(), this);
        if (r.result == parse_result::message) {
            deliver(message_, segment);
            used += r.consumed;
            continue;
        }
        if (r.result == parse_result::keepalive) {
            ++counters_.keepalives;
            used += r.consumed;
            continue;
        }
        if (r.result == parse_result::incomplete) {
            // Note what is missing, relative to the bytes left unused.
            std::size_t line_start = 0;
            std::size_t scanned = 0;
            const std::size_t header_end = find_header_end(rest, line_start, scanned);
            if (header_end == std::string_view::npos) {
                cursor.line_start = line_start;
                cursor.scanned = scanned;
                break;
            }
            // A Content-Length the stream could never hold (max_tcp_stream_bytes) is
            // malformed: waiting for it would overflow the stream and lose every message
            // after it. Its body (at most sip_parser's max_body_bytes: a larger length is
            // malformed at parse, not believed, and resynchronised below) is passed over by
            // its length, so the next message is found where it starts whatever the body's
            // last bytes are.
            const std::uint64_t framed = header_end + static_cast<std::uint64_t>(message_.content_length);
            if (framed <= max_stream_bytes_) {
                cursor.need = static_cast<std::size_t>(framed);
                break;
            }
            ++counters_.malformed;
            if (framed <= rest.size()) {
                counters_.bytes_passed_over += framed;
                used += static_cast<std::size_t>(framed);
                continue;
            }
            counters_.bytes_passed_over += rest.size();
            cursor.discard = framed - rest.size();
            return bytes.size();
        }
        // Not a message start (HTTP on the SIP port, the middle of a message after a
        // gap), or a message that cannot be framed: skip to the next line that starts
        // like SIP, keeping a last partial line.
        if (r.result == parse_result::malformed || r.result == parse_result::incomplete)
            ++counters_.malformed;
        else
            ++counters_.not_sip;
        ++counters_.stream_resyncs;
        std::size_t next = bytes.find('\n', used);
        while (next != std::string_view::npos && !looks_like_sip(bytes.substr(next + 1))) {
            next = bytes.find('\n', next + 1);
        }
        // Binary junk (a TLS record on the SIP port) may run straight into the next
        // message with no line break: a request or status line found inside it wins.
        if (const std::size_t start = find_start_line(bytes, used + 1); start != std::string_view::npos && (next == std::string_view::npos || start < next + 1)) {
            used = start;
            continue;
        }
        if (next == std::string_view::npos) {
            const std::size_t last_line = bytes.rfind('\n');
            return last_line == std::string_view::npos || last_line < used ? bytes.size()
                                                                           : last_line + 1;
        }
        used = next + 1;
    }
    return used;
}

std::size_t sip_capture_decoder::find_start_line(std::string_view bytes, std::size_t from) noexcept {
    std::size_t best = bytes.find("SIP/2.0 ", from);
    for (const std::string_view scheme : {std::string_view(" sip:"), std::string_view(" sips:"), std::string_view(" tel:")}) {
        for (std::size_t at = bytes.find(scheme, from); at != std::string_view::npos && at < best; at = bytes.find(scheme, at + 1)) {
            // The whole upper-case token before the URI, not its tail: a request line that
            // starts before `from` (the one that just failed to parse) is not found again
            // as "NVITE sip:", "VITE sip:"... (each would be parsed and counted again).
            std::size_t method = at;
            while (method > 0 && bytes[method - 1] >= 'A' && bytes[method - 1] <= 'Z') --method;
            if (method < at && method >= from) {  // an upper-case token right before the URI: a method
                best = std::min(best, method);
                break;
            }
        }
    }
    return best;
}

void sip_capture_decoder::on_stream_gap(const packet::transport_packet&) {
    ++counters_.stream_resyncs;
}

void sip_capture_decoder::expire(std::int64_t now_us) {
    streams_.expire(now_us, *this);
    dialogs_.idle(now_us);
}

void sip_capture_decoder::finish() {
    streams_.flush(*this);
    dialogs_.finish();
}

}  // namespace ringfence::decode::sip
