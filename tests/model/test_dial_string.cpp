// dial_string::scan takes numbers written as digits alone (after at most a '+', or "tel:")
// a word at a time; it must read every string as scan_each reads it one character at a time:
// digit runs of every length around the word size and the digit limit, each with one other
// byte put at each place in turn, and a few whole strings.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "model/dial_string.hpp"

namespace model = ringfence::model;

namespace {

void check_same(std::string_view raw) {
    const model::dial_string fast = model::dial_string::scan(raw);
    const model::dial_string each = model::dial_string::scan_each(raw);
    CAPTURE(raw);
    CHECK(fast.kind == each.kind);
    CHECK(fast.plus == each.plus);
    CHECK(fast.digits() == each.digits());
}

TEST_CASE("dial_string::scan reads every string as scan_each does") {
    // Bytes next to the digits ('/' and ':' border '0' and '9'; 0xB0 is '0' with its high bit
    // set), separators, letters and the characters with a rule of their own.
    const std::string others = std::string("/:\xB0\xB9 -.()+a&_\x00", 14);
    for (const std::string prefix : {"", "+", "tel:", "TEL:+", "++"}) {
        for (std::size_t length = 0; length <= model::dial_string::max_digits + 2; ++length) {
            std::string digits;
            for (std::size_t i = 0; i < length; ++i) digits.push_back(static_cast<char>('0' + (i * 7 + 3) % 10));
            check_same(prefix + digits);
            for (std::size_t at = 0; at < length; ++at) {
                for (const char other : others) {
                    std::string text = digits;
                    text[at] = other;
                    check_same(prefix + text);
                }
            }
        }
    }
    for (const std::string_view raw : {"+84 (0)912 345 678", "VCB", "tel:", "+", "", "0912345678;x", " 0912345678"}) check_same(raw);
    const model::dial_string plain = model::dial_string::scan("+84912345678");
    CHECK(plain.kind == model::dial_string::form::digits);
    CHECK(plain.plus);
    CHECK(plain.digits() == "84912345678");
}

}  // namespace
