#include "engine/state/window_spec.hpp"

#include <algorithm>
#include <charconv>

#include "engine/state/key_hash.hpp"

namespace ringfence::engine::state {

std::string_view to_string(window_function fn) {
    switch (fn) {
        case window_function::count:
            return "count";
        case window_function::distinct:
            return "distinct";
        case window_function::ratio:
            return "ratio";
        case window_function::sum:
            return "sum";
        case window_function::outgoing_share:
            return "outgoing_share";
    }
    return "unknown";
}

namespace {
constexpr std::string_view shared_prefix = "shared:";
}

std::string stored_function(const window_spec& spec, const member_births* born) {
    if (spec.members.empty()) return std::string(to_string(spec.fn));
    std::string out(shared_prefix);
    for (std::size_t i = 0; i < spec.members.size(); ++i) {
        if (i > 0) out += '\x1e';
        out += to_string(spec.members[i].fn);
        out += '=';
        out += spec.members[i].fingerprint;
        if (born != nullptr && i < max_shared_members && (*born)[i] != born_always) {
            out += '\x1d';
            out += std::to_string((*born)[i]);
        }
    }
    return out;
}

std::optional<stored_members> shared_members_of(std::string_view stored) {
    if (stored.substr(0, shared_prefix.size()) != shared_prefix) return std::nullopt;
    stored.remove_prefix(shared_prefix.size());
    stored_members out;
    while (!stored.empty()) {
        const std::size_t end = std::min(stored.find('\x1e'), stored.size());
        std::string_view item = stored.substr(0, end);
        stored.remove_prefix(std::min(end + 1, stored.size()));
        if (out.members.size() == max_shared_members) return std::nullopt;
        if (const std::size_t mark = item.find('\x1d'); mark != std::string_view::npos) {
            const std::string_view digits = item.substr(mark + 1);
            std::int64_t born = 0;
            const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), born);
            if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
            out.born[out.members.size()] = born;
            item = item.substr(0, mark);
        }
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        shared_member m;
        if (item.substr(0, eq) == "count") m.fn = window_function::count;
        else if (item.substr(0, eq) == "ratio") m.fn = window_function::ratio;
        else return std::nullopt;
        m.fingerprint = std::string(item.substr(eq + 1));
        out.members.push_back(std::move(m));
    }
    if (out.members.empty()) return std::nullopt;
    return out;
}

std::uint64_t members_layout(const std::vector<shared_member>& members) {
    std::uint64_t h = 0x6c61796f7574ull;
    for (const shared_member& m : members) h = mix64(h ^ hash_bytes(static_cast<std::uint64_t>(m.fn) + 1, m.fingerprint));
    return h;
}

}  // namespace ringfence::engine::state
