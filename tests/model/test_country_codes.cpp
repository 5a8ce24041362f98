// The E.164 country-code table: a sample of 30 countries, the global service codes, shared
// codes with their defaults, unassigned codes, and the prefix-free property of E.164.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/country_codes.hpp"

namespace model = ringfence::model;

TEST_CASE("country codes: a sample of 30 countries") {
    const std::vector<std::pair<std::string_view, std::string_view>> sample{
        {"VN", "84"},  {"KH", "855"}, {"LA", "856"}, {"CN", "86"},  {"TH", "66"},  {"MY", "60"},
        {"SG", "65"},  {"ID", "62"},  {"PH", "63"},  {"MM", "95"},  {"JP", "81"},  {"KR", "82"},
        {"KP", "850"}, {"HK", "852"}, {"TW", "886"}, {"IN", "91"},  {"BD", "880"}, {"GB", "44"},
        {"DE", "49"},  {"FR", "33"},  {"RU", "7"},   {"KZ", "7"},   {"US", "1"},   {"CA", "1"},
        {"JM", "1"},   {"AU", "61"},  {"NG", "234"}, {"AE", "971"}, {"XK", "383"}, {"AC", "247"},
    };
    for (const auto& [country, code] : sample) {
        CAPTURE(country);
        CHECK(model::country_code_of(country) == code);
        CHECK(model::code_serves_country(code, country));
    }
    CHECK(model::country_code_of("ZZ").empty());
    CHECK(model::country_code_of("").empty());
    // VA has its own (unused) code and is served through the Italian plan as well.
    CHECK(model::country_code_of("VA") == "379");
    CHECK(model::code_serves_country("39", "VA"));
}

TEST_CASE("country codes: each code has one default country") {
    const auto default_of = [](std::string_view code) {
        const auto* e = model::find_country_code(code);
        REQUIRE(e != nullptr);
        CHECK(e->is_default);
        return e->country;
    };
    CHECK(default_of("1") == "US");
    CHECK(default_of("7") == "RU");
    CHECK(default_of("44") == "GB");
    CHECK(default_of("84") == "VN");
    CHECK(default_of("855") == "KH");
    CHECK(default_of("262") == "RE");
    CHECK(default_of("599") == "CW");
    CHECK_FALSE(model::code_serves_country("1", "VN"));
    CHECK_FALSE(model::code_serves_country("7", "UA"));
    CHECK(model::code_serves_country("7", "KZ"));
    CHECK(model::code_serves_country("1", "PR"));
}

TEST_CASE("country codes: global services have no country") {
    for (std::string_view code : {"800", "808", "870", "878", "881", "882", "883", "888", "979"}) {
        CAPTURE(code);
        const auto* e = model::find_country_code(code);
        REQUIRE(e != nullptr);
        CHECK(e->country.empty());
    }
}

TEST_CASE("country codes: spare and partial codes are not assigned") {
    for (std::string_view code :
         {"0",   "2",   "3",   "8",   "9",   "21",  "28",  "42",  "259", "280",  "384",
          "422", "671", "684", "801", "884", "969", "990", "991", "999", "8400", ""}) {
        CAPTURE(code);
        CHECK(model::find_country_code(code) == nullptr);
    }
}

TEST_CASE("country codes: the table is prefix-free and complete in size") {
    std::set<std::string_view> codes;
    std::map<std::string_view, int> times_listed;
    for (const auto& e : model::country_code_table()) {
        codes.insert(e.code);
        if (!e.country.empty()) ++times_listed[e.country];
    }
    for (const auto& [country, times] : times_listed) {
        CAPTURE(country);
        CHECK(times == (country == "VA" ? 2 : 1));  // VA: +379 and inside +39
    }
    for (auto a : codes)
        for (auto b : codes) {
            if (a == b) continue;
            CAPTURE(a);
            CAPTURE(b);
            CHECK_FALSE(b.starts_with(a));
        }
    CHECK(codes.size() == 216);  // 207 geographic codes and 9 global services
}
