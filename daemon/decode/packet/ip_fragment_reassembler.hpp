// Reassembles fragmented IPv4 and IPv6 datagrams (SIP over UDP is often larger than the MTU).
// Keyed by (source, destination, identification, protocol) as RFC 791 / RFC 8200 say.
// Memory is bounded: a datagram may not pass 65535 bytes, at most max_datagrams are in
// reassembly and at most max_bytes buffered in all; a datagram whose fragments do not all
// arrive within timeout_us (packet time) is given up and counted. A new datagram that
// finds the table full takes the place of the oldest one (given up, counted as
// fragment_table_full): first fragments that never complete, a flood of them, must not
// keep every later fragmented message out. Overlapping fragments
// are written in arrival order (the later copy wins), as Linux does.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "decode/packet/ip_address.hpp"
#include "decode/packet/packet_counters.hpp"

namespace ringfence::decode::packet {

struct fragment_settings {
    std::size_t max_datagrams = 4096;
    std::size_t max_bytes = 16 * 1024 * 1024;
    std::int64_t timeout_us = 30'000'000;  // RFC 791 suggests 15 s as a minimum; Linux uses 30 s
};

struct fragment_key {
    ip_address src;
    ip_address dst;
    std::uint32_t id = 0;
    std::uint8_t protocol = 0;
    bool operator==(const fragment_key&) const = default;
};

class ip_fragment_reassembler {
  public:
    explicit ip_fragment_reassembler(fragment_settings settings, packet_counters& counters);

    // One fragment's payload at byte offset `offset` of the datagram's payload; `more` is the
    // MF flag. Returns the reassembled upper-layer payload when this fragment completes it
    // (valid until the next call), else an empty view with `completed` false.
    std::string_view add(const fragment_key& key, std::size_t offset, bool more,
                         std::string_view payload, std::int64_t now_us, bool& completed);

    // Gives up datagrams older than the timeout. Called by add() at most once per second of
    // packet time; a live source with no traffic calls it from its idle tick.
    void expire(std::int64_t now_us);

    std::size_t datagrams_in_progress() const noexcept { return table_.size(); }
    std::size_t bytes_buffered() const noexcept { return bytes_; }

  private:
    struct key_hash {
        std::size_t operator()(const fragment_key& k) const noexcept;
    };
    struct datagram {
        std::string data;
        std::vector<std::pair<std::size_t, std::size_t>>
            have;               // received [begin, end), sorted, merged
        std::size_t total = 0;  // payload length, known once the last fragment (MF=0) arrived
        bool total_known = false;
        std::int64_t first_us = 0;
        std::size_t accounted = 0;  // bytes of max_bytes this datagram holds
        std::list<fragment_key>::iterator age;  // position in age_
    };

    void release(std::unordered_map<fragment_key, datagram, key_hash>::iterator it);

    fragment_settings settings_;
    packet_counters& counters_;
    std::unordered_map<fragment_key, datagram, key_hash> table_;
    std::list<fragment_key> age_;  // oldest first: the one a full table gives up for a new datagram
    std::size_t bytes_ = 0;
    std::int64_t last_expire_us_ = 0;
    std::string completed_;
};

}  // namespace ringfence::decode::packet
