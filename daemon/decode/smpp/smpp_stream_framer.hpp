// Cuts one direction of an SMPP TCP connection into PDUs by command_length. The bytes may
// arrive in any pieces (one byte at a time, several PDUs at once); the framer copies only
// what it must keep across pieces.
//
// Garbage (a command_length below 16 or above max_pdu_bytes, or an unknown command_id)
// means the stream is out of step: a capture that started mid-PDU, a lost segment, or
// something that is not SMPP. The framer then skips forward one byte at a time until a
// plausible header (known command_id, length in bounds, a request with command_status 0 or
// a response) starts, counting each resync and every skipped byte. A stream that stays out
// of step for max_resync_bytes is given up: further bytes are dropped and counted until
// reset(), which the capture layer calls when the TCP connection closes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ringfence::decode::smpp {

struct framer_counters {
    std::uint64_t pdus = 0;
    std::uint64_t bad_length = 0;       // command_length < 16 or > max_pdu_bytes
    std::uint64_t unknown_command = 0;  // a header whose command_id is not SMPP
    std::uint64_t resyncs = 0;          // times the framer lost step and looked for the next header
    std::uint64_t bytes_skipped = 0;    // bytes thrown away while resynchronising
    std::uint64_t streams_given_up = 0;
    std::uint64_t bytes_dropped = 0;    // bytes after giving up
};

class smpp_stream_framer {
  public:
    struct limits {
        std::size_t max_pdu_bytes = 64 * 1024;    // v3.4 allows 64 KiB message_payload
        std::size_t max_resync_bytes = 64 * 1024;
    };

    smpp_stream_framer() : smpp_stream_framer(limits{}) {}
    explicit smpp_stream_framer(limits l) : limits_(l) {}

    // Feeds the next piece of the stream; calls on_pdu(std::span<const uint8_t>) for every
    // complete PDU, in order. The span is valid only during the call.
    template <typename OnPdu>
    void feed(std::span<const std::uint8_t> bytes, framer_counters& c, OnPdu&& on_pdu);

    void reset() noexcept;
    // After lost bytes the next byte is not known to start a header: check the next one as
    // strictly as while resynchronising (a request must carry command_status 0).
    void expect_resync() noexcept { resyncing_ = true; }
    bool given_up() const noexcept { return given_up_; }
    std::size_t buffered_bytes() const noexcept { return buffer_.size() - start_; }

  private:
    enum class header_check { complete, need_more, garbage };
    header_check check_header(const std::uint8_t* p, std::size_t avail, std::size_t& length, framer_counters& c,
                              bool counting) const noexcept;
    // Skips garbage in [p, p+n): returns how many bytes to drop before the next plausible header.
    std::size_t skip_garbage(const std::uint8_t* p, std::size_t n, framer_counters& c) noexcept;
    void enter_resync(framer_counters& c) noexcept;
    void compact();

    limits limits_;
    std::vector<std::uint8_t> buffer_;  // bytes kept across pieces: buffer_[start_..]
    std::size_t start_ = 0;
    bool resyncing_ = false;
    std::size_t resync_skipped_ = 0;  // bytes skipped in the current resync
    bool given_up_ = false;
};

template <typename OnPdu>
void smpp_stream_framer::feed(std::span<const std::uint8_t> bytes, framer_counters& c, OnPdu&& on_pdu) {
    if (given_up_) {
        c.bytes_dropped += bytes.size();
        return;
    }
    // Fast path: nothing kept from earlier pieces, so whole PDUs are handed out in place.
    const std::uint8_t* p = bytes.data();
    std::size_t n = bytes.size();
    if (buffer_.size() == start_) {
        while (n > 0 && !given_up_) {
            if (resyncing_) {
                const std::size_t skip = skip_garbage(p, n, c);
                p += skip;
                n -= skip;
                if (resyncing_) break;  // still looking; what is left is a possible header start
            }
            std::size_t length = 0;
            const header_check h = check_header(p, n, length, c, true);
            if (h == header_check::garbage) {
                enter_resync(c);
                ++p;  // the bad header's first byte
                --n;
                continue;
            }
            if (h == header_check::need_more || n < length) break;
            ++c.pdus;
            on_pdu(std::span<const std::uint8_t>(p, length));
            p += length;
            n -= length;
        }
        if (given_up_) {
            c.bytes_dropped += n;
            return;
        }
        buffer_.assign(p, p + n);
        start_ = 0;
        return;
    }
    buffer_.insert(buffer_.end(), p, p + n);
    while (buffer_.size() > start_ && !given_up_) {
        const std::uint8_t* q = buffer_.data() + start_;
        std::size_t avail = buffer_.size() - start_;
        if (resyncing_) {
            const std::size_t skip = skip_garbage(q, avail, c);
            start_ += skip;
            if (resyncing_) break;
            q += skip;
            avail -= skip;
        }
        std::size_t length = 0;
        const header_check h = check_header(q, avail, length, c, true);
        if (h == header_check::garbage) {
            enter_resync(c);
            ++start_;  // the bad header's first byte
            continue;
        }
        if (h == header_check::need_more || avail < length) break;
        ++c.pdus;
        on_pdu(std::span<const std::uint8_t>(q, length));
        start_ += length;
    }
    if (given_up_) {
        c.bytes_dropped += buffer_.size() - start_;
        buffer_.clear();
        start_ = 0;
        return;
    }
    compact();
}

}  // namespace ringfence::decode::smpp
