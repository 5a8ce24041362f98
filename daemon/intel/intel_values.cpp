#include "intel/intel_values.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "engine/text/bank_account_extractor.hpp"
#include "engine/text/idna.hpp"
#include "engine/text/public_suffix.hpp"
#include "engine/text/sms_domains.hpp"
#include "engine/text/url_extractor.hpp"
#include "engine/text/url_key.hpp"

namespace ringfence::intel {

namespace {

using engine::intel_kind;
using engine::lists::ip_address;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string format_ip(const ip_address& a);

std::optional<normalised_value> number(std::string_view text, const model::numbering_plan& plan, std::string& why) {
    model::number_info info;
    const auto err = plan.normalize(text, info);
    if (err != model::normalize_error::none) {
        why = fmt::format("'{}' is not a phone number ({})", text, model::to_string(err));
        return std::nullopt;
    }
    if (info.type == model::number_type::alphanumeric) {
        why = fmt::format("'{}' is not a phone number (it reads as a brandname, an alphanumeric sender)", text);
        return std::nullopt;
    }
    if (info.e164.empty()) {
        why = fmt::format("'{}' is a {}: only numbers with an E.164 form can be listed (short codes cannot)", text, model::to_string(info.type));
        return std::nullopt;
    }
    return normalised_value{info.e164, {}};
}

std::optional<normalised_value> number_prefix(std::string_view text, const model::numbering_plan& plan, std::string& why) {
    std::string digits;
    for (char c : text) {
        if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') continue;
        digits += c;
    }
    std::string out;
    if (!digits.empty() && digits[0] == '+') out = digits.substr(1);
    else if (digits.rfind("00", 0) == 0) out = digits.substr(2);
    else if (digits.size() > 1 && digits[0] == '0') out = plan.home_country_code() + digits.substr(1);
    else {
        why = fmt::format("'{}': write a number prefix as +<country code><digits> (+84190), 00<country code><digits>, or nationally 0<digits>", text);
        return std::nullopt;
    }
    if (out.empty() || out.size() > 15) {
        why = fmt::format("'{}': a number prefix has 1 to 15 digits after the country's +", text);
        return std::nullopt;
    }
    for (char c : out)
        if (!is_digit(c)) {
            why = fmt::format("'{}': a number prefix holds only digits after +", text);
            return std::nullopt;
        }
    return normalised_value{"+" + out, {}};
}

std::optional<normalised_value> domain(std::string_view text, std::string& why) {
    if (auto a = engine::lists::parse_ip_address(text)) return normalised_value{format_ip(*a), {}};  // sms.domains gives an IP host as is
    for (char c : text)
        if (c == '/' || c == ':' || c == '@' || c == ' ' || c == '?' || c == '#') {
            why = fmt::format("'{}' is not a domain name: write the name alone (example.com), no scheme, path or port", text);
            return std::nullopt;
        }
    std::string host;
    if (!engine::text::host_to_ascii(text, host)) {
        why = fmt::format("'{}' is not a domain name (malformed UTF-8 or a label Punycode cannot encode)", text);
        return std::nullopt;
    }
    if (host.find('.') == std::string::npos) {
        why = fmt::format("'{}' is not a domain name: it needs at least two labels (example.com)", text);
        return std::nullopt;
    }
    // Labels: not empty, and no '-' at either end (RFC 1123: no registry hands those out).
    for (std::size_t start = 0; start <= host.size();) {
        const std::size_t end = std::min(host.find('.', start), host.size());
        const std::string_view label(host.data() + start, end - start);
        if (label.empty()) {
            why = fmt::format("'{}' is not a domain name: it has an empty label (two dots together, or one at an end)", text);
            return std::nullopt;
        }
        if (label.front() == '-' || label.back() == '-') {
            why = fmt::format("'{}' is not a domain name: the label '{}' begins or ends with '-'", text, label);
            return std::nullopt;
        }
        start = end + 1;
    }
    for (char c : host)
        if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '.' || c == '_')) {
            why = fmt::format("'{}' is not a domain name: '{}' cannot be in one", text, c);
            return std::nullopt;
        }
    const std::string registered = engine::text::registered_domain(host);
    if (registered.empty() || engine::text::public_suffix_length(host) >= host.size()) {
        why = fmt::format("'{}' is a public suffix, not a domain someone registered", text);
        return std::nullopt;
    }
    if (registered != host) {
        why = fmt::format("'{}': sms.domains holds registered domains, so a subdomain never matches; list '{}' to block it", text, registered);
        return std::nullopt;
    }
    // An entry no SMS link gives in sms.domains would never match: a host whose characters
    // an SMS link is not read with ("😀.com": a link's host holds letters, digits and '-').
    std::vector<std::string> links, domains;
    engine::text::extract_urls("https://" + std::string(text) + "/", links);
    engine::text::collect_sms_domains(links, domains);
    if (std::find(domains.begin(), domains.end(), host) == domains.end()) {
        why = fmt::format("'{}' is no domain an SMS link is read with (a link's host holds letters, digits and '-'), so it would never match",
                          text);
        return std::nullopt;
    }
    return normalised_value{host, {}};
}

std::optional<normalised_value> url(std::string_view text, std::string& why) {
    // Whitespace and control characters end a URL in an SMS: here they would leave text over.
    for (char c : text)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
            why = fmt::format("'{}' is not one URL: it holds a space or a control character", text);
            return std::nullopt;
        }
    std::vector<std::string> found;
    engine::text::extract_urls(text, found);
    if (found.size() != 1) {
        why = fmt::format("'{}' is not one URL as an SMS would carry it (http://, https:// or a domain with a path)", text);
        return std::nullopt;
    }
    // Past its host an SMS link ends at a non-ASCII character, so "https://shop.vn/khuyến-mãi"
    // would stand for shop.vn/khuy, and block every page whose path begins so: such a path is
    // refused (links carry it percent-encoded). The link as read (found[0]: scheme, if any,
    // written http:// or https://, dots refanged) is what is parsed; what the text holds
    // past it is found after its last part as written. A cut inside the fragment (which the
    // key drops) and trailing punctuation (which no link holds) only drop what an SMS could
    // not tell apart.
    const std::string_view link = found[0];
    const std::string_view host = engine::text::url_host(link);
    const auto host_end = static_cast<std::size_t>(host.data() + host.size() - link.data());
    const std::string_view after_host = link.substr(host_end);
    const std::size_t last_dot = host.rfind('.');
    const std::string_view last_part = !after_host.empty() ? after_host : last_dot == std::string_view::npos ? host : host.substr(last_dot + 1);
    if (const std::size_t at = text.rfind(last_part); at != std::string_view::npos && after_host.find('#') == std::string_view::npos) {
        std::string_view rest = text.substr(at + last_part.size());
        rest = rest.substr(0, rest.find('#'));
        if (std::any_of(rest.begin(), rest.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
            why = fmt::format("'{}': a link in an SMS ends at a non-ASCII character after its host (this one would be read as '{}'): write "
                              "the path percent-encoded, as links carry it",
                              text, link);
            return std::nullopt;
        }
    }
    // A port is a number from 1 to 65535 (or nothing: "x.com:/"). After the host as the link
    // holds it: "]" of an IPv6 literal, user info and a query's "://" are not in the way. (A
    // port that is not all digits is left in the host by url_host: "x.com:abc".)
    const bool ipv6_literal = host.data() > link.data() && host.data()[-1] == '[';
    if (const std::size_t colon = host.rfind(':'); !ipv6_literal && colon != std::string_view::npos) {
        why = fmt::format("'{}': '{}' is not a port (a number from 1 to 65535)", text, host.substr(colon + 1));
        return std::nullopt;
    }
    if (std::string_view port_part = after_host.starts_with(']') ? after_host.substr(1) : after_host; port_part.starts_with(':')) {
        const std::string_view port = port_part.substr(1, port_part.find_first_of("/?#") - 1);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (!port.empty() && (!is_digit(port.front()) || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)) {
            why = fmt::format("'{}': '{}' is not a port (a number from 1 to 65535)", text, port);
            return std::nullopt;
        }
    }
    normalised_value v;
    engine::text::url_key(found[0], v.value);
    if (v.value.empty()) {
        why = fmt::format("'{}' has no host", text);
        return std::nullopt;
    }
    // The key must read back as itself (with a scheme), so `lists remove` and `lists show`
    // agree; forms the URL finder and the host reader see differently (user info that looks
    // like a host) cannot.
    std::string again;
    engine::text::extract_urls("https://" + v.value, found);
    if (found.size() == 1) engine::text::url_key(found[0], again);
    if (again != v.value) {
        why = fmt::format("'{}' cannot be listed as a URL: write it as scheme://host/path, without user info", text);
        return std::nullopt;
    }
    return v;
}

std::string format_ip(const ip_address& a) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (a.v6) {
        unsigned char b[16];
        for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(a.high >> (56 - 8 * i));
        for (int i = 0; i < 8; ++i) b[8 + i] = static_cast<unsigned char>(a.low >> (56 - 8 * i));
        inet_ntop(AF_INET6, b, buf, sizeof buf);
    } else {
        const std::uint32_t n = htonl(static_cast<std::uint32_t>(a.low));
        inet_ntop(AF_INET, &n, buf, sizeof buf);
    }
    return buf;
}

std::optional<normalised_value> ip(std::string_view text, std::string& why) {
    auto r = parse_ip_range(text, why);
    if (!r) return std::nullopt;
    std::string out = format_ip(r->address);
    if (r->length != (r->address.v6 ? 128 : 32)) out += fmt::format("/{}", r->length);
    return normalised_value{out, {}};
}

std::optional<normalised_value> bank_account(std::string_view text, std::string& why) {
    auto account = engine::text::canonical_bank_account(trim(text), why);
    if (!account) return std::nullopt;
    const auto colon = account->find(':');
    std::string code = colon == std::string::npos ? std::string() : account->substr(0, colon);
    return normalised_value{std::move(*account), std::move(code)};
}

}  // namespace

std::optional<normalised_value> normalise_value(intel_kind k, std::string_view raw, const model::numbering_plan& plan, std::string& why) {
    const std::string_view text = trim(raw);
    if (text.empty()) {
        why = "the value is empty";
        return std::nullopt;
    }
    switch (k) {
        case intel_kind::number: return number(text, plan, why);
        case intel_kind::number_prefix: return number_prefix(text, plan, why);
        case intel_kind::domain: return domain(text, why);
        case intel_kind::url: return url(text, why);
        case intel_kind::ip: return ip(text, why);
        case intel_kind::bank_account: return bank_account(text, why);
    }
    why = "unknown kind";
    return std::nullopt;
}

ip_address mask_address(const ip_address& a, int length) noexcept {
    ip_address m = a;
    if (!a.v6) {
        const std::uint64_t mask = length <= 0 ? 0 : (0xFFFFFFFFull << (32 - length)) & 0xFFFFFFFFull;
        m.low = a.low & mask;
        return m;
    }
    if (length <= 0) {
        m.high = m.low = 0;
    } else if (length < 64) {
        m.high = a.high & (~0ull << (64 - length));
        m.low = 0;
    } else if (length < 128) {
        m.low = length == 64 ? 0 : a.low & (~0ull << (128 - length));
    }
    return m;
}

std::optional<ip_range> parse_ip_range(std::string_view text, std::string& why) {
    std::string_view addr = text;
    int length = -1;
    if (const auto slash = text.find('/'); slash != std::string_view::npos) {
        addr = text.substr(0, slash);
        const std::string_view len = text.substr(slash + 1);
        int n = 0;
        auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), n);
        // Digits only: from_chars takes a sign, and "/-24" read as no length made a range one address.
        if (len.empty() || !is_digit(len.front()) || ec != std::errc() || p != len.data() + len.size()) {
            why = fmt::format("'{}': the prefix length after '/' is a number", text);
            return std::nullopt;
        }
        length = n;
    }
    const auto a = engine::lists::parse_ip_address(addr);
    if (!a) {
        why = fmt::format("'{}' is not an IPv4 or IPv6 address or CIDR range", text);
        return std::nullopt;
    }
    const bool written_v6 = addr.find(':') != std::string_view::npos;
    if (length >= 0 && written_v6 && !a->v6) {  // ::ffff:a.b.c.d/len: the IPv4 range it maps
        if (length < 96) {
            why = fmt::format("'{}': an IPv4-mapped range needs a prefix length of at least 96", text);
            return std::nullopt;
        }
        length -= 96;
    }
    const int max = a->v6 ? 128 : 32;
    if (length < 0) length = max;
    if (length > max) {
        why = fmt::format("'{}': the prefix length is 0-{} for {}", text, max, a->v6 ? "IPv6" : "IPv4");
        return std::nullopt;
    }
    const ip_address masked = mask_address(*a, length);
    if (masked != *a) {
        why = fmt::format("'{}' has bits set past /{}: write the range's first address ({}/{})", text, length, format_ip(masked), length);
        return std::nullopt;
    }
    return ip_range{masked, length};
}

}  // namespace ringfence::intel
