// common::ascii_run_end and copy_ascii_lowered against byte-by-byte definitions: every byte
// value in every lane of the eight-byte step and in the tail, every start.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "common/ascii_run.hpp"

namespace {

std::size_t ascii_run_end_by_bytes(std::string_view s, std::size_t from) {
    while (from < s.size() && static_cast<unsigned char>(s[from]) < 0x80) ++from;
    return from;
}

}  // namespace

TEST_CASE("ascii_run_end stops at the first byte >= 0x80, wherever it stands and wherever the search starts") {
    for (std::size_t length = 0; length <= 20; ++length) {
        for (std::size_t at = 0; at <= length; ++at) {  // at == length: all ASCII
            for (const unsigned char high : {0x80u, 0xC3u, 0xFFu}) {
                std::string text(length, 'z');
                if (at < length) text[at] = static_cast<char>(high);
                for (std::size_t from = 0; from <= length; ++from) {
                    CAPTURE(length);
                    CAPTURE(at);
                    CAPTURE(from);
                    CHECK(ringfence::common::ascii_run_end(text, from) == ascii_run_end_by_bytes(text, from));
                }
            }
        }
    }
    CHECK(ringfence::common::ascii_run_end("") == 0);
    CHECK(ringfence::common::ascii_run_end("abc", 7) == 7);  // a start past the end is returned as it is
    CHECK(ringfence::common::ascii_run_end("abcdefghijkl", std::string_view::npos) == std::string_view::npos);
}

TEST_CASE("copy_ascii_lowered lower-cases A-Z only, for every ASCII byte in every lane and in the tail") {
    for (std::size_t length : {1u, 7u, 8u, 9u, 16u, 19u}) {
        for (std::size_t lane = 0; lane < length; ++lane) {
            for (int b = 0; b < 0x80; ++b) {
                std::string in(length, 'Q');
                in[lane] = static_cast<char>(b);
                std::string out(length, '\0');
                ringfence::common::copy_ascii_lowered(in.data(), in.size(), out.data());
                std::string want = in;
                for (char& c : want) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
                if (out != want) FAIL_CHECK("byte " << b << " in lane " << lane << " of " << length);
            }
        }
    }
    std::string out(3, '\0');
    ringfence::common::copy_ascii_lowered("@[`", 3, out.data());  // the neighbours of A, Z and a
    CHECK(out == "@[`");
}
