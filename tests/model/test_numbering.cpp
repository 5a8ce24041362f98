// numbering_plan::normalize against the shipped plan files (config/numbering/vn.yaml and
// international.yaml): every Vietnamese carrier in every dialled form, fixed lines,
// services, short codes, brandnames, shared zones, global services, each normalize_error,
// and no allocation once the output strings have capacity.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "support/allocation_counter.hpp"
#include "model/number.hpp"
#include "model/numbering_plan.hpp"

namespace model = ringfence::model;
using model::normalize_error;
using model::number_type;

namespace {

const std::string vn_plan = RINGFENCE_SOURCE_DIR "/config/numbering/vn.yaml";
const std::string international_plan = RINGFENCE_SOURCE_DIR "/config/numbering/international.yaml";

model::numbering_plan shipped_plan(bool accept_bare_country_code = false) {
    model::numbering_settings s;
    s.home_country = "VN";
    s.plan_files = {vn_plan, international_plan};
    s.accept_bare_country_code = accept_bare_country_code;
    auto loaded = model::numbering_plan::load(s);
    for (const auto& d : loaded.diagnostics) MESSAGE(d.to_text());
    REQUIRE(loaded.ok());
    CHECK(loaded.diagnostics.empty());
    return std::move(*loaded.value);
}

struct expected {
    std::string_view raw;
    normalize_error error;
    std::string_view e164;
    std::string_view country;
    number_type type;
    bool is_home;
};

constexpr auto ok = normalize_error::none;

// A raw string that does not normalise: everything but raw and present stays cleared.
constexpr expected failed(std::string_view raw, normalize_error e) {
    return {raw, e, "", "", number_type::unknown, false};
}
constexpr bool home = true;
constexpr bool foreign = false;

void check_all(const model::numbering_plan& plan, const std::vector<expected>& cases) {
    model::number_info out;
    for (const auto& c : cases) {
        CAPTURE(c.raw);
        const normalize_error e = plan.normalize(c.raw, out);
        CHECK(model::to_string(e) == model::to_string(c.error));
        CHECK(out.present);
        CHECK(out.raw == c.raw);
        CHECK(out.e164 == c.e164);
        CHECK(out.country == c.country);
        CHECK(model::to_string(out.type) == model::to_string(c.type));
        CHECK(out.is_home == c.is_home);
    }
}

}  // namespace

TEST_CASE("numbering: the shipped plan loads with VN as home") {
    const auto plan = shipped_plan();
    CHECK(plan.home_country() == "VN");
    CHECK(plan.home_country_code() == "84");
}

TEST_CASE("numbering: Vietnamese mobile numbers of every carrier, in every form") {
    const auto plan = shipped_plan();
    check_all(plan, {
        // VinaPhone 91 in the forms the brief lists.
        {"0912345678", ok, "+84912345678", "VN", number_type::mobile, home},
        {"+84912345678", ok, "+84912345678", "VN", number_type::mobile, home},
        {"0084912345678", ok, "+84912345678", "VN", number_type::mobile, home},
        {"091 234 5678", ok, "+84912345678", "VN", number_type::mobile, home},
        {"(091)-234.5678", ok, "+84912345678", "VN", number_type::mobile, home},
        {"+84 91 234 56 78", ok, "+84912345678", "VN", number_type::mobile, home},
        {"tel:+84912345678", ok, "+84912345678", "VN", number_type::mobile, home},
        {"TEL:0912345678", ok, "+84912345678", "VN", number_type::mobile, home},
        {"912345678", ok, "+84912345678", "VN", number_type::mobile, home},  // SIP user part
        // Viettel 32-39, 86, 96-98.
        {"0321234567", ok, "+84321234567", "VN", number_type::mobile, home},
        {"0391234567", ok, "+84391234567", "VN", number_type::mobile, home},
        {"+84861234567", ok, "+84861234567", "VN", number_type::mobile, home},
        {"0084961234567", ok, "+84961234567", "VN", number_type::mobile, home},
        {"0971234567", ok, "+84971234567", "VN", number_type::mobile, home},
        {"0981234567", ok, "+84981234567", "VN", number_type::mobile, home},
        // VinaPhone 81-85, 88, 91, 94.
        {"0811234567", ok, "+84811234567", "VN", number_type::mobile, home},
        {"+84851234567", ok, "+84851234567", "VN", number_type::mobile, home},
        {"0881234567", ok, "+84881234567", "VN", number_type::mobile, home},
        {"0941234567", ok, "+84941234567", "VN", number_type::mobile, home},
        // MobiFone 70, 76-79, 89, 90, 93.
        {"0701234567", ok, "+84701234567", "VN", number_type::mobile, home},
        {"0761234567", ok, "+84761234567", "VN", number_type::mobile, home},
        {"0084791234567", ok, "+84791234567", "VN", number_type::mobile, home},
        {"0891234567", ok, "+84891234567", "VN", number_type::mobile, home},
        {"0901234567", ok, "+84901234567", "VN", number_type::mobile, home},
        {"+84931234567", ok, "+84931234567", "VN", number_type::mobile, home},
        // Vietnamobile 52, 56, 58, 92; Gmobile 59, 99; Itel 87; Reddi 55.
        {"0521234567", ok, "+84521234567", "VN", number_type::mobile, home},
        {"0561234567", ok, "+84561234567", "VN", number_type::mobile, home},
        {"0581234567", ok, "+84581234567", "VN", number_type::mobile, home},
        {"0921234567", ok, "+84921234567", "VN", number_type::mobile, home},
        {"0591234567", ok, "+84591234567", "VN", number_type::mobile, home},
        {"+84 99 123 4567", ok, "+84991234567", "VN", number_type::mobile, home},
        {"0871234567", ok, "+84871234567", "VN", number_type::mobile, home},
        {"0551234567", ok, "+84551234567", "VN", number_type::mobile, home},
        // Not allocated (95, 30), or the wrong length for a mobile range: VN, type unknown.
        {"0951234567", ok, "+84951234567", "VN", number_type::unknown, home},
        {"0301234567", ok, "+84301234567", "VN", number_type::unknown, home},
        {"091234567", ok, "+8491234567", "VN", number_type::unknown, home},
        {"+849123456789", ok, "+849123456789", "VN", number_type::unknown, home},
        // The trunk prefix written after the country code is left out, as "(0)" is: no home
        // number begins with 0, and a police list of +84912345678 must still match.
        {"+840912345678", ok, "+84912345678", "VN", number_type::mobile, home},
        {"00840912345678", ok, "+84912345678", "VN", number_type::mobile, home},
        {"+84 0283 812 3456", ok, "+842838123456", "VN", number_type::fixed, home},
        // Longer than any home number: refused, not given a made-up E.164 form.
        failed("084912345678", normalize_error::too_long),
        failed("+8484912345678", normalize_error::too_long),
    });
}

TEST_CASE("numbering: the bare country-code form needs accept_bare_country_code") {
    const auto strict = shipped_plan(false);
    check_all(strict, {
        failed("84912345678", normalize_error::too_long),
        failed("842438253758", normalize_error::too_long),
    });
    const auto lenient = shipped_plan(true);
    check_all(lenient, {
        {"84912345678", ok, "+84912345678", "VN", number_type::mobile, home},
        {"842438253758", ok, "+842438253758", "VN", number_type::fixed, home},
        // 9 digits starting 84 is still a national number (VinaPhone 84), not +84 + 7.
        {"841234567", ok, "+84841234567", "VN", number_type::mobile, home},
        {"0912345678", ok, "+84912345678", "VN", number_type::mobile, home},
        // 84 + 8 digits is no home NSN length: not the bare international form, but its
        // 10 digits are a home NSN length, so it is read as a national number.
        {"8491234567", ok, "+848491234567", "VN", number_type::unknown, home},
        // A service number after the country code: typed by the plan as +84 1800/1900 is.
        {"8418001234", ok, "+8418001234", "VN", number_type::toll_free, home},
        {"8419001234", ok, "+8419001234", "VN", number_type::premium, home},
    });
    check_all(strict, {
        {"8418001234", ok, "+848418001234", "VN", number_type::unknown, home},
    });
}

TEST_CASE("numbering: a foreign number in the bare country-code form, longer than any home number") {
    const auto strict = shipped_plan(false);
    check_all(strict, {
        failed("12025550123", normalize_error::too_long),
        failed("447911123456", normalize_error::too_long),
    });
    const auto lenient = shipped_plan(true);
    check_all(lenient, {
        {"12025550123", ok, "+12025550123", "US", number_type::unknown, foreign},
        {"447911123456", ok, "+447911123456", "GB", number_type::unknown, foreign},
        {"8613812345678", ok, "+8613812345678", "CN", number_type::unknown, foreign},
        {"88216123456", ok, "+88216123456", "", number_type::satellite, foreign},
        // No country has code 28: no made-up E.164 form.
        failed("28123456789", normalize_error::too_long),
        // More than 15 digits is no E.164 number.
        failed("1202555012345678", normalize_error::too_long),
        // A trunk prefix in front is the national form, refused as before.
        failed("012025550123", normalize_error::too_long),
        // A carrier selection code (178, 171) before a home number: no North American number
        // has 12 or 13 digits, so these stay refused rather than become foreign.
        failed("1780912345678", normalize_error::too_long),
        failed("17102438253758", normalize_error::too_long),
        failed("712345678901", normalize_error::too_long),
        {"74951234567", ok, "+74951234567", "RU", number_type::unknown, foreign},
        // As long as a home number: still read as one (no country code is assumed).
        {"2438253758", ok, "+842438253758", "VN", number_type::fixed, home},
    });
}

TEST_CASE("numbering: Vietnamese fixed lines") {
    const auto plan = shipped_plan();
    check_all(plan, {
        {"02438253758", ok, "+842438253758", "VN", number_type::fixed, home},       // Ha Noi
        {"+84 24 3825 3758", ok, "+842438253758", "VN", number_type::fixed, home},
        {"2438253758", ok, "+842438253758", "VN", number_type::fixed, home},        // bare NSN
        {"028 3823 4567", ok, "+842838234567", "VN", number_type::fixed, home},     // HCMC
        {"0084 28 3823 4567", ok, "+842838234567", "VN", number_type::fixed, home},
        {"0236 3822 222", ok, "+842363822222", "VN", number_type::fixed, home},     // Da Nang
        {"02033123456", ok, "+842033123456", "VN", number_type::fixed, home},       // Quang Ninh
        {"+84 299 382 1234", ok, "+842993821234", "VN", number_type::fixed, home},  // Soc Trang
        {"0225 3745 678", ok, "+842253745678", "VN", number_type::fixed, home},     // Hai Phong
        {"0292 3812 345", ok, "+842923812345", "VN", number_type::fixed, home},     // Can Tho
        {"02171234567", ok, "+842171234567", "VN", number_type::unknown, home},     // 217: none
        {"024382537", ok, "+8424382537", "VN", number_type::unknown, home},         // too short
    });
}

TEST_CASE("numbering: 1800 toll-free and 1900 premium services") {
    const auto plan = shipped_plan();
    check_all(plan, {
        {"18001091", ok, "+8418001091", "VN", number_type::toll_free, home},
        {"1800 1091", ok, "+8418001091", "VN", number_type::toll_free, home},
        {"1800123456", ok, "+841800123456", "VN", number_type::toll_free, home},
        {"+8418001091", ok, "+8418001091", "VN", number_type::toll_free, home},
        {"19001234", ok, "+8419001234", "VN", number_type::premium, home},
        {"1900-123-456", ok, "+841900123456", "VN", number_type::premium, home},
        {"0084 1900 1234", ok, "+8419001234", "VN", number_type::premium, home},
        // 9 digits is not a 1900 length, but is a home NSN length: national, untyped.
        {"190012345", ok, "+84190012345", "VN", number_type::unknown, home},
        failed("1900123", normalize_error::too_short),
        {"1800", ok, "", "VN", number_type::short_code, home},
    });
}

TEST_CASE("numbering: short codes") {
    const auto plan = shipped_plan();
    check_all(plan, {
        {"112", ok, "", "VN", number_type::short_code, home},
        {"113", ok, "", "VN", number_type::short_code, home},
        {"114", ok, "", "VN", number_type::short_code, home},
        {"115", ok, "", "VN", number_type::short_code, home},
        {"156", ok, "", "VN", number_type::short_code, home},
        {"5656", ok, "", "VN", number_type::short_code, home},
        {"9029", ok, "", "VN", number_type::short_code, home},   // any 3-5 digits
        {"12345", ok, "", "VN", number_type::short_code, home},
        failed("12", normalize_error::too_short),
        failed("123456", normalize_error::too_short),
        failed("12345678901", normalize_error::too_long),
    });
}

TEST_CASE("numbering: alphanumeric senders") {
    const auto plan = shipped_plan();
    check_all(plan, {
        {"VCB", ok, "", "", number_type::alphanumeric, foreign},
        {"Vietcombank", ok, "", "", number_type::alphanumeric, foreign},
        {"MB Bank", ok, "", "", number_type::alphanumeric, foreign},
        {"Viettel_KM", ok, "", "", number_type::alphanumeric, foreign},
        {"AT&T", ok, "", "", number_type::alphanumeric, foreign},
        {"Shop-24.vn", ok, "", "", number_type::alphanumeric, foreign},
        {" VCB ", ok, "", "", number_type::alphanumeric, foreign},
        failed("Vietcombank1", normalize_error::too_long),  // 12 characters: the GSM limit is 11
        failed("VCB!", normalize_error::bad_character),
        failed("VCB(1)", normalize_error::bad_character),
        failed("tel:VCB", normalize_error::bad_character),
    });
}

TEST_CASE("numbering: foreign numbers, shared zones and global services") {
    const auto plan = shipped_plan();
    check_all(plan, {
        {"+12025550123", ok, "+12025550123", "US", number_type::unknown, foreign},
        {"+1 416 555 0123", ok, "+14165550123", "CA", number_type::unknown, foreign},
        {"+1 604 555 0123", ok, "+16045550123", "CA", number_type::unknown, foreign},
        {"+1 876 555 0123", ok, "+18765550123", "JM", number_type::unknown, foreign},
        {"+1 809 555 0123", ok, "+18095550123", "DO", number_type::unknown, foreign},
        {"001 787 555 0123", ok, "+17875550123", "PR", number_type::unknown, foreign},
        {"+1 800 555 0123", ok, "+18005550123", "US", number_type::toll_free, foreign},
        {"+7 495 123 4567", ok, "+74951234567", "RU", number_type::unknown, foreign},
        {"+7 701 123 4567", ok, "+77011234567", "KZ", number_type::unknown, foreign},
        {"+7 600 123 4567", ok, "+76001234567", "KZ", number_type::unknown, foreign},
        {"+855 12 345 678", ok, "+85512345678", "KH", number_type::unknown, foreign},
        {"00855 12 345 678", ok, "+85512345678", "KH", number_type::unknown, foreign},
        {"+86 138 1234 5678", ok, "+8613812345678", "CN", number_type::unknown, foreign},
        {"+44 20 7946 0000", ok, "+442079460000", "GB", number_type::unknown, foreign},
        {"+880 1712 345678", ok, "+8801712345678", "BD", number_type::unknown, foreign},
        {"+881 6 1234 5678", ok, "+881612345678", "", number_type::satellite, foreign},
        {"+882 16 1234 5678", ok, "+8821612345678", "", number_type::satellite, foreign},
        {"+883 1401 2345 67", ok, "+8831401234567", "", number_type::satellite, foreign},
        {"+870 7731 23456", ok, "+870773123456", "", number_type::satellite, foreign},
        {"+979 1234 56789", ok, "+979123456789", "", number_type::premium, foreign},
        {"+800 1234 5678", ok, "+80012345678", "", number_type::toll_free, foreign},
        {"+808 1234 5678", ok, "+80812345678", "", number_type::shared_cost, foreign},
        {"+800 1234 567", ok, "+8001234567", "", number_type::unknown, foreign},  // UIFN is 8
        {"+888 1234 5678", ok, "+88812345678", "", number_type::unknown, foreign},
        // An unassigned code is kept, with no country.
        {"+28 1234 5678", ok, "+2812345678", "", number_type::unknown, foreign},
    });
}

TEST_CASE("numbering: every normalize_error") {
    const auto plan = shipped_plan();
    check_all(plan, {
        failed("", normalize_error::empty),
        failed("  - ( ) / .", normalize_error::empty),
        failed("tel:", normalize_error::empty),
        failed("091*2345678", normalize_error::bad_character),
        failed("0912345678#", normalize_error::bad_character),
        failed("\x01" "0912345678", normalize_error::bad_character),
        failed("0912\t345678", normalize_error::bad_character),
        failed("09123456\xc3\xa9", normalize_error::bad_character),
        failed("+84+912345678", normalize_error::bad_character),
        failed("84+912345678", normalize_error::bad_character),
        failed("+8491234567812345", normalize_error::too_long),
        failed("008491234567812345", normalize_error::too_long),
        failed("0912345678901234", normalize_error::too_long),
        failed("1234567890123456789012345678", normalize_error::too_long),
        failed("+", normalize_error::too_short),
        failed("+84", normalize_error::too_short),
        failed("+1", normalize_error::too_short),
        failed("+855", normalize_error::too_short),
        failed("+281", normalize_error::too_short),
        failed("0", normalize_error::too_short),
        failed("00", normalize_error::too_short),
    });
    CHECK(model::to_string(normalize_error::none) == "none");
    CHECK(model::to_string(normalize_error::empty) == "empty");
    CHECK(model::to_string(normalize_error::bad_character) == "bad_character");
    CHECK(model::to_string(normalize_error::too_long) == "too_long");
    CHECK(model::to_string(normalize_error::too_short) == "too_short");
}

TEST_CASE("numbering: number type names round-trip") {
    const std::vector<std::string_view> names{"unknown", "mobile",      "fixed",   "toll_free",
                                              "premium", "shared_cost", "voip",    "satellite",
                                              "short_code", "alphanumeric"};
    REQUIRE(names.size() == static_cast<std::size_t>(model::number_type_count));
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto t = static_cast<number_type>(i);
        CHECK(model::to_string(t) == names[i]);
        REQUIRE(model::parse_number_type(names[i]).has_value());
        CHECK(*model::parse_number_type(names[i]) == t);
    }
    CHECK_FALSE(model::parse_number_type("Mobile").has_value());
    CHECK_FALSE(model::parse_number_type("").has_value());
}

TEST_CASE("numbering: a reused number_info is fully reset and normalize does not allocate") {
    const auto plan = shipped_plan();
    model::number_info out;
    out.raw.reserve(64);
    out.e164.reserve(32);
    out.country.reserve(8);
    const std::vector<std::string_view> inputs{
        "0912345678", "VCB",        "+1 876 555 0123",  "112",     "+8821612345678",
        "18001091",   "091*2345678", "(091)-234.5678",  "+442079460000", "",
        "+84",        "2438253758", "tel:+84912345678", "MB Bank", "1234567890123456789012"};
    // The first pass fills the output; the second must not allocate at all.
    for (auto raw : inputs) plan.normalize(raw, out);
    const long before = ringfence::testing::allocation_count();
    for (int round = 0; round < 10; ++round)
        for (auto raw : inputs) plan.normalize(raw, out);
    CHECK(ringfence::testing::allocation_count() - before == 0);
    // The counter does see allocations (so the check above can fail).
    const long probe = ringfence::testing::allocation_count();
    const std::string heap(100, 'x');
    CHECK(ringfence::testing::allocation_count() - probe == 1);

    CHECK(plan.normalize("0912345678", out) == ok);
    CHECK(plan.normalize("VCB", out) == ok);
    CHECK(out.raw == "VCB");
    CHECK(out.e164.empty());
    CHECK(out.country.empty());
    CHECK(out.type == number_type::alphanumeric);
    CHECK_FALSE(out.is_home);
    CHECK(plan.normalize("112", out) == ok);
    CHECK(plan.normalize("091*", out) == normalize_error::bad_character);
    CHECK(out.present);
    CHECK(out.raw == "091*");
    CHECK(out.e164.empty());
    CHECK(out.country.empty());
    CHECK(out.type == number_type::unknown);
    CHECK_FALSE(out.is_home);
}

TEST_CASE("numbering: '+0…' has no country code, a bracketed (0) after the country code is left out") {
    const auto plan = shipped_plan();
    check_all(plan, {
        failed("+0912345678", normalize_error::bad_country_code),
        failed("0000912345678", normalize_error::bad_country_code),
        {"+84(0)912345678", ok, "+84912345678", "VN", number_type::mobile, home},
        {"+84 (0)912 345 678", ok, "+84912345678", "VN", number_type::mobile, home},
        {"+44 (0)20 7123 4567", ok, "+442071234567", "GB", number_type::unknown, foreign},
        {"(0)912345678", ok, "+84912345678", "VN", number_type::mobile, home},  // no '+': brackets are separators
    });
}
