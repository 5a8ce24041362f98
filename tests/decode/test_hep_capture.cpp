// The real HEP capture (../shared/data/hep/hep.pcap: 8 HEP3 packets over UDP to 9060):
// the UDP layer matches tshark's decode and every chunk matches an independent decode
// (tests/decode/expected/, see the README there): 6 SIP payloads, 1 RTCP-as-JSON, 1 log.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "decode/hep/hep_packet.hpp"
#include "pcap_test_reader.hpp"

using namespace ringfence::decode::hep;

namespace {

const std::string capture_path = RINGFENCE_SHARED_DATA_DIR "/hep/hep.pcap";

std::vector<std::vector<std::string>> read_tsv(const std::string& name) {
    std::ifstream in(RINGFENCE_SOURCE_DIR "/tests/decode/expected/" + name);
    REQUIRE(in.good());
    std::vector<std::vector<std::string>> rows;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::vector<std::string> row;
        std::istringstream fields(line);
        std::string f;
        while (std::getline(fields, f, '\t')) row.push_back(f);
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string first_line(std::string_view payload) {
    std::string_view line = payload.substr(0, payload.find('\n'));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return std::string(line);
}

}  // namespace

TEST_CASE("hep.pcap: every packet parses, and its chunks match an independent decode") {
    if (!std::filesystem::exists(capture_path)) {
        MESSAGE("skipped: the shared capture " << capture_path << " is not here");
        return;
    }
    std::string error;
    const auto segments = pcap_test::read_segments(capture_path, error);
    REQUIRE_MESSAGE(segments.has_value(), error);
    const auto udp_expected = read_tsv("hep_pcap.tshark.tsv");
    const auto chunks_expected = read_tsv("hep_pcap.chunks.tsv");
    REQUIRE(segments->size() == 8);
    REQUIRE(udp_expected.size() == 8);
    REQUIRE(chunks_expected.size() == 8);

    hep_parser parser;
    int sip = 0;
    for (std::size_t i = 0; i < segments->size(); ++i) {
        const auto& s = (*segments)[i];
        CAPTURE(s.frame);
        const auto& u = udp_expected[i];
        CHECK(std::to_string(s.frame) == u[0]);
        CHECK(s.src_ip == u[2]);
        CHECK(s.dst_ip == u[3]);
        CHECK(std::to_string(s.src_port) == u[4]);
        CHECK(std::to_string(s.dst_port) == u[5]);
        CHECK(std::to_string(s.payload.size() + 8) == u[6]);

        hep_packet p;
        REQUIRE(parser.parse(s.payload, p) == hep_error::none);
        const auto& c = chunks_expected[i];
        CHECK(std::to_string(p.protocol_type) == c[1]);
        CHECK((p.ip_family == family_ipv4 ? "ipv4" : "ipv6") == c[2]);
        CHECK(std::to_string(p.ip_protocol) == c[3]);
        CHECK(p.source.to_string() == c[4]);
        CHECK(p.destination.to_string() == c[5]);
        CHECK(std::to_string(p.source_port) == c[6]);
        CHECK(std::to_string(p.destination_port) == c[7]);
        CHECK(std::to_string(p.timestamp_seconds) == c[8]);
        CHECK(std::to_string(p.timestamp_microseconds) == c[9]);
        CHECK(std::to_string(p.capture_agent_id.value_or(0)) == c[10]);
        CHECK(p.correlation_id == c[11]);
        CHECK(std::to_string(p.payload.size()) == c[12]);
        CHECK(first_line(p.payload) == c[13]);
        CHECK(p.auth_key.has_value());
        CHECK_FALSE(p.compressed);
        if (p.protocol_type == protocol::sip) ++sip;
    }
    CHECK(sip == 6);
}
