// keyword_automaton: any/first/all matches with overlapping keywords, case folding,
// the empty keyword and text, bytes outside every keyword, the dense/sparse split, and a
// randomised comparison with a naive search.
#include <doctest/doctest.h>

#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/lists/keyword_automaton.hpp"

using ringfence::engine::lists::keyword_automaton;

namespace {

keyword_automaton build(const std::vector<std::string>& keywords, bool fold = false,
                        std::size_t dense_budget = 1 << 20) {
    keyword_automaton::builder b(fold);
    for (const auto& k : keywords) b.add(k);
    return std::move(b).build(dense_budget);
}

std::vector<std::pair<std::uint32_t, std::size_t>> all_matches(const keyword_automaton& a,
                                                               std::string_view text) {
    std::vector<std::pair<std::uint32_t, std::size_t>> out;
    a.for_each_match(text, [&](std::uint32_t k, std::size_t end) { out.emplace_back(k, end); });
    return out;
}

// What first_match should give, by a naive search: the earliest end, then the longest, then
// the lowest index.
std::optional<std::uint32_t> naive_first_match(const std::vector<std::string>& keywords, std::string_view text) {
    std::optional<std::uint32_t> found;
    std::size_t best_end = 0, best_len = 0;
    for (std::uint32_t k = 0; k < keywords.size(); ++k) {
        const std::size_t at = text.find(keywords[k]);
        if (at == std::string_view::npos) continue;
        const std::size_t end = at + keywords[k].size();
        if (!found || end < best_end || (end == best_end && keywords[k].size() > best_len)) {
            found = k;
            best_end = end;
            best_len = keywords[k].size();
        }
    }
    return found;
}

// length bytes, each drawn at random from the `letters` bytes from first on.
std::string random_text(std::mt19937& rng, int length, char first, unsigned letters) {
    std::string s;
    for (int j = 0; j < length; ++j) s.push_back(static_cast<char>(first + rng() % letters));
    return s;
}

}  // namespace

TEST_CASE("keyword_automaton: the classic he/she/his/hers example") {
    const auto a = build({"he", "she", "his", "hers"});
    CHECK(a.any_match("ushers"));
    CHECK(a.first_match("ushers") == 1u);  // "she" ends at 4, longer than "he" ending there too
    const std::vector<std::pair<std::uint32_t, std::size_t>> expected{{1, 4}, {0, 4}, {3, 6}};
    CHECK(all_matches(a, "ushers") == expected);
    CHECK_FALSE(a.any_match("hx sh e"));
    CHECK(a.first_match("xyz") == std::nullopt);
    CHECK(a.first_match("ahis") == 2u);
}

TEST_CASE("keyword_automaton: Vietnamese folded keywords in folded text") {
    const auto a = build({"chuyen khoan", "tai khoan", "xac thuc", "otp", "bi khoa"}, true);
    CHECK(a.first_match("vcb tai khoan cua quy khach se bi khoa") == 1u);
    CHECK(a.first_match("Vui long XAC THUC ngay") == 2u);  // ASCII case folded
    CHECK(a.first_match("chuyenkhoan") == std::nullopt);
    CHECK(a.first_match("chuyen khoan 500k") == 0u);
    CHECK(a.any_match("ma OTP: 123456"));
    CHECK_FALSE(a.any_match("khong co gi"));
    // The earliest end wins: "khoa" ends inside "tai khoan", one byte before it.
    CHECK(build({"tai khoan", "khoa"}).first_match("tai khoan") == 1u);
    // Without folding, upper case does not match.
    const auto exact = build({"otp"});
    CHECK_FALSE(exact.any_match("OTP"));
    CHECK(exact.any_match("otp"));
}

TEST_CASE("keyword_automaton: empty keyword, empty text, duplicates, bytes outside every keyword") {
    const auto none = build({});
    CHECK_FALSE(none.any_match("anything"));
    CHECK(none.first_match("") == std::nullopt);
    const auto with_empty = build({"abc", ""});
    CHECK(with_empty.any_match(""));
    CHECK(with_empty.first_match("zzz") == 1u);
    const std::vector<std::pair<std::uint32_t, std::size_t>> expected{{1, 0}, {0, 4}};
    CHECK(all_matches(with_empty, "xabc") == expected);
    const auto dup = build({"abc", "abc", "bc"});
    CHECK(dup.first_match("zabc") == 0u);
    CHECK(dup.keyword_count() == 3);
    const auto binary = build({std::string("\x00\xFF", 2), "\xE1\xBA\xA1"});
    CHECK(binary.first_match(std::string("a\x00\xFF", 3)) == 0u);
    CHECK(binary.first_match("ạ") == 1u);
    CHECK_FALSE(binary.any_match(std::string("\x00\xFE\xFF", 3)));
}

TEST_CASE("keyword_automaton: the same answers whatever part of the states is dense") {
    std::mt19937 rng(3);
    std::vector<std::string> keywords;
    for (int i = 0; i < 300; ++i) {
        const int n = 1 + static_cast<int>(rng() % 6);
        keywords.push_back(random_text(rng, n, 'a', 4));
    }
    const auto all_dense = build(keywords, false, 1 << 30);
    const auto root_only = build(keywords, false, 0);
    const auto middle = build(keywords, false, 4096);
    CHECK(all_dense.dense_state_count() == all_dense.state_count());
    CHECK(root_only.dense_state_count() == 1);
    CHECK(middle.dense_state_count() > 1);
    CHECK(middle.dense_state_count() < middle.state_count());
    for (int t = 0; t < 3000; ++t) {
        // Up to 120 bytes: any_match scans texts longer than 2 * 6 + 16 bytes in two halves.
        const int n = static_cast<int>(rng() % 120);
        const std::string text = random_text(rng, n, 'a', 7);
        const std::optional<std::uint32_t> expected = naive_first_match(keywords, text);
        REQUIRE(all_dense.any_match(text) == expected.has_value());
        REQUIRE(middle.any_match(text) == expected.has_value());
        REQUIRE(root_only.any_match(text) == expected.has_value());
        REQUIRE(all_dense.first_match(text) == expected);
        REQUIRE(root_only.first_match(text) == expected);
        REQUIRE(middle.first_match(text) == expected);
        REQUIRE(all_matches(middle, text) == all_matches(all_dense, text));
        REQUIRE(all_matches(root_only, text) == all_matches(all_dense, text));
    }
}

TEST_CASE("keyword_automaton: any_match finds a keyword wherever it sits in a long text") {
    const std::string keyword = "xac thuc tai khoan";
    const auto a = build({keyword, "zzz"});
    const std::string filler(200, 'a');
    // Every position, so both halves of the two-half scan and the overlap between them are hit.
    for (std::size_t at = 0; at + keyword.size() <= filler.size(); ++at) {
        std::string text = filler;
        text.replace(at, keyword.size(), keyword);
        REQUIRE_MESSAGE(a.any_match(text), "keyword at " << at);
        REQUIRE(a.first_match(text) == 0u);
    }
    CHECK_FALSE(a.any_match(filler));
    CHECK(a.any_match(filler + "zzz"));
    CHECK(a.any_match("zzz" + filler));
}

TEST_CASE("keyword_automaton: first_match and any_match over long texts with few matches, early, late or none") {
    // Keywords rare in the text, so the first match falls early, late (past any_match's
    // halfway mark, or in the stretch its second half starts early with) or nowhere: each
    // against a naive search.
    std::mt19937 rng(11);
    std::vector<std::string> keywords;
    for (int i = 0; i < 60; ++i) {
        const int n = 3 + static_cast<int>(rng() % 6);
        keywords.push_back(random_text(rng, n, 'a', 5));
    }
    keywords.push_back(keywords[0].substr(1));  // a shorter keyword ending where a longer one does
    const auto a = build(keywords);
    for (int t = 0; t < 5000; ++t) {
        const int n = 30 + static_cast<int>(rng() % 200);
        std::string text = random_text(rng, n, 'f', 20);
        for (int inject = static_cast<int>(rng() % 3); inject > 0; --inject) {
            const std::string& k = keywords[rng() % keywords.size()];
            if (k.size() <= text.size()) text.replace(rng() % (text.size() - k.size() + 1), k.size(), k);
        }
        const std::optional<std::uint32_t> expected = naive_first_match(keywords, text);
        REQUIRE_MESSAGE(a.first_match(text) == expected, text);
        REQUIRE(a.any_match(text) == expected.has_value());
    }
}

TEST_CASE("keyword_automaton: keywords that use all 256 byte values each keep a class of their own") {
    // 257 classes with the one for bytes in no keyword: a shared scan of several lists can
    // hold every byte value.
    std::vector<std::string> keywords;
    for (int b = 0; b < 256; ++b) keywords.emplace_back(1, static_cast<char>(b));
    const auto a = build(keywords);
    for (int b = 0; b < 256; ++b) {
        const std::string text = std::string("..") + static_cast<char>(b);
        const std::optional<std::uint32_t> expected = naive_first_match(keywords, text);
        REQUIRE_MESSAGE(a.first_match(text) == expected, "byte " << b);
        REQUIRE(a.first_match(std::string(1, static_cast<char>(b))) == static_cast<std::uint32_t>(b));
    }
}
