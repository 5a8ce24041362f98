// ringfence bench smpp: the capture decoders alone, in this process, on one thread.
//   SMPP: a generated ESME session (bind, then submit_sm: GSM 7-bit, UCS-2 Vietnamese, and
//   two-part concatenated messages with a UDH) fed in 1460-byte pieces, as TCP segments
//   arrive, through framer, PDU parser, text decoding, numbering plan and reassembly into
//   records. Reports PDUs/s and records/s.
//   HEP: SIP-over-UDP HEP3 packets (INVITE, 200, BYE, of 500 to 900 bytes) parsed back to
//   back, plain and with zlib-compressed payloads (chunk 16). Reports packets/s.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include <zlib.h>

#include "app/daemon_config.hpp"
#include "decode/hep/hep_packet.hpp"
#include "decode/smpp/smpp_decoder.hpp"
#include "model/numbering_plan.hpp"
#include "tools/ringfence/cli_common.hpp"
#include "tools/ringfence/commands.hpp"

namespace ringfence::cli {

namespace {

using clock_type = std::chrono::steady_clock;
using bytes = std::vector<std::uint8_t>;

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

void put16(bytes& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}
void put32(bytes& b, std::uint32_t v) {
    put16(b, static_cast<std::uint16_t>(v >> 16));
    put16(b, static_cast<std::uint16_t>(v));
}
void put_cstr(bytes& b, std::string_view s) {
    b.insert(b.end(), s.begin(), s.end());
    b.push_back(0);
}

void append_pdu(bytes& stream, std::uint32_t command_id, std::uint32_t seq, const bytes& body) {
    put32(stream, static_cast<std::uint32_t>(16 + body.size()));
    put32(stream, command_id);
    put32(stream, 0);
    put32(stream, seq);
    stream.insert(stream.end(), body.begin(), body.end());
}

bytes submit_body(std::string_view source, std::uint8_t source_ton, std::string_view dest, std::uint8_t esm_class,
                  std::uint8_t data_coding, const bytes& sm) {
    bytes b;
    put_cstr(b, "");
    b.push_back(source_ton);
    b.push_back(source_ton == 5 ? 0 : 1);
    put_cstr(b, source);
    b.push_back(1);
    b.push_back(1);
    put_cstr(b, dest);
    for (const std::uint8_t v : {esm_class, std::uint8_t{0}, std::uint8_t{0}}) b.push_back(v);
    put_cstr(b, "");
    put_cstr(b, "");
    for (const std::uint8_t v : {std::uint8_t{0}, std::uint8_t{0}, data_coding, std::uint8_t{0}}) b.push_back(v);
    b.push_back(static_cast<std::uint8_t>(sm.size()));
    b.insert(b.end(), sm.begin(), sm.end());
    return b;
}

bytes ucs2(std::u16string_view s) {
    bytes out;
    for (const char16_t c : s) put16(out, static_cast<std::uint16_t>(c));
    return out;
}

// An ESME session of about n PDUs: one in four messages is two parts.
bytes smpp_session_stream(std::uint64_t n, std::uint64_t& messages) {
    bytes s;
    bytes bind;
    put_cstr(bind, "bench-esme");
    put_cstr(bind, "pw");
    put_cstr(bind, "");
    bind.push_back(0x34);
    bind.push_back(0);
    bind.push_back(0);
    put_cstr(bind, "");
    append_pdu(s, 0x00000002, 1, bind);
    const std::string gsm = "Quy khach da nap thanh cong 50.000d vao tai khoan 0912345678. Cam on quy khach!";
    const bytes vi = ucs2(u"Tài khoản của bạn bị khoá, truy cập http://vcb-secure.example để mở khoá");
    const bytes part1 = [&] {
        bytes b{0x05, 0x00, 0x03, 0x00, 0x02, 0x01};
        b.insert(b.end(), gsm.begin(), gsm.end());
        return b;
    }();
    const bytes part2 = [&] {
        bytes b{0x05, 0x00, 0x03, 0x00, 0x02, 0x02};
        b.insert(b.end(), gsm.begin(), gsm.begin() + 40);
        return b;
    }();
    std::uint32_t seq = 2;
    messages = 0;
    for (std::uint64_t i = 0; seq < n + 1; ++i) {
        const std::string src = fmt::format("849{:08}", i % 100'000'000);
        const std::string dst = fmt::format("849{:08}", (i * 7919) % 100'000'000);
        switch (i % 4) {
            case 0: append_pdu(s, 4, seq++, submit_body(src, 1, dst, 0, 0, bytes(gsm.begin(), gsm.end()))); break;
            case 1: append_pdu(s, 4, seq++, submit_body(src, 1, dst, 0, 8, vi)); break;
            case 2: append_pdu(s, 4, seq++, submit_body("VCB", 5, dst, 0, 0, bytes(gsm.begin(), gsm.begin() + 60))); break;
            default: {
                bytes p1 = part1, p2 = part2;
                p1[3] = p2[3] = static_cast<std::uint8_t>(i);
                append_pdu(s, 4, seq++, submit_body(src, 1, dst, 0x40, 0, p1));
                append_pdu(s, 4, seq++, submit_body(src, 1, dst, 0x40, 0, p2));
            }
        }
        ++messages;
    }
    return s;
}

bytes deflated(std::string_view s) {
    uLongf n = compressBound(static_cast<uLong>(s.size()));
    bytes out(n);
    if (compress2(out.data(), &n, reinterpret_cast<const Bytef*>(s.data()), static_cast<uLong>(s.size()), Z_DEFAULT_COMPRESSION) != Z_OK)
        return {};
    out.resize(n);
    return out;
}

// A HEP3 packet carrying sip in chunk 15, or deflated in chunk 16.
bytes hep_packet(std::string_view sip, std::uint32_t i, bool compress = false) {
    bytes body;
    const auto chunk = [&](std::uint16_t type, const bytes& v) {
        put16(body, 0);
        put16(body, type);
        put16(body, static_cast<std::uint16_t>(6 + v.size()));
        body.insert(body.end(), v.begin(), v.end());
    };
    chunk(1, {2});
    chunk(2, {17});
    chunk(3, {10, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)});
    chunk(4, {10, 1, 0, 1});
    chunk(7, {0x13, 0xC4});
    chunk(8, {0x13, 0xC4});
    chunk(9, {0x6A, 0x00, 0x00, 0x00});
    chunk(10, {0, 0, 0, static_cast<std::uint8_t>(i)});
    chunk(11, {1});
    chunk(12, {0, 0, 7, 0xD1});
    chunk(14, {'k', 'e', 'y'});
    chunk(0x11, {'c', 'a', 'l', 'l', '-', '1'});
    if (compress) chunk(16, deflated(sip));
    else chunk(15, bytes(sip.begin(), sip.end()));
    bytes out{'H', 'E', 'P', '3'};
    put16(out, static_cast<std::uint16_t>(6 + body.size()));
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

std::string sip_message(std::string_view first_line, std::size_t pad) {
    std::string m = std::string(first_line) +
                    "\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds\r\nMax-Forwards: 70\r\n"
                    "To: <sip:+84987654321@carrier.example>\r\nFrom: <sip:+84912345678@sbc.example>;tag=1928301774\r\n"
                    "Call-ID: a84b4c76e66710@pc33.example\r\nCSeq: 314159 INVITE\r\nContact: <sip:+84912345678@10.0.0.1>\r\n"
                    "User-Agent: bench\r\nContent-Length: 0\r\n";
    m += "X-Pad: " + std::string(pad, 'x') + "\r\n\r\n";
    return m;
}

}  // namespace

int bench_smpp(std::vector<std::string> args) {
    common_options copts;
    std::string error;
    if (!take_common_options(args, copts, error)) {
        std::fprintf(stderr, "ringfence bench smpp: %s\n", error.c_str());
        return 2;
    }
    std::uint64_t pdus = 2'000'000;
    std::uint64_t hep_packets = 5'000'000;
    constexpr const char* usage = "usage: ringfence bench smpp [--pdus N] [--hep-packets N]\n";
    parsed_args opts;
    if (!parse(args, {"--pdus", "--hep-packets"}, {}, opts, error) || !opts.words.empty() ||
        !count_option(opts, "--pdus", 1, 1'000'000'000, pdus, error) || !count_option(opts, "--hep-packets", 1, 1'000'000'000, hep_packets, error)) {
        if (error.empty()) error = fmt::format("unknown option '{}'", terminal_safe(opts.words[0]));
        std::fprintf(stderr, "ringfence bench smpp: %s\n%s", error.c_str(), usage);
        return 2;
    }
    auto loaded = load_plan_or_report(copts);
    if (!loaded.value) return 1;
    const model::numbering_plan& plan = *loaded.value->plan;

    // SMPP.
    std::uint64_t messages = 0;
    const bytes stream = smpp_session_stream(pdus, messages);
    std::uint64_t records = 0;
    std::uint64_t text_bytes = 0;
    decode::smpp::smpp_settings settings = loaded.value->config.smpp;
    settings.gsm7_packed = false;  // the generated session is unpacked
    decode::smpp::smpp_decoder decoder(settings, plan, [&](model::record& r) {
        ++records;
        text_bytes += r.sms.text.size();
    });
    decode::smpp::smpp_session session(decoder, {"10.0.0.1", 40000, "10.0.0.2", 2775});
    auto t = clock_type::now();
    constexpr std::size_t segment = 1460;
    std::int64_t now_us = 1'795'834'800'000'000;
    for (std::size_t pos = 0; pos < stream.size(); pos += segment) {
        session.on_bytes(decode::smpp::stream_side::initiator,
                         std::span<const std::uint8_t>(stream.data() + pos, std::min(segment, stream.size() - pos)), now_us);
        now_us += 100;
    }
    decoder.flush();
    double secs = seconds_since(t);
    const auto& c = decoder.counters();
    std::printf("smpp: %.0f PDUs/s, %.0f records/s on one core (%llu PDUs, %.1f MB, %llu records, %llu joined from 2 parts, "
                "%.3f s)\n",
                static_cast<double>(c.framing.pdus) / secs, static_cast<double>(records) / secs,
                static_cast<unsigned long long>(c.framing.pdus), static_cast<double>(stream.size()) / 1e6,
                static_cast<unsigned long long>(records), static_cast<unsigned long long>(c.reassembly.completed), secs);
    int code = 0;
    if (records != messages || c.reassembly.timed_out + c.reassembly.evicted + c.reassembly.flushed != 0) {
        std::fprintf(stderr, "ringfence bench smpp: %llu records for %llu messages (%s)\n",
                     static_cast<unsigned long long>(records), static_cast<unsigned long long>(messages), c.summary().c_str());
        code = 1;
    }

    // HEP.
    const auto run_hep = [&](const char* what, bool compress, std::uint64_t count) {
        std::vector<bytes> packets;
        std::uint64_t wire_bytes = 0;
        for (std::uint32_t i = 0; i < 1024; ++i) {
            const char* first = i % 3 == 0 ? "INVITE sip:+84987654321@carrier.example SIP/2.0"
                                : i % 3 == 1 ? "SIP/2.0 200 OK"
                                             : "BYE sip:+84987654321@10.1.0.1 SIP/2.0";
            packets.push_back(hep_packet(sip_message(first, 50 + (i * 37) % 450), i, compress));
            wire_bytes += packets.back().size();
        }
        decode::hep::hep_parser parser;
        decode::hep::hep_packet p;
        std::uint64_t ok = 0;
        std::uint64_t payload_bytes = 0;
        t = clock_type::now();
        for (std::uint64_t i = 0; i < count; ++i) {
            if (parser.parse(packets[i & 1023], p) == decode::hep::hep_error::none) {
                ++ok;
                payload_bytes += p.payload.size();
            }
        }
        secs = seconds_since(t);
        std::printf("%s: %.0f packets/s parsed on one core (%llu packets of %llu bytes on average, %llu-byte SIP payloads, %.3f s)\n",
                    what, static_cast<double>(count) / secs, static_cast<unsigned long long>(count),
                    static_cast<unsigned long long>(wire_bytes / 1024), static_cast<unsigned long long>(payload_bytes / std::max<std::uint64_t>(ok, 1)),
                    secs);
        if (ok != count) {
            std::fprintf(stderr, "ringfence bench smpp: %llu of %llu HEP packets parsed\n", static_cast<unsigned long long>(ok),
                         static_cast<unsigned long long>(count));
            code = 1;
        }
    };
    // The plain parse is zero-copy: it walks the chunks and points at the payload.
    run_hep("hep", false, hep_packets);
    run_hep("hep (zlib-compressed payloads, inflated)", true, std::max<std::uint64_t>(hep_packets / 20, 1));
    return code;
}

}  // namespace ringfence::cli
