#include "engine/text/url_key.hpp"

#include "engine/text/idna.hpp"
#include "engine/text/url_extractor.hpp"

namespace ringfence::engine::text {
namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
        if (c != prefix[i]) return false;
    }
    return true;
}

// ":443" for https, ":80" for http; for a URL written without its scheme, a text no port
// equals.
std::string_view default_port(std::string_view url) {
    if (starts_with_nocase(url, "https://") || starts_with_nocase(url, "hxxps://")) return ":443";
    if (starts_with_nocase(url, "http://") || starts_with_nocase(url, "hxxp://")) return ":80";
    return "x";  // never a port: nothing is dropped
}

}  // namespace

void url_key(std::string_view u, std::string& out) {
    out.clear();
    const std::string_view host = url_host(u);
    if (host.empty() || host.data() < u.data() || host.data() + host.size() > u.data() + u.size()) return;
    const std::size_t host_at = static_cast<std::size_t>(host.data() - u.data());
    const bool bracketed = host_at > 0 && u[host_at - 1] == '[';  // an IPv6 literal keeps its brackets
    std::string ascii;
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
    // The port, dropped when it is the scheme's own (https://x:443/ is https://x/).
    std::string_view port;
    if (!rest.empty() && rest.front() == ':') {
        std::size_t end = 1;
        while (end < rest.size() && rest[end] >= '0' && rest[end] <= '9') ++end;
        port = rest.substr(0, end);
        rest.remove_prefix(end);
    }
    if (port != default_port(u)) out.append(port);
    // An empty path is "/" (RFC 3986 6.2.3): x.com, x.com/ and x.com:8443 vs x.com:8443/ are
    // one URL each, with or without a query after them.
    if (rest.size() >= 1 && rest.front() == '/' && (rest.size() == 1 || rest[1] == '?')) rest.remove_prefix(1);
    out.append(rest);
}

}  // namespace ringfence::engine::text
