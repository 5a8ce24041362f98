// The user data header (3GPP TS 23.040 section 9.2.3.24) at the start of a short message
// whose esm_class has UDHI set: its length, and the concatenation element if there is one
// (IEI 0x00 with an 8-bit reference, IEI 0x08 with a 16-bit one). Other elements are
// stepped over by their length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ringfence::decode::smpp {

struct concat_info {
    std::uint16_t reference = 0;
    std::uint8_t total = 0;   // parts in the message, 1..255
    std::uint8_t seqnum = 0;  // this part, 1..total
};

struct user_data_header {
    std::size_t length = 0;  // octets the header takes, its length octet (UDHL) included
    std::optional<concat_info> concat;
};

enum class udh_error : std::uint8_t {
    none,
    truncated,        // UDHL or an element runs past the user data
    bad_concat,       // a concatenation element of the wrong size, or total 0, or seqnum 0 or above total
};
std::string_view to_string(udh_error e) noexcept;

udh_error parse_user_data_header(std::string_view user_data, user_data_header& out) noexcept;

}  // namespace ringfence::decode::smpp
