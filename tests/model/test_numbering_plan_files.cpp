// Loading numbering-plan files: every error code with its exact file:line:column and text,
// written as small YAML files in a temporary directory, plus the file-order override.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "model/numbering_plan.hpp"

namespace model = ringfence::model;
namespace fs = std::filesystem;

// Shows both sides of a failed comparison of diagnostic texts, one per line.
template <>
struct doctest::StringMaker<std::vector<std::string>> {
    static doctest::String convert(const std::vector<std::string>& v) {
        std::string s = "{";
        for (const auto& t : v) s += "\n  \"" + t + "\"";
        s += v.empty() ? "}" : "\n}";
        return s.c_str();
    }
};

namespace {

const std::string vn_plan = RINGFENCE_SOURCE_DIR "/config/numbering/vn.yaml";
const std::string international_plan = RINGFENCE_SOURCE_DIR "/config/numbering/international.yaml";

// A directory of its own per test, removed at the end.
class temp_dir {
  public:
    temp_dir() {
        static int counter = 0;
        path_ = fs::temp_directory_path() / ("ringfence-plan-test-" + std::to_string(::getpid()) +
                                             "-" + std::to_string(counter++));
        fs::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    std::string write(const std::string& name, std::string_view text) const {
        const fs::path p = path_ / name;
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }

  private:
    fs::path path_;
};

// Loads the shipped VN plan plus the given files and returns every diagnostic as text.
std::vector<std::string> load_texts(const std::vector<std::string>& extra_files,
                                    std::string home = "VN", bool with_vn = true) {
    model::numbering_settings s;
    s.home_country = std::move(home);
    if (with_vn) s.plan_files.push_back(vn_plan);
    for (const auto& f : extra_files) s.plan_files.push_back(f);
    const auto loaded = model::numbering_plan::load(s);
    std::vector<std::string> texts;
    for (const auto& d : loaded.diagnostics) texts.push_back(d.to_text());
    CHECK(loaded.ok() == texts.empty());
    return texts;
}

// The path the one-file loader writes to, for the expected texts.
std::string where(std::string_view rest) { return std::string("PATH:") + std::string(rest); }

// Replaces the temporary path in every text by PATH, so expectations stay readable.
std::vector<std::string> load_one_texts(std::string_view yaml) {
    temp_dir dir;
    const std::string path = dir.write("plan.yaml", yaml);
    auto texts = load_texts({path});
    for (auto& t : texts)
        if (t.starts_with(path)) t = "PATH" + t.substr(path.size());
    return texts;
}

using texts = std::vector<std::string>;

}  // namespace

TEST_CASE("plan files: the shipped files load without diagnostics") {
    CHECK(load_texts({international_plan}).empty());
}

TEST_CASE("plan files: YAML syntax errors carry the parser's location") {
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8432\", type: mobile\n") ==
          texts{where("3:1: error PLAN_YAML_PARSE: end of map flow not found")});
    CHECK(load_one_texts("description: x: y\n") ==
          texts{where("1:15: error PLAN_YAML_PARSE: illegal map value")});
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8432\"]\n") ==
          texts{where("2:21: error PLAN_YAML_PARSE: illegal flow end")});
    // Past the parser's nesting limit: said as such, not as yaml-cpp's "bad file".
    const auto deep = load_one_texts("ranges: " + std::string(600, '[') + std::string(600, ']') + "\n");
    REQUIRE_FALSE(deep.empty());
    CHECK(deep.front().find("error PLAN_YAML_PARSE: nested ") != std::string::npos);
    CHECK(deep.front().find("levels deep, past what the YAML reader reads") != std::string::npos);
}

TEST_CASE("plan files: unknown and repeated keys") {
    CHECK(load_one_texts("ranges: []\nrange: []\n") ==
          texts{where("2:1: error PLAN_UNKNOWN_KEY: unknown key 'range'")});
    CHECK(load_one_texts("ranges:\n  - prefix: \"+8495\"\n    type: mobile\n    lenghts: [9]\n") ==
          texts{where("4:5: error PLAN_UNKNOWN_KEY: unknown key 'ranges[0].lenghts'")});
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8495\", type: mobile, type: fixed}\n") ==
          texts{where("2:37: error PLAN_DUPLICATE_KEY: 'ranges[0].type' is given twice")});
}

TEST_CASE("plan files: wrong kinds and unknown number types") {
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8495\", type: mobil}\n") ==
          texts{where("2:29: error PLAN_BAD_TYPE: 'ranges[0].type': 'mobil' is not one of "
                      "unknown, mobile, fixed, toll_free, premium, shared_cost, voip, satellite")});
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8495\", type: alphanumeric}\n") ==
          texts{where("2:29: error PLAN_BAD_TYPE: 'ranges[0].type': 'alphanumeric' is not one of "
                      "unknown, mobile, fixed, toll_free, premium, shared_cost, voip, satellite")});
    CHECK(load_one_texts("ranges:\n  prefix: \"+8495\"\n") ==
          texts{where("2:3: error PLAN_BAD_TYPE: 'ranges': expected a list of mappings")});
    CHECK(load_one_texts("- ranges\n") ==
          texts{where("1:1: error PLAN_BAD_TYPE: 'document': expected a mapping, got a list")});
    CHECK(load_one_texts("ranges:\n  - {prefix: [\"+8495\"], type: mobile}\n") ==
          texts{where(
              "2:14: error PLAN_BAD_TYPE: 'ranges[0].prefix': expected a string, got a list")});
}

TEST_CASE("plan files: missing keys") {
    CHECK(load_one_texts("ranges:\n  - {type: mobile}\n") ==
          texts{where("2:5: error PLAN_MISSING_KEY: 'ranges[0].prefix' is required")});
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8495\", note: no type}\n") ==
          texts{where("2:5: error PLAN_MISSING_KEY: 'ranges[0]' needs 'type' or 'country'")});
    CHECK(load_one_texts("# Cambodia\ncountry: KH\ncountry_code: \"855\"\n") ==
          texts{where("2:1: error PLAN_MISSING_KEY: 'international_prefix' is required in a "
                      "file that gives 'country'"),
                where("2:1: error PLAN_MISSING_KEY: 'nsn_lengths' is required in a file that "
                      "gives 'country'")});
    CHECK(load_one_texts("ranges: []\ntrunk_prefix: \"0\"\n") ==
          texts{where("2:15: error PLAN_MISSING_KEY: 'country' is required when 'trunk_prefix' "
                      "is given")});
    CHECK(load_one_texts("country: KH\ncountry_code: \"855\"\ninternational_prefix: \"001\"\n"
                         "nsn_lengths: [8, 9]\nservices:\n  - {prefix: \"1800\"}\n") ==
          texts{where("6:5: error PLAN_MISSING_KEY: 'services[0].type' is required")});
}

TEST_CASE("plan files: bad prefixes") {
    CHECK(load_one_texts("ranges:\n  - {prefix: \"8495\", type: mobile}\n") ==
          texts{where("2:14: error PLAN_BAD_PREFIX: 'ranges[0].prefix': '8495' must be '+' "
                      "followed by 1 to 15 digits")});
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+84 95\", type: mobile}\n") ==
          texts{where("2:14: error PLAN_BAD_PREFIX: 'ranges[0].prefix': '+84 95' must be '+' "
                      "followed by 1 to 15 digits")});
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+2891\", type: mobile}\n") ==
          texts{where("2:14: error PLAN_BAD_PREFIX: range +2891 does not start with an "
                      "assigned country code")});
    CHECK(load_one_texts("country: KH\ncountry_code: \"855\"\ninternational_prefix: \"001\"\n"
                         "nsn_lengths: [8, 9]\nshort_codes:\n  - {code: \"11x\"}\n") ==
          texts{where("6:12: error PLAN_BAD_PREFIX: 'short_codes[0].code': '11x' must be 1 to "
                      "15 digits")});
}

TEST_CASE("plan files: duplicates within one file") {
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8495\", type: mobile}\n"
                         "  - {prefix: \"+8495\", type: fixed}\n") ==
          texts{where("3:14: error PLAN_DUPLICATE_PREFIX: range +8495 is already defined at "
                      "line 2")});
}

TEST_CASE("plan files: countries and country codes") {
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+1876\", country: GB}\n") ==
          texts{where("2:14: error PLAN_BAD_COUNTRY: range +1876: GB is not served by country "
                      "code +1")});
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+1876\", country: jm}\n") ==
          texts{where("2:32: error PLAN_BAD_COUNTRY: 'ranges[0].country': 'jm' is not an ISO "
                      "3166-1 alpha-2 code (two upper-case letters)")});
    CHECK(load_one_texts("country: KH\ncountry_code: \"85\"\ninternational_prefix: \"001\"\n"
                         "nsn_lengths: [8, 9]\n") ==
          texts{where("2:15: error PLAN_UNKNOWN_COUNTRY_CODE: 'country_code': +85 is not an "
                      "assigned E.164 country code")});
    CHECK(load_one_texts("country: KH\ncountry_code: \"84\"\ninternational_prefix: \"001\"\n"
                         "nsn_lengths: [8, 9]\n") ==
          texts{where("1:10: error PLAN_BAD_COUNTRY: 'country': KH is not served by country code "
                      "+84")});
    CHECK(load_one_texts("country: KH\ncountry_code: \"+855\"\ninternational_prefix: \"001\"\n"
                         "nsn_lengths: [8, 9]\n") ==
          texts{where("2:15: error PLAN_BAD_VALUE: 'country_code': '+855' must be 1 to 3 digits")});
}

TEST_CASE("plan files: lengths") {
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8495\", type: mobile, lengths: [9, 16]}\n") ==
          texts{where("2:50: error PLAN_BAD_LENGTH: 'ranges[0].lengths': '16' is not a length "
                      "from 1 to 15")});
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8495\", type: mobile, lengths: [nine]}\n") ==
          texts{where("2:47: error PLAN_BAD_LENGTH: 'ranges[0].lengths': 'nine' is not a length "
                      "from 1 to 15")});
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8495\", type: mobile, lengths: [1]}\n") ==
          texts{where("2:14: error PLAN_BAD_LENGTH: range +8495: no number of 1 digits after +84 "
                      "can start with this prefix")});
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8495\", type: mobile, lengths: [14]}\n") ==
          texts{where("2:14: error PLAN_BAD_LENGTH: range +8495: no number of 14 digits after +84 "
                      "can fit in the 15 digits of E.164")});
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8495\", country: VN, lengths: [9]}\n") ==
          texts{where("2:45: error PLAN_BAD_VALUE: 'ranges[0].lengths' restricts 'type', which "
                      "is not given")});
    CHECK(load_one_texts("ranges:\n  - {prefix: \"+8495\", type: mobile, lengths: []}\n") ==
          texts{where("2:46: error PLAN_BAD_LENGTH: 'ranges[0].lengths': expected a list of "
                      "lengths from 1 to 15")});
}

TEST_CASE("plan files: the home country must have a national plan, once") {
    CHECK(load_texts({international_plan}, "KH") ==
          texts{"error PLAN_UNKNOWN_HOME_COUNTRY: home country 'KH' has no national plan: no "
                "plan file gives 'country: KH'"});
    CHECK(load_texts({}, "VN", false) ==
          texts{"error PLAN_UNKNOWN_HOME_COUNTRY: home country 'VN' has no national plan: no "
                "plan file gives 'country: VN'"});
    CHECK(load_texts({vn_plan}) ==
          texts{vn_plan +
                ":61:10: error PLAN_DUPLICATE_COUNTRY: the national plan of VN is "
                "already given in " +
                vn_plan});
}

TEST_CASE("plan files: unreadable and empty files") {
    temp_dir dir;
    const std::string missing = dir.write("x.yaml", "") + ".absent";
    CHECK(load_texts({missing}) ==
          texts{missing + ": error PLAN_FILE_READ: cannot read the plan file: No such file or "
                          "directory"});
    const std::string empty = dir.write("empty.yaml", "# nothing yet\n");
    model::numbering_settings s;
    s.plan_files = {vn_plan, empty};
    const auto loaded = model::numbering_plan::load(s);
    CHECK(loaded.ok());
    REQUIRE(loaded.diagnostics.size() == 1);
    CHECK(loaded.diagnostics[0].to_text() ==
          empty + ": warning PLAN_EMPTY_FILE: the plan file holds no document");
}

TEST_CASE("plan files: errors of several files are all reported") {
    temp_dir dir;
    const std::string a = dir.write("a.yaml", "ranges:\n  - {prefix: \"+8495\", type: mobil}\n");
    const std::string b = dir.write("b.yaml", "rangez: []\n");
    CHECK(load_texts({a, b}) ==
          texts{a + ":2:29: error PLAN_BAD_TYPE: 'ranges[0].type': 'mobil' is not one of unknown, "
                    "mobile, fixed, toll_free, premium, shared_cost, voip, satellite",
                b + ":1:1: error PLAN_UNKNOWN_KEY: unknown key 'rangez'"});
}

TEST_CASE("plan files: a later file overrides an earlier one, and plans for other countries load") {
    temp_dir dir;
    const std::string extra = dir.write("extra.yaml", R"(# A carrier's additions.
country: KH
country_code: "855"
trunk_prefix: "0"
international_prefix: "001"
nsn_lengths: [8, 9]
ranges:
  - {prefix: "+8495", type: mobile, lengths: [9], note: newly allocated}
  - {prefix: "+8491", type: voip}
  - {prefix: "+85512", type: mobile, lengths: [8]}
)");
    model::numbering_settings s;
    s.plan_files = {vn_plan, international_plan, extra};
    const auto loaded = model::numbering_plan::load(s);
    REQUIRE(loaded.ok());
    CHECK(loaded.diagnostics.empty());
    const auto& plan = *loaded.value;
    model::number_info out;
    CHECK(plan.normalize("0951234567", out) == model::normalize_error::none);
    CHECK(out.type == model::number_type::mobile);
    CHECK(plan.normalize("0912345678", out) == model::normalize_error::none);
    CHECK(out.type == model::number_type::voip);  // the later file replaced VinaPhone's type
    CHECK(plan.normalize("+85512345678", out) == model::normalize_error::none);
    CHECK(out.country == "KH");
    CHECK(out.type == model::number_type::mobile);
    CHECK_FALSE(out.is_home);
    // The KH plan's dialling rules do not apply: VN is home.
    CHECK(plan.normalize("012345678", out) == model::normalize_error::none);
    CHECK(out.e164 == "+8412345678");
}
