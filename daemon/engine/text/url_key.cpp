#include "engine/text/url_key.hpp"

#include "engine/text/idna.hpp"
#include "engine/text/url_extractor.hpp"

namespace ringfence::engine::text {
namespace {

// The port as its number's digits ("0443" -> "443"); "" for an empty port (":"), which
// browsers read as the scheme's own.
std::string_view port_digits(std::string_view port) {
    while (!port.empty() && port.front() == '0') port.remove_prefix(1);
    return port;
}

}  // namespace

void url_key(std::string_view u, std::string& out) {
    out.clear();
    const std::string_view host = url_host(u);
    if (host.empty() || host.data() < u.data() || host.data() + host.size() > u.data() + u.size()) return;
    const std::size_t host_at = static_cast<std::size_t>(host.data() - u.data());
    const bool bracketed = host_at > 0 && u[host_at - 1] == '[';  // an IPv6 literal keeps its brackets
    thread_local std::string ascii;  // kept: a host is seldom short enough for a string's own buffer
    if (!host_to_ascii(host, ascii)) {
        ascii.clear();
        for (char c : host) ascii += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (bracketed) out += '[';
    out += ascii;
    std::string_view rest = u.substr(host_at + host.size());
    if (bracketed && !rest.empty() && rest.front() == ']') {
        out += ']';
        rest.remove_prefix(1);
    }
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    // The port by its value, and none for 80 or 443: the key has no scheme, so those two
    // (the web's own ports) are dropped whatever the scheme said, and https://x:443/,
    // http://x/ and x:0443/ are one URL. Any other port stays ("x:8443"). A port written
    // again (":80:80", which url_host leaves out of the host) is the first one's.
    for (bool first = true; !rest.empty() && rest.front() == ':'; first = false) {
        std::size_t end = 1;
        while (end < rest.size() && rest[end] >= '0' && rest[end] <= '9') ++end;
        const std::string_view digits = port_digits(rest.substr(1, end - 1));
        if (first && !digits.empty() && digits != "80" && digits != "443") {
            out += ':';
            out.append(digits);
        }
        rest.remove_prefix(end);
    }
    // An empty path is "/" (RFC 3986 6.2.3): x.com, x.com/ and x.com:8443 vs x.com:8443/ are
    // one URL each, with or without a query after them.
    if (rest.size() >= 1 && rest.front() == '/' && (rest.size() == 1 || rest[1] == '?')) rest.remove_prefix(1);
    out.append(rest);
}

}  // namespace ringfence::engine::text
