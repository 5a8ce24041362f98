#include "engine/text/url_key.hpp"

#include "engine/text/idna.hpp"
#include "engine/text/url_extractor.hpp"

namespace ringfence::engine::text {

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
    if (rest == "/") rest = {};
    out.append(rest);
}

}  // namespace ringfence::engine::text
