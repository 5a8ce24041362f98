#include "decode/smpp/smpp_stream_framer.hpp"

#include <cstring>

#include "decode/smpp/smpp_pdu.hpp"

namespace ringfence::decode::smpp {

namespace {

std::uint32_t be32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

smpp_stream_framer::header_check smpp_stream_framer::check_header(const std::uint8_t* p, std::size_t avail,
                                                                  std::size_t& length, framer_counters& c,
                                                                  bool counting) const noexcept {
    // command_length and command_id are enough to judge a header; both are needed before
    // anything is handed on, so a header split after 4 bytes waits for the next piece.
    if (avail < 8) return header_check::need_more;
    length = be32(p);
    const std::uint32_t id = be32(p + 4);
    if (length < header_size || length > limits_.max_pdu_bytes) {
        if (counting) ++c.bad_length;
        return header_check::garbage;
    }
    if (!is_known_command(id)) {
        if (counting) ++c.unknown_command;
        return header_check::garbage;
    }
    if (!resyncing_ || avail < 12) return header_check::complete;
    // While resynchronising, demand more of a real header: a request carries status 0.
    const std::uint32_t status = be32(p + 8);
    if ((id & command::response_bit) == 0 && status != 0) return header_check::garbage;
    return header_check::complete;
}

std::size_t smpp_stream_framer::skip_garbage(const std::uint8_t* p, std::size_t n, framer_counters& c) noexcept {
    // p is the first byte not yet ruled out as the start of a header.
    std::size_t i = 0;
    for (; i < n; ++i) {
        if (resync_skipped_ + i >= limits_.max_resync_bytes) {
            given_up_ = true;
            ++c.streams_given_up;
            c.bytes_skipped += i;
            c.bytes_dropped += n - i;
            resync_skipped_ += i;
            return n;
        }
        std::size_t length = 0;
        const header_check h = check_header(p + i, n - i, length, c, false);
        if (h == header_check::need_more) break;  // maybe a header; wait for more bytes
        if (h == header_check::complete) {
            resyncing_ = false;
            break;
        }
    }
    c.bytes_skipped += i;
    resync_skipped_ = resyncing_ ? resync_skipped_ + i : 0;
    return i;
}

void smpp_stream_framer::enter_resync(framer_counters& c) noexcept {
    resyncing_ = true;
    resync_skipped_ = 1;
    ++c.resyncs;
    ++c.bytes_skipped;
}

void smpp_stream_framer::reset() noexcept {
    buffer_.clear();
    start_ = 0;
    resyncing_ = false;
    resync_skipped_ = 0;
    given_up_ = false;
}

void smpp_stream_framer::compact() {
    if (start_ == 0) return;
    if (start_ == buffer_.size()) {
        buffer_.clear();
    } else {
        std::memmove(buffer_.data(), buffer_.data() + start_, buffer_.size() - start_);
        buffer_.resize(buffer_.size() - start_);
    }
    start_ = 0;
}

}  // namespace ringfence::decode::smpp
