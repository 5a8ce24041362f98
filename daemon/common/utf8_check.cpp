#include "common/utf8_check.hpp"

namespace ringfence::common {

std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t len = utf8_sequence_length(text, i);
        if (len == 0) return i;
        i += len;
    }
    return std::nullopt;
}

}  // namespace ringfence::common
