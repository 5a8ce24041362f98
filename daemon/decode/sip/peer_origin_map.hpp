// Which kind of ingress a SIP peer is: CIDR ranges of peer addresses mapped to an origin kind
// and trunk name (from the capture.origins config); the longest matching prefix wins and
// an address no range holds gets the default kind with no trunk.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "decode/packet/ip_address.hpp"
#include "model/record.hpp"

namespace ringfence::decode::sip {

struct peer_range {
    packet::ip_address network;
    int prefix_length = 0;
    model::origin_kind kind = model::origin_kind::unspecified;
    std::string trunk;
};

// "203.0.113.0/24" or "2001:db8::/32" (a bare address is a /32 or /128). False with a
// message when the text is not a CIDR range.
bool parse_cidr(std::string_view text, packet::ip_address& network, int& prefix_length,
                std::string& error);

class peer_origin_map {
  public:
    peer_origin_map() = default;
    peer_origin_map(std::vector<peer_range> ranges, model::origin_kind default_kind);

    struct match {
        model::origin_kind kind;
        std::string_view trunk;  // empty for the default
    };
    match find(const packet::ip_address& address) const noexcept;

  private:
    std::vector<peer_range> ranges_;  // longest prefix first
    model::origin_kind default_kind_ = model::origin_kind::unspecified;
};

}  // namespace ringfence::decode::sip
