// The HEP listener end to end: real UDP and TCP sockets on 127.0.0.1, real HEP3 packets sent
// by the test (crafted ones and the first packet of the shared hep.pcap), SIP payloads
// handed to the handler with the agent's addresses and time (the arrival's, when the
// agent's lies over a minute from it), everything else counted.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <utility>  // Boost 1.74 Asio misses it under C++20 with g++ 12

#include <boost/asio.hpp>
#include <array>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "decode/hep_test_packets.hpp"
#include "ingest/hep/hep_listener.hpp"

namespace asio = boost::asio;
using namespace ringfence::ingest;
using hep_test::bytes;

namespace {

const std::string invite = "INVITE sip:+84912345678@example.net SIP/2.0\r\nCall-ID: a1@test\r\n\r\n";

struct received {
    std::string payload, source_ip, destination_ip, agent, correlation_id;
    std::uint16_t source_port = 0, destination_port = 0;
    std::uint8_t ip_protocol = 0;
    std::int64_t time_us = 0;
    std::uint32_t capture_agent_id = 0;
};

// A listener on its own io thread, and what its handler got.
class running_listener {
  public:
    explicit running_listener(hep_listener_settings s)
        : listener_(io_, std::move(s), [this](const hep_sip_message& m) { on_sip(m); }, counters_) {
        REQUIRE(listener_.start().empty());
        thread_ = std::thread([this] { io_.run(); });
    }
    ~running_listener() {
        listener_.stop();
        io_.stop();
        thread_.join();
    }

    // Waits until the handler has had n messages or the counted packets/errors reach the
    // given totals (at most 5 s).
    bool wait_for(const std::function<bool()>& done) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return done(); });
    }
    std::vector<received> messages() {
        std::lock_guard lock(mutex_);
        return messages_;
    }
    std::size_t message_count() {
        return messages_.size();  // called under the wait's lock
    }

    hep_counters& counters() { return counters_; }
    hep_listener& listener() { return listener_; }

  private:
    void on_sip(const hep_sip_message& m) {
        std::lock_guard lock(mutex_);
        messages_.push_back({std::string(m.payload), m.source_ip, m.destination_ip, std::string(m.agent),
                             std::string(m.correlation_id), m.source_port, m.destination_port, m.ip_protocol, m.time_us,
                             m.capture_agent_id});
        changed_.notify_all();
    }

    asio::io_context io_;
    hep_counters counters_;
    hep_listener listener_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<received> messages_;
};

hep_listener_settings udp_and_tcp() {
    hep_listener_settings s;
    s.udp_enabled = true;
    s.udp_port = 0;
    s.tcp_enabled = true;
    s.tcp_port = 0;
    return s;
}

void send_udp(std::uint16_t port, const bytes& b) {
    asio::io_context io;
    asio::ip::udp::socket sock(io, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
    sock.send_to(asio::buffer(b), asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

std::int64_t wall_clock_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Polls a counter (the handler is not called for rejected packets).
bool eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 500; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

}  // namespace

TEST_CASE("HEP over UDP: a SIP packet from a test sender reaches the handler with its addresses and time") {
    running_listener l(udp_and_tcp());
    REQUIRE(l.listener().udp_port() != 0);
    // Stamped 20 s before now (an agent's clock a little behind, a mirror's delay): kept.
    const auto agent_s = static_cast<std::uint32_t>(wall_clock_us() / 1'000'000 - 20);
    send_udp(l.listener().udp_port(), hep_test::sip_ipv4_head(agent_s, 123'456).text(0x11, "corr-9").text(15, invite).build());
    REQUIRE(l.wait_for([&] { return l.message_count() == 1; }));
    const auto m = l.messages()[0];
    CHECK(m.payload == invite);
    CHECK(m.source_ip == "192.0.2.10");
    CHECK(m.source_port == 5060);
    CHECK(m.destination_ip == "198.51.100.5");
    CHECK(m.destination_port == 5080);
    CHECK(m.ip_protocol == 17);
    CHECK(m.time_us == std::int64_t{agent_s} * 1'000'000 + 123'456);
    CHECK(m.capture_agent_id == 2001);
    CHECK(m.correlation_id == "corr-9");
    CHECK(m.agent.rfind("127.0.0.1:", 0) == 0);
    CHECK(l.counters().datagrams == 1);
    CHECK(l.counters().sip_payloads == 1);
    CHECK(l.counters().clock_corrected == 0);

    // An agent a day ahead (a clock set wrong): the message is taken when it arrived.
    const std::int64_t before_us = wall_clock_us();
    send_udp(l.listener().udp_port(), hep_test::sip_ipv4_head(static_cast<std::uint32_t>(agent_s + 86'400), 0).text(15, invite).build());
    REQUIRE(l.wait_for([&] { return l.message_count() == 2; }));
    const std::int64_t after_us = wall_clock_us();
    const auto skewed = l.messages()[1];
    CHECK(skewed.time_us >= before_us);
    CHECK(skewed.time_us <= after_us);
    CHECK(l.counters().clock_corrected == 1);
    CHECK(l.counters().summary().find("hep.clock_corrected=1") != std::string::npos);
}

TEST_CASE("HEP over UDP: malformed packets and non-SIP payloads are counted, never handed on") {
    running_listener l(udp_and_tcp());
    const std::uint16_t port = l.listener().udp_port();
    send_udp(port, {'H', 'E', 'P', '2', 0, 6});
    send_udp(port, hep_test::sip_ipv4_head().build());  // no payload
    send_udp(port, hep_test::sip_ipv4_head(1795834800, 0, 5).text(15, "{\"type\":200}").build());  // RTCP as JSON
    send_udp(port, hep_test::sip_ipv4_head().text(15, invite).build());
    REQUIRE(l.wait_for([&] { return l.message_count() == 1; }));
    REQUIRE(eventually([&] { return l.counters().datagrams == 4; }));
    CHECK(l.counters().errors[static_cast<std::size_t>(ringfence::decode::hep::hep_error::bad_magic)] == 1);
    CHECK(l.counters().errors[static_cast<std::size_t>(ringfence::decode::hep::hep_error::missing_chunk)] == 1);
    CHECK(l.counters().other_payloads == 1);
    CHECK(l.counters().sip_payloads == 1);
    CHECK(l.counters().total_errors() == 2);
    const std::string summary = l.counters().summary();
    CHECK(summary.find("bad_magic=1") != std::string::npos);
    CHECK(summary.find("secret-key") == std::string::npos);
}

TEST_CASE("HEP over TCP: packets back to back, written in small pieces, with garbage between") {
    running_listener l(udp_and_tcp());
    asio::io_context io;
    asio::ip::tcp::socket sock(io);
    sock.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), l.listener().tcp_port()));
    bytes stream = hep_test::sip_ipv4_head().text(15, invite).build();
    const std::string junk = "junk!";
    stream.insert(stream.end(), junk.begin(), junk.end());
    const bytes second = hep_test::sip_ipv4_head().text(15, "SIP/2.0 200 OK\r\n\r\n").build();
    stream.insert(stream.end(), second.begin(), second.end());
    for (std::size_t pos = 0; pos < stream.size(); pos += 7) {
        asio::write(sock, asio::buffer(stream.data() + pos, std::min<std::size_t>(7, stream.size() - pos)));
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    REQUIRE(l.wait_for([&] { return l.message_count() == 2; }));
    const auto m = l.messages();
    CHECK(m[0].payload == invite);
    CHECK(m[1].payload == "SIP/2.0 200 OK\r\n\r\n");
    CHECK(l.counters().tcp_connections_accepted == 1);
    // The counters move after the read that handed the message over returns.
    CHECK(l.wait_for([&] { return l.counters().tcp_bytes_skipped == junk.size() && l.counters().tcp_resyncs == 1; }));
    CHECK(l.counters().tcp_bytes_skipped == junk.size());
    CHECK(l.counters().tcp_resyncs == 1);
}

TEST_CASE("HEP over TCP: a packet cut short by the connection closing is counted, not dropped unseen") {
    running_listener l(udp_and_tcp());
    const bytes whole = hep_test::sip_ipv4_head().text(15, invite).build();
    {
        asio::io_context io;
        asio::ip::tcp::socket sock(io);
        sock.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), l.listener().tcp_port()));
        bytes stream = whole;
        stream.insert(stream.end(), whole.begin(), whole.begin() + 40);
        asio::write(sock, asio::buffer(stream));
        REQUIRE(l.wait_for([&] { return l.message_count() == 1; }));
    }  // closed
    CHECK(eventually([&] { return l.counters().tcp_cut_short == 1; }));
    CHECK(l.counters().tcp_bytes_skipped == 40);
}

TEST_CASE("HEP over TCP: a wrong total length costs that packet only, the ones behind it are handed on") {
    running_listener l(udp_and_tcp());
    asio::io_context io;
    asio::ip::tcp::socket sock(io);
    sock.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), l.listener().tcp_port()));
    bytes bad = hep_test::sip_ipv4_head().text(15, invite).build();
    bad[4] = 0xff;
    bad[5] = 0xff;
    bytes stream = bad;
    const bytes ok = hep_test::sip_ipv4_head().text(15, "SIP/2.0 180 Ringing\r\n\r\n").build();
    for (int i = 0; i < 3; ++i) stream.insert(stream.end(), ok.begin(), ok.end());
    asio::write(sock, asio::buffer(stream));  // and the connection stays open: nothing waits for 64 KiB
    REQUIRE(l.wait_for([&] { return l.message_count() == 3; }));
    CHECK(eventually([&] { return l.counters().tcp_bad_packets == 1; }));
    CHECK(l.counters().tcp_bytes_skipped == bad.size());
}

TEST_CASE("HEP over TCP: at max_connections, a connection quiet for tcp_idle_timeout gives its place to a new one") {
    hep_listener_settings s = udp_and_tcp();
    s.tcp_idle_timeout = std::chrono::seconds(2);
    s.max_connections = 1;
    running_listener l(s);
    asio::io_context io;
    const auto endpoint = asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), l.listener().tcp_port());
    // Reads with a deadline: a listener that never closes fails the test instead of hanging it.
    auto closed_by_peer = [](asio::ip::tcp::socket& sock) {
        const timeval five_seconds{5, 0};
        ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof five_seconds);
        std::array<char, 16> buf{};
        boost::system::error_code ec;
        sock.read_some(asio::buffer(buf), ec);
        return ec == asio::error::eof || ec == asio::error::connection_reset;
    };
    asio::ip::tcp::socket quiet(io);
    quiet.connect(endpoint);
    const bytes begun{'H', 'E', 'P', '3', 0x01, 0x00, 0, 0};  // a packet begun, never finished
    asio::write(quiet, asio::buffer(begun));
    REQUIRE(eventually([&] { return l.counters().tcp_bytes == begun.size(); }));
    // At once, the quiet one has not been quiet long: the newcomer is refused.
    asio::ip::tcp::socket early(io);
    early.connect(endpoint);
    CHECK(closed_by_peer(early));
    CHECK(l.counters().tcp_connections_refused == 1);
    CHECK(l.counters().tcp_idle_closed == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    // Past the timeout the newcomer takes its place; the quiet one is closed and its begun
    // packet counted cut short.
    asio::ip::tcp::socket next(io);
    next.connect(endpoint);
    asio::write(next, asio::buffer(hep_test::sip_ipv4_head().text(15, invite).build()));
    CHECK(l.wait_for([&] { return l.message_count() == 1; }));
    CHECK(closed_by_peer(quiet));
    CHECK(l.counters().tcp_idle_closed == 1);
    CHECK(l.counters().tcp_cut_short == 1);
    CHECK(l.counters().tcp_bytes_skipped == begun.size());
    CHECK(l.counters().tcp_connections_refused == 1);
}

TEST_CASE("with an auth key configured, packets without it or with another are dropped and counted") {
    hep_listener_settings s = udp_and_tcp();
    s.auth_key = "secret-key";
    running_listener l(s);
    const std::uint16_t port = l.listener().udp_port();
    hep_test::packet_builder wrong;
    wrong.u8(1, 2).u8(2, 17).chunk(3, {192, 0, 2, 10}).chunk(4, {198, 51, 100, 5}).u16(7, 5060).u16(8, 5080);
    wrong.u32(9, 1).u8(11, 1).text(14, "secret-kez").text(15, invite);
    send_udp(port, wrong.build());
    send_udp(port, hep_test::sip_ipv4_head().text(15, invite).build());
    REQUIRE(l.wait_for([&] { return l.message_count() == 1; }));
    REQUIRE(eventually([&] { return l.counters().auth_failed == 1; }));
}

TEST_CASE("the first packet of hep.pcap, sent over UDP, is handed on as the INVITE it carries") {
    const std::string path = RINGFENCE_SHARED_DATA_DIR "/hep/hep.pcap";
    if (!std::filesystem::exists(path)) {
        MESSAGE("skipped: the shared capture " << path << " is not here");
        return;
    }
    // Classic pcap, Ethernet/IPv4/UDP: the first record's UDP payload (no libpcap needed here).
    std::ifstream f(path, std::ios::binary);
    const bytes file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    REQUIRE(file.size() > 24 + 16);
    const std::size_t caplen = file[32] | (file[33] << 8) | (file[34] << 16) | (static_cast<std::size_t>(file[35]) << 24);
    const std::size_t frame = 24 + 16;
    const std::size_t ihl = (file[frame + 14] & 0x0F) * 4u;
    const std::size_t payload = frame + 14 + ihl + 8;
    REQUIRE(payload < frame + caplen);
    const bytes hep(file.begin() + static_cast<std::ptrdiff_t>(payload), file.begin() + static_cast<std::ptrdiff_t>(frame + caplen));

    running_listener l(udp_and_tcp());
    const std::int64_t before_us = wall_clock_us();
    send_udp(l.listener().udp_port(), hep);
    REQUIRE(l.wait_for([&] { return l.message_count() == 1; }));
    const auto m = l.messages()[0];
    CHECK(m.payload.rfind("INVITE sip:nodejs@127.0.0.1 SIP/2.0", 0) == 0);
    CHECK(m.source_ip == "192.168.1.1");
    CHECK(m.destination_ip == "192.168.1.2");
    // Stamped in 2016 (1481455196.000100): sent live now, it is taken at its arrival.
    CHECK(m.time_us >= before_us);
    CHECK(m.time_us <= wall_clock_us());
    CHECK(l.counters().clock_corrected == 1);
    CHECK(m.correlation_id == "qgf3dm9rudi@127.0.0.1");
}
