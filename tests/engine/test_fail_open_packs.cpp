// Packs that would load and let every record through, or pass every record through a test,
// are refused where they are written: an empty text in a text test or an exception, a set
// with no rule, a file that is not UTF-8, an override given twice. An emptied file is said,
// and so are literals no record's field is written as (a CIDR range compared as an address,
// a country code in lower case).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/ruleset_loader.hpp"
#include "support/inline_pack.hpp"

using namespace ringfence;
using test_support::diagnostics_text;
using test_support::load_inline_pack;

namespace {

std::string rule_with(const std::string& condition) {
    return "- rule: r\n  events: [sms.submit, call.attempt]\n  condition: " + condition + "\n  action: block\n  priority: critical\n";
}

}  // namespace

TEST_CASE("a text test on an empty text, or on one that folds to nothing, is refused at its place") {
    const std::pair<const char*, const char*> cases[] = {
        {"sms.text contains \"\"", "an empty text would match every text"},
        {"sms.text startswith \"\"", "an empty text would match every text"},
        {"origin.trunk endswith \"\"", "an empty text would match every text"},
        {"sms.text icontains \"\"", "an empty text would match every text"},
        {"sms.text_folded contains \"!!!\"", "'!!!' is empty once folded as sms.text_folded is"},
        {"sms.text_compact contains \".\"", "'.' is empty once folded as sms.text_compact is"},
    };
    for (const auto& [condition, message] : cases) {
        std::vector<common::diagnostic> diags;
        CHECK_FALSE(load_inline_pack(rule_with(condition), &diags));
        INFO(condition);
        INFO(diagnostics_text(diags));
        REQUIRE(diags.size() == 1);
        CHECK(diags[0].code == "RULES_BAD_VALUE");
        CHECK(diags[0].line == 3);
        CHECK(diags[0].message.find(message) != std::string::npos);
    }
    // A text that holds something once folded is taken.
    CHECK(load_inline_pack(rule_with("sms.text_folded contains \"chuyen khoan!\"")));
}

TEST_CASE("an exception that starts with an empty text, which would exempt every record, is refused") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load_inline_pack(R"(- rule: spoof
  events: [call.attempt]
  condition: origin.kind = international and caller.is_home
  action: block
  priority: critical
  exceptions:
    - {name: roamers, fields: [origin.trunk], comps: [startswith], values: [[""]]}
)",
                                 &diags));
    INFO(diagnostics_text(diags));
    REQUIRE_FALSE(diags.empty());
    CHECK(diags[0].code == "RULES_BAD_VALUE");
    CHECK(diags[0].line == 7);
    CHECK(diags[0].message.find("exception 'roamers': an empty text would match every text") != std::string::npos);
}

TEST_CASE("a rule set without a rule is refused, and an empty file among packs is said") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load_inline_pack("", &diags));
    INFO(diagnostics_text(diags));
    CHECK(diagnostics_text(diags).find("RULES_EMPTY_FILE") != std::string::npos);
    CHECK(diagnostics_text(diags).find("error RULES_NO_RULES: the packs hold no rule") != std::string::npos);

    CHECK_FALSE(load_inline_pack("- list: l\n  items: [a]\n", &diags));
    CHECK(diagnostics_text(diags).find("RULES_NO_RULES") != std::string::npos);

    // A file that is an empty list is as empty.
    CHECK_FALSE(load_inline_pack("[]\n", &diags));
    CHECK(diagnostics_text(diags).find("RULES_EMPTY_FILE") != std::string::npos);

    // Switched off is still a rule: the operator's choice.
    CHECK(load_inline_pack(rule_with("caller.is_home") + "  enabled: false\n", &diags));

    // An emptied file beside a pack with rules: loaded, with a warning naming the file.
    auto e = engine::rule_engine::create_from_text({}, {{"a.yaml", rule_with("caller.is_home")}, {"b.yaml", "# emptied\n"}});
    REQUIRE(e.value);
    CHECK(diagnostics_text(e.diagnostics) == "b.yaml:1:1: warning RULES_EMPTY_FILE: the file holds no item: every rule it held is gone from the set\n");

    // An empty folder: nothing found.
    const auto dir = std::filesystem::temp_directory_path() / ("ringfence-empty-packs-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto loaded = engine::load_ruleset({dir.string()}, [](const std::string&) { return 0u; });
    CHECK_FALSE(loaded.rules);
    CHECK(diagnostics_text(loaded.diagnostics).find(dir.string() + ": error RULES_NO_RULES: no rule pack file (*.yaml, *.yml) was found in " + dir.string()) !=
          std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a pack file that is not UTF-8 is refused at the first bad byte, counted in characters, and a bad byte in a comment is said") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load_inline_pack("- rule: r\n  events: [sms.submit]\n  condition: sms.text contains \"chuy\xe1n\"\n  action: warn\n  priority: notice\n", &diags));
    INFO(diagnostics_text(diags));
    CHECK(diagnostics_text(diags) == "pack.yaml:3:37: error RULES_NOT_UTF8: byte 0xE1 is not UTF-8: a pack file is UTF-8 text (convert it, e.g. with iconv)\n");
    // "Chuyển" is 6 characters and 8 bytes: the column is the character's.
    CHECK_FALSE(load_inline_pack("- rule: r\n  events: [sms.submit]\n  condition: sms.text contains \"Chuy\xe1\xbb\x83n \xe1\"\n  action: warn\n  priority: notice\n", &diags));
    CHECK(diagnostics_text(diags).rfind("pack.yaml:3:40: error RULES_NOT_UTF8: byte 0xE1", 0) == 0);
    // In a comment (a pack saved in a legacy code page): loaded, with a warning.
    auto e = load_inline_pack("# Chuy\xe1n kho\xe1n\n" + rule_with("caller.is_home") + "  # note \xe9t\xe9\n", &diags);
    CHECK(e);
    CHECK(diagnostics_text(diags) == "pack.yaml:1:7: warning RULES_NOT_UTF8: byte 0xE1 is not UTF-8 (in a comment): a pack file is UTF-8 text (convert it, e.g. with iconv)\n"
                                     "pack.yaml:7:10: warning RULES_NOT_UTF8: byte 0xE9 is not UTF-8 (in a comment): a pack file is UTF-8 text (convert it, e.g. with iconv)\n");
    // A '#' inside quotes starts no comment.
    CHECK_FALSE(load_inline_pack(rule_with("sms.text contains \"#1 \xe1\""), &diags));
    CHECK(diagnostics_text(diags).find("error RULES_NOT_UTF8") != std::string::npos);
    // Nor does a '#' that begins a line of a block scalar: that line is the value's text, at
    // any depth of the block, while a comment after the block is still one.
    CHECK_FALSE(load_inline_pack(rule_with("caller.is_home") + "  reason: |\n    first line\n      # second \xe9\n", &diags));
    CHECK(diagnostics_text(diags) == "pack.yaml:8:16: error RULES_NOT_UTF8: byte 0xE9 is not UTF-8: a pack file is UTF-8 text (convert it, e.g. with iconv)\n");
    CHECK_FALSE(load_inline_pack(rule_with("caller.is_home") + "  desc: >-\n    # \xe9\n", &diags));
    CHECK(diagnostics_text(diags) == "pack.yaml:7:7: error RULES_NOT_UTF8: byte 0xE9 is not UTF-8: a pack file is UTF-8 text (convert it, e.g. with iconv)\n");
    CHECK(load_inline_pack(rule_with("caller.is_home") + "  reason: |\n    text\n  # note \xe9\n", &diags));
    CHECK(diagnostics_text(diags).find("warning RULES_NOT_UTF8: byte 0xE9 is not UTF-8 (in a comment)") != std::string::npos);
    // A quoted value over two lines whose second line starts with '#': the document holds
    // the byte, so it is refused at the byte, with no comment's warning.
    CHECK_FALSE(load_inline_pack(rule_with("caller.is_home") + "  reason: \"one\n    # two \xe9\"\n", &diags));
    CHECK(diagnostics_text(diags) == "pack.yaml:7:11: error RULES_NOT_UTF8: byte 0xE9 is not UTF-8: a pack file is UTF-8 text (convert it, e.g. with iconv)\n");
    // Comments wherever YAML has them: after a plain value holding a quote, on a key's line
    // written after "- ", between a block's header and its less indented end, after a byte
    // order mark: warnings, and the pack loads.
    for (const std::string& commented : std::vector<std::string>{rule_with("caller.is_home") + "  desc: don't do it # caf\xe9\n", rule_with("caller.is_home") + "  tags: [it's]  # caf\xe9\n",
          std::string("- condition: >\n    caller.is_home\n  # ngo\xe0i\n  rule: r\n  events: [call.attempt]\n  action: block\n  priority: critical\n"),
          rule_with("caller.is_home") + "  reason: |\n      text\n    # caf\xe9\n", std::string("\xEF\xBB\xBF# caf\xe9\n") + rule_with("caller.is_home")}) {
        CAPTURE(commented);
        CHECK(load_inline_pack(commented, &diags));
        CHECK(diagnostics_text(diags).find("warning RULES_NOT_UTF8") != std::string::npos);
        CHECK(diagnostics_text(diags).find("error") == std::string::npos);
    }
    const std::string utf16 = "pack.yaml:1:1: error RULES_NOT_UTF8: the file is UTF-16 or UTF-32 (it holds zero bytes): a pack file is UTF-8 text (save it as UTF-8)\n";
    CHECK_FALSE(load_inline_pack(std::string("\xFF\xFE- \0r\0", 8), &diags));
    CHECK(diagnostics_text(diags) == utf16);
    // Without a byte order mark: its zero bytes say so (the log's copy of the rules stopped
    // at the first one).
    std::string no_mark;
    for (const char c : rule_with("caller.is_home")) no_mark += std::string{c, '\0'};
    CHECK_FALSE(load_inline_pack(no_mark, &diags));
    CHECK(diagnostics_text(diags) == utf16);
}

TEST_CASE("an override that names a field twice is refused at the second") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load_inline_pack(rule_with("origin.kind = international") + R"(- rule: r
  condition: and caller.is_home
  override: {condition: replace, condition: append}
)",
                                 &diags));
    INFO(diagnostics_text(diags));
    CHECK(diagnostics_text(diags).find("pack.yaml:8:34: error RULES_DUPLICATE_KEY: override of 'condition' is given twice") != std::string::npos);
}

TEST_CASE("a CIDR range compared as an address, or a country code in lower case, is said never to match") {
    std::vector<common::diagnostic> diags;
    auto e = load_inline_pack(R"(- rule: r
  events: [call.attempt]
  condition: origin.ip in ("10.0.0.0/8") or origin.ip = "192.168.0.0/16" or caller.country = vn or callee.country != kh or caller.country = VN
  action: warn
  priority: notice
)",
                              &diags);
    REQUIRE(e);
    const std::string text = diagnostics_text(diags);
    INFO(text);
    CHECK(text.find("warning RULES_NEVER_MATCHES: '10.0.0.0/8' is a range, and '=' and 'in (...)' compare one address as written") != std::string::npos);
    CHECK(text.find("'192.168.0.0/16' is a range") != std::string::npos);
    CHECK(text.find("warning RULES_NEVER_MATCHES: 'caller.country' holds ISO country codes in upper case; 'vn' is never one: write 'VN'") != std::string::npos);
    CHECK(text.find("warning RULES_ALWAYS_TRUE: 'callee.country' holds ISO country codes in upper case; 'kh' is never one: write 'KH'; with != this test is "
                    "true for every record with 'callee.country'") != std::string::npos);
    CHECK(text.find("'VN' is never one") == std::string::npos);
}

TEST_CASE("a macro no rule uses is still checked: its syntax and the fields, lists, macros and kinds it names, as warnings") {
    std::vector<common::diagnostic> diags;
    // It decides nothing until a rule uses it (and may name a list only some local packs
    // define): loaded, with warnings at the places.
    CHECK(load_inline_pack(rule_with("caller.is_home") + "- macro: broken\n  condition: caller.e164 in nolist and and (\n", &diags));
    CHECK(diagnostics_text(diags).find("pack.yaml:7:40: warning RULES_CONDITION_SYNTAX: unused macro 'broken': ") != std::string::npos);

    CHECK(load_inline_pack(rule_with("caller.is_home") +
                               "- macro: names\n  condition: caller.e614 in nolist or not_a_macro or count(call.atempt by calle.e164 within 1h) > 3 or "
                               "sms.domains except nolist2 in nolist3 or count(sms.submit by sms.domains except nolist4 within 1h) > 1\n",
                           &diags));
    const std::string text = diagnostics_text(diags);
    INFO(text);
    CHECK(text.find("warning RULES_UNUSED_MACRO: macro 'names' is not used by any rule") != std::string::npos);
    CHECK(text.find("pack.yaml:7:14: warning RULES_UNKNOWN_FIELD: unused macro 'names': unknown field 'caller.e614'") != std::string::npos);
    CHECK(text.find("warning RULES_UNKNOWN_LIST: unused macro 'names': unknown list 'nolist'") != std::string::npos);
    CHECK(text.find("warning RULES_UNKNOWN_NAME: unused macro 'names': unknown macro or field 'not_a_macro'") != std::string::npos);
    CHECK(text.find("warning RULES_UNKNOWN_EVENT: unused macro 'names': unknown event kind 'call.atempt'") != std::string::npos);
    CHECK(text.find("warning RULES_UNKNOWN_FIELD: unused macro 'names': unknown field 'calle.e164'") != std::string::npos);
    CHECK(text.find("unknown list 'nolist2'") != std::string::npos);
    CHECK(text.find("unknown list 'nolist3'") != std::string::npos);
    CHECK(text.find("unknown list 'nolist4'") != std::string::npos);
    CHECK(text.find("error") == std::string::npos);

    // Used by a rule, the same names are errors.
    CHECK_FALSE(load_inline_pack(rule_with("caller.is_home and names") + "- macro: names\n  condition: caller.e614 in nolist\n", &diags));
    CHECK(diagnostics_text(diags).find("error RULES_UNKNOWN_FIELD: unknown field 'caller.e614'") != std::string::npos);

    // A record part and a name it lacks, tested alone (`not callee.is_hom`): a misspelt field,
    // RULES_UNKNOWN_FIELD as in a comparison, not an unknown macro.
    CHECK_FALSE(load_inline_pack(rule_with("not callee.is_hom"), &diags));
    CHECK(diagnostics_text(diags).find("error RULES_UNKNOWN_FIELD: unknown field 'callee.is_hom'") != std::string::npos);
    CHECK_FALSE(load_inline_pack(rule_with("caller.is_home and callee.is_hom"), &diags));
    CHECK(diagnostics_text(diags).find("error RULES_UNKNOWN_FIELD: unknown field 'callee.is_hom'") != std::string::npos);
    // An event kind alone is no condition: said so.
    CHECK_FALSE(load_inline_pack(rule_with("call.attempt and caller.is_home"), &diags));
    CHECK(diagnostics_text(diags).find("error RULES_UNKNOWN_NAME: 'call.attempt' is an event kind, not a condition: write kind = call.attempt") !=
          std::string::npos);
    CHECK_FALSE(load_inline_pack(rule_with("caller.is_home and no_such_macro"), &diags));
    CHECK(diagnostics_text(diags).find("error RULES_UNKNOWN_NAME: unknown macro or field 'no_such_macro'") != std::string::npos);

    // A sound unused macro is only the warning.
    CHECK(load_inline_pack(rule_with("caller.is_home") + "- list: l\n  items: [a]\n- macro: fine\n  condition: origin.trunk in l and not caller.is_home\n",
                           &diags));
    CHECK(diagnostics_text(diags).find("unused macro 'fine'") == std::string::npos);
}

TEST_CASE("items that change nothing are said: an exception with no values, two exceptions of one name, an override of nothing") {
    std::vector<common::diagnostic> diags;
    auto e = load_inline_pack(rule_with("caller.is_home") + R"(  exceptions:
    - {name: nothing, fields: [origin.trunk], comps: [=], values: []}
    - {name: twice, fields: [origin.trunk], values: [[A]]}
    - {name: twice, fields: [origin.trunk], values: [[B]]}
)",
                              &diags);
    REQUIRE(e);
    const std::string text = diagnostics_text(diags);
    INFO(text);
    CHECK(text.find("pack.yaml:7:7: warning RULES_NEVER_MATCHES: rule 'r': exception 'nothing' has no values: it exempts nothing") != std::string::npos);
    CHECK(text.find("pack.yaml:9:7: warning RULES_DUPLICATE: rule 'r': a second exception named 'twice'") != std::string::npos);

    CHECK_FALSE(load_inline_pack(rule_with("caller.is_home") + "- rule: r\n  override: {}\n", &diags));
    CHECK(diagnostics_text(diags).find("error RULES_BAD_OVERRIDE: override of rule 'r' names nothing and gives nothing: it changes nothing") !=
          std::string::npos);
}

TEST_CASE("keyword list items that fold to nothing are each named at their place") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load_inline_pack("- list: lures\n  items: [\"chuyen khoan\", \"!!!\", \"  \"]\n" + rule_with("sms.text_folded contains_any lures"), &diags));
    const std::string text = diagnostics_text(diags);
    INFO(text);
    CHECK(text.find("pack.yaml:2:28: error RULES_BAD_LIST_ITEM: list 'lures': '!!!' is empty once folded as sms.text_folded is") != std::string::npos);
    CHECK(text.find("pack.yaml:2:35: error RULES_BAD_LIST_ITEM: list 'lures': '  ' is empty once folded") != std::string::npos);
    // Empty items beside them, and empty keywords of a list matched as written, each too.
    CHECK_FALSE(load_inline_pack("- list: lures\n  items: [\"\", \"!!!\", \"x\", \"\"]\n" + rule_with("sms.text_folded contains_any lures"), &diags));
    const std::string both = diagnostics_text(diags);
    INFO(both);
    CHECK(both.find("pack.yaml:2:12: error RULES_BAD_LIST_ITEM: list 'lures': an empty text would match every text") != std::string::npos);
    CHECK(both.find("pack.yaml:2:16: error RULES_BAD_LIST_ITEM: list 'lures': '!!!' is empty once folded") != std::string::npos);
    CHECK(both.find("pack.yaml:2:28: error RULES_BAD_LIST_ITEM: list 'lures': an empty text would match every text") != std::string::npos);
    CHECK_FALSE(load_inline_pack("- list: lures\n  items: [\"\", \"x\", \"\"]\n" + rule_with("sms.text contains_any lures"), &diags));
    const std::string written = diagnostics_text(diags);
    INFO(written);
    CHECK(written.find("pack.yaml:2:12: error RULES_BAD_LIST_ITEM: list 'lures': an empty text would match every text") != std::string::npos);
    CHECK(written.find("pack.yaml:2:21: error RULES_BAD_LIST_ITEM: list 'lures': an empty text would match every text") != std::string::npos);
}

TEST_CASE("YAML nested past the reader's depth limit is said as such, not as a bad file") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load_inline_pack("- list: a\n  items: " + std::string(600, '[') + std::string(600, ']') + "\n", &diags));
    INFO(diagnostics_text(diags));
    CHECK(diagnostics_text(diags).find("error RULES_YAML_PARSE: nested ") != std::string::npos);
    CHECK(diagnostics_text(diags).find("levels deep, past what the YAML reader reads") != std::string::npos);
    CHECK(diagnostics_text(diags).find("bad file") == std::string::npos);
}

TEST_CASE("an items_file that is not UTF-8 is refused with its line") {
    const auto dir = std::filesystem::temp_directory_path() / ("ringfence-items-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "lures.txt") << "chuyen khoan\n# caf\xe9 (a comment)\nbad\xff\n";
    std::ofstream(dir / "pack.yaml") << "- list: l\n  items_file: lures.txt\n" << rule_with("sms.text contains_any l");
    const auto loaded = engine::load_ruleset({(dir / "pack.yaml").string()}, [](const std::string&) { return 0u; });
    CHECK_FALSE(loaded.rules);
    const std::string text = diagnostics_text(loaded.diagnostics);
    INFO(text);
    const std::string items = (dir / "lures.txt").string();
    CHECK(text.find(items + ":2:6: warning RULES_NOT_UTF8: list 'l': byte 0xE9 is not UTF-8 (in a comment)") != std::string::npos);
    CHECK(text.find(items + ":3:4: error RULES_NOT_UTF8: list 'l': byte 0xFF is not UTF-8: an items_file is UTF-8 text") != std::string::npos);
    // Only the comment's byte: loaded, with its warning.
    std::ofstream(dir / "lures.txt") << "chuyen khoan\n# caf\xe9 (a comment)\n";
    const auto commented = engine::load_ruleset({(dir / "pack.yaml").string()}, [](const std::string&) { return 0u; });
    CHECK(commented.rules);
    CHECK(diagnostics_text(commented.diagnostics).find(items + ":2:6: warning RULES_NOT_UTF8") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a key given twice in a test's record or subscriber is refused at the second, at any depth, and the rules still load") {
    // Tests are for rules check and rules test: the engine loads (a start or a reload does
    // not read tests), and the test is not run.
    auto e = load_inline_pack(rule_with("caller.is_home") + R"(- test: twice
  subscribers:
    - {msisdn: "0912000111", status: active, status: frozen}
  records:
    - {id: a, kind: call.attempt, caller: "0912000111", caller: "0912000222", callee: "0987654321"}
    - {id: b, kind: call.attempt, caller: "0912000111", callee: "0987654321", origin: {kind: voip, kind: international}}
  expect:
    - {id: a, action: block}
)");
    REQUIRE(e);
    CHECK(e->last_loaded().items.tests.empty());
    const std::string text = test_support::test_diagnostics_text(*e);
    INFO(text);
    CHECK(text.find("pack.yaml:8:46: error RULES_DUPLICATE_KEY: test 'twice': subscriber 'status' is given twice") != std::string::npos);
    CHECK(text.find("pack.yaml:10:57: error RULES_DUPLICATE_KEY: test 'twice': record 'caller' is given twice") != std::string::npos);
    CHECK(text.find("pack.yaml:11:100: error RULES_DUPLICATE_KEY: test 'twice': record 'origin.kind' is given twice") != std::string::npos);
    // Inside a list; and a key with a dot is not a nested one.
    auto listed_engine = load_inline_pack(rule_with("caller.is_home") + R"(- test: listed
  records:
    - {id: a, kind: call.attempt, caller: "0912000111", callee: "0987654321", extra: [{x: 1, x: 2}], "y.z": 1, y: {z: 2}}
  expect:
    - {id: a, action: block}
)");
    REQUIRE(listed_engine);
    const std::string listed = test_support::test_diagnostics_text(*listed_engine);
    INFO(listed);
    CHECK(listed.find("error RULES_DUPLICATE_KEY: test 'listed': record 'extra[0].x' is given twice") != std::string::npos);
    CHECK(listed.find("'y.z' is given twice") == std::string::npos);
}

TEST_CASE("bytes that are not UTF-8 in a value are refused at their place whatever stands before them on the line") {
    std::vector<common::diagnostic> diags;
    // An anchor's byte first on the line: the rule's name and reason still hold theirs.
    CHECK_FALSE(load_inline_pack("- &a\xff {rule: \"r\xff\", events: [call.attempt], condition: caller.is_home, action: block, priority: critical, "
                                 "reason: \"why\xff\"}\n",
                                 &diags));
    std::string text = diagnostics_text(diags);
    INFO(text);
    CHECK(text.find("pack.yaml:1:16: error RULES_NOT_UTF8: byte 0xFF is not UTF-8") != std::string::npos);
    CHECK(text.find("error RULES_NOT_UTF8: byte 0xFF is not UTF-8: a pack file") != std::string::npos);
    // A key's and its value's bytes, each at its own place.
    CHECK_FALSE(load_inline_pack(rule_with("caller.is_home") + "  extra_k\xe9y: v\xe9\n# caf\xe9\n", &diags));
    text = diagnostics_text(diags);
    CHECK(text.find("pack.yaml:6:10: error RULES_NOT_UTF8: byte 0xE9") != std::string::npos);
    CHECK(text.find("pack.yaml:6:15: error RULES_NOT_UTF8: byte 0xE9") != std::string::npos);
    CHECK(text.find("pack.yaml:7:") == std::string::npos);
    // A block scalar whose header line has a comment with such a byte: the value's own byte.
    CHECK_FALSE(load_inline_pack(rule_with("caller.is_home") + "  reason: | # caf\xe9\n    text\xff\n", &diags));
    CHECK(diagnostics_text(diags).find("pack.yaml:7:9: error RULES_NOT_UTF8: byte 0xFF") != std::string::npos);
}

TEST_CASE("bytes that are not UTF-8 in a test item are the test's error: the rules load and the test is not run") {
    auto e = load_inline_pack(rule_with("caller.is_home") + R"(- test: t
  records:
    - {id: a, kind: call.attempt, caller: "0912000111", callee: "0987654321", extra: {note: "caf)" "\xe9" R"("}}
  expect:
    - {id: a, action: block}
)");
    REQUIRE(e);
    CHECK(e->last_loaded().items.tests.empty());
    CHECK(test_support::test_diagnostics_text(*e).find("pack.yaml:8:97: error RULES_NOT_UTF8: byte 0xE9 is not UTF-8") != std::string::npos);
}

TEST_CASE("an alias to a node that holds it is refused, not walked without end") {
    std::vector<common::diagnostic> diags;
    // In a test's record (read into the wire form).
    auto e = load_inline_pack(rule_with("caller.is_home") + R"(- test: loop
  records:
    - &r {id: a, kind: call.attempt, caller: "0912000111", callee: "0987654321", extra: [*r]}
  expect:
    - {id: a, action: block}
)");
    REQUIRE(e);
    CHECK(test_support::test_diagnostics_text(*e).find("pack.yaml:8:7: error RULES_BAD_TYPE: test 'loop': a record nests deeper or holds more than any record does") !=
          std::string::npos);
    // Anywhere, in a file whose bytes that are not UTF-8 send the reader through every value.
    CHECK_FALSE(load_inline_pack("# caf\xe9\n" + rule_with("caller.is_home") + "  x: &a [*a]\n", &diags));
    CHECK(diagnostics_text(diags).find("error RULES_YAML_PARSE: the document nests past 200 levels or holds an alias to a node that holds it") !=
          std::string::npos);
}

TEST_CASE("an item found wrong in a list included by another is named with the list it is written in") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load_inline_pack("- list: kw2\n  items: [\"!!!\", \"ok\"]\n- list: kw\n  items: [kw2, \"fine\"]\n" + rule_with("sms.text_folded contains_any kw"),
                                 &diags));
    const std::string text = diagnostics_text(diags);
    INFO(text);
    CHECK(text.find("pack.yaml:2:12: error RULES_BAD_LIST_ITEM: list 'kw2' (included in 'kw'): '!!!' is empty once folded") != std::string::npos);
}

TEST_CASE("lists: one that includes itself through another is RULES_LIST_CYCLE, its own name as an item is the word and said") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load_inline_pack(rule_with("origin.trunk in l1") + "- list: l1\n  items: [l2, a]\n- list: l2\n  items: [l1, b]\n", &diags));
    CHECK(diagnostics_text(diags).find("error RULES_LIST_CYCLE: list '") != std::string::npos);
    // Its own name: the word (a keyword list may hold it), with a warning at the item.
    auto engine = load_inline_pack(rule_with("origin.trunk in trunks_blocked") + "- list: trunks_blocked\n  items: [trunks_blocked, GW-1]\n", &diags);
    CHECK(engine);
    CHECK(diagnostics_text(diags).find(":7:11: warning RULES_LIST_INCLUDE: item 'trunks_blocked' of list 'trunks_blocked' is the list's own name: it is read as "
                                       "the word (a list cannot include itself)") != std::string::npos);
}
