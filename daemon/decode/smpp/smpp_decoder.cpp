#include "decode/smpp/smpp_decoder.hpp"

#include "common/utf8_check.hpp"
#include "decode/smpp/gsm7.hpp"
#include "decode/smpp/sms_text.hpp"
#include "decode/smpp/user_data_header.hpp"
#include "model/brandname.hpp"

namespace ringfence::decode::smpp {

namespace {

// SMPP strings are octets; a record holds UTF-8. Octets that already are UTF-8 (an SMSC
// that passes a brandname such as "ViệtBank" on as UTF-8) are kept; others are read as
// Latin-1, one character an octet.
void assign_utf8(std::string& out, std::string_view octets) {
    out.clear();
    if (!common::first_invalid_utf8(octets)) {
        out.assign(octets);
        return;
    }
    for (const char ch : octets) append_utf8(static_cast<std::uint8_t>(ch), out);
}

bool has_letter(std::string_view s) {
    for (const char ch : s) {
        const auto b = static_cast<std::uint8_t>(ch);
        if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') return true;
        if (b >= 0x80) return true;
    }
    return false;
}

stream_side other(stream_side s) { return s == stream_side::initiator ? stream_side::responder : stream_side::initiator; }

constexpr std::uint8_t ton_international = 1;
constexpr std::uint8_t ton_alphanumeric = 5;
constexpr std::uint8_t esm_intermediate_notification = 0x20;

}  // namespace

smpp_decoder::smpp_decoder(const smpp_settings& settings, const model::numbering_plan& plan, record_sink sink)
    : settings_(settings),
      plan_(plan),
      sink_(std::move(sink)),
      reassembler_(settings.reassembly, [this](model::record& r, sms_reassembler::outcome) { emit(r); }) {}

const smpp_counters& smpp_decoder::counters() {
    counters_.reassembly = reassembler_.counters();
    return counters_;
}

void smpp_decoder::emit(model::record& r) {
    ++counters_.records;
    sink_(r);
}

void smpp_decoder::fill_number(const sme_address& a, model::number_info& out) {
    std::string raw;
    // TON 1 (international) digits are the number after '+'; some SMSCs still write the
    // international prefix ("0084..."), which the plan reads as such.
    if (a.ton == ton_international && !a.value.empty() && a.value.front() != '+' && a.value.rfind("00", 0) != 0) raw.push_back('+');
    raw.append(a.value);
    if (a.value.empty()) {
        out.clear();
        return;
    }
    std::string utf8;
    assign_utf8(utf8, raw);
    if (plan_.normalize(utf8, out) == model::normalize_error::none) return;
    // An address the SMSC marked alphanumeric that the plan does not read ("Tiki*") is a
    // brandname as written, as the wire form reads a sender marked so: no number the plan
    // failed. (One the plan reads, digits included, keeps the plan's reading.)
    if (a.ton == ton_alphanumeric && model::is_brandname_text(utf8)) {
        out.clear();
        out.present = true;
        out.raw = std::move(utf8);
        out.type = model::number_type::alphanumeric;
        return;
    }
    ++counters_.numbers_unparsed;
}

void smpp_decoder::handle_pdu(smpp_session& s, stream_side from, std::span<const std::uint8_t> bytes,
                              std::int64_t time_us) {
    reassembler_.expire(time_us);
    const pdu_error e = parse_pdu(bytes, pdu_);
    if (e != pdu_error::none) {
        ++counters_.pdu_errors[static_cast<std::size_t>(e)];
        return;
    }
    const std::uint32_t id = pdu_.header.command_id;
    const bool resp = (id & command::response_bit) != 0;
    if (resp && pdu_.header.status != 0) ++counters_.error_responses;
    if (id == command::generic_nack) {
        ++counters_.generic_nacks;
        return;
    }
    switch (id & ~command::response_bit) {
        case command::bind_receiver:
        case command::bind_transmitter:
        case command::bind_transceiver:
            if (!resp) {
                ++counters_.binds;
                s.bind_seen_ = true;
                s.bound_ = false;
                s.esme_side_known_ = true;
                s.esme_side_ = from;
                assign_utf8(s.system_id_, pdu_.bind.system_id);
            } else if (s.bind_seen_ && from != s.esme_side_) {
                s.bound_ = pdu_.header.status == 0;
                if (!s.bound_) {
                    // The SMSC refused the bind: the system_id names no trunk, and what
                    // the connection still carries is unbound.
                    ++counters_.binds_refused;
                    s.bind_seen_ = false;
                    s.system_id_.clear();
                }
            } else {
                ++counters_.other_pdus;
            }
            return;
        case command::unbind:
            if (resp) {
                s.bound_ = false;
                s.bind_seen_ = false;  // a message after the unbind names no trunk
                s.system_id_.clear();
            }
            ++counters_.other_pdus;
            return;
        case command::submit_sm:
        case command::deliver_sm:
        case command::data_sm:
            if (resp) {
                ++counters_.other_pdus;
                return;
            }
            handle_message(s, from, pdu_, time_us);
            return;
        case command::submit_multi:
            if (resp) {
                ++counters_.other_pdus;
                return;
            }
            // One sms.submit per SME destination, each decided as if sent alone (a bulk
            // sender's message to many is what rate and content rules must see).
            ++counters_.submit_multi;
            counters_.submit_multi_lists += pdu_.message.distribution_lists;
            for (std::size_t i = 0; i < pdu_.message.destinations.size(); ++i) {
                pdu_.message.destination = pdu_.message.destinations[i];
                handle_message(s, from, pdu_, time_us, i + 1);
            }
            return;
        default:
            ++counters_.other_pdus;
            return;
    }
}

void smpp_decoder::handle_message(smpp_session& s, stream_side from, const pdu& p, std::int64_t time_us, std::size_t multi_index) {
    const std::uint32_t id = p.header.command_id;
    const message_body& m = p.message;
    // Which side is the ESME: the one that bound; else what the command says (an ESME
    // submits, an SMSC delivers); else the TCP client.
    if (!s.esme_side_known_ && id != command::data_sm) {
        s.esme_side_known_ = true;
        s.esme_side_ = id == command::submit_sm || id == command::submit_multi ? from : other(from);
    }
    const stream_side esme = s.esme_side_known_ ? s.esme_side_ : stream_side::initiator;
    model::event_kind kind = model::event_kind::sms_submit;
    if (id == command::submit_multi) {
        // counted per PDU by the caller; each destination is a submit
    } else if (id == command::submit_sm) {
        ++counters_.submit_sm;
    } else if (id == command::deliver_sm) {
        ++counters_.deliver_sm;
        kind = model::event_kind::sms_deliver;
    } else {
        ++counters_.data_sm;
        kind = from == esme ? model::event_kind::sms_submit : model::event_kind::sms_deliver;
    }
    if (kind == model::event_kind::sms_deliver && (m.esm_class & (esm::delivery_receipt | esm_intermediate_notification))) {
        ++counters_.delivery_receipts;
        return;
    }
    if (!s.bind_seen_) ++counters_.unbound_messages;

    model::record& r = record_;
    r.clear();
    const tcp_connection_info& c = s.connection_;
    const std::string& ip = from == stream_side::initiator ? c.initiator_ip : c.responder_ip;
    const std::uint16_t port = from == stream_side::initiator ? c.initiator_port : c.responder_port;
    r.id = "smpp:" + ip + ":" + std::to_string(port) + "/" + std::to_string(p.header.sequence);
    if (multi_index > 0) r.id += "#" + std::to_string(multi_index);  // submit_multi: one record per destination
    r.kind = kind;
    r.time_ms = time_us / 1000;
    r.origin.kind = settings_.origin_kind;
    r.origin.trunk = s.system_id_;
    r.origin.ip = ip;
    fill_number(m.source, r.caller);
    fill_number(m.destination, r.callee);
    // A message always has a destination: an empty destination_addr is a number present and
    // empty (its record line says "callee":""), where an empty source_addr leaves the caller
    // to the sender.
    r.callee.present = true;
    r.sms.present = true;
    assign_utf8(r.sms.sender, m.source.value);
    r.sms.sender_is_alpha = m.source.ton == ton_alphanumeric || has_letter(m.source.value);
    r.sms.parts = 1;

    // The user data: an optional header, then the text in the message's coding.
    const std::string_view ud = m.user_data();
    text_coding coding = classify_data_coding(m.data_coding);
    if (coding == text_coding::unsupported) ++counters_.unsupported_coding;
    std::size_t udh_length = 0;
    std::optional<concat_info> concat;
    if (m.esm_class & esm::udh_indicator) {
        user_data_header udh;
        const udh_error ue = parse_user_data_header(ud, udh);
        if (ue == udh_error::truncated) {
            ++counters_.udh_truncated;
            coding = text_coding::binary;  // where the text starts is unknown: keep every byte
        } else {
            if (ue == udh_error::bad_concat) ++counters_.udh_bad_concat;
            udh_length = udh.length;
            concat = udh.concat;
        }
    }
    if (!concat && (m.sar_msg_ref_num || m.sar_total_segments || m.sar_segment_seqnum)) {
        if (m.sar_msg_ref_num && m.sar_total_segments && m.sar_segment_seqnum && *m.sar_total_segments > 0 &&
            *m.sar_segment_seqnum > 0 && *m.sar_segment_seqnum <= *m.sar_total_segments) {
            concat = concat_info{*m.sar_msg_ref_num, *m.sar_total_segments, *m.sar_segment_seqnum};
        } else {
            ++counters_.sar_incomplete;
        }
    }
    units_.clear();
    if (coding == text_coding::gsm7 && settings_.gsm7_packed) {
        // Septets start at the first septet boundary after the header (the fill bits).
        unpack_septets(ud, (udh_length * 8 + 6) / 7 * 7, units_);
    } else {
        units_.assign(ud.substr(std::min(udh_length, ud.size())));
    }

    if (concat && concat->total > 1) {
        sms_reassembler::part part;
        part.reference = concat->reference;
        part.total = concat->total;
        part.seqnum = concat->seqnum;
        part.coding = coding;
        part.units = units_;
        part.time_us = time_us;
        reassembler_.add(r, part);
        return;
    }
    append_text_utf8(coding, units_, r.sms.text);
    emit(r);
}

smpp_session::smpp_session(smpp_decoder& decoder, tcp_connection_info connection)
    : decoder_(decoder),
      connection_(std::move(connection)),
      framers_{smpp_stream_framer(decoder.settings().framing), smpp_stream_framer(decoder.settings().framing)} {}

void smpp_session::on_bytes(stream_side from, std::span<const std::uint8_t> bytes, std::int64_t capture_time_us) {
    framers_[static_cast<int>(from)].feed(bytes, decoder_.counters_.framing, [&](std::span<const std::uint8_t> pdu_bytes) {
        decoder_.handle_pdu(*this, from, pdu_bytes, capture_time_us);
    });
}

void smpp_session::on_gap(stream_side from) {
    smpp_stream_framer& f = framers_[static_cast<int>(from)];
    ++decoder_.counters_.stream_gaps;
    decoder_.counters_.framing.bytes_dropped += f.buffered_bytes();
    f.reset();
    f.expect_resync();
}

void smpp_session::on_closed() {
    framers_[0].reset();
    framers_[1].reset();
    bound_ = false;
}

}  // namespace ringfence::decode::smpp
