// parse_condition: the tree it builds (asserted as exact s-expressions) for precedence,
// n-ary flattening, parentheses, every operator and suffix, value lists, every aggregate
// form and the conditions of the shipped rule patterns; every error with its exact message
// and offset; spans; clone; line_column; and hostile sizes and nesting.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "engine/condition/condition_ast.hpp"
#include "engine/condition/condition_parser.hpp"
#include "engine/condition/condition_sexpr.hpp"

namespace condition = ringfence::engine::condition;
using condition::expr;

namespace {

// The tree as an s-expression, or "error@OFFSET: MESSAGE".
std::string parsed(std::string_view text) {
    const condition::parse_result r = condition::parse_condition(text);
    if (r.error) {
        CHECK(r.root == nullptr);
        return "error@" + std::to_string(r.error->offset) + ": " + r.error->message;
    }
    REQUIRE(r.root != nullptr);
    return condition::to_sexpr(*r.root);
}

struct parse_case {
    std::string_view text;
    std::string_view expected;
};

void check_all(const std::vector<parse_case>& cases) {
    for (const auto& c : cases) {
        CAPTURE(c.text);
        CHECK(parsed(c.text) == c.expected);
    }
}

condition::expr_ptr parse_ok(std::string_view text) {
    condition::parse_result r = condition::parse_condition(text);
    if (r.error) FAIL("unexpected error: " << r.error->message);
    REQUIRE(r.root != nullptr);
    return std::move(r.root);
}

std::string_view spanned(std::string_view text, condition::span s) {
    return text.substr(s.offset, s.length);
}

}  // namespace

TEST_CASE("precedence: not binds tighter than and, and tighter than or") {
    check_all({
        {"a or b and c", "(or (bare a) (and (bare b) (bare c)))"},
        {"a and b or c", "(or (and (bare a) (bare b)) (bare c))"},
        {"not a and b", "(and (not (bare a)) (bare b))"},
        {"not a or not b and c", "(or (not (bare a)) (and (not (bare b)) (bare c)))"},
        {"not not a", "(not (not (bare a)))"},
        {"a and not b = 1 or c", "(or (and (bare a) (not (cmp = b 1))) (bare c))"},
    });
}

TEST_CASE("and and or are n-ary, parentheses are kept") {
    check_all({
        {"a or b or c", "(or (bare a) (bare b) (bare c))"},
        {"a and b and c and d", "(and (bare a) (bare b) (bare c) (bare d))"},
        {"a or b and c and d or e", "(or (bare a) (and (bare b) (bare c) (bare d)) (bare e))"},
        {"(a or b) or c", "(or (or (bare a) (bare b)) (bare c))"},
        {"a or (b or c)", "(or (bare a) (or (bare b) (bare c)))"},
    });
}

TEST_CASE("parentheses group and nest") {
    check_all({
        {"(a or b) and c", "(and (or (bare a) (bare b)) (bare c))"},
        {"not (a and (b or c))", "(not (and (bare a) (or (bare b) (bare c))))"},
        {"((a))", "(bare a)"},
        {"(((x > 1)) and (not (y)))", "(and (cmp > x 1) (not (bare y)))"},
        {"not(a)", "(not (bare a))"},
    });
}

TEST_CASE("comparison operators and operands") {
    check_all({
        {"x = 1", "(cmp = x 1)"},
        {"x == 1", "(cmp = x 1)"},
        {"x != \"a\"", "(cmp != x \"a\")"},
        {"x < 0.5", "(cmp < x 0.5)"},
        {"x <= -3", "(cmp <= x -3)"},
        {"x > y.z", "(cmp > x y.z)"},
        {"x >= 22:30", "(cmp >= x (tod 1350))"},
        {"50 < x", "(cmp < 50 x)"},
        {"x>-0.25", "(cmp > x -0.25)"},
        {"call.ring_ms < 3s", "(cmp < call.ring_ms (dur 3000))"},
        {"local_hour >= 22", "(cmp >= local_hour 22)"},
        {"extra.vlan = \"12\"", "(cmp = extra.vlan \"12\")"},
        {"extra.vlan = '12'", "(cmp = extra.vlan \"12\")"},
        {"x = 'say \"hi\"\\n'", "(cmp = x \"say \\\"hi\\\"\\n\")"},
        // Aggregate names not followed by "(" are identifiers.
        {"count > 3", "(cmp > count 3)"},
        {"sum", "(bare sum)"},
        {"time.between", "(bare time.between)"},
    });
}

TEST_CASE("every suffix: lists, value lists, text tests, exists, bare") {
    check_all({
        {"sms.domains in blocked_domains", "(in_list in sms.domains blocked_domains)"},
        {"sms.domains except trusted exists", "(exists (except sms.domains trusted))"},
        {"sms.domains except trusted icontains_any brands", "(in_list icontains_any (except sms.domains trusted) brands)"},
        {"caller.e164 prefix_in premium_prefixes",
         "(in_list prefix_in caller.e164 premium_prefixes)"},
        {"sms.text contains_any scam_words", "(in_list contains_any sms.text scam_words)"},
        {"sms.text icontains_any scam_words", "(in_list icontains_any sms.text scam_words)"},
        {"origin.kind in (international, voip, ott)",
         "(in_values origin.kind international voip ott)"},
        {"x in (a, \"b c\", 3, -1.5, 3s, 22:00, 'd')",
         "(in_values x a \"b c\" 3 -1.5 (dur 3000) (tod 1320) \"d\")"},
        {"x in (only)", "(in_values x only)"},
        {"sms.text startswith \"VCB\"", "(text startswith sms.text \"VCB\")"},
        {"sms.text endswith '.apk'", "(text endswith sms.text \".apk\")"},
        {"sms.text contains otp", "(text contains sms.text otp)"},
        {"sms.text icontains \"chuyển khoản\"", "(text icontains sms.text \"chuyển khoản\")"},
        {"sms.text matches \"[0-9]{9,14}\"", "(text matches sms.text \"[0-9]{9,14}\")"},
        {"extra.vlan_id exists", "(exists extra.vlan_id)"},
        {"not caller.is_home", "(not (bare caller.is_home))"},
        {"foreign_ingress", "(bare foreign_ingress)"},
        {"time.between(22:00, 07:00)", "(time_between 1320 420)"},
        {"time.between(7:30,8:00) and x", "(and (time_between 450 480) (bare x))"},
    });
}

TEST_CASE("aggregates") {
    check_all({
        {"count(call.attempt by caller.e164 within 10m) > 50",
         "(cmp > (agg count call.attempt by caller.e164 within 600000) 50)"},
        {"count(call.end where call.talk_ms = 0 and call.ring_ms < 3000 by caller.e164 within "
         "10m) >= 20",
         "(cmp >= (agg count call.end where (and (cmp = call.talk_ms 0) (cmp < call.ring_ms "
         "3000)) by caller.e164 within 600000) 20)"},
        {"distinct(callee.e164 of call.attempt by caller.e164 within 1h) > 30",
         "(cmp > (agg distinct callee.e164 of call.attempt by caller.e164 within 3600000) 30)"},
        {"ratio(call.end where call.talk_ms < 10000 by caller.e164 within 1h) > 0.85",
         "(cmp > (agg ratio call.end where (cmp < call.talk_ms 10000) by caller.e164 within "
         "3600000) 0.85)"},
        {"sum(call.talk_ms of call.end by caller.e164 within 24h) < 60000",
         "(cmp < (agg sum call.talk_ms of call.end by caller.e164 within 86400000) 60000)"},
        {"outgoing_share(call.attempt by caller.e164 within 24h) > 0.95",
         "(cmp > (agg outgoing_share call.attempt by caller.e164 within 86400000) 0.95)"},
        // Kept by one key, read at another.
        {"count(sms.deliver by callee.e164 within 24h for caller.e164) = 0",
         "(cmp = (agg count sms.deliver by callee.e164 within 86400000 for caller.e164) 0)"},
        // Only the records let through are kept (a cap).
        {"count(sms.submit by callee.e164 within 24h unless blocked) > 3",
         "(cmp > (agg count sms.submit by callee.e164 within 86400000 unless blocked) 3)"},
        {"sum(call.talk_ms of call.end by caller.e164 within 1h for callee.e164 unless blocked) > 9",
         "(cmp > (agg sum call.talk_ms of call.end by caller.e164 within 3600000 for callee.e164 unless blocked) 9)"},
        // Outside an aggregate's tail, unless and blocked are plain names.
        {"unless = blocked", "(cmp = unless blocked)"},
        // No key, and a filter with parentheses, not and a list.
        {"count(sms.submit within 500ms) > 1", "(cmp > (agg count sms.submit within 500) 1)"},
        {"count(call.end where (call.talk_ms = 0 or call.ring_ms < 3s) and not caller.is_home "
         "by caller.e164 within 7d) >= 5",
         "(cmp >= (agg count call.end where (and (or (cmp = call.talk_ms 0) (cmp < call.ring_ms "
         "(dur 3000))) (not (bare caller.is_home))) by caller.e164 within 604800000) 5)"},
        {"count(call.attempt where callee.e164 prefix_in premium within 1h) > 3",
         "(cmp > (agg count call.attempt where (in_list prefix_in callee.e164 premium) within "
         "3600000) 3)"},
        // Aggregates on either side, and with any suffix.
        {"x < count(a within 1s)", "(cmp < x (agg count a within 1000))"},
        {"count(a within 1s) in (1, 2)", "(in_values (agg count a within 1000) 1 2)"},
        {"count(call.attempt by caller.e164 within 10m) > 50 and foreign_ingress",
         "(and (cmp > (agg count call.attempt by caller.e164 within 600000) 50) (bare "
         "foreign_ingress))"},
    });
}

TEST_CASE("errors: exact message and offset of the offending token") {
    check_all({
        {"x >", "error@3: expected a value after '>' but found end of condition"},
        {"x == and", "error@5: expected a value after '==' but found 'and'"},
        {"a)", "error@1: unexpected ')'"},
        {"a and )", "error@6: unexpected ')'"},
        {"(a))", "error@3: unexpected ')'"},
        {"x and (a or b",
         "error@13: expected ')' to close '(' opened at column 7 but found end of condition"},
        {"(a b)", "error@3: expected ')' to close '(' opened at column 1 but found 'b'"},
        {"x = \"abc", "error@4: unterminated string"},
        {"x > ) \"abc", "error@4: expected a value after '>' but found ')'"},
        {"a foo", "error@2: expected 'and', 'or' or the end of the condition but found 'foo'"},
        {"x not in (a)",
         "error@2: expected 'and', 'or' or the end of the condition but found 'not'"},
        {"", "error@0: empty condition"},
        {"  \n ", "error@4: empty condition"},
        {"and a", "error@0: expected a condition but found 'and'"},
        {"a and or b", "error@6: expected a condition after 'and' but found 'or'"},
        {"()", "error@1: expected a condition after '(' but found ')'"},
        {"not", "error@3: expected a condition after 'not' but found end of condition"},
        {"a or", "error@4: expected a condition after 'or' but found end of condition"},
        {"x in", "error@4: expected a list name or '(' after 'in' but found end of condition"},
        {"x in \"l\"", "error@5: expected a list name or '(' after 'in' but found '\"l\"'"},
        {"x in ()", "error@6: expected a value in the list of 'in' but found ')'"},
        {"x in (a,", "error@8: expected a value in the list of 'in' but found end of condition"},
        {"x in (a b)", "error@8: expected ',' or ')' in the list opened at column 6 but found 'b'"},
        {"x in (a",
         "error@7: expected ',' or ')' in the list opened at column 6 but found end of "
         "condition"},
        {"caller.e164 prefix_in",
         "error@21: expected a list name after 'prefix_in' but found end of condition"},
        {"x contains_any (a)", "error@15: expected a list name after 'contains_any' but found '('"},
        {"x icontains_any \"a\"",
         "error@16: expected a list name after 'icontains_any' but found '\"a\"'"},
        {"x contains", "error@10: expected a value after 'contains' but found end of condition"},
        {"x matches or", "error@10: expected a value after 'matches' but found 'or'"},
        {"50", "error@2: expected an operator after '50' but found end of condition"},
        {"\"abc\" and x", "error@6: expected an operator after '\"abc\"' but found 'and'"},
        {"count(call.attempt within 10m)",
         "error@30: expected an operator after 'count(call.attempt within 10m)' but found end "
         "of condition"},
        {"x = -a", "error@4: '-' must be followed directly by a number"},
        {"x = - 3", "error@4: '-' must be followed directly by a number"},
        {"x = -3s", "error@4: '-' must be followed directly by a number"},
        {"x = -3x", "error@5: unknown duration unit 'x' in '3x' (use ms, s, m, h or d)"},
        {"x = 25:00",
         "error@4: invalid time of day '25:00' (hours 0-23, minutes 00-59, such as 22:00)"},
        {"x = 'a\\qb' or",
         "error@6: unknown escape '\\q' in string (use \\\\, \\\", \\', \\n or \\t)"},
        {"a - b", "error@2: expected 'and', 'or' or the end of the condition but found '-'"},
    });
}

TEST_CASE("errors in time.between") {
    check_all({
        {"time.between(22, 07:00)",
         "error@13: 'time.between' takes two times of day such as 22:00"},
        {"time.between(22:00)", "error@18: 'time.between' takes two times of day such as 22:00"},
        {"time.between(22:00, x)", "error@20: 'time.between' takes two times of day such as 22:00"},
        {"time.between()", "error@13: 'time.between' takes two times of day such as 22:00"},
        {"time.between(22:00, 7:00",
         "error@24: expected ')' to close '(' opened at column 13 but found end of condition"},
        {"time.between(22:00, 07:00, 08:00)",
         "error@25: expected ')' to close '(' opened at column 13 but found ','"},
        {"time.between(22:00, 24:00)",
         "error@20: invalid time of day '24:00' (hours 0-23, minutes 00-59, such as 22:00)"},
        {"time.between(22:00, 07:00) > 1",
         "error@27: expected 'and', 'or' or the end of the condition but found '>'"},
    });
}

TEST_CASE("errors in aggregates") {
    check_all({
        {"count(call.attempt within 10)",
         "error@26: 'within' needs a duration such as 10m, found '10'"},
        {"count(call.attempt within)",
         "error@25: 'within' needs a duration such as 10m, found ')'"},
        {"count(call.attempt within",
         "error@25: 'within' needs a duration such as 10m, found end of condition"},
        {"count(call.attempt within 0s) > 1",
         "error@26: 'within' needs a duration greater than zero, found '0s'"},
        {"count(call.attempt within 1h unless) > 1",
         "error@35: expected 'blocked' after 'unless' but found ')'"},
        {"count(call.attempt within 1h unless allowed) > 1",
         "error@36: expected 'blocked' after 'unless' but found 'allowed'"},
        {"count(call.attempt within 1h blocked) > 1",
         "error@29: expected ')' to close '(' opened at column 6 but found 'blocked'"},
        {"count(callee.e164 of call.attempt by caller.e164 within 1h) > 3",
         "error@18: 'count' takes no field ('... of'); only distinct and sum do"},
        {"ratio(a of call.end within 1h) > 0.5",
         "error@8: 'ratio' takes no field ('... of'); only distinct and sum do"},
        {"outgoing_share(a of call.attempt within 1h) > 0.5",
         "error@17: 'outgoing_share' takes no field ('... of'); only distinct and sum do"},
        {"distinct(call.attempt by caller.e164 within 1h) > 30",
         "error@9: 'distinct' needs a field and 'of' before the event kind, as in "
         "distinct(callee.e164 of call.attempt ...)"},
        {"sum(call.end within 1h) < 5",
         "error@4: 'sum' needs a field and 'of' before the event kind, as in "
         "sum(call.talk_ms of call.end ...)"},
        {"count(",
         "error@6: expected an event kind such as call.attempt after 'count(' but "
         "found end of condition"},
        {"count() > 1",
         "error@6: expected an event kind such as call.attempt after 'count(' but "
         "found ')'"},
        {"distinct(\"x\" of a within 1h)",
         "error@9: expected a field such as callee.e164 after 'distinct(' but found '\"x\"'"},
        {"sum(a of within 1h)",
         "error@9: expected an event kind such as call.attempt after 'of' but found 'within'"},
        {"count(call.attempt) > 1", "error@18: expected 'where', 'by' or 'within' but found ')'"},
        {"count(call.attempt of x within 1h)",
         "error@19: 'count' takes no field ('... of'); only distinct and sum do"},
        {"distinct(a of b of c within 1h)",
         "error@16: expected 'where', 'by' or 'within' but found 'of'"},
        {"count(call.end where x foo within 1h)",
         "error@23: expected 'and', 'or', 'by' or 'within' but found 'foo'"},
        {"count(call.end where within 1h)",
         "error@21: expected a condition after 'where' but found 'within'"},
        {"count(call.end where x by) > 1",
         "error@25: expected a field name after 'by' but found ')'"},
        {"count(call.end by a where x within 1h)", "error@20: expected 'within' but found 'where'"},
        {"count(call.end within 10m",
         "error@25: expected ')' to close '(' opened at column 6 but found end of condition"},
        {"count(call.end within 10m by x)",
         "error@26: expected ')' to close '(' opened at column 6 but found 'by'"},
        {"count(call.end where (a or b within 1h)",
         "error@29: expected ')' to close '(' opened at column 22 but found 'within'"},
        {"count(call.end where a) within 1h)",
         "error@22: expected 'and', 'or', 'by' or 'within' but found ')'"},
    });
}

TEST_CASE("error locations in multi-line conditions") {
    CHECK(parsed("a and\n  (b or c") ==
          "error@15: expected ')' to close '(' opened at line 2, column 3 but found end of "
          "condition");
    CHECK(parsed("x in (a\n b)") ==
          "error@9: expected ',' or ')' in the list opened at line 1, column 6 but found 'b'");
}

TEST_CASE("long or multi-line tokens are shortened and kept on one line in messages") {
    const std::string long_string = "x > 1 \"" + std::string(50, 'a') + "\"";
    CHECK(parsed(long_string) ==
          "error@6: expected 'and', 'or' or the end of the condition but found '\"" +
              std::string(36, 'a') + "...'");
    CHECK(parsed("x > 1 \"a\nb\"") ==
          "error@6: expected 'and', 'or' or the end of the condition but found '\"a b\"'");
    // 36 bytes of ASCII then a 3-byte character across the cut: the character is dropped whole.
    const std::string utf8 = "x > 1 \"" + std::string(35, 'a') + "ể" + std::string(10, 'b') + "\"";
    CHECK(parsed(utf8) ==
          "error@6: expected 'and', 'or' or the end of the condition but found '\"" +
              std::string(35, 'a') + "...'");
}

TEST_CASE("literal values and spans") {
    const std::string_view text =
        "count(call.attempt by caller.e164 within 10m) > -3 and not x in (a, \"b\\\"c\", 0.5, "
        "500ms, 7:30) or caller.e164 prefix_in premium";
    const auto root = parse_ok(text);
    REQUIRE(root->k == expr::kind::or_);
    CHECK(spanned(text, root->where) == text);
    REQUIRE(root->children.size() == 2);
    const expr& both = *root->children[0];
    REQUIRE(both.k == expr::kind::and_);
    CHECK(spanned(text, both.where) ==
          "count(call.attempt by caller.e164 within 10m) > -3 and not x in (a, \"b\\\"c\", 0.5, "
          "500ms, 7:30)");

    const expr& compare = *both.children[0];
    REQUIRE(compare.k == expr::kind::compare);
    CHECK(compare.cmp == condition::compare_op::gt);
    CHECK(spanned(text, compare.where) == "count(call.attempt by caller.e164 within 10m) > -3");
    REQUIRE(compare.lhs.is_aggregate);
    const condition::aggregate& agg = *compare.lhs.agg;
    CHECK(agg.fn == condition::aggregate::function::count);
    CHECK(agg.event_kind == "call.attempt");
    CHECK(spanned(text, agg.event_where) == "call.attempt");
    CHECK(agg.of_field.empty());
    CHECK(agg.where == nullptr);
    CHECK(agg.by_field == "caller.e164");
    CHECK(spanned(text, agg.by_where) == "caller.e164");
    CHECK(agg.window_ms == 600'000);
    CHECK(spanned(text, agg.where_span) == "count(call.attempt by caller.e164 within 10m)");
    CHECK(spanned(text, compare.lhs.where) == "count(call.attempt by caller.e164 within 10m)");
    CHECK_FALSE(compare.rhs.is_aggregate);
    CHECK(compare.rhs.lit.kind == condition::literal::type::number);
    CHECK(compare.rhs.lit.number == -3.0);
    CHECK(compare.rhs.lit.text == "-3");
    CHECK(spanned(text, compare.rhs.where) == "-3");

    const expr& negated = *both.children[1];
    REQUIRE(negated.k == expr::kind::not_);
    CHECK(spanned(text, negated.where) == "not x in (a, \"b\\\"c\", 0.5, 500ms, 7:30)");
    const expr& values = *negated.children[0];
    REQUIRE(values.k == expr::kind::in_values);
    CHECK(values.lhs.lit.kind == condition::literal::type::identifier);
    CHECK(values.lhs.lit.text == "x");
    REQUIRE(values.values.size() == 5);
    CHECK(values.values[0].kind == condition::literal::type::identifier);
    CHECK(values.values[0].text == "a");
    CHECK(values.values[1].kind == condition::literal::type::string);
    CHECK(values.values[1].text == "b\"c");
    CHECK(spanned(text, values.values[1].where) == "\"b\\\"c\"");
    CHECK(values.values[2].kind == condition::literal::type::number);
    CHECK(values.values[2].number == 0.5);
    CHECK(values.values[3].kind == condition::literal::type::duration);
    CHECK(values.values[3].millis == 500);
    CHECK(values.values[3].text == "500ms");
    CHECK(values.values[4].kind == condition::literal::type::time_of_day);
    CHECK(values.values[4].minutes == 450);
    CHECK(values.values[4].text == "7:30");

    const expr& list = *root->children[1];
    REQUIRE(list.k == expr::kind::in_list);
    CHECK(list.lop == condition::list_op::prefix_in);
    CHECK(list.list_name == "premium");
    CHECK(spanned(text, list.list_where) == "premium");
    CHECK(spanned(text, list.where) == "caller.e164 prefix_in premium");
}

TEST_CASE("aggregate spans for the field and the filter") {
    const std::string_view text =
        "  distinct(callee.e164 of call.attempt where callee.e164 prefix_in p within 1h) > 3";
    const auto root = parse_ok(text);
    const condition::aggregate& agg = *root->lhs.agg;
    CHECK(agg.of_field == "callee.e164");
    CHECK(spanned(text, agg.of_where) == "callee.e164");
    CHECK(agg.of_where.offset == 11);
    CHECK(spanned(text, agg.event_where) == "call.attempt");
    REQUIRE(agg.where != nullptr);
    CHECK(spanned(text, agg.where->where) == "callee.e164 prefix_in p");
    CHECK(agg.by_field.empty());
    CHECK(spanned(text, agg.where_span) ==
          "distinct(callee.e164 of call.attempt where callee.e164 prefix_in p within 1h)");
    CHECK(root->where.offset == 2);
}

TEST_CASE("time.between keeps minutes and its span") {
    const std::string_view text = "x and time.between( 22:00 , 7:00 )";
    const auto root = parse_ok(text);
    const expr& between = *root->children[1];
    REQUIRE(between.k == expr::kind::time_between);
    CHECK(between.from_minutes == 1320);
    CHECK(between.to_minutes == 420);
    CHECK(spanned(text, between.where) == "time.between( 22:00 , 7:00 )");
}

TEST_CASE("clone is a deep copy that shares no node") {
    const std::string_view text =
        "count(call.end where a = 1 or b in (x, 2) by k within 1h) > 3 and not "
        "time.between(22:00, 06:00) and s matches \"^x\" and l prefix_in p and e exists";
    const auto original = parse_ok(text);
    const auto copy = condition::clone(*original);
    CHECK(condition::to_sexpr(*copy) == condition::to_sexpr(*original));
    CHECK(condition::to_sexpr(*copy) ==
          "(and (cmp > (agg count call.end where (or (cmp = a 1) (in_values b x 2)) by k within "
          "3600000) 3) (not (time_between 1320 360)) (text matches s \"^x\") (in_list prefix_in l "
          "p) (exists e))");
    CHECK(copy->where.offset == original->where.offset);
    CHECK(copy->where.length == original->where.length);
    CHECK(copy->children[0]->lhs.where.length == original->children[0]->lhs.where.length);

    // Changing the copy, its aggregate included, leaves the original alone.
    REQUIRE(copy->children[0]->lhs.agg != original->children[0]->lhs.agg);
    condition::aggregate& copied_agg = *copy->children[0]->lhs.agg;
    CHECK(copied_agg.where.get() != original->children[0]->lhs.agg->where.get());
    copied_agg.where->children[0]->rhs.lit.text = "changed";
    copied_agg.by_field = "other";
    copy->children[1]->children[0]->from_minutes = 0;
    copy->children.pop_back();
    CHECK(condition::to_sexpr(*original) ==
          "(and (cmp > (agg count call.end where (or (cmp = a 1) (in_values b x 2)) by k within "
          "3600000) 3) (not (time_between 1320 360)) (text matches s \"^x\") (in_list prefix_in l "
          "p) (exists e))");
}

TEST_CASE("to_sexpr of literals and operator names") {
    condition::literal l;
    l.kind = condition::literal::type::string;
    l.text = "a\\b\t\"c\"";
    CHECK(condition::to_sexpr(l) == "\"a\\\\b\\t\\\"c\\\"\"");
    l.kind = condition::literal::type::number;
    l.number = 1e21;
    CHECK(condition::to_sexpr(l) == "1e+21");
    CHECK(condition::to_string(condition::compare_op::ne) == "!=");
    CHECK(condition::to_string(condition::list_op::icontains_any) == "icontains_any");
    CHECK(condition::to_string(condition::text_op::endswith) == "endswith");
    CHECK(condition::to_string(condition::aggregate::function::outgoing_share) == "outgoing_share");
}

TEST_CASE("line_column counts lines and UTF-8 characters from 1") {
    using condition::line_column;
    CHECK(line_column("abc", 0) == std::pair{1, 1});
    CHECK(line_column("abc", 2) == std::pair{1, 3});
    CHECK(line_column("abc", 3) == std::pair{1, 4});
    CHECK(line_column("abc", 100) == std::pair{1, 4});
    CHECK(line_column("ab\ncd", 2) == std::pair{1, 3});
    CHECK(line_column("ab\ncd", 3) == std::pair{2, 1});
    CHECK(line_column("ab\ncd", 4) == std::pair{2, 2});
    CHECK(line_column("a\n\n  x", 5) == std::pair{3, 3});
    CHECK(line_column("\"ể\" x", 6) == std::pair{1, 5});  // ể is 3 bytes, one column
}

TEST_CASE("nesting is limited to 200 levels") {
    const auto nested = [](int depth, std::string_view open, std::string_view inner,
                           std::string_view close) {
        std::string s;
        for (int i = 0; i < depth; ++i) s.append(open);
        s.append(inner);
        for (int i = 0; i < depth; ++i) s.append(close);
        return s;
    };
    CHECK(parsed(nested(200, "(", "a", ")")) == "(bare a)");
    CHECK(parsed(nested(201, "(", "a", ")")) == "error@200: condition nested too deeply");
    CHECK(parsed(nested(10'000, "(", "a", ")")) == "error@200: condition nested too deeply");
    CHECK(parsed(nested(10'000, "(", "", "")) == "error@200: condition nested too deeply");

    const std::string two_hundred_nots = nested(200, "(not ", "(bare a)", ")");
    CHECK(parsed(nested(200, "not ", "a", "")) == two_hundred_nots);
    CHECK(parsed(nested(10'000, "not ", "a", "")) == "error@800: condition nested too deeply");

    CHECK(parsed(nested(100, "not (", "a", ")")) == nested(100, "(not ", "(bare a)", ")"));
    CHECK(parsed(nested(101, "not (", "a", ")")) == "error@500: condition nested too deeply");

    // Each aggregate is a level too: "count(e where " is 14 bytes.
    CHECK(parsed(nested(200, "count(e where ", "a", " within 1s) > 1")).starts_with("(cmp > (agg"));
    CHECK(parsed(nested(201, "count(e where ", "a", " within 1s) > 1")) ==
          "error@2800: condition nested too deeply");
}

TEST_CASE("a 100 KB condition of or-ed names parses into one node") {
    std::string text = "a";
    std::size_t names = 1;
    while (text.size() < 100 * 1024) {
        text.append(" or a");
        ++names;
    }
    const auto root = parse_ok(text);
    CHECK(root->k == expr::kind::or_);
    CHECK(root->children.size() == names);
    CHECK(root->where.length == text.size());
    CHECK(condition::clone(*root)->children.size() == names);
}
