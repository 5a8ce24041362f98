// common::find_byte against std::string_view::find on every length around the 8- and 16-byte
// steps, every position of the byte, every start, and starts past the end; on backgrounds
// that differ from the byte in its low bit and its high bit, where a word-at-a-time search
// with a carry between bytes would report a byte next to a match passed over (before the
// start) as one.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "common/find_byte.hpp"

TEST_CASE("find_byte finds what string_view::find finds, for every length, position and start") {
    for (const char background : {'a', static_cast<char>(':' ^ 1), static_cast<char>(':' ^ 0x80)}) {
        for (std::size_t length = 0; length <= 48; ++length) {
            for (std::size_t at = 0; at <= length; ++at) {  // at == length: the byte is absent
                std::string text(length, background);
                if (at < length) text[at] = ':';
                if (at + 5 < length) text[at + 5] = ':';  // a second one after it
                const std::string_view s(text);
                for (std::size_t from = 0; from <= length + 2; ++from) {
                    CAPTURE(static_cast<int>(background));
                    CAPTURE(length);
                    CAPTURE(at);
                    CAPTURE(from);
                    CHECK(ringfence::common::find_byte(s, ':', from) == s.find(':', from));
                }
            }
        }
    }
    const std::string_view s("abc:def");
    CHECK(ringfence::common::find_byte(s, ':', std::string_view::npos) == std::string_view::npos);
    CHECK(ringfence::common::find_byte(s, ':', std::string_view::npos - 3) == std::string_view::npos);
    CHECK(ringfence::common::find_byte(std::string_view(), ':') == std::string_view::npos);
    // A byte with the high bit set compares as itself.
    CHECK(ringfence::common::find_byte("xxxxxxxxxxxxxxxxxx\xe1", '\xe1') == 18);
}
