#include "decode/smpp/smpp_pdu.hpp"

namespace ringfence::decode::smpp {

namespace {

// The longest C-Octet string ringfence accepts, NUL included: v5.0's 65-octet addresses.
// Longer fields than the spec's (system_id 16, service_type 6) are seen in the field and
// kept; unbounded ones are not.
constexpr std::size_t max_c_string = 65;

std::uint32_t be32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
std::uint16_t be16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

// A cursor over the PDU body; the first error sticks and later reads return defaults.
class body_reader {
  public:
    explicit body_reader(std::span<const std::uint8_t> body) : body_(body) {}

    bool at_end() const noexcept { return pos_ >= body_.size(); }
    pdu_error error() const noexcept { return error_; }
    std::span<const std::uint8_t> rest() const noexcept { return body_.subspan(std::min(pos_, body_.size())); }

    std::uint8_t u8() noexcept {
        if (error_ != pdu_error::none) return 0;
        if (pos_ >= body_.size()) return fail(pdu_error::truncated), 0;
        return body_[pos_++];
    }
    std::string_view c_string() noexcept {
        if (error_ != pdu_error::none) return {};
        const std::size_t limit = std::min(body_.size() - pos_, max_c_string);
        for (std::size_t i = 0; i < limit; ++i) {
            if (body_[pos_ + i] == 0) {
                std::string_view s(reinterpret_cast<const char*>(body_.data() + pos_), i);
                pos_ += i + 1;
                return s;
            }
        }
        fail(limit == max_c_string ? pdu_error::unterminated_string : pdu_error::truncated);
        return {};
    }
    std::string_view octets(std::size_t n, pdu_error if_short) noexcept {
        if (error_ != pdu_error::none) return {};
        if (n > body_.size() - pos_) return fail(if_short), std::string_view{};
        std::string_view s(reinterpret_cast<const char*>(body_.data() + pos_), n);
        pos_ += n;
        return s;
    }
    sme_address address() noexcept {
        sme_address a;
        a.ton = u8();
        a.npi = u8();
        a.value = c_string();
        return a;
    }
    void fail(pdu_error e) noexcept {
        if (error_ == pdu_error::none) error_ = e;
    }

  private:
    std::span<const std::uint8_t> body_;
    std::size_t pos_ = 0;
    pdu_error error_ = pdu_error::none;
};

// Optional parameters: tag, length, value, back to back until the end of the PDU.
pdu_error read_tlvs(std::span<const std::uint8_t> rest, message_body& m) noexcept {
    std::size_t pos = 0;
    while (pos < rest.size()) {
        if (rest.size() - pos < 4) return pdu_error::bad_tlv;
        const std::uint16_t tag = be16(rest.data() + pos);
        const std::uint16_t len = be16(rest.data() + pos + 2);
        pos += 4;
        if (len > rest.size() - pos) return pdu_error::bad_tlv;
        const std::uint8_t* v = rest.data() + pos;
        pos += len;
        switch (tag) {
            case tlv::message_payload:
                if (m.message_payload) return pdu_error::duplicate_tlv;
                m.message_payload = std::string_view(reinterpret_cast<const char*>(v), len);
                break;
            case tlv::sar_msg_ref_num:
                if (len != 2) return pdu_error::bad_tlv;
                if (m.sar_msg_ref_num) return pdu_error::duplicate_tlv;
                m.sar_msg_ref_num = be16(v);
                break;
            case tlv::sar_total_segments:
            case tlv::sar_segment_seqnum: {
                if (len != 1) return pdu_error::bad_tlv;
                auto& field = tag == tlv::sar_total_segments ? m.sar_total_segments : m.sar_segment_seqnum;
                if (field) return pdu_error::duplicate_tlv;
                field = v[0];
                break;
            }
            default:
                ++m.tlvs_skipped;
        }
    }
    return pdu_error::none;
}

pdu_error parse_bind(body_reader& r, std::uint32_t id, bind_body& b) noexcept {
    b.system_id = r.c_string();
    if (id & command::response_bit) {
        // sc_interface_version is the only TLV a bind response carries.
        const auto rest = r.rest();
        if (r.error() == pdu_error::none && rest.size() >= 5 && be16(rest.data()) == tlv::sc_interface_version &&
            be16(rest.data() + 2) == 1)
            b.interface_version = rest[4];
        return r.error();
    }
    r.c_string();  // password: skipped, never kept
    if (id == command::outbind) return r.error();
    b.system_type = r.c_string();
    b.interface_version = r.u8();
    r.address();  // address_range
    return r.error();
}

pdu_error parse_message(body_reader& r, std::uint32_t id, message_body& m) {
    m.service_type = r.c_string();
    m.source = r.address();
    m.destinations.clear();  // the pdu is reused: after the first submit_multi this never allocates
    m.destinations.reserve(255);
    m.distribution_lists = 0;
    if (id == command::submit_multi) {
        // number_of_dests, then each: dest_flag 1 (an SME address) or 2 (a distribution list name).
        const std::uint8_t count = r.u8();
        for (std::uint8_t i = 0; i < count && r.error() == pdu_error::none; ++i) {
            const std::uint8_t flag = r.u8();
            if (flag == 1) {
                m.destinations.push_back(r.address());
            } else if (flag == 2) {
                r.c_string();
                ++m.distribution_lists;
            } else {
                r.fail(pdu_error::truncated);  // the rest cannot be framed
            }
        }
    } else {
        m.destination = r.address();
    }
    m.esm_class = r.u8();
    if (id == command::data_sm) {
        m.registered_delivery = r.u8();
        m.data_coding = r.u8();
    } else {
        m.protocol_id = r.u8();
        r.u8();        // priority_flag
        r.c_string();  // schedule_delivery_time
        r.c_string();  // validity_period
        m.registered_delivery = r.u8();
        r.u8();  // replace_if_present_flag (submit_multi has it too: SMPP 3.4, 4.5.1)
        m.data_coding = r.u8();
        r.u8();  // sm_default_msg_id
        const std::uint8_t sm_length = r.u8();
        m.short_message = r.octets(sm_length, pdu_error::bad_sm_length);
    }
    if (r.error() != pdu_error::none) return r.error();
    if (const pdu_error e = read_tlvs(r.rest(), m); e != pdu_error::none) return e;
    if (m.message_payload && !m.short_message.empty()) return pdu_error::payload_conflict;
    return pdu_error::none;
}

}  // namespace

bool is_known_command(std::uint32_t id) noexcept {
    if (id == command::generic_nack) return true;
    switch (id & ~command::response_bit) {
        case command::bind_receiver: case command::bind_transmitter: case command::query_sm:
        case command::submit_sm: case command::deliver_sm: case command::unbind: case command::replace_sm:
        case command::cancel_sm: case command::bind_transceiver: case command::enquire_link:
        case command::submit_multi: case command::data_sm: case command::broadcast_sm:
        case command::query_broadcast_sm: case command::cancel_broadcast_sm:
            return true;
        case command::outbind: case command::alert_notification:  // requests only
            return (id & command::response_bit) == 0;
        default:
            return false;
    }
}

std::string_view command_name(std::uint32_t id) noexcept {
    if (id == command::generic_nack) return "generic_nack";
    const bool resp = (id & command::response_bit) != 0;
    switch (id & ~command::response_bit) {
        case command::bind_receiver: return resp ? "bind_receiver_resp" : "bind_receiver";
        case command::bind_transmitter: return resp ? "bind_transmitter_resp" : "bind_transmitter";
        case command::query_sm: return resp ? "query_sm_resp" : "query_sm";
        case command::submit_sm: return resp ? "submit_sm_resp" : "submit_sm";
        case command::deliver_sm: return resp ? "deliver_sm_resp" : "deliver_sm";
        case command::unbind: return resp ? "unbind_resp" : "unbind";
        case command::replace_sm: return resp ? "replace_sm_resp" : "replace_sm";
        case command::cancel_sm: return resp ? "cancel_sm_resp" : "cancel_sm";
        case command::bind_transceiver: return resp ? "bind_transceiver_resp" : "bind_transceiver";
        case command::outbind: return resp ? "unknown" : "outbind";
        case command::enquire_link: return resp ? "enquire_link_resp" : "enquire_link";
        case command::submit_multi: return resp ? "submit_multi_resp" : "submit_multi";
        case command::alert_notification: return resp ? "unknown" : "alert_notification";
        case command::data_sm: return resp ? "data_sm_resp" : "data_sm";
        case command::broadcast_sm: return resp ? "broadcast_sm_resp" : "broadcast_sm";
        case command::query_broadcast_sm: return resp ? "query_broadcast_sm_resp" : "query_broadcast_sm";
        case command::cancel_broadcast_sm: return resp ? "cancel_broadcast_sm_resp" : "cancel_broadcast_sm";
        default: return "unknown";
    }
}

std::string_view to_string(pdu_error e) noexcept {
    switch (e) {
        case pdu_error::none: return "";
        case pdu_error::truncated: return "truncated";
        case pdu_error::unterminated_string: return "unterminated_string";
        case pdu_error::bad_sm_length: return "bad_sm_length";
        case pdu_error::bad_tlv: return "bad_tlv";
        case pdu_error::duplicate_tlv: return "duplicate_tlv";
        case pdu_error::payload_conflict: return "payload_conflict";
    }
    return "";
}

pdu_header read_header(std::span<const std::uint8_t> b) noexcept {
    return {be32(b.data()), be32(b.data() + 4), be32(b.data() + 8), be32(b.data() + 12)};
}

pdu_error parse_pdu(std::span<const std::uint8_t> bytes, pdu& out) noexcept {
    out = pdu{};
    if (bytes.size() < header_size) return pdu_error::truncated;
    out.header = read_header(bytes);
    body_reader r(bytes.subspan(header_size));
    const std::uint32_t id = out.header.command_id;
    const bool resp = (id & command::response_bit) != 0;
    switch (id & ~command::response_bit) {
        case command::bind_receiver:
        case command::bind_transmitter:
        case command::bind_transceiver:
        case command::outbind:
            if (resp && r.at_end()) return pdu_error::none;  // a failed bind's response may have no body
            out.kind = pdu::body_kind::bind;
            return parse_bind(r, id, out.bind);
        case command::submit_sm:
        case command::deliver_sm:
        case command::data_sm:
        case command::submit_multi:
            if (resp) return pdu_error::none;  // message_id only
            out.kind = pdu::body_kind::message;
            return parse_message(r, id, out.message);
        default:
            return pdu_error::none;
    }
}

}  // namespace ringfence::decode::smpp
