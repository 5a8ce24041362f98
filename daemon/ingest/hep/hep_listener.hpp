// The HEP listener: HEP v3 over UDP and over TCP (127.0.0.1 by default, both off unless
// configured: ingest.hep.udp / ingest.hep.tcp), as Kamailio, OpenSIPS, FreeSWITCH,
// heplify and captagent send it. Every packet is parsed (decode/hep), rejected packets are
// counted by reason, and each SIP payload (protocol type 1) is handed to the sip_handler
// with the addresses, transport and capture time the agent reported. Other payload types
// (RTCP, logs, ...) are counted and not handed on.
//
// The hand-off is a callback so the SIP decoder (another branch: daemon/decode/sip) plugs in
// without this file knowing it. The handler runs on the listener's strand: never two calls
// at once, whatever io_threads is. Decisions on mirrored traffic are passive: nobody waits
// for a reply, so the listener never answers a HEP sender.
#pragma once

#include <utility>  // Boost 1.74 Asio misses it under C++20 with g++ 12

#include <boost/asio.hpp>
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <chrono>
#include <string_view>

#include "decode/hep/hep_packet.hpp"

namespace ringfence::ingest {

struct hep_listener_settings {
    bool udp_enabled = false;
    std::string udp_host = "127.0.0.1";
    std::uint16_t udp_port = 9060;  // 0: any free port (see udp_port())
    bool tcp_enabled = false;
    std::string tcp_host = "127.0.0.1";
    std::uint16_t tcp_port = 9060;
    // When set, a packet whose auth key chunk is absent or differs is dropped and counted.
    std::string auth_key;
    std::size_t max_connections = 64;
    // When all max_connections places are taken, a new connection takes the place of the one
    // that has sent nothing for longest, if that is at least this long, so stalled or
    // abandoned connections cannot lock agents out. 0: never (a new one is refused).
    std::chrono::seconds tcp_idle_timeout{300};
    std::size_t max_inflated_bytes = decode::hep::hep_parser::default_max_inflated_bytes;
};

// One SIP message as a capture agent mirrored it. Valid only during the handler call.
struct hep_sip_message {
    std::string_view payload;  // the SIP message bytes
    std::string source_ip;     // of the SIP packet, as the agent saw it
    std::uint16_t source_port = 0;
    std::string destination_ip;
    std::uint16_t destination_port = 0;
    std::uint8_t ip_protocol = 0;  // the SIP transport: 17 UDP, 6 TCP, 132 SCTP (0 unknown)
    std::int64_t time_us = 0;      // the agent's capture time, Unix microseconds (the arrival's when over a minute off)
    std::uint32_t capture_agent_id = 0;
    std::string_view correlation_id;
    std::string_view agent;        // "ip:port" of the HEP sender
};

struct hep_counters {
    std::atomic<std::uint64_t> datagrams{0};
    std::atomic<std::uint64_t> tcp_connections_accepted{0};
    std::atomic<std::uint64_t> tcp_connections_refused{0};
    std::atomic<std::uint64_t> tcp_accept_failures{0};  // out of descriptors or memory
    std::atomic<std::uint64_t> tcp_bytes{0};
    std::atomic<std::uint64_t> tcp_resyncs{0};
    std::atomic<std::uint64_t> tcp_bytes_skipped{0};
    std::atomic<std::uint64_t> tcp_bad_packets{0};  // chunks that do not fit the packet's total length (hep_stream_framer)
    std::atomic<std::uint64_t> tcp_cut_short{0};    // a packet begun and not whole when its connection closed
    std::atomic<std::uint64_t> tcp_idle_closed{0};  // connections quiet for tcp_idle_timeout closed to make room for a new one
    std::atomic<std::uint64_t> packets{0};            // parsed whole
    std::atomic<std::uint64_t> sip_payloads{0};       // handed to the SIP handler
    std::atomic<std::uint64_t> other_payloads{0};     // RTCP, logs and other protocol types: not handed on
    std::atomic<std::uint64_t> compressed_payloads{0};
    std::atomic<std::uint64_t> auth_failed{0};
    std::atomic<std::uint64_t> clock_corrected{0};  // SIP the agent stamped over a minute from its arrival: taken at the arrival
    std::array<std::atomic<std::uint64_t>, decode::hep::hep_error_count> errors{};  // by hep_error

    std::uint64_t total_errors() const;
    // "hep.packets=… hep.sip=… hep.errors{bad_magic=…} …" for the stats log line (never the auth key).
    std::string summary() const;
};

class hep_listener {
  public:
    using sip_handler = std::function<void(const hep_sip_message&)>;

    hep_listener(boost::asio::io_context& io, hep_listener_settings settings, sip_handler handler, hep_counters& counters);
    ~hep_listener();

    // Binds what is enabled. Returns an error message (empty on success).
    std::string start();
    // Called on the strand once a second while the listener runs, packets or not, so the
    // handler's timeouts (calls that never end) come on time when agents fall quiet.
    void on_idle(std::function<void()> idle) { idle_ = std::move(idle); }
    // Closes the sockets and every TCP connection; safe from any thread.
    void stop();

    std::uint16_t udp_port() const { return bound_udp_port_; }
    std::uint16_t tcp_port() const { return bound_tcp_port_; }

  private:
    class tcp_connection;
    void receive_udp();
    void accept_tcp();
    void handle_packet(std::span<const std::uint8_t> bytes, std::string_view agent);
    void arm_idle();
    // At max_connections: closes the connection quiet longest if it has been quiet for
    // tcp_idle_timeout, so a new one can take its place. False when none has.
    bool make_room();

    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    hep_listener_settings settings_;
    sip_handler handler_;
    hep_counters& counters_;
    decode::hep::hep_parser parser_;  // used on the strand only
    std::optional<boost::asio::ip::udp::socket> udp_;
    std::optional<boost::asio::ip::tcp::acceptor> tcp_;
    std::uint16_t bound_udp_port_ = 0;
    std::uint16_t bound_tcp_port_ = 0;
    std::array<std::uint8_t, 65536> datagram_{};
    boost::asio::ip::udp::endpoint datagram_sender_;
    std::set<std::shared_ptr<tcp_connection>> connections_;  // on the strand
    std::atomic<bool> stopped_{false};
    std::function<void()> idle_;
    std::optional<boost::asio::steady_timer> idle_timer_;  // on the strand
    boost::asio::steady_timer accept_pause_{strand_};      // after a failed accept
};

}  // namespace ringfence::ingest
