// The real ringfenced with ingest.hep.udp set: it listens, counts the packets of hep.pcap
// sent to it by a test sender (6 SIP, 2 other, none rejected), and hands the SIP to the SIP
// decoder, whose call.attempt is decided passively into the decision log.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "decode/hep_test_packets.hpp"
#include "e2e_support.hpp"

using namespace ringfence::e2e;

namespace {

// The UDP port the daemon bound for HEP (it was given port 0), read from its log line.
std::uint16_t hep_udp_port(running_daemon& d) {
    const std::string marker = "listening for HEP on udp 127.0.0.1:";
    for (int i = 0; i < 2000; ++i) {
        const std::string err = read_file(d.stderr_path());
        if (const auto at = err.find(marker); at != std::string::npos) {
            const auto value = std::stoul(err.substr(at + marker.size(), 5));
            REQUIRE(value > 0);
            REQUIRE(value < 65536);
            return static_cast<std::uint16_t>(value);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("ringfenced did not say which UDP port it bound for HEP");
    return 0;
}

// Waits (up to 20 s) until the daemon's log holds text: a stats line, written every second.
bool log_shows(running_daemon& d, const std::string& text) {
    for (int i = 0; i < 2000; ++i) {
        if (read_file(d.stderr_path()).find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

// The UDP payloads of a classic little-endian pcap of Ethernet/IPv4/UDP frames.
std::vector<std::vector<std::uint8_t>> udp_payloads(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    const std::vector<std::uint8_t> d((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::vector<std::vector<std::uint8_t>> out;
    const auto le32 = [&](std::size_t i) {
        return d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (static_cast<std::size_t>(d[i + 3]) << 24);
    };
    for (std::size_t off = 24; off + 16 <= d.size();) {
        const std::size_t caplen = le32(off + 8);
        const std::size_t frame = off + 16;
        off = frame + caplen;
        if (off > d.size()) break;
        const std::size_t udp = frame + 14 + (d[frame + 14] & 0x0F) * 4u;
        out.emplace_back(d.begin() + static_cast<std::ptrdiff_t>(udp + 8), d.begin() + static_cast<std::ptrdiff_t>(off));
    }
    return out;
}

}  // namespace

TEST_CASE("ringfenced with ingest.hep.udp: a test sender's HEP packets are received, counted, and their SIP decided") {
    const std::string pcap = RINGFENCE_SHARED_DATA_DIR "/hep/hep.pcap";
    if (!std::filesystem::exists(pcap)) {
        MESSAGE("skipped: the shared capture " << pcap << " is not here");
        return;
    }
    const auto packets = udp_payloads(pcap);
    REQUIRE(packets.size() == 8);
    temp_dir dir;
    // A stats line every second tells when every datagram was read; the port is the
    // system's pick, read back from the log (a port picked here could be taken meanwhile).
    running_daemon d(dir, {"ingest.hep.udp=127.0.0.1:0", "log.stats_interval_s=1"});
    // The child is handed back once its JSON-lines port is known; HEP binds just after.
    const std::uint16_t port = hep_udp_port(d);

    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (const auto& p : packets)
        REQUIRE(::sendto(fd, p.data(), p.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) == static_cast<ssize_t>(p.size()));
    const std::uint8_t garbage[] = {'H', 'E', 'P', '2', 0, 6};
    ::sendto(fd, garbage, sizeof garbage, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    ::close(fd);
    // Shutdown closes the socket, so wait until every datagram was read and decided.
    CHECK(log_shows(d, "hep.datagrams=9 "));
    CHECK(wait_for_count(d.log_path(), "SELECT count(*) FROM decisions WHERE record_id = 'qgf3dm9rudi@127.0.0.1'",
                         std::chrono::seconds(15)) == 1);

    CHECK(d.stop() == 0);
    const std::string err = read_file(d.stderr_path());
    INFO(err);
    CHECK(err.find("listening for HEP on udp 127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(err.find("HEP SIP payloads are decoded into records and decided passively") != std::string::npos);
    // The stats line written at shutdown.
    CHECK(err.find("hep.datagrams=9 ") != std::string::npos);
    CHECK(err.find("hep.packets=8 hep.sip=6 hep.other=2 ") != std::string::npos);
    CHECK(err.find("hep.errors{bad_magic=1}") != std::string::npos);
    // The SIP inside goes through the SIP decoder: 6 messages, one dialog (INVITE ... 407),
    // whose call.attempt is decided passively and written to the decision log, with the
    // source address the capture agent reported (not the HEP sender's).
    CHECK(err.find("hep sip packets=6 ") != std::string::npos);
    CHECK(err.find(" udp=6 tcp=0 ") != std::string::npos);  // the transport each mirrored message travelled on
    CHECK(err.find("sip_messages=6 requests=3 responses=3 ") != std::string::npos);
    CHECK(err.find(" dialogs=1 ") != std::string::npos);
    CHECK(err.find(" lines=1 allow=1 ") != std::string::npos);
    log_reader log(d.log_path());
    const auto rows = log.rows("SELECT kind, origin_ip FROM decisions WHERE record_id = 'qgf3dm9rudi@127.0.0.1'");
    CHECK(rows == std::vector<std::vector<std::string>>{{"call.attempt", "192.168.1.1"}});
    CHECK(err.find("myHep") == std::string::npos);  // the capture's auth key is never logged
}

TEST_CASE("ringfenced with ingest.hep.udp: a call whose agent then falls quiet still times out") {
    temp_dir dir;
    running_daemon d(dir, {"ingest.hep.udp=127.0.0.1:0", "capture.limits.unanswered_timeout_s=2"});
    const std::uint16_t port = hep_udp_port(d);
    // One INVITE, captured by the agent at an old time of its own clock: the timeout runs
    // on that clock moved on by the time passed here.
    const std::string invite =
        "INVITE sip:0987654321@198.51.100.5 SIP/2.0\r\nFrom: <sip:0912345678@192.0.2.10>;tag=1\r\n"
        "To: <sip:0987654321@198.51.100.5>\r\nCall-ID: hep-quiet-1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    const auto packet = hep_test::sip_ipv4_head(1700000000).chunk(15, hep_test::bytes(invite.begin(), invite.end())).build();
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::sendto(fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) == static_cast<ssize_t>(packet.size()));
    ::close(fd);
    CHECK(wait_for_count(d.log_path(), "SELECT count(*) FROM decisions WHERE record_id = 'hep-quiet-1' AND kind = 'call.end'",
                         std::chrono::seconds(15)) == 1);
    CHECK(d.stop() == 0);
}
