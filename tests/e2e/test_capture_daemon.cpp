// ringfenced with live capture on the loopback interface: a SIP INVITE sent over a real UDP
// socket is captured, decided passively by the shipped packs, and written to the decision
// log. Capturing needs CAP_NET_RAW; without it the test says it skipped.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "e2e_support.hpp"

using namespace ringfence::e2e;

namespace {

bool can_capture_on_loopback() {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_create("lo", errbuf);
    if (p == nullptr) return false;
    const int rc = pcap_activate(p);
    pcap_close(p);
    return rc >= 0;
}

void send_udp(std::uint16_t port, const std::string& payload) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    REQUIRE(::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&addr),
                     sizeof addr) == static_cast<ssize_t>(payload.size()));
    ::close(fd);
}

}  // namespace

TEST_CASE(
    "ringfenced live capture: a spoofed INVITE on the wire is blocked into the decision log") {
    if (!can_capture_on_loopback()) {
        MESSAGE("skipped: no permission to capture on lo (needs CAP_NET_RAW)");
        return;
    }
    constexpr std::uint16_t sip_port =
        15060;  // not 5060: nothing else on this machine should see it
    temp_dir dir;
    running_daemon d(
        dir,
        {"capture.enabled=true", "capture.interfaces=[lo]", "capture.bpf_filter=udp port 15060",
         "capture.sip.ports=[15060]", "capture.sip.detect_any_port=false", "capture.limits.unanswered_timeout_s=2",
         "capture.origins.peers=[{cidr: 127.0.0.0/8, kind: international, trunk: INTL-LOOP}]"});
    // The capture thread says when it reads packets; what is sent before that is not seen.
    const auto started = std::chrono::steady_clock::now();
    while (read_file(d.stderr_path()).find("capturing on lo") == std::string::npos &&
           std::chrono::steady_clock::now() - started < std::chrono::seconds(20)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    send_udp(sip_port,
             "INVITE sip:0987654321@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1\r\n"
             "From: <sip:+84912345678@127.0.0.1>;tag=1\r\nTo: <sip:0987654321@127.0.0.1>\r\n"
             "Call-ID: live-e2e-1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
    // Passive: no reply to wait for; the row shows when the log has committed it.
    CHECK(wait_for_count(d.log_path(), "SELECT count(*) FROM decisions WHERE record_id = 'live-e2e-1'", std::chrono::seconds(20)) > 0);
    // Nothing more is sent: on the quiet link the unanswered call still times out (2 s).
    CHECK(wait_for_count(d.log_path(), "SELECT count(*) FROM decisions WHERE record_id = 'live-e2e-1' AND kind = 'call.end'",
                         std::chrono::seconds(15)) == 1);
    CHECK(d.stop() == 0);
    log_reader log(d.log_path());
    const auto found = log.rows(
        "SELECT d.kind, d.action, r.rule, d.origin_kind FROM decisions d JOIN decision_rules r ON "
        "r.decision_id = d.id "
        "WHERE d.record_id = 'live-e2e-1' AND d.kind = 'call.attempt'");
    REQUIRE(found.size() == 1);
    CHECK(found[0][0] == "call.attempt");
    CHECK(found[0][1] == "block");
    CHECK(found[0][2] == "foreign_ingress_presents_home_number");
    CHECK(found[0][3] == "international");
    CHECK(read_file(d.stderr_path()).find("capturing on lo") != std::string::npos);
}
