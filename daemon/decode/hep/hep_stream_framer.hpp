// Cuts HEP over TCP (HEP3 packets back to back, as heplify and Kamailio's siptrace send
// them) into packets by their total length. The bytes may arrive in any pieces. A stream
// that does not start with "HEP3" where a packet should (a capture agent that lost step,
// or something that is not HEP) is resynchronised at the next "HEP3", every skipped byte
// counted. Packets are at most 65535 bytes (the length field), so the buffer is bounded.
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
            if (buffer_.size() - pos < length) break;
            ++c.packets;
            on_packet(std::span<const std::uint8_t>(p, length));
            pos += length;
        }
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(pos));
    }

    void reset() noexcept {
        buffer_.clear();
        in_resync_ = false;
    }
    std::size_t buffered_bytes() const noexcept { return buffer_.size(); }

  private:
    static bool starts_with_magic(const std::uint8_t* p) noexcept {
        return p[0] == 'H' && p[1] == 'E' && p[2] == 'P' && p[3] == '3';
    }
    // Bytes from the current position to the next possible "HEP3" at or after from; a
    // partial "HEP" at the end is kept for the next piece.
    std::size_t distance_to_magic(std::size_t from) const noexcept;

    std::vector<std::uint8_t> buffer_;
    bool in_resync_ = false;
};

}  // namespace ringfence::decode::hep
