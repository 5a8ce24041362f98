// Cuts HEP over TCP (HEP3 packets back to back, as heplify and Kamailio's siptrace send
// them) into packets by their total length. The bytes may arrive in any pieces. A stream
// that does not start with "HEP3" where a packet should (a capture agent that lost step,
// or something that is not HEP) is resynchronised at the next "HEP3", every skipped byte
// counted. Packets are at most 65535 bytes (the length field), so the buffer is bounded.
//
// A packet's chunks are followed as its bytes arrive, so a total length that is wrong costs
// that packet only, not the packets its length would swallow (up to 64 KiB of them): where
// the next packet's "HEP3" stands in place of a chunk, the length was too long, and the
// stream is read again from that "HEP3"; a chunk shorter than its header or running past
// the packet's end means the packet is not what its length says, and the stream is read
// again from the byte after the packet's first (its "HEP3" skipped). Either way the packet
// is dropped and counted (bad_packets), without waiting for the bytes its length promised
// (so over TCP a bad chunk is counted here, not by the parser's bad_chunk_length). A
// "HEP3" inside the dropped packet's payload is taken for the next packet, and checked as one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ringfence::decode::hep {

struct hep_framer_counters {
    std::uint64_t packets = 0;
    std::uint64_t resyncs = 0;        // times a packet did not start where one should
    std::uint64_t bytes_skipped = 0;  // bytes thrown away to find the next "HEP3"
    std::uint64_t bad_packets = 0;    // packets whose chunks do not fit their total length
    std::uint64_t cut_short = 0;      // a packet begun but not whole when the stream ended (finish)
    std::uint64_t chunk_headers_read = 0;  // the framer's work: each chunk header is read once
};

class hep_stream_framer {
  public:
    // Calls on_packet(std::span<const uint8_t>) for every whole packet (magic and length
    // checked; the rest is hep_parser's business). The span is valid only during the call.
    template <typename OnPacket>
    void feed(std::span<const std::uint8_t> bytes, hep_framer_counters& c, OnPacket&& on_packet) {
        buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
        std::size_t pos = 0;
        while (buffer_.size() - pos >= 6) {
            const std::uint8_t* p = buffer_.data() + pos;
            const std::size_t length = (std::size_t{p[4]} << 8) | p[5];
            if (!starts_with_magic(p) || length < 6) {
                const std::size_t skip = distance_to_magic(pos + 1);
                if (!in_resync_) ++c.resyncs;
                in_resync_ = true;
                c.bytes_skipped += skip;
                pos += skip;
                continue;
            }
            in_resync_ = false;
            // The chunks followed by an earlier feed are not followed again: a sender that
            // trickles a 64 KiB packet in tiny pieces costs each byte once.
            std::size_t at = walked_ != 0 ? walked_ : 6;
            walked_ = 0;
            std::size_t next_packet = 0;
            const frame_state state = check_frame(p, length, buffer_.size() - pos, at, next_packet, c.chunk_headers_read);
            if (state == frame_state::need_more) {
                walked_ = at;  // the packet moves to the buffer's front below
                break;
            }
            if (state != frame_state::whole) {
                ++c.bad_packets;
                // A broken packet's bytes may not all be here yet: those still to come are
                // skipped as part of it, not counted as another resync.
                in_resync_ = state == frame_state::broken;
                const std::size_t skip = state == frame_state::next_packet_inside ? next_packet : distance_to_magic(pos + 1);
                c.bytes_skipped += skip;
                pos += skip;
                continue;
            }
            ++c.packets;
            on_packet(std::span<const std::uint8_t>(p, length));
            pos += length;
        }
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(pos));
    }

    // The stream ended (the connection closed): a packet begun and not whole is counted
    // cut_short, and every byte left over is counted skipped. The framer is then empty.
    void finish(hep_framer_counters& c) noexcept {
        if (buffer_.size() >= 4 && starts_with_magic(buffer_.data())) ++c.cut_short;
        c.bytes_skipped += buffer_.size();
        reset();
    }

    void reset() noexcept {
        buffer_.clear();
        in_resync_ = false;
        walked_ = 0;
    }
    std::size_t buffered_bytes() const noexcept { return buffer_.size(); }

  private:
    enum class frame_state {
        whole,               // every chunk fits and all `length` bytes are here
        need_more,           // consistent so far: the rest has not arrived
        broken,              // a chunk shorter than its header, or past the packet's end
        next_packet_inside,  // "HEP3" where a chunk should begin, at next_packet
    };
    // Follows the chunks of the packet at p (total length `length`, `available` bytes of it
    // buffered) from offset `at`, a chunk's start, and leaves `at` where it stopped. Each
    // chunk: vendor (2 bytes), type (2), length (2, its header included).
    static frame_state check_frame(const std::uint8_t* p, std::size_t length, std::size_t available, std::size_t& at,
                                   std::size_t& next_packet, std::uint64_t& headers_read) noexcept;
    static bool starts_with_magic(const std::uint8_t* p) noexcept {
        return p[0] == 'H' && p[1] == 'E' && p[2] == 'P' && p[3] == '3';
    }
    // Bytes from the current position to the next possible "HEP3" at or after from; a
    // partial "HEP" at the end is kept for the next piece.
    std::size_t distance_to_magic(std::size_t from) const noexcept;

    std::vector<std::uint8_t> buffer_;
    bool in_resync_ = false;
    std::size_t walked_ = 0;  // the front packet's chunks are followed up to here (0: not yet)
};

}  // namespace ringfence::decode::hep
