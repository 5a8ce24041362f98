// common::tail_word against the copy it replaces (the tail's bytes copied into a zeroed word),
// for every string length up to 24 and every tail of 1-7 bytes, with bytes whose high bit is
// set; each string in a heap block of exactly its size, so that a read outside it fails the
// sanitizer build.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "common/string_hash.hpp"
#include "common/tail_word.hpp"

TEST_CASE("tail_word reads the last 1-7 bytes of a string as copying them into a zeroed word does") {
    for (std::size_t length = 1; length <= 24; ++length) {
        const std::unique_ptr<char[]> text(new char[length]);
        for (std::size_t i = 0; i < length; ++i) text[i] = static_cast<char>(0x80 | (i * 37 + 11));
        for (std::size_t n = 1; n <= 7 && n <= length; ++n) {
            const char* tail = text.get() + length - n;
            std::uint64_t copied = 0;
            std::memcpy(&copied, tail, n);
            CAPTURE(length);
            CAPTURE(n);
            CHECK(ringfence::common::tail_word(text.get(), tail, n) == copied);
        }
    }
    const char one = 'x';
    CHECK(ringfence::common::tail_word(&one, &one, 0) == 0);
}

TEST_CASE("hash_string: strings that differ only in their last bytes hash apart, equal strings alike") {
    for (std::size_t length = 1; length <= 24; ++length) {
        std::string a(length, 'a');
        std::string b = a;
        b.back() = 'b';
        CAPTURE(length);
        CHECK(ringfence::common::hash_string(a) != ringfence::common::hash_string(b));
        CHECK(ringfence::common::hash_string(a) == ringfence::common::hash_string(std::string(a)));
    }
}
