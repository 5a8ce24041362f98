#include "model/e164_integer.hpp"

namespace ringfence::model {

std::optional<std::int64_t> e164_to_integer(std::string_view e164) noexcept {
    if (e164.size() < 2 || e164.size() > 1 + e164_max_digits || e164[0] != '+' || e164[1] == '0')
        return std::nullopt;
    std::int64_t value = 0;
    for (const char c : e164.substr(1)) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace ringfence::model
