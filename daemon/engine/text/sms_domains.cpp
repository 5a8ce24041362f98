// collect_sms_domains: registered domain and skeleton per URL, deduplicated by a linear scan
// (an SMS holds a handful of URLs).
#include "engine/text/sms_domains.hpp"

#include <algorithm>

#include "engine/text/lookalike.hpp"
#include "engine/text/public_suffix.hpp"
#include "engine/text/url_extractor.hpp"

namespace ringfence::engine::text {

void collect_sms_domains(std::span<const std::string> urls, std::vector<std::string>& out) {
    out.clear();
    std::string domain;
    const auto add = [&](const std::string& d) {
        if (!d.empty() && std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
    };
    for (const std::string& url : urls) {
        registered_domain(url_host(url), domain);
        if (domain.empty()) continue;
        add(domain);
        // An IPv6 literal has hex letters but no look-alikes; IPv4 labels are all digits.
        if (domain.find(':') == std::string::npos) add(unfold_lookalike(domain));
    }
}

void collect_lookalike_domains(std::span<const std::string> urls, std::vector<std::string>& out) {
    out.clear();
    std::string domain;
    for (const std::string& url : urls) {
        registered_domain(url_host(url), domain);
        if (domain.empty() || domain.find(':') != std::string::npos) continue;
        std::string skeleton = unfold_lookalike(domain);
        if (skeleton != domain && std::find(out.begin(), out.end(), skeleton) == out.end()) out.push_back(std::move(skeleton));
    }
}

}  // namespace ringfence::engine::text
