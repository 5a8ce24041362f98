// One parsed SIP message (RFC 3261): views into the bytes it was parsed from, valid as long
// as those bytes are. Absent headers are empty views.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ringfence::decode::sip {

// A From, To, P-Asserted-Identity, Remote-Party-ID, Diversion or Contact value.
struct name_addr {
    std::string_view value;    // the whole header value as written (first of several)
    std::string_view display;  // display name, without quotes
    std::string_view uri;      // "sip:+84912345678@198.51.100.1;user=phone"
    std::string_view
        user;  // "+84912345678": the user part of a sip(s) URI, the number of a tel URI
    std::string_view host;
    std::string_view tag;  // the tag header parameter (From/To)
    bool present() const noexcept { return !value.empty(); }
};

// Replaces out by the user part with its %HH escapes decoded (RFC 3261 19.1.2: "%2B84…" is
// "+84…"); a '%' not followed by two hex digits is kept as it is.
void assign_unescaped_user(std::string& out, std::string_view user);

// Splits a name-addr / addr-spec header value (RFC 3261 section 20.10) into its parts;
// without split, the URI's user and host are left empty (only the tag is wanted).
name_addr parse_name_addr(std::string_view value, bool split = true) noexcept;
// The user part of a URI: sip:/sips: up to '@' (and before any ":password"), tel: up to ';'.
void split_uri(std::string_view uri, std::string_view& user, std::string_view& host) noexcept;

// A parsed message's fields other than its parties (sip_message): what every message sets
// or leaves empty, cleared as one on every parse.
struct sip_message_fields {
    bool is_request = false;
    std::string_view method;        // requests: "INVITE"
    std::string_view request_uri;   // requests
    std::string_view request_user;  // the user part of request_uri
    int status_code = 0;            // responses: 100..699
    std::string_view reason;        // responses
    std::string_view call_id;
    std::uint32_t cseq_number = 0;
    std::string_view cseq_method;
    std::string_view via_first;  // the topmost Via value (the last hop)
    std::string_view via_last;   // the bottom Via value (where the request started)
    std::string_view user_agent;
    std::string_view server;    // responses name their software here
    std::string_view identity;  // STIR/SHAKEN PASSporT (RFC 8224)
    std::string_view content_type;
    bool has_content_length = false;
    bool bad_content_length = false;  // a datagram's Content-Length that is not a number: ignored
    std::size_t content_length = 0;
    std::string_view body;
    std::size_t junk_skipped = 0;  // bytes before the start line that were not SIP
};

// What a parsed message holds of its parties. A request has them all (the capture decoder
// asks for them only in INVITE and MESSAGE, parse_sip_message's request_parties); a response
// (or such a request) has only its From and To with their tags and URIs, no user or host
// split out (request_user neither), and no Contact, P-Asserted-Identity, Remote-Party-ID or
// Diversion: the dialog table matches it by Call-ID and tags, and most packets of a call
// are responses.
struct sip_message : sip_message_fields {
    // Two thirds of the message's bytes; parse_sip_message clears the four a message seldom
    // sets only where the message before set them (sip_parser.cpp).
    name_addr from, to, p_asserted_identity, remote_party_id, diversion, contact;

    void clear() noexcept { *this = sip_message{}; }
};

}  // namespace ringfence::decode::sip
