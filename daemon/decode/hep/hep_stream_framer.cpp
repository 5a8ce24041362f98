#include "decode/hep/hep_stream_framer.hpp"

namespace ringfence::decode::hep {

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
