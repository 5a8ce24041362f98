// libFuzzer target for the SMPP path: arbitrary bytes as the two directions of one TCP
// connection, cut into pieces, through the framer, the PDU parser, the text decoders and
// the reassembler, into records. Input layout: byte 0 picks settings (GSM 7-bit packed,
// small reassembly caps), byte 1 seeds the piece sizes; the rest is split at the first
// 0xFF 0xFE pair into the initiator's and the responder's streams. Checks, beyond
// "no crash":
//   - every record's text, sender and numbers are valid UTF-8; kind is sms.*; parts >= 1;
//   - the framer never keeps more than the bound plus one piece;
//   - after flush() nothing is pending and records == completed messages emitted.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "decode/smpp/smpp_decoder.hpp"
#include "fuzz_support.hpp"
#include "fuzz_utf8.hpp"

namespace {

using ringfence::fuzz::require;

void check_record(const ringfence::model::record& r) {
    using ringfence::fuzz::valid_utf8;
    require(ringfence::model::is_sms(r.kind));
    require(r.sms.present && r.sms.parts >= 1);
    require(valid_utf8(r.sms.text) && valid_utf8(r.sms.sender) && valid_utf8(r.origin.trunk));
    require(valid_utf8(r.caller.raw) && valid_utf8(r.callee.raw));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    namespace smpp = ringfence::decode::smpp;
    smpp::smpp_settings settings;
    settings.gsm7_packed = (data[0] & 1) != 0;
    if (data[0] & 2) {
        settings.reassembly.max_messages = 2;
        settings.reassembly.max_bytes = 2048;
        settings.reassembly.timeout_us = 1000;
    }
    settings.framing.max_pdu_bytes = (data[0] & 4) ? 256 : 64 * 1024;
    settings.framing.max_resync_bytes = (data[0] & 8) ? 64 : 64 * 1024;
    std::uint32_t seed = data[1] | 1u;

    std::uint64_t emitted = 0;
    smpp::smpp_decoder decoder(settings, ringfence::fuzz::shipped_plan(), [&](ringfence::model::record& r) {
        check_record(r);
        ++emitted;
    });
    smpp::smpp_session session(decoder, {"192.0.2.1", 40000, "198.51.100.2", 2775});

    const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
    const std::size_t split = rest.find("\xFF\xFE");
    const std::string_view streams[2] = {rest.substr(0, split),
                                         split == std::string_view::npos ? std::string_view{} : rest.substr(split + 2)};
    std::size_t pos[2] = {0, 0};
    std::int64_t t = 1'000'000;
    while (pos[0] < streams[0].size() || pos[1] < streams[1].size()) {
        seed = seed * 1103515245u + 12345u;
        const int side = (pos[1] < streams[1].size() && ((seed >> 16) & 1)) || pos[0] >= streams[0].size() ? 1 : 0;
        const std::size_t n = std::min<std::size_t>(1 + (seed >> 20) % 64, streams[side].size() - pos[side]);
        session.on_bytes(side == 0 ? smpp::stream_side::initiator : smpp::stream_side::responder,
                         std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(streams[side].data() + pos[side]), n),
                         t);
        pos[side] += n;
        t += (seed >> 8) % 500;
    }
    decoder.flush();
    const auto& c = decoder.counters();
    require(c.records == emitted);
    require(c.reassembly.parts >= c.reassembly.completed);
    session.on_closed();
    return 0;
}
