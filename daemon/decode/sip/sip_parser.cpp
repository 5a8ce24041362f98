#include "decode/sip/sip_parser.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "common/find_any.hpp"
#include "common/find_byte.hpp"

namespace ringfence::decode::sip {

namespace {

constexpr std::array<std::string_view, 14> known_methods = {
    "INVITE",    "ACK",    "BYE",     "CANCEL", "REGISTER", "OPTIONS", "PRACK",
    "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO",   "REFER",    "MESSAGE", "UPDATE"};

// The helpers below run for every header of every message: always inlined (GCC kept them
// as calls, and the calls cost more than their work).

[[gnu::always_inline]] inline char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII case-insensitive equality. Equal bytes pass at once (the common case: a header
// written as the RFC spells it); only differing bytes are lowered.
[[gnu::always_inline]] inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] != b[i] && lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

[[gnu::always_inline]] inline bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// One comparison for the usual byte (above the space), then a bit test for the four.
[[gnu::always_inline]] inline bool is_space(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u <= ' ' && ((std::uint64_t{1} << u) & ((std::uint64_t{1} << ' ') | (1U << '\t') | (1U << '\r') | (1U << '\n'))) != 0;
}

[[gnu::always_inline]] inline std::string_view trim(std::string_view s) noexcept {
    const char* begin = s.data();
    const char* end = begin + s.size();
    while (begin != end && is_space(*begin)) ++begin;
    while (end != begin && is_space(end[-1])) --end;
    return {begin, static_cast<std::size_t>(end - begin)};
}

// A header name the parser keeps (or another token it looks for: the version, a URI
// scheme), in lower case, with what comparing a name read from the wire to it needs eight
// bytes at a time: its bytes as little-endian words (zero past the end), the case bit (0x20)
// of each letter, and which bytes of the last word are the name's. Only letters are folded:
// "Call\rID" is not "Call-ID" ('\r' | 0x20 is '-').
struct known_header_name {
    static constexpr std::size_t max_words = 3;
    std::string_view text;
    std::size_t size = 0;
    std::uint64_t word[max_words] = {};
    std::uint64_t fold[max_words] = {};
    std::uint64_t keep[max_words] = {};

    consteval explicit known_header_name(std::string_view lower) : text(lower), size(lower.size()) {
        for (std::size_t i = 0; i < lower.size(); ++i) {
            const auto c = static_cast<unsigned char>(lower[i]);
            const std::size_t shift = (i % 8) * 8;
            word[i / 8] |= std::uint64_t{c} << shift;
            if (c >= 'a' && c <= 'z') fold[i / 8] |= std::uint64_t{0x20} << shift;
            keep[i / 8] |= std::uint64_t{0xff} << shift;
        }
    }
    constexpr std::size_t words() const noexcept { return (size + 7) / 8; }
};

// `name` equals `known` ASCII case-insensitively. `readable` is how many bytes of the message
// start at name.data(): whole words are loaded where they all lie inside it (every header
// but one at the very end of a datagram), byte by byte otherwise.
[[gnu::always_inline]] inline bool name_is(std::string_view name, std::size_t readable, const known_header_name& known) noexcept {
    if (name.size() != known.size) return false;
    if constexpr (std::endian::native == std::endian::little) {
        if (readable >= known.words() * 8) {
            for (std::size_t w = 0; w < known.words(); ++w) {
                std::uint64_t v;
                std::memcpy(&v, name.data() + w * 8, sizeof v);
                if (((v | known.fold[w]) & known.keep[w]) != known.word[w]) return false;
            }
            return true;
        }
    }
    return iequals(name, known.text);
}

// A name (or the start of a URI, a parameter) the parser looks for at the start of a view:
// name_is on the view's first known.size bytes, the rest of the view being readable.
[[gnu::always_inline]] inline bool starts_with_known(std::string_view s, const known_header_name& known) noexcept {
    return s.size() >= known.size && name_is(s.substr(0, known.size), s.size(), known);
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// RFC 3261 token characters as a method has them: a table, as every byte of every request's
// method is tested.
constexpr std::array<bool, 256> method_chars = [] {
    std::array<bool, 256> t{};
    for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = t[static_cast<std::size_t>(c - 'A' + 'a')] = true;
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (char c : std::string_view("-.!%*_+`'~")) t[static_cast<unsigned char>(c)] = true;
    return t;
}();

bool is_method_char(char c) noexcept { return method_chars[static_cast<unsigned char>(c)]; }

struct line {
    std::string_view text;  // without the EOL
    std::size_t next = 0;   // offset after the EOL
    bool complete = false;  // an EOL was found
};

[[gnu::always_inline]] inline line next_line(std::string_view s, std::size_t pos) noexcept {
    const std::size_t nl = common::find_byte(s, '\n', pos);
    if (nl == std::string_view::npos) return {s.substr(pos), s.size(), false};
    std::size_t end = nl;
    if (end > pos && s[end - 1] == '\r') --end;
    return {s.substr(pos, end - pos), nl + 1, true};
}

constexpr known_header_name sip_version{"sip/2.0"};
constexpr known_header_name status_line_start{"sip/2.0 "};

// readable: how many bytes of the message start at text.data() (name_is).
bool parse_request_line(std::string_view text, std::size_t readable, sip_message& out) noexcept {
    // Blanks after the version (a sloppy stack's "INVITE sip:x SIP/2.0 ") do not cost the
    // call its record: a status line's reason phrase takes any text after the code as well.
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    const std::size_t sp1 = common::find_byte(text, ' ');
    const std::size_t sp2 = text.rfind(' ');
    if (sp1 == 0 || sp1 == std::string_view::npos || sp2 == sp1) return false;
    if (!name_is(text.substr(sp2 + 1), readable - sp2 - 1, sip_version)) return false;
    const std::string_view method = text.substr(0, sp1);
    for (char c : method) {
        if (!is_method_char(c)) return false;
    }
    const std::string_view uri = trim(text.substr(sp1 + 1, sp2 - sp1 - 1));
    if (uri.empty() || common::find_byte(uri, ' ') != std::string_view::npos) return false;
    out.is_request = true;
    out.method = method;
    out.request_uri = uri;  // its user is split out with the parties
    return true;
}

bool parse_status_line(std::string_view text, sip_message& out) noexcept {
    if (!starts_with_known(text, status_line_start) || text.size() < 11) return false;
    const std::string_view code = text.substr(8, 3);
    if (!is_digit(code[0]) || !is_digit(code[1]) || !is_digit(code[2])) return false;
    if (text.size() > 11 && text[11] != ' ') return false;
    const int status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    if (status < 100 || status > 699) return false;
    out.is_request = false;
    out.status_code = status;
    out.reason = text.size() > 12 ? trim(text.substr(12)) : std::string_view{};
    return true;
}

// A request line with junk glued before its method: "DBREGISTER sip:... SIP/2.0".
bool parse_request_line_after_junk(std::string_view text, std::size_t readable, sip_message& out) noexcept {
    const std::size_t sp1 = common::find_byte(text, ' ');
    if (sp1 == std::string_view::npos) return false;
    const std::string_view token = text.substr(0, sp1);
    for (std::string_view method : known_methods) {
        if (token.size() <= method.size() || token.size() - method.size() > max_junk_bytes)
            continue;
        if (token.substr(token.size() - method.size()) != method) continue;
        const std::size_t junk = token.size() - method.size();
        if (parse_request_line(text.substr(junk), readable - junk, out)) {
            out.junk_skipped = junk;
            return true;
        }
    }
    return false;
}

bool is_known_method(std::string_view method) noexcept {
    for (std::string_view known : known_methods) {
        if (method == known) return true;
    }
    return false;
}

bool parse_unsigned(std::string_view digits, std::size_t limit, std::size_t& out) noexcept {
    if (digits.empty() || digits.size() > 10) return false;
    std::size_t v = 0;
    for (char c : digits) {
        if (!is_digit(c)) return false;
        v = v * 10 + static_cast<std::size_t>(c - '0');
    }
    if (v > limit) return false;
    out = v;
    return true;
}

void take_cseq(std::string_view value, sip_message& out) noexcept {
    std::size_t i = 0;
    while (i < value.size() && is_digit(value[i])) ++i;
    std::size_t number = 0;
    if (!parse_unsigned(value.substr(0, i), 0xffffffffULL, number)) return;
    out.cseq_number = static_cast<std::uint32_t>(number);
    out.cseq_method = trim(value.substr(i));
}

// value is trimmed.
void take_via(std::string_view value, sip_message& out) noexcept {
    const std::size_t first_comma = common::find_byte(value, ',');
    if (first_comma == std::string_view::npos) {  // one hop in the header, the usual case
        if (out.via_first.empty()) out.via_first = value;
        out.via_last = value;
        return;
    }
    if (out.via_first.empty()) out.via_first = trim(value.substr(0, first_comma));
    out.via_last = trim(value.substr(value.rfind(',') + 1));
}

enum class header : std::uint8_t {
    other,
    call_id,
    from,
    to,
    contact,
    via,
    content_length,
    content_type,
    cseq,
    user_agent,
    server,
    p_asserted_identity,
    remote_party_id,
    diversion,
    identity
};

constexpr known_header_name scheme_sip{"sip:"};
constexpr known_header_name scheme_sips{"sips:"};
constexpr known_header_name scheme_tel{"tel:"};
constexpr known_header_name param_tag{"tag="};

constexpr known_header_name name_to{"to"};
constexpr known_header_name name_via{"via"};
constexpr known_header_name name_from{"from"};
constexpr known_header_name name_cseq{"cseq"};
constexpr known_header_name name_server{"server"};
constexpr known_header_name name_call_id{"call-id"};
constexpr known_header_name name_contact{"contact"};
constexpr known_header_name name_identity{"identity"};
constexpr known_header_name name_diversion{"diversion"};
constexpr known_header_name name_user_agent{"user-agent"};
constexpr known_header_name name_content_type{"content-type"};
constexpr known_header_name name_content_length{"content-length"};
constexpr known_header_name name_remote_party_id{"remote-party-id"};
constexpr known_header_name name_p_asserted_identity{"p-asserted-identity"};

// readable: as for name_is.
header classify(std::string_view name, std::size_t readable) noexcept {
    if (name.size() == 1) {
        switch (lower(name[0])) {
            case 'i':
                return header::call_id;
            case 'f':
                return header::from;
            case 't':
                return header::to;
            case 'm':
                return header::contact;
            case 'v':
                return header::via;
            case 'l':
                return header::content_length;
            case 'c':
                return header::content_type;
            case 'y':
                return header::identity;
            default:
                return header::other;
        }
    }
    const auto is = [&](const known_header_name& known) { return name_is(name, readable, known); };
    switch (name.size()) {
        case 2:
            return is(name_to) ? header::to : header::other;
        case 3:
            return is(name_via) ? header::via : header::other;
        case 4:
            return is(name_from) ? header::from : is(name_cseq) ? header::cseq : header::other;
        case 6:
            return is(name_server) ? header::server : header::other;
        case 7:
            return is(name_call_id) ? header::call_id : is(name_contact) ? header::contact : header::other;
        case 8:
            return is(name_identity) ? header::identity : header::other;
        case 9:
            return is(name_diversion) ? header::diversion : header::other;
        case 10:
            return is(name_user_agent) ? header::user_agent : header::other;
        case 12:
            return is(name_content_type) ? header::content_type : header::other;
        case 14:
            return is(name_content_length) ? header::content_length : header::other;
        case 15:
            return is(name_remote_party_id) ? header::remote_party_id : header::other;
        case 19:
            return is(name_p_asserted_identity) ? header::p_asserted_identity : header::other;
        default:
            return header::other;
    }
}

// The raw values of the headers kept, before name-addrs are split.
struct raw_headers {
    std::string_view from, to, contact, pai, rpid, diversion;
};

std::string_view* slot_for(header h, raw_headers& raw, sip_message& out) noexcept {
    switch (h) {
        case header::call_id:
            return &out.call_id;
        case header::from:
            return &raw.from;
        case header::to:
            return &raw.to;
        case header::contact:
            return &raw.contact;
        case header::content_type:
            return &out.content_type;
        case header::user_agent:
            return &out.user_agent;
        case header::server:
            return &out.server;
        case header::p_asserted_identity:
            return &raw.pai;
        case header::remote_party_id:
            return &raw.rpid;
        case header::diversion:
            return &raw.diversion;
        case header::identity:
            return &out.identity;
        default:
            return nullptr;
    }
}

// A Remote-Party-ID that names the called party (";party=called"), not the caller.
bool names_called_party(std::string_view rpid) noexcept {
    for (std::size_t at = common::find_byte(rpid, ';'); at != std::string_view::npos; at = common::find_byte(rpid, ';', at + 1)) {
        std::string_view param = trim(rpid.substr(at + 1));
        param = param.substr(0, common::find_any(param, ";,"));
        if (istarts_with(param, "party=")) return istarts_with(trim(param.substr(6)), "called");
    }
    return false;
}

// Extends a header value over a folded continuation line; both lie in the same buffer.
std::string_view extend(std::string_view value, std::string_view continuation) noexcept {
    if (value.empty()) return trim(continuation);  // the value starts after the fold ("From:\r\n <sip:…>")
    const char* end = continuation.data() + continuation.size();
    return trim(std::string_view(value.data(), static_cast<std::size_t>(end - value.data())));
}

}  // namespace

std::string_view to_string(parse_result r) noexcept {
    switch (r) {
        case parse_result::message:
            return "message";
        case parse_result::keepalive:
            return "keepalive";
        case parse_result::incomplete:
            return "incomplete";
        case parse_result::not_sip:
            return "not_sip";
        case parse_result::malformed:
            return "malformed";
    }
    return "unknown";
}

void split_uri(std::string_view uri, std::string_view& user, std::string_view& host) noexcept {
    user = {};
    host = {};
    std::string_view rest;
    if (starts_with_known(uri, scheme_sip))
        rest = uri.substr(4);
    else if (starts_with_known(uri, scheme_sips))
        rest = uri.substr(5);
    else if (starts_with_known(uri, scheme_tel)) {
        rest = uri.substr(4);
        user = trim(rest.substr(0, common::find_any(rest, ";?")));
        return;
    } else
        return;
    const std::size_t at = common::find_byte(rest, '@');
    if (at != std::string_view::npos) {
        const std::string_view userinfo = rest.substr(0, at);
        user = userinfo.substr(0, common::find_byte(userinfo, ':'));
        // A telephone-subscriber user carries its parameters after ';' (RFC 3261 19.1.6,
        // number portability RFC 4694: "+84912345678;npdi;rn=+84900000000"): the number is
        // what comes before them.
        user = user.substr(0, common::find_byte(user, ';'));
        rest = rest.substr(at + 1);
    }
    host = rest.substr(0, common::find_any(rest, ";?>"));
}

void assign_unescaped_user(std::string& out, std::string_view user) {
    // Nearly every user part has no escape: one search, one copy.
    if (common::find_byte(user, '%') == std::string_view::npos) {
        out.assign(user);
        return;
    }
    out.clear();
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < user.size(); ++i) {
        if (user[i] == '%' && i + 2 < user.size() && hex(user[i + 1]) >= 0 && hex(user[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex(user[i + 1]) * 16 + hex(user[i + 2])));
            i += 2;
        } else {
            out.push_back(user[i]);
        }
    }
}

name_addr parse_name_addr(std::string_view value, bool split) noexcept {
    name_addr r;
    value = trim(value);
    r.value = value;
    std::size_t search_from = 0;
    if (!value.empty() && value[0] == '"') {
        std::size_t i = 1;
        while (i < value.size() && value[i] != '"') i += value[i] == '\\' ? 2 : 1;
        if (i < value.size()) r.display = value.substr(1, i - 1);
        search_from = i < value.size() ? i + 1 : value.size();
    }
    std::string_view params;
    const std::size_t lt = common::find_byte(value, '<', search_from);
    if (lt != std::string_view::npos) {
        if (r.display.empty()) r.display = trim(value.substr(0, lt));
        std::size_t gt = common::find_byte(value, '>', lt);
        if (gt == std::string_view::npos) gt = value.size();
        r.uri = trim(value.substr(lt + 1, gt - lt - 1));
        params = gt < value.size() ? value.substr(gt + 1) : std::string_view{};
    } else {
        // addr-spec: parameters after the URI belong to the header, not the URI
        const std::size_t semi = common::find_byte(value, ';', search_from);
        r.uri =
            trim(value.substr(search_from, semi == std::string_view::npos ? std::string_view::npos
                                                                          : semi - search_from));
        params = semi == std::string_view::npos ? std::string_view{} : value.substr(semi);
    }
    for (std::size_t pos = common::find_byte(params, ';'); pos != std::string_view::npos;
         pos = common::find_byte(params, ';', pos + 1)) {
        std::string_view param = trim(params.substr(pos + 1));
        param = param.substr(0, common::find_any(param, ";,"));
        if (starts_with_known(param, param_tag)) {
            r.tag = trim(param.substr(4));
            break;
        }
    }
    if (split) split_uri(r.uri, r.user, r.host);
    return r;
}

namespace {

// parse_sip_message on a message whose fields are clear but for its From and To, which a
// message result sets.
parse_outcome parse_into(std::string_view bytes, bool stream, sip_message& out, request_parties which,
                         call_id_hint* hint) noexcept {
    std::size_t start = 0;
    while (start < bytes.size() && (bytes[start] == '\r' || bytes[start] == '\n')) ++start;
    if (start == bytes.size()) {
        if (start > 0) return {parse_result::keepalive, start};
        return {stream ? parse_result::incomplete : parse_result::not_sip, 0};
    }
    // On a stream, CRLF keep-alives between messages are consumed on their own, so that a
    // message that is not complete yet always starts at the first byte.
    if (stream && start > 0) return {parse_result::keepalive, start};
    const line first = next_line(bytes, start);
    const std::size_t readable = bytes.size() - start;  // from first.text.data()
    if (!first.complete) {
        if (stream && bytes.size() - start <= max_header_bytes)
            return {parse_result::incomplete, 0};
        return {parse_result::not_sip, 0};
    }
    // An unknown method that ends with a known one is junk glued to it ("DBREGISTER"), as
    // tshark and Zeek read it, rather than an extension method.
    if (!parse_status_line(first.text, out) &&
        !(parse_request_line(first.text, readable, out) && is_known_method(out.method)) &&
        !parse_request_line_after_junk(first.text, readable, out) && !parse_request_line(first.text, readable, out)) {
        // A start line that names SIP but does not parse ("SIP/2.0 2OO OK", "INVITE
        // sip:x SIP/3.0", a request with no URI) is broken SIP, not another protocol.
        const bool names_sip = first.text.substr(0, 4) == "SIP/" || first.text.find(" SIP/") != std::string_view::npos;
        return {names_sip ? parse_result::malformed : parse_result::not_sip, 0};
    }

    raw_headers raw;
    std::string_view* last_value = nullptr;
    std::size_t pos = first.next;
    std::size_t body_start = bytes.size();
    bool headers_ended = false;
    while (pos < bytes.size()) {
        if (pos - start > max_header_bytes) return {parse_result::malformed, 0};
        const line l = next_line(bytes, pos);
        if (!l.complete && stream) {
            return {bytes.size() - start > max_header_bytes ? parse_result::malformed
                                                            : parse_result::incomplete,
                    0};
        }
        pos = l.next;
        if (l.text.empty()) {
            body_start = l.next;
            headers_ended = true;
            break;
        }
        if (l.text[0] == ' ' || l.text[0] == '\t') {
            if (last_value != nullptr) *last_value = extend(*last_value, l.text);
            continue;
        }
        const std::size_t colon = common::find_byte(l.text, ':');
        if (colon == std::string_view::npos) return {parse_result::malformed, 0};
        // A name has no blank before it (such a line continues the one above); before its
        // colon only spaces and tabs may stand (RFC 3261 HCOLON). A CR is neither: "\rCall-ID"
        // or "Call-ID\r" is no Call-ID header, as tshark reads it too.
        std::string_view name = l.text.substr(0, colon);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
        if (name.empty()) return {parse_result::malformed, 0};
        const header h = classify(name, static_cast<std::size_t>(bytes.data() + bytes.size() - name.data()));
        // A name the parser knows has no blank in it; any other is looked through.
        if (h == header::other && common::find_any(name, " \t") != std::string_view::npos) return {parse_result::malformed, 0};
        const std::string_view value = trim(l.text.substr(colon + 1));
        last_value = nullptr;
        if (h == header::via) {
            take_via(value, out);
        } else if (h == header::cseq) {
            if (out.cseq_method.empty()) take_cseq(value, out);
        } else if (h == header::content_length) {
            std::size_t length = 0;
            if (!parse_unsigned(value, max_body_bytes, length)) {
                // On a stream the message cannot be framed; a datagram is whole anyway, so
                // its headers are read and the body is what follows them (counted).
                if (stream) return {parse_result::malformed, 0};
                out.bad_content_length = true;
            } else if (!out.has_content_length) {
                out.has_content_length = true;
                out.content_length = length;
            } else if (length != out.content_length) {
                // Two lengths: a peer that takes the other one frames a message here that this
                // reading would not see (a call slipped past the filter). On a stream nothing
                // is framed on a guess; a datagram keeps the first, counted.
                if (stream) return {parse_result::malformed, 0};
                out.bad_content_length = true;
            }
        } else if (h == header::remote_party_id && !raw.rpid.empty() && names_called_party(raw.rpid) && !names_called_party(value)) {
            raw.rpid = value;  // the calling party's identity, not the called one's (party=called)
            last_value = &raw.rpid;
        } else if (std::string_view* slot = slot_for(h, raw, out);
                   slot != nullptr && slot->empty()) {
            *slot = value;
            last_value = slot;
            if (h == header::call_id && hint != nullptr) hint->on_call_id(value);
        }
    }
    if (stream && !headers_ended) return {parse_result::incomplete, 0};

    std::size_t consumed = 0;
    if (stream) {
        if (bytes.size() - body_start < out.content_length) return {parse_result::incomplete, 0};
        out.body = bytes.substr(body_start, out.content_length);
        consumed = body_start + out.content_length;
    } else {
        out.body = body_start < bytes.size() ? bytes.substr(body_start) : std::string_view{};
        if (out.has_content_length && out.content_length < out.body.size())
            out.body = out.body.substr(0, out.content_length);
        consumed = bytes.size();
    }
    // The parties in full only where a record is made of them (sip_message's comment).
    const bool parties = out.is_request && (which == request_parties::every_request || out.method == "INVITE" || out.method == "MESSAGE");
    out.from = parse_name_addr(raw.from, parties);
    out.to = parse_name_addr(raw.to, parties);
    if (!parties) return {parse_result::message, consumed};
    std::string_view request_host;
    split_uri(out.request_uri, out.request_user, request_host);
    // A header the message does not carry stays as clear() left it (what an empty value
    // parses to), without the call: an INVITE seldom has all four.
    if (!raw.contact.empty()) out.contact = parse_name_addr(raw.contact);
    if (!raw.pai.empty()) out.p_asserted_identity = parse_name_addr(raw.pai);
    if (!raw.rpid.empty() && !names_called_party(raw.rpid))  // naming only the called party: no calling identity
        out.remote_party_id = parse_name_addr(raw.rpid);
    if (!raw.diversion.empty()) out.diversion = parse_name_addr(raw.diversion);
    return {parse_result::message, consumed};
}

}  // namespace

parse_outcome parse_sip_message(std::string_view bytes, bool stream, sip_message& out, request_parties which,
                                call_id_hint* hint) noexcept {
    // A whole clear() was ~850 bytes of stores a message, a tenth of a parse: the parties are
    // two thirds of them, and most messages set two of the six (From and To, which a message
    // always sets) or none. The others are cleared only where the message before set them.
    static_cast<sip_message_fields&>(out) = sip_message_fields{};
    for (name_addr* party : {&out.p_asserted_identity, &out.remote_party_id, &out.diversion, &out.contact})
        if (party->present()) *party = name_addr{};
    const parse_outcome r = parse_into(bytes, stream, out, which, hint);
    if (r.result != parse_result::message) {
        out.from = name_addr{};
        out.to = name_addr{};
    }
    return r;
}

std::size_t find_header_end(std::string_view bytes, std::size_t& line_start,
                            std::size_t& scanned) noexcept {
    std::size_t from = std::max(scanned, line_start);
    while (true) {
        const std::size_t nl = common::find_byte(bytes, '\n', from);
        if (nl == std::string_view::npos) {
            scanned = bytes.size();
            return std::string_view::npos;
        }
        // A blank line ends the headers; the start line (line 0) never counts as one.
        const std::size_t length = nl - line_start;
        const bool blank = length == 0 || (length == 1 && bytes[line_start] == '\r');
        if (blank && line_start > 0) return nl + 1;
        line_start = nl + 1;
        from = line_start;
        scanned = line_start;
    }
}

bool looks_like_sip(std::string_view bytes) noexcept {
    std::size_t i = 0;
    while (i < bytes.size() && (bytes[i] == '\r' || bytes[i] == '\n')) ++i;
    bytes.remove_prefix(i);
    if (istarts_with(bytes, "SIP/2.0 ")) return true;
    std::size_t m = 0;
    while (m < bytes.size() && m <= 16 + max_junk_bytes && bytes[m] != ' ') ++m;
    if (m == 0 || m >= bytes.size()) return false;
    const std::string_view uri = bytes.substr(m + 1);
    return starts_with_known(uri, scheme_sip) || starts_with_known(uri, scheme_sips) || starts_with_known(uri, scheme_tel);
}

}  // namespace ringfence::decode::sip

