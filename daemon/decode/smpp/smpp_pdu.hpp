// One SMPP PDU (v3.4 and v5.0) parsed from exactly command_length bytes, as the stream
// framer hands it over. Zero-copy: every string_view points into the PDU bytes, which must
// outlive the result. Only what ringfence decides on is kept; the bind password is skipped
// and never stored. Bad input is a pdu_error value, never an exception.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace ringfence::decode::smpp {

inline constexpr std::size_t header_size = 16;  // command_length, command_id, command_status, sequence_number

namespace command {
inline constexpr std::uint32_t generic_nack = 0x80000000;
inline constexpr std::uint32_t bind_receiver = 0x00000001;
inline constexpr std::uint32_t bind_transmitter = 0x00000002;
inline constexpr std::uint32_t query_sm = 0x00000003;
inline constexpr std::uint32_t submit_sm = 0x00000004;
inline constexpr std::uint32_t deliver_sm = 0x00000005;
inline constexpr std::uint32_t unbind = 0x00000006;
inline constexpr std::uint32_t replace_sm = 0x00000007;
inline constexpr std::uint32_t cancel_sm = 0x00000008;
inline constexpr std::uint32_t bind_transceiver = 0x00000009;
inline constexpr std::uint32_t outbind = 0x0000000B;
inline constexpr std::uint32_t enquire_link = 0x00000015;
inline constexpr std::uint32_t submit_multi = 0x00000021;
inline constexpr std::uint32_t alert_notification = 0x00000102;
inline constexpr std::uint32_t data_sm = 0x00000103;
inline constexpr std::uint32_t broadcast_sm = 0x00000111;
inline constexpr std::uint32_t query_broadcast_sm = 0x00000112;
inline constexpr std::uint32_t cancel_broadcast_sm = 0x00000113;
inline constexpr std::uint32_t response_bit = 0x80000000;
}  // namespace command

// A command_id of v3.4 or v5.0 (requests and their _resp). The framer uses this to tell a
// real header from garbage when it resynchronises.
bool is_known_command(std::uint32_t id) noexcept;
std::string_view command_name(std::uint32_t id) noexcept;  // "submit_sm", "bind_transmitter_resp", ...; "unknown"

namespace tlv {
inline constexpr std::uint16_t sar_msg_ref_num = 0x020C;
inline constexpr std::uint16_t sar_total_segments = 0x020E;
inline constexpr std::uint16_t sar_segment_seqnum = 0x020F;
inline constexpr std::uint16_t sc_interface_version = 0x0210;
inline constexpr std::uint16_t message_payload = 0x0424;
}  // namespace tlv

namespace esm {
inline constexpr std::uint8_t udh_indicator = 0x40;   // short_message starts with a user data header
inline constexpr std::uint8_t delivery_receipt = 0x04;  // deliver_sm: an SMSC delivery receipt, not a message
}  // namespace esm

struct pdu_header {
    std::uint32_t length = 0;
    std::uint32_t command_id = 0;
    std::uint32_t status = 0;
    std::uint32_t sequence = 0;
};
// Reads the 16 header bytes (big-endian); the span must hold at least header_size bytes.
pdu_header read_header(std::span<const std::uint8_t> bytes) noexcept;

struct sme_address {
    std::uint8_t ton = 0;  // type of number: 1 international, 2 national, 5 alphanumeric, ...
    std::uint8_t npi = 0;  // numbering plan indicator: 1 ISDN (E.164), ...
    std::string_view value;
};

// bind_transmitter / bind_receiver / bind_transceiver and their responses, and outbind.
struct bind_body {
    std::string_view system_id;
    std::string_view system_type;
    std::uint8_t interface_version = 0;  // 0x34, 0x50; 0 when absent (a response without the TLV)
};

// submit_sm, deliver_sm, data_sm and submit_multi: the fields a record needs.
struct message_body {
    std::string_view service_type;
    sme_address source;
    sme_address destination;
    // submit_multi: every SME destination (destination is unused), and how many named
    // distribution lists it also addressed (their members are known only to the SMSC).
    std::vector<sme_address> destinations;
    std::uint32_t distribution_lists = 0;
    std::uint8_t esm_class = 0;
    std::uint8_t protocol_id = 0;
    std::uint8_t registered_delivery = 0;
    std::uint8_t data_coding = 0;
    std::string_view short_message;               // sm_length bytes; empty for data_sm
    std::optional<std::string_view> message_payload;  // TLV 0x0424
    std::optional<std::uint16_t> sar_msg_ref_num;
    std::optional<std::uint8_t> sar_total_segments;
    std::optional<std::uint8_t> sar_segment_seqnum;
    std::uint32_t tlvs_skipped = 0;  // other TLVs, stepped over by their length

    // The user data: message_payload when present (the spec forbids both), else short_message.
    std::string_view user_data() const noexcept { return message_payload ? *message_payload : short_message; }
};

enum class pdu_error : std::uint8_t {
    none,
    truncated,            // a mandatory field runs past command_length
    unterminated_string,  // a C-Octet string with no NUL within its maximum length
    bad_sm_length,        // sm_length runs past command_length
    bad_tlv,              // a TLV header or value runs past command_length, or a known TLV has the wrong size
    duplicate_tlv,        // a TLV ringfence reads appears twice (two readers could disagree on which wins)
    payload_conflict,     // both short_message and message_payload carry data
};
inline constexpr int pdu_error_count = 7;
std::string_view to_string(pdu_error e) noexcept;  // "truncated", ...; "" for none

struct pdu {
    pdu_header header;
    enum class body_kind : std::uint8_t { none, bind, message } kind = body_kind::none;
    bind_body bind;
    message_body message;
};

// Parses a whole PDU (bytes.size() == header.length, checked by the framer). A response
// with a non-zero command_status may have no body; the body of commands ringfence does not
// read (query_sm, cancel_sm, ...) is not looked at.
pdu_error parse_pdu(std::span<const std::uint8_t> bytes, pdu& out) noexcept;

}  // namespace ringfence::decode::smpp
