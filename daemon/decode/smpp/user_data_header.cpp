#include "decode/smpp/user_data_header.hpp"

namespace ringfence::decode::smpp {

std::string_view to_string(udh_error e) noexcept {
    switch (e) {
        case udh_error::none: return "";
        case udh_error::truncated: return "udh_truncated";
        case udh_error::bad_concat: return "udh_bad_concat";
    }
    return "";
}

udh_error parse_user_data_header(std::string_view ud, user_data_header& out) noexcept {
    out = user_data_header{};
    if (ud.empty()) return udh_error::truncated;
    const std::size_t udhl = static_cast<std::uint8_t>(ud[0]);
    if (udhl + 1 > ud.size()) return udh_error::truncated;
    out.length = udhl + 1;
    const auto octet = [&](std::size_t i) { return static_cast<std::uint8_t>(ud[i]); };
    std::size_t pos = 1;
    while (pos < out.length) {
        if (pos + 2 > out.length) return udh_error::truncated;
        const std::uint8_t iei = octet(pos);
        const std::size_t iedl = octet(pos + 1);
        pos += 2;
        if (pos + iedl > out.length) return udh_error::truncated;
        if (iei == 0x00 || iei == 0x08) {
            const std::size_t want = iei == 0x00 ? 3 : 4;
            if (iedl != want) return udh_error::bad_concat;
            concat_info c;
            c.reference = iei == 0x00 ? octet(pos) : static_cast<std::uint16_t>((octet(pos) << 8) | octet(pos + 1));
            c.total = octet(pos + want - 2);
            c.seqnum = octet(pos + want - 1);
            if (c.total == 0 || c.seqnum == 0 || c.seqnum > c.total) return udh_error::bad_concat;
            out.concat = c;  // 23.040: when an element repeats, the last one applies
        }
        pos += iedl;
    }
    return udh_error::none;
}

}  // namespace ringfence::decode::smpp
