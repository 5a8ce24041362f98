// A zero-copy SIP message parser (RFC 3261 section 7 and 25) for captured traffic: it reads
// what real switches send rather than judging it, and never allocates.
//
// Accepted grammar (the subset of RFC 3261's ABNF this parser reads):
//   message        = *CRLF [junk] start-line *( header-line ) EOL [ body ]
//   start-line     = request-line / status-line
//   request-line   = method SP request-uri SP "SIP/2.0" EOL
//   status-line    = "SIP/2.0" SP 3DIGIT [ SP reason-phrase ] EOL
//   method         = 1*( ALPHA / DIGIT / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
//   ) header-line    = header-name *WSP ":" header-value EOL *( continuation ) continuation   =
//   1*WSP text EOL        ; folded line (RFC 3261 7.3.1), part of the value EOL            = CRLF /
//   LF             ; bare LF tolerated, as most stacks do junk           = bytes before a request
//   line whose method token ends with a known
//                    method name ("DBREGISTER sip:..." reads as REGISTER, as Zeek GH-1507):
//                    at most max_junk_bytes, counted in sip_message::junk_skipped
// Header names are case-insensitive and the compact forms are read: i Call-ID, f From,
// t To, m Contact, v Via, l Content-Length, c Content-Type, y Identity. A header that
// appears more than once keeps its first value, except Via (first and last kept).
// Framing: over a stream, the body is exactly Content-Length bytes (absent means 0, as
// RFC 3261 18.3 requires it on streams); in a datagram the body is the rest of the
// datagram, cut to Content-Length when that is shorter.
#pragma once

#include <cstdint>
#include <string_view>

#include "decode/sip/sip_message.hpp"

namespace ringfence::decode::sip {

enum class parse_result : std::uint8_t {
    message,     // out holds a message of `consumed` bytes
    keepalive,   // CRLFs (RFC 5626 keep-alives): `consumed` bytes of them (on a stream, those
                 // before a message are returned on their own)
    incomplete,  // a stream needs more bytes; nothing consumed
    not_sip,     // the first line is not a SIP start line
    malformed,   // a SIP start line, but the header section or Content-Length is broken
};
std::string_view to_string(parse_result r) noexcept;

struct parse_outcome {
    parse_result result = parse_result::not_sip;
    std::size_t consumed = 0;
};

inline constexpr std::size_t max_junk_bytes = 16;
inline constexpr std::size_t max_header_bytes = 64 * 1024;
inline constexpr std::size_t max_body_bytes = 1024 * 1024;

// Which requests get their parties in full (sip_message's comment): every request, or only
// those that start a dialog or carry a message (INVITE, MESSAGE), the requests a record is
// made of. The dialog table needs no more; ACK and BYE, two of a call's three requests, then
// cost what a response costs. A reader of every request (tests against tshark, an observer)
// asks for every one.
enum class request_parties : std::uint8_t { every_request, record_requests };

// Told a message's Call-ID as soon as its header is read, before the rest of the message
// is: the capture decoder has the dialog table start loading the dialog's slot while the
// parser goes on. The lookup after the parse waited for that load (~9% of a decided
// packet's time in `bench replay`: the table is cold after the rule engine ran).
class call_id_hint {
  public:
    virtual void on_call_id(std::string_view call_id) noexcept = 0;

  protected:
    ~call_id_hint() = default;
};

// Parses the message at the start of bytes. `stream` selects stream framing (TCP).
parse_outcome parse_sip_message(std::string_view bytes, bool stream, sip_message& out,
                                request_parties parties = request_parties::every_request,
                                call_id_hint* hint = nullptr) noexcept;

// Searches a stream for the end of the header section of the message at its start (a blank
// line), resuming where a previous search stopped: line_start is the start of the line being
// read, scanned how far its end was searched. Returns the offset just after the blank line,
// or npos with line_start and scanned advanced for the next call (bytes only grow between
// calls). Each byte is looked at once over all calls.
std::size_t find_header_end(std::string_view bytes, std::size_t& line_start,
                            std::size_t& scanned) noexcept;

// A cheap test that bytes start like a SIP message (for payloads on ports not configured
// as SIP): "SIP/2.0 " or an upper-case method followed by a space and "sip:"/"sips:"/"tel:".
bool looks_like_sip(std::string_view bytes) noexcept;

}  // namespace ringfence::decode::sip
