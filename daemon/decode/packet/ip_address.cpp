#include "decode/packet/ip_address.hpp"

#include <arpa/inet.h>

namespace ringfence::decode::packet {

void ip_address::append_to(std::string& out) const {
    if (family == 4) {
        // Dotted quad written by hand: glibc's inet_ntop formats IPv4 with sprintf, a cost
        // paid for every call a capture decodes.
        for (std::size_t i = 0; i < 4; ++i) {
            if (i > 0) out += '.';
            const unsigned b = bytes[i];
            if (b >= 100) out += static_cast<char>('0' + b / 100);
            if (b >= 10) out += static_cast<char>('0' + b / 10 % 10);
            out += static_cast<char>('0' + b % 10);
        }
        return;
    }
    char text[INET6_ADDRSTRLEN] = {};
    if (family == 6) {
        ::inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
    }
    out += text;
}

bool ip_address::parse(std::string_view text, ip_address& out) {
    if (text.size() >= INET6_ADDRSTRLEN) return false;
    char buf[INET6_ADDRSTRLEN] = {};
    std::memcpy(buf, text.data(), text.size());
    ip_address a;
    if (::inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
        a.family = 4;
    } else if (::inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
        a.family = 6;
    } else {
        return false;
    }
    out = a;
    return true;
}

}  // namespace ringfence::decode::packet
