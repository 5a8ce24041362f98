#include "decode/packet/tcp_stream_table.hpp"

namespace ringfence::decode::packet {

namespace {

constexpr std::int64_t expire_every_us = 1'000'000;

// Signed distance from b to a in sequence space (RFC 1982 arithmetic).
std::int32_t seq_diff(std::uint32_t a, std::uint32_t b) noexcept {
    return static_cast<std::int32_t>(a - b);
}

}  // namespace

std::size_t stream_key_hash::operator()(const stream_key& k) const noexcept {
    std::uint64_t h = 1469598103934665603ULL;
    h = hash_mix(h, k.src.bytes.data(), k.src.size());
    h = hash_mix(h, k.dst.bytes.data(), k.dst.size());
    const unsigned char ports[4] = {
        static_cast<unsigned char>(k.src_port), static_cast<unsigned char>(k.src_port >> 8),
        static_cast<unsigned char>(k.dst_port), static_cast<unsigned char>(k.dst_port >> 8)};
    return hash_mix(h, ports, sizeof ports);
}

tcp_stream_table::tcp_stream_table(tcp_stream_settings settings, packet_counters& counters)
    : settings_(settings), counters_(counters) {}

// Bytes the consumer left unused when its stream ends are a message cut short (a single
// CRLF, half of a keepalive, is not), and so is a body it was still passing over.
void tcp_stream_table::count_if_cut_short(const stream& s) {
    if (s.pending.find_first_not_of("\r\n \t") != std::string::npos || s.cursor.discard > 0) ++counters_.tcp_streams_cut_short;
}

void tcp_stream_table::erase(table::iterator it) {
    count_if_cut_short(it->second);
    age_.erase(it->second.age);
    streams_.erase(it);
}

void tcp_stream_table::tick(std::int64_t now_us, tcp_stream_consumer& consumer) {
    if (!streams_.empty() && (now_us - last_expire_us_ >= expire_every_us || now_us < last_expire_us_)) expire(now_us, consumer);
}

void tcp_stream_table::on_segment(const transport_packet& segment, tcp_stream_consumer& consumer) {
    tick(segment.time_us, consumer);
    const stream_key key{segment.src, segment.dst, segment.src_port, segment.dst_port};
    const bool syn = (segment.tcp_flags & tcp_flag_syn) != 0;
    const bool closing = (segment.tcp_flags & (tcp_flag_fin | tcp_flag_rst)) != 0;
    auto it = streams_.find(key);
    if (it == streams_.end()) {
        if (segment.payload.empty() && !syn)
            return;  // a bare ACK or FIN of a stream we never followed
        if (streams_.size() >= settings_.max_streams) {
            counters_.drop(drop_reason::tcp_stream_table_full);
            return;
        }
        it = streams_.emplace(key, stream{}).first;
        it->second.next_seq = syn ? segment.tcp_seq + 1 : segment.tcp_seq;
        it->second.age = age_.insert(age_.end(), key);
    } else if (syn && it->second.pending.empty() && it->second.ahead.empty()) {
        it->second.next_seq = segment.tcp_seq + 1;  // a new connection reusing the ports
        it->second.cursor = {};                     // nothing of the old one is passed over
    }
    stream& s = it->second;
    s.last_us = segment.time_us;
    age_.splice(age_.end(), age_, s.age);

    std::string_view data = segment.payload;
    std::uint32_t seq = syn ? segment.tcp_seq + 1 : segment.tcp_seq;
    if (!data.empty()) {
        const std::int32_t diff = seq_diff(seq, s.next_seq);
        if (diff < 0) {
            const std::size_t old = static_cast<std::size_t>(-static_cast<std::int64_t>(diff));
            const std::size_t trimmed = old < data.size() ? old : data.size();
            counters_.tcp_retransmitted_bytes += trimmed;
            data.remove_prefix(trimmed);
            seq += static_cast<std::uint32_t>(trimmed);
        }
        if (!data.empty()) {
            if (seq == s.next_seq) {
                deliver(s, segment, data, consumer);
                drain_ahead(s, segment, consumer);
            } else {
                ++counters_.tcp_out_of_order_segments;
                auto [slot, inserted] = s.ahead.try_emplace(seq);
                if (inserted) slot->second.time_us = segment.time_us;
                if (inserted || slot->second.bytes.size() < data.size()) {
                    s.ahead_bytes += data.size() - slot->second.bytes.size();
                    slot->second.bytes.assign(data);
                } else {
                    counters_.tcp_retransmitted_bytes += data.size();
                }
                // The first held segment after the hole dates it. Holding more than the
                // stream's memory allows is a limit hit (counted as one), not only a gap.
                const bool over_cap = s.ahead_bytes + s.pending.size() > settings_.max_stream_bytes;
                if (over_cap || segment.time_us - s.ahead.begin()->second.time_us >= settings_.hole_timeout_us) {
                    const std::uint64_t overflows_before = counters_.tcp_stream_overflows;
                    skip_gap(s, segment, consumer);
                    // Once: delivering the held bytes may have hit the limit (and counted it) again.
                    if (over_cap && counters_.tcp_stream_overflows == overflows_before) ++counters_.tcp_stream_overflows;
                }
            }
        }
    }
    if (closing) {
        // Data still held out of order will never be completed: hand it on, then end.
        if (!s.ahead.empty()) skip_gap(s, segment, consumer);
        erase(it);
    }
}

void tcp_stream_table::deliver(stream& s, const transport_packet& segment, std::string_view data,
                               tcp_stream_consumer& consumer) {
    s.next_seq += static_cast<std::uint32_t>(data.size());
    if (s.pending.empty()) {
        s.cursor.restart();
        const std::size_t used = consumer.on_stream_data(segment, data, s.cursor);
        if (used < data.size()) s.pending.assign(data.substr(used));
    } else {
        s.pending.append(data);
        const std::size_t used = consumer.on_stream_data(segment, s.pending, s.cursor);
        s.pending.erase(0, used);
    }
    if (s.pending.empty()) s.cursor.restart();
    if (s.pending.size() > settings_.max_stream_bytes) {
        // The consumer cannot frame a message this long: start again at the next bytes.
        ++counters_.tcp_stream_overflows;
        s.pending.clear();
        s.cursor = {};
        consumer.on_stream_gap(segment);
    }
}

void tcp_stream_table::drain_ahead(stream& s, const transport_packet& segment,
                                   tcp_stream_consumer& consumer) {
    while (!s.ahead.empty()) {
        auto first = s.ahead.begin();
        const std::int32_t diff = seq_diff(first->first, s.next_seq);
        if (diff > 0) break;  // still a hole before it
        std::string held = std::move(first->second.bytes);
        // Handed on as the packet that brought it: its records carry its capture time.
        transport_packet held_packet = segment;
        held_packet.time_us = first->second.time_us;
        s.ahead_bytes -= held.size();
        s.ahead.erase(first);
        const std::size_t old = static_cast<std::size_t>(-static_cast<std::int64_t>(diff));
        if (old >= held.size()) {
            counters_.tcp_retransmitted_bytes += held.size();
            continue;
        }
        counters_.tcp_retransmitted_bytes += old;
        deliver(s, held_packet, std::string_view(held).substr(old), consumer);
    }
}

void tcp_stream_table::skip_gap(stream& s, const transport_packet& segment,
                                tcp_stream_consumer& consumer) {
    ++counters_.tcp_gaps_skipped;
    s.pending.clear();
    s.cursor = {};
    consumer.on_stream_gap(segment);
    s.next_seq = s.ahead.begin()->first;
    drain_ahead(s, segment, consumer);
}

void tcp_stream_table::skip_gap_of(const stream_key& key, stream& s, std::int64_t now_us,
                                   tcp_stream_consumer& consumer) {
    transport_packet at;
    at.time_us = now_us;
    at.protocol = ip_protocol_tcp;
    at.src = key.src;
    at.dst = key.dst;
    at.src_port = key.src_port;
    at.dst_port = key.dst_port;
    skip_gap(s, at, consumer);
}

void tcp_stream_table::expire(std::int64_t now_us, tcp_stream_consumer& consumer) {
    last_expire_us_ = now_us;
    // Holes that outlived their wait, on streams that have gone quiet since.
    for (auto& [key, s] : streams_) {
        if (!s.ahead.empty() && now_us - s.ahead.begin()->second.time_us >= settings_.hole_timeout_us)
            skip_gap_of(key, s, now_us, consumer);
    }
    while (!age_.empty()) {
        auto it = streams_.find(age_.front());
        if (now_us - it->second.last_us <= settings_.idle_timeout_us) break;
        ++counters_.tcp_streams_timed_out;
        erase(it);
    }
}

void tcp_stream_table::flush(tcp_stream_consumer& consumer) {
    for (auto& [key, s] : streams_) {
        if (!s.ahead.empty()) skip_gap_of(key, s, s.last_us, consumer);
        // The capture ended: what is still unused will never be completed.
        count_if_cut_short(s);
        s.pending.clear();
        s.cursor = {};
    }
}

}  // namespace ringfence::decode::packet
