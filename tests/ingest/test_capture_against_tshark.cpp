// For every SIP request in each shared capture, the fields ringfence decodes (frame, method,
// From user, To user, Call-ID, CSeq, P-Asserted-Identity user, User-Agent) must equal what
// tshark 4.0 decodes from the same file. tshark's output was generated once and is kept in
// tests/decode/expected/ (the command is in the README there), so this needs no tshark.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "capture_test_support.hpp"
#include "decode/sip/sip_capture_decoder.hpp"

namespace ringfence::test {
namespace {

namespace fs = std::filesystem;

class request_recorder final : public decode::sip::sip_message_observer {
  public:
    explicit request_recorder(const std::uint64_t& frame) : frame_(frame) {}
    void on_sip_message(const decode::sip::sip_message& m,
                        const decode::packet::transport_packet&) override {
        if (!m.is_request) return;
        const std::string cseq_number = m.cseq_method.empty() ? "" : std::to_string(m.cseq_number);
        lines.push_back(fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}", frame_, m.method,
                                    m.from.user, m.to.user, m.call_id, cseq_number, m.cseq_method,
                                    m.p_asserted_identity.user, m.user_agent));
    }
    std::vector<std::string> lines;

  private:
    const std::uint64_t& frame_;
};

std::vector<std::string> read_lines(const fs::path& path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

void compare_with_tshark(const fs::path& expected_file) {
    const std::string name = expected_file.filename().string();
    const fs::path capture =
        shared_sip_dir() / (name.substr(0, name.find(".sip-requests.tsv")) + ".pcap");
    REQUIRE_MESSAGE(fs::exists(capture), capture.string());
    ingest::capture::capture_settings settings;
    settings.sip.ports = {5060, 6060};  // tshark was told: -d tcp.port==6060,sip
    line_collector records;
    std::uint64_t frame = 0;
    request_recorder recorder(frame);
    ingest::capture::capture_pipeline pipeline(settings, records, &recorder);
    feed_file(capture.string(), pipeline, &frame);

    const std::vector<std::string> expected = read_lines(expected_file);
    INFO("capture: ", capture.string());
    CHECK(recorder.lines.size() == expected.size());
    for (std::size_t i = 0; i < std::min(expected.size(), recorder.lines.size()); ++i) {
        INFO("request ", i + 1);
        CHECK(recorder.lines[i] == expected[i]);
        if (recorder.lines[i] != expected[i]) break;  // one mismatch is enough to read
    }
    CHECK(pipeline.packets().dropped() <= pipeline.packets().packets);
}

TEST_CASE("every SIP request in the shared captures decodes as tshark decodes it") {
    if (!fs::is_directory(shared_sip_dir())) {
        MESSAGE("skipped: no shared captures at " << shared_sip_dir().string());
        return;
    }
    const fs::path expected_dir = fs::path(RINGFENCE_SOURCE_DIR) / "tests/decode/expected";
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(expected_dir)) {
        const std::string name = e.path().filename().string();
        if (name.size() > 18 && name.ends_with(".sip-requests.tsv")) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() == 14);
    for (const auto& f : files) {
        SUBCASE(f.filename().string().c_str()) { compare_with_tshark(f); }
    }
}

}  // namespace
}  // namespace ringfence::test
