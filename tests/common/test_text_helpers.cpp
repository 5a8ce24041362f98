// Small text helpers of the hot paths: valid_utf8 reads a field as a JSON round trip would
// (invalid bytes as U+FFFD, valid text untouched and not copied), find_any finds the first of
// a few delimiters as std::string_view::find_first_of does.
#include <doctest/doctest.h>

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

TEST_CASE("find_any finds the first of its delimiters, as find_first_of does") {
    for (const std::string_view s : {std::string_view("user;tag=1?x"), std::string_view("a?b;c"), std::string_view("plain"),
                                     std::string_view(""), std::string_view(";"), std::string_view("host>rest")}) {
        CHECK(common::find_any(s, ";?>") == s.find_first_of(";?>"));
        CHECK(common::find_any(s, ";") == s.find(';'));
    }
    static_assert(common::find_any("a b\tc", " \t") == 1);
}

}  // namespace
}  // namespace ringfence::test
