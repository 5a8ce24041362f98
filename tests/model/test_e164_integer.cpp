// e164_to_integer: the key the decision log indexes numbers by.
#include <doctest/doctest.h>

#include <string>

#include "model/e164_integer.hpp"

using ringfence::model::e164_to_integer;

TEST_CASE("e164_to_integer: the digits of an E.164 number, which give the text back") {
    CHECK(e164_to_integer("+84912345678") == 84912345678);
    CHECK(e164_to_integer("+88216000111") == 88216000111);
    CHECK(e164_to_integer("+1") == 1);
    CHECK(e164_to_integer("+999999999999999") == 999999999999999);  // 15 digits: E.164's most
    for (const std::string e164 : {"+84912345678", "+12025550123", "+100000000000000"})
        CHECK("+" + std::to_string(*e164_to_integer(e164)) == e164);
}

TEST_CASE("e164_to_integer: anything that is not '+' and 1 to 15 digits is no number") {
    CHECK_FALSE(e164_to_integer("").has_value());  // short code, brandname
    CHECK_FALSE(e164_to_integer("+").has_value());
    CHECK_FALSE(e164_to_integer("84912345678").has_value());        // no '+'
    CHECK_FALSE(e164_to_integer("+0912345678").has_value());        // no country code begins with 0
    CHECK_FALSE(e164_to_integer("+1234567890123456").has_value());  // 16 digits
    CHECK_FALSE(e164_to_integer("+8491234567a").has_value());
    CHECK_FALSE(e164_to_integer("+84 912").has_value());
    CHECK_FALSE(e164_to_integer("++84912").has_value());
    CHECK_FALSE(e164_to_integer("VCB").has_value());
}
