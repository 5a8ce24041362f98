#include "decode/packet/ip_address.hpp"

#include <arpa/inet.h>

namespace ringfence::decode::packet {

void ip_address::append_to(std::string& out) const {
    char text[INET6_ADDRSTRLEN] = {};
    if (family == 4) {
        ::inet_ntop(AF_INET, bytes.data(), text, sizeof text);
    } else if (family == 6) {
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
