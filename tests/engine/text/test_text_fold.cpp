// fold_text: Vietnamese diacritics (every vowel with every tone, đ), case, full-width and
// other ASCII look-alikes, invisible characters, separators, the offset map, and that a
// call with enough capacity does not allocate.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/allocation_counter.hpp"
#include "engine/text/text_fold.hpp"
#include "engine/text/utf8.hpp"
#include "text_test_support.hpp"

using ringfence::engine::text::fold_text;
using ringfence::engine::text::fold_text_mapped;

namespace {

std::string folded(std::string_view in) {
    std::string out;
    fold_text(in, out);
    return out;
}

}  // namespace

TEST_CASE("fold_text: the example from the contract") {
    CHECK(folded("Chuyển  Khoản!") == "chuyen khoan");
    CHECK(folded("  Số tài khoản: 0123456789 (Vietcombank).  ") ==
          "so tai khoan 0123456789 vietcombank");
    CHECK(folded("") == "");
    CHECK(folded(" !!! ") == "");
}

TEST_CASE("fold_text: every Vietnamese vowel with every tone mark, lower and upper case") {
    // Rows: a ă â e ê i o ô ơ u ư y; columns: no tone, huyền, sắc, hỏi, ngã, nặng.
    const char* lower =
        "a à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ e è é ẻ ẽ ẹ ê ề ế ể ễ ệ i ì í ỉ ĩ ị "
        "o ò ó ỏ õ ọ ô ồ ố ổ ỗ ộ ơ ờ ớ ở ỡ ợ u ù ú ủ ũ ụ ư ừ ứ ử ữ ự y ỳ ý ỷ ỹ ỵ";
    const char* upper =
        "A À Á Ả Ã Ạ Ă Ằ Ắ Ẳ Ẵ Ặ Â Ầ Ấ Ẩ Ẫ Ậ E È É Ẻ Ẽ Ẹ Ê Ề Ế Ể Ễ Ệ I Ì Í Ỉ Ĩ Ị "
        "O Ò Ó Ỏ Õ Ọ Ô Ồ Ố Ổ Ỗ Ộ Ơ Ờ Ớ Ở Ỡ Ợ U Ù Ú Ủ Ũ Ụ Ư Ừ Ứ Ử Ữ Ự Y Ỳ Ý Ỷ Ỹ Ỵ";
    const std::string expected =
        "a a a a a a a a a a a a a a a a a a e e e e e e e e e e e e i i i i i i "
        "o o o o o o o o o o o o o o o o o o u u u u u u u u u u u u y y y y y y";
    CHECK(folded(lower) == expected);
    CHECK(folded(upper) == expected);
    CHECK(folded("đ Đ đường ĐÀ NẴNG") == "d d duong da nang");
    CHECK(folded("Thưởng Nạp Đầu Tiền Vào Tài Khoản Ngân Hàng") ==
          "thuong nap dau tien vao tai khoan ngan hang");
}

TEST_CASE("fold_text: decomposed marks are dropped, so NFD and NFC text fold alike") {
    // "Chuyển khoản" written with combining marks: e + U+0302 + U+0309, a + U+0309.
    CHECK(folded("Chuye\xCC\x82\xCC\x89n khoa\xCC\x89n") == "chuyen khoan");
}

TEST_CASE("fold_text: other Latin letters lose their accents") {
    CHECK(folded("Ça Über Straße Æsir Œuvre Þorn naïve Łódź") ==
          "ca uber strasse aesir oeuvre thorn naive lodz");
    // Latin Extended Additional letters that smishing texts use to dodge filters.
    CHECK(folded("ṱh ẖàg 1OOOṯ") == "th hag 1ooot");
}

TEST_CASE("fold_text: full-width, mathematical and circled ASCII look-alikes become ASCII") {
    CHECK(folded("ＶＩＥＴＣＯＭＢＡＮＫ ｘáｃ ｔｈựｃ！１２３") == "vietcombank xac thuc 123");
    CHECK(folded("\xF0\x9D\x90\x95\xF0\x9D\x90\x82\xF0\x9D\x90\x81") == "vcb");  // 𝐕𝐂𝐁
    CHECK(folded("\xF0\x9D\x9F\x8F\xF0\x9D\x9F\x90") == "12");                   // 𝟏𝟐
    CHECK(folded("ⓥⓒⓑ Ⓞ") == "vcb o");
}

TEST_CASE("fold_text: invisible characters vanish inside words, symbols and emoji separate") {
    CHECK(folded("chuy\xE1\xBB\x83n\xE2\x80\x8B kho\xE2\x80\x8D\xE1\xBA\xA3n") ==
          "chuyen khoan");  // ZWSP, ZWJ
    CHECK(folded("ng\xC2\xAD"
                 "an h\xEF\xBB\xBF\xC3\xA0ng") == "ngan hang");  // soft hyphen, BOM
    CHECK(folded("nhận🎁quà→ngay…") == "nhan qua ngay");
    CHECK(folded("a\xC2\xA0\xE3\x80\x80"
                 "b") == "a b");  // NBSP, ideographic space
    CHECK(folded("50.000đ/tin (0đ)") == "50 000d tin 0d");
}

TEST_CASE("fold_text: other scripts are kept, malformed UTF-8 separates") {
    CHECK(folded("Сбербанк ABC") == "Сбербанк abc");
    CHECK(folded("ab\xFF"
                 "cd\xC3") == "ab cd");
    CHECK(folded("\xE1\xBA") == "");
}

TEST_CASE("fold_text_mapped: each folded byte points at its source character") {
    std::string out;
    std::vector<std::uint32_t> offsets;
    fold_text_mapped("Số  TK", out, offsets);
    CHECK(out == "so tk");
    // S=0, ố=1..3, spaces at 4 and 5, T=6, K=7.
    const std::vector<std::uint32_t> expected{0, 1, 4, 6, 7};
    CHECK(offsets == expected);
}

TEST_CASE("fold_text: does not allocate once out has capacity") {
    const std::string sms =
        "[VCB] Tài khoản của Quý khách sẽ bị KHÓA. Vui lòng xác thực tại "
        "https://vcb-secure.top/xacthuc "
        "trước 23h59 hôm nay để tránh gián đoạn giao dịch.";
    std::string out;
    out.reserve(sms.size());
    const long before = ringfence::testing::allocation_count();
    for (int k = 0; k < 100; ++k) fold_text(sms, out);
    CHECK(ringfence::testing::allocation_count() == before);
    CHECK(
        out ==
        "vcb tai khoan cua quy khach se bi khoa vui long xac thuc tai https vcb secure top xacthuc "
        "truoc 23h59 hom nay de tranh gian doan giao dich");
}

TEST_CASE("unmask_ascii: full-width ASCII, odd full stops and zero-width characters read as ASCII for extraction") {
    using ringfence::engine::text::unmask_ascii;
    std::string out = "untouched";
    CHECK_FALSE(unmask_ascii("Chuyển khoản tại https://evil.com “ngay” 🎁", out));
    CHECK(out == "untouched");
    CHECK(unmask_ascii("vào ｅｖｉｌ．ｃｏｍ／ｘ", out));
    CHECK(out == "vào evil.com/x");
    CHECK(unmask_ascii("evil｡com evil。com", out));
    CHECK(out == "evil.com evil.com");
    CHECK(unmask_ascii("STK ０１２３４５６７８９！～", out));
    CHECK(out == "STK 0123456789!~");
    CHECK(unmask_ascii("ev\xE2\x80\x8Bil.c\xE2\x80\x8C\xE2\x80\x8Dom \xE2\x81\xA0x\xEF\xBB\xBFy\xC2\xAD"
                       "z",
                       out));
    CHECK(out == "evil.com xyz");
    // Digit groups written with no-break, figure, thin or narrow no-break spaces.
    CHECK(unmask_ascii("STK 0123\xC2\xA0" "456\xE2\x80\xAF" "789\xE2\x80\x87" "01\xE2\x80\x89" "2", out));
    CHECK(out == "STK 0123 456 789 01 2");
    // Neighbours of the masked characters are kept: U+FF5F, U+200E, U+3001, a truncated sequence.
    CHECK_FALSE(unmask_ascii("\xEF\xBD\x9F \xE2\x80\x8E \xE3\x80\x81 \xEF\xBC", out));
    const std::string sms = "Vui lòng ｃｈｕｙểｎ khoản vào ｓｔｋ ０１２３ tại ｅｖｉｌ．ｃｏｍ trước 23h59";
    out.reserve(sms.size());
    const long before = ringfence::testing::allocation_count();
    bool changed = true;
    for (int k = 0; k < 100; ++k) changed = unmask_ascii(sms, out) && changed;
    CHECK(ringfence::testing::allocation_count() == before);
    CHECK(changed);
}

TEST_CASE("compact_text: folded text with its spaces left out") {
    std::string out;
    ringfence::engine::text::compact_text("c.h.u.y.e.n  k-h-o-a-n", out);
    CHECK(out == "chuyenkhoan");
    ringfence::engine::text::compact_text("Chuyển\u200bkhoản", out);
    CHECK(out == "chuyenkhoan");
    ringfence::engine::text::compact_text("  ", out);
    CHECK(out.empty());
    ringfence::engine::text::compact_folded("ma otp", out);
    CHECK(out == "maotp");
}

TEST_CASE("compact_text: digits written for letters inside words are read as the letters") {
    std::string out;
    ringfence::engine::text::compact_text("T4i kh0ản cu4 b4n bị kh0á", out);
    CHECK(out == "taikhoancuabanbikhoa");
    ringfence::engine::text::compact_text("x4c thu7c 5inh tr4c 3 B1DV", out);  // 3 alone is a number
    CHECK(out == "xacthutcsinhtrac3bidv");
    // Numbers stay numbers: alone, with one letter, with more digits than letters; digits
    // with no letter reading stay digits.
    ringfence::engine::text::compact_text("Nap 50.000d, ma OTP 123456, goi 0912345678, 4G, a2bc", out);
    CHECK(out == "nap50000dmaotp123456goi09123456784ga2bc");
    ringfence::engine::text::compact_text("lop B1 tru tien, nap 100k, LH0912345678, Goi1900", out);
    CHECK(out == "lopb1trutiennap100klh0912345678goi1900");
    // Split by a separator, each part is a word of its own: "kh0.an" reads kho + an.
    ringfence::engine::text::compact_text("kh0.an", out);
    CHECK(out == "khoan");
    ringfence::engine::text::compact_text("k h 0 a n", out);  // a lone digit stays: not read
    CHECK(out == "kh0an");
}

namespace {

// compact_folded as first written (each word's end found, then the word copied or read): the
// one-pass version must give the same text for every input.
std::string compact_by_words(std::string_view folded) {
    static constexpr auto letter_for = [](char c) {
        switch (c) {
            case '0': return 'o';
            case '1': return 'i';
            case '3': return 'e';
            case '4': return 'a';
            case '5': return 's';
            case '7': return 't';
            default: return c;
        }
    };
    std::string out;
    std::size_t i = 0;
    while (i < folded.size()) {
        if (folded[i] == ' ') {
            ++i;
            continue;
        }
        std::size_t end = i, letters = 0, digits = 0;
        for (; end < folded.size() && folded[end] != ' '; ++end) {
            letters += folded[end] >= 'a' && folded[end] <= 'z';
            digits += folded[end] >= '0' && folded[end] <= '9';
        }
        const bool read = digits > 0 && letters >= 2 && letters > digits;
        for (; i < end; ++i) out += read ? letter_for(folded[i]) : folded[i];
    }
    return out;
}

}  // namespace

TEST_CASE("compact_folded: every string of up to six bytes from letters, digits and spaces compacts as word by word") {
    // 6^0 + ... + 6^6 = 55,987 strings: words of every mix meet spaces at every edge.
    std::string out;
    const std::size_t checked = ringfence::test::for_each_short_string(" a0b4Z", 6, [&](const std::string& s) {
        ringfence::engine::text::compact_folded(s, out);
        if (out != compact_by_words(s)) FAIL_CHECK("compact_folded(\"" << s << "\") gave \"" << out << "\"");
    });
    CHECK(checked == 55987);
}

namespace {

// fold_text_mapped as first written (a pending space emitted before the next letter): the
// version that writes a separator's space at once and takes it back must give the same text
// and offsets for every input.
void fold_with_pending_space(std::string_view in, std::string& out, std::vector<std::uint32_t>& offsets) {
    using ringfence::engine::text::code_point_fold;
    out.clear();
    offsets.clear();
    bool pending = false;
    std::size_t space_from = 0;
    const auto emit = [&](char c, std::size_t from) {
        if (pending) {
            out += ' ';
            offsets.push_back(static_cast<std::uint32_t>(space_from));
            pending = false;
        }
        out += c;
        offsets.push_back(static_cast<std::uint32_t>(from));
    };
    std::size_t i = 0;
    while (i < in.size()) {
        const std::size_t start = i;
        const code_point_fold f = ringfence::engine::text::fold_code_point(ringfence::engine::text::decode_utf8(in, i));
        switch (f.what) {
            case code_point_fold::kind::letters:
                emit(f.letters[0], start);
                if (f.letters[1] != 0) emit(f.letters[1], start);
                break;
            case code_point_fold::kind::separator:
                if (!pending && !out.empty()) {
                    pending = true;
                    space_from = start;
                }
                break;
            case code_point_fold::kind::drop:
                break;
            case code_point_fold::kind::keep:
                for (std::size_t k = start; k < i; ++k) emit(in[k], start);
                break;
        }
    }
}

}  // namespace

TEST_CASE("fold_text: every string of up to five bytes over letters, separators and UTF-8 pieces folds as with a pending space") {
    // a, 0, space, '-', ß (C3 9F), soft hyphen (C2 AD, dropped), ố (E1 BB 91) and every
    // malformed mix of those bytes: 11^0 + ... + 11^5 = 177,156 strings.
    std::string out, expected;
    std::vector<std::uint32_t> offsets, expected_offsets;
    const std::size_t checked =
        ringfence::test::for_each_short_string("a0 -\xC3\x9F\xC2\xAD\xE1\xBB\x91", 5, [&](const std::string& s) {
            fold_with_pending_space(s, expected, expected_offsets);
            fold_text(s, out);
            if (out != expected) FAIL_CHECK("fold_text(\"" << s << "\") gave \"" << out << "\"");
            fold_text_mapped(s, out, offsets);
            if (out != expected || offsets != expected_offsets) FAIL_CHECK("fold_text_mapped(\"" << s << "\") differs");
        });
    CHECK(checked == 177156);
}

TEST_CASE("fold_text: random strings of up to 40 pieces fold as with a pending space (the eight-byte path included)") {
    // Long enough for the eight bytes at a time of plain ASCII: runs of letters of both
    // cases, digits, single and double spaces, punctuation and multi-byte characters.
    const std::string_view pieces[] = {"a", "Z", "q", "7", " ", " ", "  ", ".", ",", "-", "\xC3\x9F", "\xC2\xAD", "\xE1\xBB\x91", "\xC3", "\x7F", "@", "["};
    ringfence::test::xorshift next;
    std::string s, out, expected;
    std::vector<std::uint32_t> offsets, expected_offsets;
    for (int n = 0; n < 50000; ++n) {
        s.clear();
        const std::size_t count = next() % 41;
        const bool words_only = n % 2 == 0;  // half of them letters, digits and single spaces
        for (std::size_t k = 0; k < count; ++k) s += pieces[next() % (words_only ? 6 : std::size(pieces))];
        fold_with_pending_space(s, expected, expected_offsets);
        fold_text(s, out);
        if (out != expected) FAIL_CHECK("fold_text(\"" << s << "\") gave \"" << out << "\", not \"" << expected << "\"");
        fold_text_mapped(s, out, offsets);
        if (out != expected || offsets != expected_offsets) FAIL_CHECK("fold_text_mapped(\"" << s << "\") differs");
    }
}
