// Small text helpers of the hot paths: valid_utf8 reads a field as a JSON round trip would
// (invalid bytes as U+FFFD, valid text untouched and not copied), find_any finds the first of
// a few delimiters as std::string_view::find_first_of does.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "common/find_any.hpp"
#include "common/json_writer.hpp"

namespace ringfence::test {
namespace {

TEST_CASE("valid_utf8: valid text is returned as it is, each invalid byte becomes U+FFFD") {
    std::string scratch;
    const std::string_view ascii = "sip:+84912345678@example.net";
    CHECK(common::valid_utf8(ascii, scratch).data() == ascii.data());
    const std::string_view vietnamese = "Chuyển khoản ngay";
    CHECK(common::valid_utf8(vietnamese, scratch).data() == vietnamese.data());
    CHECK(common::valid_utf8("", scratch).empty());

    CHECK(common::valid_utf8("UA \xff\xfe end", scratch) == "UA \xEF\xBF\xBD\xEF\xBF\xBD end");
    CHECK(common::valid_utf8("x\xc3", scratch) == "x\xEF\xBF\xBD");                  // cut sequence
    CHECK(common::valid_utf8("\xc0\xaf", scratch) == "\xEF\xBF\xBD\xEF\xBF\xBD");    // overlong '/'
    CHECK(common::valid_utf8("\xed\xa0\x80!", scratch) == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD!");  // a surrogate
    CHECK(common::valid_utf8("kh\xe1\xba\xa3n \xff", scratch) == "kh\xe1\xba\xa3n \xEF\xBF\xBD");

    // The same as writing the text as a JSON string: what a parser reads back.
    for (const std::string_view s : {std::string_view("a\xff" "b"), std::string_view("\xe1\xba"), std::string_view("ok")}) {
        std::string json;
        common::append_json_string(json, s);
        CHECK(json == "\"" + std::string(common::valid_utf8(s, scratch)) + "\"");
    }
}

TEST_CASE("append_json_string escapes as a byte-by-byte writer does, eight bytes at a time or not") {
    // The reference: every byte looked at alone.
    const auto reference = [](std::string_view s) {
        std::string scratch, out = "\"";
        for (const char ch : common::valid_utf8(s, scratch)) {
            const auto c = static_cast<unsigned char>(ch);
            if (c == '"') out += "\\\"";
            else if (c == '\\') out += "\\\\";
            else if (c == '\n') out += "\\n";
            else if (c == '\r') out += "\\r";
            else if (c == '\t') out += "\\t";
            else if (c == '\b') out += "\\b";
            else if (c == '\f') out += "\\f";
            else if (c < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            else out += ch;
        }
        return out + "\"";
    };
    const char alphabet[] = {'a', 'Z', ' ', '!', '"', '\\', '\n', '\x01', '\x1f', '\x7f', '\xc3', '\xa9', '\xe1', '\xba', '\xff', '~', '0', '\x20', '\x21', '\x5b', '\x5d'};
    std::uint64_t state = 0x2545F4914F6CDD1DULL;
    for (int n = 0; n < 20000; ++n) {
        std::string s;
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        const std::size_t len = state % 40;
        for (std::size_t k = 0; k < len; ++k) {
            state ^= state << 13, state ^= state >> 7, state ^= state << 17;
            s += alphabet[state % sizeof alphabet];
        }
        std::string json;
        common::append_json_string(json, s);
        CAPTURE(s);
        CHECK(json == reference(s));
    }
}

TEST_CASE("find_any finds the first of its delimiters, as find_first_of does") {
    for (const std::string_view s : {std::string_view("user;tag=1?x"), std::string_view("a?b;c"), std::string_view("plain"),
                                     std::string_view(""), std::string_view(";"), std::string_view("host>rest")}) {
        CHECK(common::find_any(s, ";?>") == s.find_first_of(";?>"));
        CHECK(common::find_any(s, ";") == s.find(';'));
    }
    static_assert(common::find_any("a b\tc", " \t") == 1);
    // Every byte, as the only delimiter and among others (both masks and the non-ASCII path),
    // at every place in a short string.
    for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        for (std::size_t at = 0; at < 4; ++at) {
            std::string text(4, c == 'x' ? 'y' : 'x');
            text[at] = c;
            const char one[2] = {c, '\0'};
            const char several[4] = {'\x01', c, '\x7F', '\0'};
            const char masked[6] = {'\x01', 'q', c, '\x40', '\x7F', '\0'};  // five delimiters
            if (common::find_any(text, one) != text.find(c) || common::find_any(text, several) != text.find_first_of(std::string_view(several, 3)) ||
                common::find_any(text, masked) != text.find_first_of(std::string_view(masked, 5)))
                FAIL_CHECK("byte " << b << " at " << at);
        }
    }
    CHECK(common::find_any("abc\xC3\xA9", "\xA9") == 4);
    // Past eight bytes the search goes a word at a time, the last word ending at the string's
    // end: every length around those steps, the first delimiter at every place and another
    // after it, on backgrounds one bit away from a delimiter (a carry between bytes would
    // show there).
    for (const char background : {'a', static_cast<char>(';' ^ 1), static_cast<char>('?' ^ 0x80)}) {
        for (std::size_t length = 0; length <= 40; ++length) {
            for (std::size_t at = 0; at <= length; ++at) {
                for (const char first : {';', '?', '>'}) {
                    std::string text(length, background);
                    if (at < length) text[at] = first;
                    if (at + 3 < length) text[at + 3] = '>';
                    CAPTURE(static_cast<int>(background));
                    CAPTURE(length);
                    CAPTURE(at);
                    CHECK(common::find_any(text, ";?>") == text.find_first_of(";?>"));
                    CHECK(common::find_any(text, ";") == text.find(';'));
                }
            }
        }
    }
}

}  // namespace
}  // namespace ringfence::test
