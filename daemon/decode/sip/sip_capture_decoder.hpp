// From transport packets to SIP messages: UDP datagrams are parsed one message each; TCP
// streams are reassembled (packet::tcp_stream_table) and framed by Content-Length, several
// messages per segment or one message over several. Packets on the configured SIP ports
// are parsed; with detect_any_port, so is any payload that starts like SIP. Every message
// goes to the dialog table, and to an observer when one is set (tests, debugging).
#pragma once

#include <bitset>
#include <cstdint>
#include <vector>

#include "decode/packet/packet_counters.hpp"
#include "decode/packet/tcp_stream_table.hpp"
#include "decode/packet/transport_packet.hpp"
#include "decode/sip/sip_counters.hpp"
#include "decode/sip/sip_dialog_table.hpp"
#include "decode/sip/sip_message.hpp"
#include "decode/sip/sip_parser.hpp"

namespace ringfence::decode::sip {

struct sip_capture_settings {
    std::vector<std::uint16_t> ports{5060};
    bool detect_any_port = true;
    packet::tcp_stream_settings tcp;
};

class sip_message_observer {
  public:
    virtual ~sip_message_observer() = default;
    virtual void on_sip_message(const sip_message& message,
                                const packet::transport_packet& packet) = 0;
};

class sip_capture_decoder final : private packet::tcp_stream_consumer, private call_id_hint {
  public:
    sip_capture_decoder(const sip_capture_settings& settings,
                        packet::packet_counters& packet_counters, sip_counters& counters,
                        sip_dialog_table& dialogs, sip_message_observer* observer = nullptr);

    void on_packet(const packet::transport_packet& packet);
    // What a mirroring agent (HEP) delivered on its own, on any port: over UDP one message;
    // over TCP every message the payload holds, each framed by its Content-Length.
    void on_mirrored_message(const packet::transport_packet& packet);
    // Timeouts of TCP streams and dialogs as of now_us (for idle live captures).
    // A live source's quiet moment: now_us is the time on the packets' clock (the dialogs'
    // clock follows it, sip_dialog_table::idle).
    void expire(std::int64_t now_us);
    // The capture ended: TCP data still held behind a hole is decoded, and calls whose end
    // was signalled are ended (sip_dialog_table::finish).
    void finish();

    // Where a request line ("INVITE sip:…") or a status line ("SIP/2.0 …") begins at or
    // after from, whatever precedes it; npos when none does.
    static std::size_t find_start_line(std::string_view bytes, std::size_t from) noexcept;

    std::size_t tcp_streams() const noexcept { return streams_.streams(); }

  private:
    std::size_t on_stream_data(const packet::transport_packet& segment, std::string_view bytes,
                               packet::stream_cursor& cursor) override;
    // Frames the messages in bytes (after any body being passed over).
    std::size_t frame_stream(const packet::transport_packet& segment, std::string_view bytes, packet::stream_cursor& cursor);
    void on_stream_gap(const packet::transport_packet& segment) override;
    void deliver(const sip_message& message, const packet::transport_packet& packet);
    // The parser has read a Call-ID: the dialog table starts loading its slot.
    void on_call_id(std::string_view call_id) noexcept override { dialogs_.prefetch(call_id); }
    void parse_datagram(const packet::transport_packet& packet);
    bool on_sip_port(const packet::transport_packet& packet) const noexcept {
        return ports_.test(packet.src_port) || ports_.test(packet.dst_port);
    }

    std::bitset<65536> ports_;
    bool detect_any_port_;
    std::size_t max_stream_bytes_;
    sip_counters& counters_;
    sip_dialog_table& dialogs_;
    sip_message_observer* observer_;
    // An observer reads every message in full; the dialog table needs the parties of INVITE
    // and MESSAGE only.
    request_parties parties() const noexcept {
        return observer_ != nullptr ? request_parties::every_request : request_parties::record_requests;
    }
    packet::tcp_stream_table streams_;
    sip_message message_;
};

}  // namespace ringfence::decode::sip
