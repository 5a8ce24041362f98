// Reassembles the bytes of TCP streams, each direction of a connection on its own, and hands
// them in order to a consumer, which says how many it used (an application message may end
// mid-segment or span several). Retransmitted bytes are trimmed, out-of-order segments held
// until the hole fills. Streams picked up mid-connection start at the first segment seen.
//
// Memory is bounded: at most max_streams directions are followed (a new one past that is
// counted and ignored); each holds at most max_stream_bytes (out-of-order plus unconsumed).
// A hole is waited for at most hole_timeout_us of packet time, and only while the held data
// stays under that cap: a segment the mirror lost is never sent again, and waiting for it
// would hide the rest of the connection. Then the bytes in the hole are lost: the stream
// skips to the held data (counted as a gap), the consumer is told to resynchronise, and each
// held segment is handed on with its own capture time. Held data is also handed on, after a
// skipped gap, when its stream goes idle for idle_timeout_us (packet time), ends (FIN, RST)
// or the capture ends (flush): it is decoded, never dropped unseen. A stream that ends inside
// a message (its last bytes never completed it) is counted as cut short.
// The consumer sees the bytes zero-copy when nothing was held back.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "decode/packet/packet_counters.hpp"
#include "decode/packet/transport_packet.hpp"

namespace ringfence::decode::packet {

struct tcp_stream_settings {
    std::size_t max_streams = 65536;
    std::size_t max_stream_bytes = 256 * 1024;
    std::int64_t idle_timeout_us = 300'000'000;
    std::int64_t hole_timeout_us = 1'000'000;  // longer than the mirror's reordering, shorter than a caller's patience
};

struct stream_key {
    ip_address src;
    ip_address dst;
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    bool operator==(const stream_key&) const = default;
};

// Hash of a stream key, for tables keyed by connection direction.
struct stream_key_hash {
    std::size_t operator()(const stream_key& k) const noexcept;
};

// What a consumer remembers about the unused bytes of one stream between calls, so that a
// message arriving in many small segments is scanned once, not once per segment (which an
// attacker could make quadratic). Offsets are into the unused bytes; the table keeps it with
// them and clears it when they are all used or dropped.
struct stream_cursor {
    std::size_t line_start = 0;  // where the last incomplete line starts
    std::size_t scanned = 0;     // bytes already searched for its end
    std::size_t need = 0;        // nothing can be framed before this many bytes are there
    // Bytes still to pass over before the next message (the rest of a body too long to
    // hold): kept from one delivery to the next while the stream stays in step, cleared
    // at a gap or an overflow.
    std::uint64_t discard = 0;
    // Forgets the notes about unused bytes, keeping discard.
    void restart() noexcept { *this = stream_cursor{0, 0, 0, discard}; }
};

class tcp_stream_consumer {
  public:
    virtual ~tcp_stream_consumer() = default;
    // In-order bytes of one stream direction; returns how many were used (the rest is offered
    // again with more appended). `segment` is the packet that made them available; `cursor`
    // is the consumer's own note about the unused bytes, relative to what it did not use.
    virtual std::size_t on_stream_data(const transport_packet& segment, std::string_view bytes,
                                       stream_cursor& cursor) = 0;
    // Bytes were lost before what comes next: drop any partial message.
    virtual void on_stream_gap(const transport_packet& segment) = 0;
};

class tcp_stream_table {
  public:
    tcp_stream_table(tcp_stream_settings settings, packet_counters& counters);

    void on_segment(const transport_packet& segment, tcp_stream_consumer& consumer);
    // Skips holes older than hole_timeout_us and drops idle streams (handing on their held
    // data first), at now_us of packet time.
    void expire(std::int64_t now_us, tcp_stream_consumer& consumer);
    // Packet time moved on without a segment (other traffic of the capture): expires, at most
    // once a second of packet time, as a segment would. Idle streams then time out on a link
    // that carries UDP alone after them.
    void tick(std::int64_t now_us, tcp_stream_consumer& consumer);
    // The capture ended: every stream's held data is handed on, and a message still
    // unfinished is counted (tcp_streams_cut_short) and dropped.
    void flush(tcp_stream_consumer& consumer);
    // True when the segment's stream direction is being followed.
    bool follows(const transport_packet& segment) const {
        return streams_.count(
                   stream_key{segment.src, segment.dst, segment.src_port, segment.dst_port}) != 0;
    }
    std::size_t streams() const noexcept { return streams_.size(); }

  private:
    struct stream {
        std::uint32_t next_seq = 0;
        std::string pending;                         // in order, not yet used by the consumer
        stream_cursor cursor;                        // the consumer's note about pending
        struct held_segment {
            std::string bytes;
            std::int64_t time_us = 0;  // when it was captured
        };
        std::map<std::uint32_t, held_segment> ahead;  // out of order, by sequence number
        std::size_t ahead_bytes = 0;
        std::int64_t last_us = 0;
        std::list<stream_key>::iterator age;  // position in age_ (least recent first)
    };
    using table = std::unordered_map<stream_key, stream, stream_key_hash>;

    void deliver(stream& s, const transport_packet& segment, std::string_view data,
                 tcp_stream_consumer& consumer);
    void drain_ahead(stream& s, const transport_packet& segment, tcp_stream_consumer& consumer);
    void skip_gap(stream& s, const transport_packet& segment, tcp_stream_consumer& consumer);
    // skip_gap for a stream no segment of its own is at hand for (expiry, flush).
    void skip_gap_of(const stream_key& key, stream& s, std::int64_t now_us, tcp_stream_consumer& consumer);
    void erase(table::iterator it);
    void count_if_cut_short(const stream& s);

    tcp_stream_settings settings_;
    packet_counters& counters_;
    table streams_;
    std::list<stream_key> age_;
    std::int64_t last_expire_us_ = 0;
};

}  // namespace ringfence::decode::packet
