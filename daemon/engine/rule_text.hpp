// Text helpers of the compiled rules: describing a compiled node for fingerprints and
// evidence, durations as rule authors write them, reason templates, case folding for
// icontains.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/compiled_ruleset.hpp"

namespace ringfence::engine {

// A canonical text of a compiled condition (names resolved, macros expanded).
std::string describe(const compiled_ruleset& rs, std::uint32_t node_index);

// 600000 -> "10m", 1500 -> "1500ms", 86400000 -> "1d".
std::string format_duration(std::int64_t ms);

// Lower case for ASCII, Latin-1 and the Vietnamese letters (so icontains "chuyển khoản"
// finds "Chuyển Khoản"), with Vietnamese vowels written decomposed (NFD) composed (so it
// finds "Chuyển" typed as "Chuye" + U+0302 + U+0309 too); other bytes are kept.
std::string lower_text(std::string_view utf8);
void lower_text_into(std::string_view utf8, std::string& out);
// The same composition without lowering: what the case-sensitive tests (contains, startswith,
// endswith, contains_any) read, so "Đa" + U+0306 + "ng nhập" is "Đăng nhập" for them too.
void compose_text_into(std::string_view utf8, std::string& out);
// A combining mark (U+0300-U+036F) in the text: only then is there anything to compose.
bool has_combining_mark(std::string_view utf8) noexcept;

// startswith, endswith, contains on text as given (icontains: text and pattern already
// lowered); false for matches, which has a regex of its own.
inline bool text_test(condition::text_op op, std::string_view text, std::string_view pattern) {
    switch (op) {
        case condition::text_op::startswith: return text.starts_with(pattern);
        case condition::text_op::endswith: return text.ends_with(pattern);
        case condition::text_op::contains:
        case condition::text_op::icontains: return text.find(pattern) != std::string_view::npos;
        case condition::text_op::matches: return false;
    }
    return false;
}

// "international ingress {origin.trunk} presents {caller.e164}" -> parts; "{{" and "}}" are
// literal braces. False with why when a field is unknown or a brace is unbalanced.
bool parse_reason(const std::string& text, std::vector<reason_part>& out, std::string& why);

}  // namespace ringfence::engine
