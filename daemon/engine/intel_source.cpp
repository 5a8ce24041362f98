#include "engine/intel_source.hpp"

namespace ringfence::engine {

std::string_view to_string(intel_kind k) noexcept {
    switch (k) {
        case intel_kind::number: return "number";
        case intel_kind::number_prefix: return "number_prefix";
        case intel_kind::domain: return "domain";
        case intel_kind::url: return "url";
        case intel_kind::ip: return "ip";
        case intel_kind::bank_account: return "bank_account";
    }
    return "?";
}

std::optional<intel_kind> parse_intel_kind(std::string_view s) noexcept {
    for (const intel_kind k : all_intel_kinds)
        if (to_string(k) == s) return k;
    return std::nullopt;
}

std::string_view intel_kind_names() noexcept { return "number, number_prefix, domain, url, ip, bank_account"; }

}  // namespace ringfence::engine
