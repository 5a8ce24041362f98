// lex_condition: every token kind with its byte offset and source text, the values of
// numbers, durations, times of day and strings, keywords against identifiers, and each
// lexical error with its exact message and offset.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "engine/condition/condition_lexer.hpp"

namespace condition = ringfence::engine::condition;
using condition::token_kind;

namespace {

// "kind text@offset" per token, space separated, the final end token included.
std::string shape(std::string_view text) {
    std::string out;
    for (const auto& t : condition::lex_condition(text)) {
        if (!out.empty()) out.append(" | ");
        out.append(condition::to_string(t.kind));
        if (!t.text.empty()) {
            out.push_back(' ');
            out.append(t.text);
        }
        out.append("@" + std::to_string(t.offset));
    }
    return out;
}

// The last token, which is `end` or `error`.
condition::token last(std::string_view text) { return condition::lex_condition(text).back(); }

struct lex_error_case {
    std::string_view text;
    std::uint32_t offset;
    std::uint32_t length;
    std::string_view message;
};

}  // namespace

TEST_CASE("identifiers take dots between their parts") {
    CHECK(shape("caller.e164 extra.vlan_id call.attempt sms.text_folded _x a1 time.between") ==
          "identifier caller.e164@0 | identifier extra.vlan_id@12 | identifier call.attempt@26 | "
          "identifier sms.text_folded@39 | identifier _x@55 | identifier a1@58 | "
          "identifier time.between@61 | end@73");
    // A dot with nothing after it is not part of the identifier.
    CHECK(shape("a.") == "identifier a@0 | error .@1");
    CHECK(last("a.").value == "unexpected character '.'");
    CHECK(shape("a..b") == "identifier a@0 | error .@1");
    CHECK(shape("a.1") == "identifier a.1@0 | end@3");
}

TEST_CASE("keywords are lower case, whole words and never identifiers") {
    CHECK(shape("and or not in prefix_in startswith endswith contains icontains") ==
          "'and' and@0 | 'or' or@4 | 'not' not@7 | 'in' in@11 | 'prefix_in' prefix_in@14 | "
          "'startswith' startswith@24 | 'endswith' endswith@35 | 'contains' contains@44 | "
          "'icontains' icontains@53 | end@62");
    CHECK(shape("contains_any icontains_any matches exists of where by within") ==
          "'contains_any' contains_any@0 | 'icontains_any' icontains_any@13 | "
          "'matches' matches@27 | 'exists' exists@35 | 'of' of@42 | 'where' where@45 | "
          "'by' by@51 | 'within' within@54 | end@60");
    CHECK(shape("AND And and_more in.x count distinct") ==
          "identifier AND@0 | identifier And@4 | identifier and_more@8 | identifier in.x@17 | "
          "identifier count@22 | identifier distinct@28 | end@36");
}

TEST_CASE("punctuation and operators") {
    CHECK(shape("( ) , - = == != < <= > >=") ==
          "'(' (@0 | ')' )@2 | ',' ,@4 | '-' -@6 | '=' =@8 | '=' ==@10 | '!=' !=@13 | "
          "'<' <@16 | '<=' <=@18 | '>' >@21 | '>=' >=@23 | end@25");
    CHECK(shape("a>=50") == "identifier a@0 | '>=' >=@1 | number 50@3 | end@5");
    CHECK(shape("f(x,y)") ==
          "identifier f@0 | '(' (@1 | identifier x@2 | ',' ,@3 | identifier y@4 | ')' )@5 | end@6");
}

TEST_CASE("numbers have no sign, the minus is its own token") {
    const auto tokens = condition::lex_condition("50 0.85 007 -3");
    REQUIRE(tokens.size() == 6);
    CHECK(tokens[0].kind == token_kind::number);
    CHECK(tokens[0].number == 50.0);
    CHECK(tokens[1].number == 0.85);
    CHECK(tokens[1].text == "0.85");
    CHECK(tokens[2].number == 7.0);
    CHECK(tokens[3].kind == token_kind::minus);
    CHECK(tokens[4].kind == token_kind::number);
    CHECK(tokens[4].number == 3.0);
    CHECK(tokens[4].offset == 13);
    // "1." and ".5" are not numbers: the dot is stray.
    CHECK(shape("1.") == "number 1@0 | error .@1");
    CHECK(shape(".5") == "error .@0");
}

TEST_CASE("durations are whole numbers with a unit, in milliseconds") {
    const auto tokens = condition::lex_condition("500ms 3s 10m 24h 7d 0s");
    REQUIRE(tokens.size() == 7);
    const std::vector<std::int64_t> millis{500, 3'000, 600'000, 86'400'000, 604'800'000, 0};
    for (std::size_t i = 0; i < millis.size(); ++i) {
        CAPTURE(i);
        CHECK(tokens[i].kind == token_kind::duration);
        CHECK(tokens[i].millis == millis[i]);
    }
    CHECK(tokens[1].text == "3s");
    CHECK(tokens[1].offset == 6);
}

TEST_CASE("times of day are minutes since midnight") {
    const auto tokens = condition::lex_condition("22:00 7:30 07:00 0:00 23:59");
    REQUIRE(tokens.size() == 6);
    const std::vector<int> minutes{1320, 450, 420, 0, 1439};
    for (std::size_t i = 0; i < minutes.size(); ++i) {
        CAPTURE(i);
        CHECK(tokens[i].kind == token_kind::time_of_day);
        CHECK(tokens[i].minutes == minutes[i]);
    }
    CHECK(tokens[2].text == "07:00");
    CHECK(shape("(22:00,07:00)") ==
          "'(' (@0 | time_of_day 22:00@1 | ',' ,@6 | time_of_day 07:00@7 | ')' )@12 | end@13");
}

TEST_CASE("strings resolve their escapes and keep UTF-8 as is") {
    const auto tokens = condition::lex_condition(
        R"("chuyển khoản" 'it\'s' "say \"hi\"" "a\\b" "tab\there\nnext" "it's" 'say "x"' "")");
    REQUIRE(tokens.size() == 9);
    CHECK(tokens[0].kind == token_kind::string);
    CHECK(tokens[0].value == "chuyển khoản");
    CHECK(tokens[0].text == "\"chuyển khoản\"");
    CHECK(tokens[1].value == "it's");
    CHECK(tokens[2].value == "say \"hi\"");
    CHECK(tokens[3].value == "a\\b");
    CHECK(tokens[4].value == "tab\there\nnext");
    CHECK(tokens[5].value == "it's");
    CHECK(tokens[6].value == "say \"x\"");
    CHECK(tokens[7].value.empty());
    CHECK(tokens[7].kind == token_kind::string);
    CHECK(tokens[8].kind == token_kind::end);
    CHECK(tokens[1].offset == 19);  // "chuyển khoản" is 18 bytes with its quotes
}

TEST_CASE("whitespace, newlines and the end token") {
    CHECK(shape("") == "end@0");
    CHECK(shape(" \t\r\n") == "end@4");
    CHECK(shape("a\n  and\tb ") == "identifier a@0 | 'and' and@4 | identifier b@8 | end@10");
}

TEST_CASE("lexical errors: message, offset and length of the offending text") {
    const std::vector<lex_error_case> cases{
        {R"(x = "abc)", 4, 1, "unterminated string"},
        {R"(x = 'abc\')", 4, 1, "unterminated string"},
        {"x = \"abc\\", 4, 1, "unterminated string"},
        {R"(x = "a" 'b)", 8, 1, "unterminated string"},
        {R"(x = "a\qb")", 6, 2, R"(unknown escape '\q' in string (use \\, \", \', \n or \t))"},
        {"x ! y", 2, 1, "unexpected character '!' (write 'not' or '!=')"},
        {"x # y", 2, 1, "unexpected character '#'"},
        {"x = chuyển", 8, 1, "unexpected non-ASCII character (put text in quotes)"},
        {"x\x01", 1, 1, "unexpected control character 0x01"},
        {"x > 10x", 4, 3, "unknown duration unit 'x' in '10x' (use ms, s, m, h or d)"},
        {"x > 10min", 4, 5, "unknown duration unit 'min' in '10min' (use ms, s, m, h or d)"},
        {"x > 10S", 4, 3, "unknown duration unit 'S' in '10S' (use ms, s, m, h or d)"},
        {"x > 1.5h", 4, 4, "a duration needs a whole number, such as 500ms, found '1.5h'"},
        {"x > 9999999999999999999d", 4, 20, "duration '9999999999999999999d' is too large"},
        {"x > 106751991168d", 4, 13, "duration '106751991168d' is too large"},
        {"x = 24:00", 4, 5,
         "invalid time of day '24:00' (hours 0-23, minutes 00-59, such as 22:00)"},
        {"x = 22:60", 4, 5,
         "invalid time of day '22:60' (hours 0-23, minutes 00-59, such as 22:00)"},
        {"x = 22:0", 4, 4, "invalid time of day '22:0' (hours 0-23, minutes 00-59, such as 22:00)"},
        {"x = 123:00", 4, 6,
         "invalid time of day '123:00' (hours 0-23, minutes 00-59, such as 22:00)"},
        {"x = 22:000", 4, 6,
         "invalid time of day '22:000' (hours 0-23, minutes 00-59, such as 22:00)"},
        {"x = 22:00h", 4, 6,
         "invalid time of day '22:00h' (hours 0-23, minutes 00-59, such as 22:00)"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const auto t = last(c.text);
        CHECK(t.kind == token_kind::error);
        CHECK(t.offset == c.offset);
        CHECK(t.length == c.length);
        CHECK(t.value == c.message);
    }
    // 1 followed by 400 zeros does not fit a double.
    const std::string huge = "x > 1" + std::string(400, '0');
    const auto t = last(huge);
    CHECK(t.kind == token_kind::error);
    CHECK(t.offset == 4);
    CHECK(t.value.starts_with("number '10000"));
    CHECK(t.value.ends_with("' is too large"));
}

TEST_CASE("lexing stops at the first error") {
    const auto tokens = condition::lex_condition("a = \"x\\z\" and b");
    REQUIRE(tokens.size() == 3);
    CHECK(tokens[2].kind == token_kind::error);
}

TEST_CASE("token kind names") {
    CHECK(condition::to_string(token_kind::end) == "end");
    CHECK(condition::to_string(token_kind::identifier) == "identifier");
    CHECK(condition::to_string(token_kind::le) == "'<='");
    CHECK(condition::to_string(token_kind::kw_icontains_any) == "'icontains_any'");
    CHECK(condition::to_string(token_kind::kw_within) == "'within'");
}
