// collect_sms_domains: registered domain and skeleton per URL, deduplicated by a linear scan
// (an SMS holds a handful of URLs).
#include "engine/text/sms_domains.hpp"

#include <algorithm>

#include "engine/text/idna.hpp"
#include "engine/text/lookalike.hpp"
#include "engine/text/public_suffix.hpp"
#include "engine/text/url_extractor.hpp"

namespace ringfence::engine::text {

namespace {

// The registered domain of the look-alike skeleton of url's host: unfolded before the public
// suffix is found, so "vietcombank.corn.vn" imitates "vietcombank.com.vn" (its registered
// domain as written is "corn.vn"). "" for an IPv6 host (hex letters, no look-alikes).
// ascii: the host as registered_domain reads it (host_to_ascii: lower case, xn-- labels).
std::string lookalike_of(const std::string& ascii, const std::string& domain) {
    if (ascii.find(':') != std::string::npos) return {};
    std::string unfolded = unfold_lookalike(ascii);
    if (unfolded == ascii) return domain;  // nothing to unfold (most hosts): no second suffix lookup
    return registered_domain(unfolded);
}

}  // namespace

void collect_sms_domains(std::span<const std::string> urls, std::vector<std::string>& out, std::vector<std::string>* written,
                         std::vector<std::string>* lookalikes, std::vector<std::string>* hosts) {
    out.clear();
    if (written != nullptr) written->clear();
    if (lookalikes != nullptr) lookalikes->clear();
    if (hosts != nullptr) hosts->clear();
    std::string domain;
    const auto add = [](std::vector<std::string>& to, const std::string& d) {
        if (!d.empty() && std::find(to.begin(), to.end(), d) == to.end()) to.push_back(d);
    };
    std::string ascii;
    for (const std::string& url : urls) {
        if (!host_to_ascii(url_host(url), ascii)) continue;
        if (hosts != nullptr) add(*hosts, ascii);
        registered_domain(ascii, domain);
        if (domain.empty()) continue;
        add(out, domain);
        if (written != nullptr) add(*written, domain);
        const std::string skeleton = lookalike_of(ascii, domain);
        add(out, skeleton);
        if (lookalikes != nullptr && skeleton != domain) add(*lookalikes, skeleton);
    }
}

}  // namespace ringfence::engine::text
