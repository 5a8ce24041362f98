// Import files are untrusted: every row is checked before anything is written, and each
// problem names its line and field.
#include <doctest/doctest.h>

#include "intel/intel_import.hpp"
#include "intel_test_support.hpp"

using namespace ringfence;
using engine::intel_kind;

namespace {

intel::import_rows read(const std::string& text, intel::import_format f = intel::import_format::csv, intel_kind k = intel_kind::number) {
    return intel::read_import(text, f, {k, intel_test::plan(), intel_test::zone(), intel_test::t0});
}

std::string problems(const intel::import_rows& r) {
    std::string out;
    for (const auto& p : r.problems) out += std::to_string(p.line) + ":" + p.field + ": " + p.message + "\n";
    return out;
}

}  // namespace

TEST_CASE("a good CSV file: header in any order, quotes, comments, CRLF, expiry forms") {
    const auto r = read(
        "# police export 2026-11-28\r\n"
        "reason,value,source,expires\r\n"
        "\"investment scam, case 114\",0912345678,police,\r\n"
        "\r\n"
        "\"says \"\"VCB\"\" staff\",+84912000111,bank,2026-12-31\r\n"
        "spam wave,0084912000222,spam_reports,30d\r\n"
        "internal test,0912000333,internal,2027-01-01T00:00:00+07:00\r\n");
    INFO(problems(r));
    REQUIRE(r.ok());
    REQUIRE(r.rows.size() == 4);
    CHECK(r.rows[0].value == "+84912345678");
    CHECK(r.rows[0].reason == "investment scam, case 114");
    CHECK(r.rows[0].expires_at_ms == 0);
    CHECK(r.lines == std::vector<int>{3, 5, 6, 7});
    CHECK(r.rows[1].reason == "says \"VCB\" staff");
    CHECK(r.rows[1].source == intel::entry_source::bank);
    // Through 2026-12-31 in Asia/Ho_Chi_Minh: until 2027-01-01T00:00+07:00.
    CHECK(r.rows[1].expires_at_ms == 1798736400000);
    CHECK(r.rows[2].expires_at_ms == intel_test::t0 + 30LL * 86'400'000);
    CHECK(r.rows[3].expires_at_ms == 1798736400000);
}

TEST_CASE("a CSV file with bad rows imports nothing and names every line and field") {
    const auto r = read(
        "value,source,reason,expires\n"
        "0912345678,police,ok,\n"
        "0912x45678,police,bad number,\n"
        "0912000111,fbi,unknown source,\n"
        "0912000222,police,,\n"
        "0912000333,police,past,2020-01-01\n"
        "0912000444,police,not a date,tomorrow\n"
        "+84912345678,police,the same as line 2,\n"
        "0912000555,police\n"
        "\"0912000666,police,unterminated\n");
    CHECK(r.rows.empty());
    const std::string p = problems(r);
    INFO(p);
    CHECK(p.find("3:value: '0912x45678' is not a phone number") != std::string::npos);
    CHECK(p.find("4:source: 'fbi' is not a source") != std::string::npos);
    CHECK(p.find("5:reason: a reason is required") != std::string::npos);
    CHECK(p.find("6:expires: '2020-01-01' is already past") != std::string::npos);
    CHECK(p.find("7:expires: 'tomorrow' is not an expiry") != std::string::npos);
    CHECK(p.find("8:value: '+84912345678' is already on line 2") != std::string::npos);
    CHECK(p.find("9:: 2 fields, the header has 4") != std::string::npos);
    CHECK(p.find("10:: field 1: a quoted field must end on its line") != std::string::npos);
    CHECK(r.problems.size() == 8);
}

TEST_CASE("CSV headers: unknown, missing and repeated columns, and an empty file") {
    CHECK(problems(read("value,source,why\n1,2,3\n")).find("1:header: column 3 is 'why'") != std::string::npos);
    CHECK(problems(read("value,source\n")).find("1:header: no 'reason' column") != std::string::npos);
    CHECK(problems(read("value,value,source,reason\n")).find("column 'value' appears twice") != std::string::npos);
    CHECK(problems(read("# only a comment\n")).find("0:header: the file is empty") != std::string::npos);
    CHECK(!read("").ok());
}

TEST_CASE("at most max_problems are listed, then a count of the rest") {
    std::string text = "value,source,reason\n";
    for (int i = 0; i < 150; ++i) text += "bad,police,x\n";
    const auto r = read(text);
    REQUIRE(r.problems.size() == 101);
    CHECK(r.problems.back().message == "and 50 more problems");
}

TEST_CASE("YAML files: a sequence of flat mappings, errors at their lines") {
    const auto good = read(
        "- {value: 203.0.113.0/24, source: spam_reports, reason: SIP scanner}\n"
        "- value: 2001:db8::/32\n"
        "  source: internal\n"
        "  reason: lab range\n"
        "  expires: 12h\n",
        intel::import_format::yaml, intel_kind::ip);
    INFO(problems(good));
    REQUIRE(good.ok());
    CHECK(good.rows[0].value == "203.0.113.0/24");
    CHECK(good.rows[1].value == "2001:db8::/32");
    CHECK(good.lines == std::vector<int>{1, 2});

    const auto bad = read(
        "- {value: 203.0.113.7/24, source: police, reason: x}\n"
        "- value: 198.51.100.1\n"
        "  source: police\n"
        "- value: [1, 2]\n"
        "  source: police\n"
        "  reason: x\n"
        "- just text\n"
        "- {value: 198.51.100.2, source: police, reason: x, colour: red}\n",
        intel::import_format::yaml, intel_kind::ip);
    const std::string p = problems(bad);
    INFO(p);
    CHECK(bad.rows.empty());
    CHECK(p.find("1:value: '203.0.113.7/24' has bits set past /24") != std::string::npos);
    CHECK(p.find("2:reason: missing") != std::string::npos);
    CHECK(p.find("4:value: expected text") != std::string::npos);
    CHECK(p.find("7:: each entry is a mapping") != std::string::npos);
    CHECK(p.find("8:colour: unknown key") != std::string::npos);

    CHECK(problems(read("{a: [", intel::import_format::yaml)).find("not YAML") != std::string::npos);
    CHECK(problems(read("value: x\n", intel::import_format::yaml)).find("expected a sequence") != std::string::npos);
    CHECK(problems(read(std::string(100, '[') + std::string(100, ']'), intel::import_format::yaml)).find("nested deeper") != std::string::npos);

    // A second document is refused, not left out; so is a key given twice in one entry
    // (YAML would keep the last value silently).
    const auto two = read("- {value: 198.51.100.1, source: police, reason: x}\n---\n- {value: 198.51.100.2, source: police, reason: y}\n",
                          intel::import_format::yaml, intel_kind::ip);
    CHECK(two.rows.empty());
    CHECK(problems(two).find("2:: a second YAML document") != std::string::npos);
    // A marker before any content opens the one document; malformed flow input is a
    // problem, not a hang (yaml-cpp's LoadAll looped forever on it).
    CHECK(read("# police export\n---\n- {value: 198.51.100.1, source: police, reason: x}\n", intel::import_format::yaml, intel_kind::ip).ok());
    CHECK(read(",].[", intel::import_format::yaml, intel_kind::ip).rows.empty());
    const auto twice = read("- value: 198.51.100.1\n  value: 198.51.100.2\n  source: police\n  reason: x\n", intel::import_format::yaml,
                            intel_kind::ip);
    CHECK(twice.rows.empty());
    CHECK(problems(twice).find("2:value: given twice in one entry") != std::string::npos);
}

TEST_CASE("reasons: required, short, printable UTF-8") {
    std::string why;
    CHECK(intel::check_reason("  case 114  ", why) == std::optional<std::string>("case 114"));
    CHECK(!intel::check_reason("", why));
    CHECK(!intel::check_reason(std::string(501, 'x'), why));
    CHECK(!intel::check_reason("bad \xC3", why));
    CHECK(!intel::check_reason("two\tparts", why));
    CHECK(!intel::check_reason("a\xC2\x85" "b", why));            // U+0085, a C1 control
    CHECK(!intel::check_reason("case \xE2\x80\xAE" "411", why));  // U+202E, right-to-left override
    CHECK(why.find("bidirectional") != std::string::npos);
    CHECK(intel::check_reason("caf\xC3\xA9 \xE2\x80\x94 ok", why));  // é and an em dash are text
    CHECK(intel::check_reason("lừa đảo đầu tư", why));
}

TEST_CASE("import formats by file extension") {
    CHECK(intel::import_format_of("police.csv") == intel::import_format::csv);
    CHECK(intel::import_format_of("a/b.yml") == intel::import_format::yaml);
    CHECK(!intel::import_format_of("police.txt"));
}

TEST_CASE("import: a CSV with CR-only line endings is named as such") {
    const auto rows = read("value,source,reason,expires\r+84912000001,police,case 1,\r");
    REQUIRE(rows.problems.size() == 1);
    CHECK(rows.problems[0].line == 1);
    CHECK(rows.problems[0].message.find("lines end with CR alone") != std::string::npos);
    // A line ending in CR CR LF (a CRLF file saved again as CRLF) is not one.
    CHECK(read("value,source,reason,expires\r\r\n+84912000001,police,case 1,\r\r\n").ok());
}

TEST_CASE("import: a UTF-16 CSV is named as such, not as six header problems") {
    for (const std::string& bom : {std::string("\xFF\xFE"), std::string("\xFE\xFF")}) {
        std::string utf16 = bom;
        for (const char c : std::string("value,source,reason,expires\n")) {
            utf16 += bom[0] == '\xFF' ? std::string{c, '\0'} : std::string{'\0', c};
        }
        const auto rows = read(utf16);
        REQUIRE(rows.problems.size() == 1);
        CHECK(rows.problems[0].line == 1);
        CHECK(rows.problems[0].message.find("the file is UTF-16") != std::string::npos);
    }
}

TEST_CASE("import: an empty YAML file is refused as an empty CSV is, an empty sequence imports nothing") {
    for (const char* text : {"", "# only a comment\n", "~\n"}) {
        const auto rows = read(text, intel::import_format::yaml);
        INFO(text);
        CHECK(problems(rows).find("the file is empty") != std::string::npos);
    }
    const auto none = read("[]\n", intel::import_format::yaml);
    CHECK(none.ok());
    CHECK(none.rows.empty());
}
