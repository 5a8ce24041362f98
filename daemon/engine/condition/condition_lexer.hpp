// The tokens of the rule condition language, with byte offsets into the condition text so
// the parser can point its errors at them. lex_condition() turns the whole text into tokens;
// the last token is always `end`, or `error` when the text stops being valid there (the
// parser reports that error only if it gets that far, so the first problem from the left
// wins).
//
//   identifier   a letter or '_', then letters, digits, '_', and dots between them:
//                caller.e164, extra.vlan_id, time.between. Keywords are never identifiers.
//   number       50, 0.85 (no sign: the parser joins a directly preceding '-')
//   duration     a whole number directly followed by ms, s, m, h or d: 500ms 3s 10m 24h 7d
//   time_of_day  H:MM or HH:MM, hours 0-23, minutes 00-59: 22:00, 7:30
//   string       "…" or '…' with the escapes \\ \" \' \n \t; `value` holds the result
//   punctuation  ( ) , -
//   operators    = == != < <= > >=   (= and == are the same operator)
//   keywords     and or not in prefix_in startswith endswith contains icontains
//                contains_any icontains_any matches exists of where by within
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ringfence::engine::condition {

enum class token_kind : std::uint8_t {
    end,
    error,  // `value` is the message; offset/length cover the offending text
    identifier,
    number,
    duration,
    time_of_day,
    string,
    lparen,
    rparen,
    comma,
    minus,
    eq,
    ne,
    lt,
    le,
    gt,
    ge,
    kw_and,
    kw_or,
    kw_not,
    kw_in,
    kw_prefix_in,
    kw_startswith,
    kw_endswith,
    kw_contains,
    kw_icontains,
    kw_contains_any,
    kw_icontains_any,
    kw_matches,
    kw_exists,
    kw_of,
    kw_where,
    kw_by,
    kw_within,
    kw_for,
    kw_except,
};

struct token {
    token_kind kind = token_kind::end;
    std::uint32_t offset = 0;  // byte offset of the first character in the condition text
    std::uint32_t length = 0;
    std::string_view text;    // the source text of the token (empty for `end`)
    std::string value;        // string: the unescaped value; error: the message
    double number = 0;        // number
    std::int64_t millis = 0;  // duration
    int minutes = 0;          // time_of_day: minutes since midnight

    std::uint32_t end_offset() const { return offset + length; }
};

// A stable name for a token kind ("identifier", "'and'", "'<='"), for messages and tests.
std::string_view to_string(token_kind kind);

// Every token of `text`, ending with one `end` or `error` token. `text` must outlive the
// tokens (they view it) and be shorter than 4 GiB.
std::vector<token> lex_condition(std::string_view text);

// A word of the condition language ("and", "in", "within", ...): no macro can be named so.
bool is_keyword(std::string_view word) noexcept;

}  // namespace ringfence::engine::condition
