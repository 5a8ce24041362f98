#include "decode/hep/hep_stream_framer.hpp"

namespace ringfence::decode::hep {

hep_stream_framer::frame_state hep_stream_framer::check_frame(const std::uint8_t* p, std::size_t length, std::size_t available,
                                                              std::size_t& at, std::size_t& next_packet,
                                                              std::uint64_t& headers_read) noexcept {
    constexpr std::size_t header = 6;  // "HEP3" and the total length; a chunk's header is as long
    while (at < length) {
        if (at + 4 <= available && starts_with_magic(p + at)) {
            next_packet = at;
            return frame_state::next_packet_inside;
        }
        if (length - at < header) return frame_state::broken;
        if (available < at + header) return frame_state::need_more;
        ++headers_read;
        const std::size_t chunk = (std::size_t{p[at + 4]} << 8) | p[at + 5];
        if (chunk < header || chunk > length - at) return frame_state::broken;
        at += chunk;
    }
    return available >= length ? frame_state::whole : frame_state::need_more;
}

std::size_t hep_stream_framer::distance_to_magic(std::size_t from) const noexcept {
    const std::size_t start = from - 1;  // the position being skipped
    std::size_t i = from;
    for (; i < buffer_.size(); ++i) {
        if (buffer_[i] != 'H') continue;
        // A whole "HEP3", or the start of one cut off by the end of the buffer.
        const std::size_t left = buffer_.size() - i;
        const char magic[] = "HEP3";
        bool match = true;
        for (std::size_t k = 1; k < 4 && k < left; ++k) match = match && buffer_[i + k] == static_cast<std::uint8_t>(magic[k]);
        if (match) break;
    }
    return i - start;
}

}  // namespace ringfence::decode::hep
