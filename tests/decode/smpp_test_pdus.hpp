// Test-only: builds SMPP PDUs byte by byte (big-endian, C-Octet strings, TLVs), and the
// shipped numbering plan for the SMPP tests.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace smpp_test {

using bytes = std::vector<std::uint8_t>;

class pdu_builder {
  public:
    pdu_builder& u8(std::uint8_t v) { return body_.push_back(v), *this; }
    pdu_builder& u16(std::uint16_t v) { return u8(static_cast<std::uint8_t>(v >> 8)).u8(static_cast<std::uint8_t>(v)); }
    pdu_builder& u32(std::uint32_t v) { return u16(static_cast<std::uint16_t>(v >> 16)).u16(static_cast<std::uint16_t>(v)); }
    pdu_builder& cstr(std::string_view s) {
        body_.insert(body_.end(), s.begin(), s.end());
        return u8(0);
    }
    pdu_builder& raw(std::string_view s) { return body_.insert(body_.end(), s.begin(), s.end()), *this; }
    pdu_builder& raw(const bytes& b) { return body_.insert(body_.end(), b.begin(), b.end()), *this; }
    pdu_builder& tlv(std::uint16_t tag, const bytes& value) {
        u16(tag).u16(static_cast<std::uint16_t>(value.size()));
        return raw(value);
    }
    bytes build(std::uint32_t command_id, std::uint32_t sequence, std::uint32_t status = 0) const {
        pdu_builder h;
        h.u32(static_cast<std::uint32_t>(16 + body_.size())).u32(command_id).u32(status).u32(sequence);
        h.raw(body_);
        return h.body_;
    }

  private:
    bytes body_;
};

struct address {
    std::uint8_t ton = 0, npi = 1;
    std::string value;
};

// bind_transmitter (2), bind_receiver (1) or bind_transceiver (9).
inline bytes bind(std::uint32_t command_id, std::string_view system_id, std::uint32_t seq, std::uint8_t version = 0x34) {
    return pdu_builder().cstr(system_id).cstr("secret").cstr("VMA").u8(version).u8(0).u8(0).cstr("").build(command_id, seq);
}
inline bytes bind_resp(std::uint32_t command_id, std::string_view system_id, std::uint32_t seq, std::uint32_t status = 0) {
    return pdu_builder().cstr(system_id).build(command_id | 0x80000000u, seq, status);
}

// submit_sm (4) or deliver_sm (5) with short_message; tlvs appended as given.
inline bytes message(std::uint32_t command_id, std::uint32_t seq, const address& src, const address& dst,
                     std::uint8_t esm_class, std::uint8_t data_coding, const bytes& short_message,
                     const bytes& tlvs = {}) {
    pdu_builder b;
    b.cstr("").u8(src.ton).u8(src.npi).cstr(src.value).u8(dst.ton).u8(dst.npi).cstr(dst.value);
    b.u8(esm_class).u8(0).u8(0).cstr("").cstr("").u8(0).u8(0).u8(data_coding).u8(0);
    b.u8(static_cast<std::uint8_t>(short_message.size())).raw(short_message).raw(tlvs);
    return b.build(command_id, seq);
}

inline bytes data_sm(std::uint32_t seq, const address& src, const address& dst, std::uint8_t esm_class,
                     std::uint8_t data_coding, const bytes& tlvs) {
    pdu_builder b;
    b.cstr("").u8(src.ton).u8(src.npi).cstr(src.value).u8(dst.ton).u8(dst.npi).cstr(dst.value);
    b.u8(esm_class).u8(0).u8(data_coding).raw(tlvs);
    return b.build(0x103, seq);
}


inline bytes text(std::string_view s) { return bytes(s.begin(), s.end()); }

inline bytes concat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// One TLV as it sits in a PDU body.
inline bytes tlv_bytes(std::uint16_t tag, const bytes& value) {
    bytes out{static_cast<std::uint8_t>(tag >> 8), static_cast<std::uint8_t>(tag), static_cast<std::uint8_t>(value.size() >> 8),
              static_cast<std::uint8_t>(value.size())};
    out.insert(out.end(), value.begin(), value.end());
    return out;
}

// Packs septets 8 to 7 octets after fill_bits zero bits (an independent, bit-by-bit packer
// to check the decoder's unpacking against).
inline bytes pack_septets(const bytes& septets, std::size_t fill_bits, bytes prefix = {}) {
    std::vector<bool> bits(fill_bits, false);
    for (const auto s : septets)
        for (int i = 0; i < 7; ++i) bits.push_back(((s >> i) & 1) != 0);
    bytes out = std::move(prefix);
    for (std::size_t i = 0; i < bits.size(); i += 8) {
        std::uint8_t b = 0;
        for (std::size_t j = 0; j < 8 && i + j < bits.size(); ++j)
            if (bits[i + j]) b = static_cast<std::uint8_t>(b | (1u << j));
        out.push_back(b);
    }
    return out;
}

}  // namespace smpp_test
