// Folding of SMS text: the tables and the one loop behind fold_text and fold_text_mapped.
#include "engine/text/text_fold.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "common/ascii_run.hpp"
#include "engine/text/utf8.hpp"

namespace ringfence::engine::text {
namespace {

// Two characters per code point: "a " folds to a, "ss" to ss, "--" is a separator and
// "  " is kept unchanged. Generated once from the Unicode 14 character names ("LATIN SMALL
// LETTER A WITH BREVE AND ACUTE" -> a, plus ß æ œ þ ð ı ĳ ſ by hand) and general categories
// (P*, S*, Z*, C* are separators); regenerate the same way when a letter is missing.
constexpr char latin_table[] =                                          // U+0080..U+024F
    "----------------------------------------------------------------"  // U+0080
    "--------------------a --------------    --  ------  o --      --"  // U+00A0
    "a a a a a a aec e e e e i i i i d n o o o o o --o u u u u y thss"  // U+00C0
    "a a a a a a aec e e e e i i i i d n o o o o o --o u u u u y thy "  // U+00E0
    "a a a a a a c c c c c c c c d d d d e e e e e e e e e e g g g g "  // U+0100
    "g g g g h h h h i i i i i i i i i i ijijj j k k   l l l l l l l "  // U+0120
    "l l l n n n n n n       o o o o o o oeoer r r r r r s s s s s s "  // U+0140
    "s s t t t t t t u u u u u u u u u u u u w w y y y z z z z z z s "  // U+0160
    "b b b b       c c   d d d         f f g       i k k l     n n o "  // U+0180
    "o o     p p           t t t t u u   v y y z z                   "  // U+01A0
    "          d     l     n   a a i i o o u u u u u u u u u u   a a "  // U+01C0
    "a a     g g g g k k o o o o     j   d   g g     n n a a     o o "  // U+01E0
    "a a a a e e e e i i i i o o o o r r r r u u u u s s t t     h h "  // U+0200
    "n d     z z a a e e o o o o o o o o y y l n t j     a c c l t s "  // U+0220
    "z     b     e e j j   q r r y y "                                  // U+0240
    ;
constexpr char latin_additional_table[] =  // U+1E00..U+1EFF, all Vietnamese letters with tones
    "a a b b b b b b c c d d d d d d d d d d e e e e e e e e e e f f "  // U+1E00
    "g g h h h h h h h h h h i i i i k k k k k k l l l l l l l l m m "  // U+1E20
    "m m m m n n n n n n n n o o o o o o o o p p p p r r r r r r r r "  // U+1E40
    "s s s s s s s s s s t t t t t t t t u u u u u u u u u u v v v v "  // U+1E60
    "w w w w w w w w w w x x x x y y z z z z z z h t w y a       ss  "  // U+1E80
    "a a a a a a a a a a a a a a a a a a a a a a a a e e e e e e e e "  // U+1EA0
    "e e e e e e e e i i i i o o o o o o o o o o o o o o o o o o o o "  // U+1EC0
    "o o o o u u u u u u u u u u u u u u y y y y y y y y         y y "  // U+1EE0
    ;
static_assert(sizeof(latin_table) == 2 * (0x250 - 0x80) + 1);
static_assert(sizeof(latin_additional_table) == 2 * 0x100 + 1);

// ASCII: lower-case letters and digits fold to themselves, everything else is a separator
// (' ').
constexpr std::array<char, 128> ascii_fold = [] {
    std::array<char, 128> t{};
    t.fill(' ');
    for (char c = '0'; c <= '9'; ++c) t[static_cast<unsigned char>(c)] = c;
    for (char c = 'a'; c <= 'z'; ++c) t[static_cast<unsigned char>(c)] = c;
    for (char c = 'A'; c <= 'Z'; ++c)
        t[static_cast<unsigned char>(c)] = static_cast<char>(c - 'A' + 'a');
    return t;
}();

constexpr code_point_fold keep{code_point_fold::kind::keep, {0, 0}};
constexpr code_point_fold separator{code_point_fold::kind::separator, {0, 0}};
constexpr code_point_fold drop{code_point_fold::kind::drop, {0, 0}};

constexpr code_point_fold letter(char c) { return {code_point_fold::kind::letters, {c, 0}}; }

code_point_fold from_table(const char* table, std::size_t index) {
    const char first = table[2 * index];
    const char second = table[2 * index + 1];
    if (first == ' ') return keep;
    if (first == '-') return separator;
    return {code_point_fold::kind::letters, {first, second == ' ' ? '\0' : second}};
}

}  // namespace

code_point_fold fold_code_point(char32_t cp) noexcept {
    if (cp < 0x80) {
        const char f = ascii_fold[cp];
        return f != ' ' ? letter(f) : separator;
    }
    if (cp < 0x250) return cp == 0xAD ? drop : from_table(latin_table, cp - 0x80);  // soft hyphen
    if (cp >= 0x300 && cp <= 0x36F) return drop;  // combining diacritical marks
    if (cp < 0x1AB0) return keep;                 // Greek, Cyrillic and other scripts
    if (cp <= 0x1AFF) return drop;                // combining marks extended
    if (cp >= 0x1DC0 && cp <= 0x1DFF) return drop;
    if (cp >= 0x1E00 && cp <= 0x1EFF) return from_table(latin_additional_table, cp - 0x1E00);
    if (cp < 0x2000) return keep;  // Greek extended
    if (cp <= 0x206F) {            // general punctuation; zero-width and bidi controls vanish
        if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || cp >= 0x2060)
            return drop;
        return separator;
    }
    if (cp <= 0x209F) return keep;       // superscripts and subscripts
    if (cp <= 0x20CF) return separator;  // currency signs (₫)
    if (cp <= 0x20FF) return drop;       // combining marks for symbols
    if (cp <= 0x218F) return keep;       // letterlike symbols, number forms
    if (cp >= 0x24B6 && cp <= 0x24CF) return letter(static_cast<char>('a' + (cp - 0x24B6)));  // Ⓐ
    if (cp >= 0x24D0 && cp <= 0x24E9) return letter(static_cast<char>('a' + (cp - 0x24D0)));  // ⓐ
    if (cp <= 0x2BFF) return separator;  // arrows, maths, boxes, shapes, dingbats
    if (cp >= 0x2E00 && cp <= 0x2E7F) return separator;
    if (cp >= 0x3000 && cp <= 0x303F) return separator;  // CJK spaces and punctuation
    if (cp < 0xFE00) return keep;
    if (cp <= 0xFE0F) return drop;       // variation selectors
    if (cp <= 0xFE1F) return separator;  // vertical forms
    if (cp <= 0xFE2F) return drop;       // combining half marks
    if (cp <= 0xFE6F) return separator;  // compatibility and small forms
    if (cp == 0xFEFF) return drop;       // byte order mark / zero-width no-break space
    if (cp >= 0xFF01 && cp <= 0xFF5E) return fold_code_point(cp - 0xFEE0);  // full-width ASCII
    if (cp >= 0xFF5F && cp <= 0xFF65) return separator;
    if (cp >= 0xFFF0 && cp <= 0xFFFF) return separator;  // specials, U+FFFD
    if (cp >= 0x1D400 && cp <= 0x1D6A3) {  // mathematical letters: 13 styles of A-Z a-z
        const auto k = static_cast<char>((cp - 0x1D400) % 52);
        return letter(static_cast<char>(k < 26 ? 'a' + k : 'a' + (k - 26)));
    }
    if (cp >= 0x1D7CE && cp <= 0x1D7FF) return letter(static_cast<char>('0' + (cp - 0x1D7CE) % 10));
    if (cp >= 0x1F000 && cp <= 0x1FAFF) return separator;  // emoji and pictographs
    if ((cp >= 0xE0000 && cp <= 0xE007F) || (cp >= 0xE0100 && cp <= 0xE01EF)) return drop;
    if (cp == invalid_code_point) return separator;
    return keep;
}

namespace {

// Eight bytes of ASCII that fold to themselves but for the case of their letters: letters,
// digits and single spaces, where a space first follows no space (last: the byte written
// before them). Returns them lower-cased, or 0 when they are not such a chunk (a zero
// chunk is never plain: NUL is a separator). Most of an SMS written without diacritics
// passes this way, eight bytes a test, not a table lookup and a store per byte.
std::uint64_t plain_chunk_lowered(std::uint64_t x, char last) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL, low7 = 0x7F7F7F7F7F7F7F7FULL;
    if ((x & highs) != 0) return 0;
    // With bit 0x20 set, A-Z and a-z (and only they) land in 'a'..'z'.
    const std::uint64_t folded_case = x | 0x20 * ones;
    const std::uint64_t letters = (folded_case + (0x80 - 'a') * ones) & ~(folded_case + (0x80 - 'z' - 1) * ones) & highs;
    const std::uint64_t spaces_xor = x ^ (0x20 * ones);
    const std::uint64_t spaces = ~(((spaces_xor & low7) + low7) | spaces_xor) & highs;
    if ((letters | common::digit_bytes(x) | spaces) != highs) return 0;
    if ((spaces & (spaces >> 8)) != 0) return 0;            // two spaces in a row
    if ((spaces & 0x80) != 0 && last == ' ') return 0;      // a space after a space, or first
    return x | (letters >> 2);                              // 0x80 >> 2 is the case bit
}

// The one folding loop. out is sized to the input first (folding never lengthens text) and
// written through a pointer, so the loop does no capacity checks; Mapped adds the offsets.
// A separator writes its space at once and the pointer moves past it only when the byte
// before is no space (and there is one): a run of separators leaves one space, mapped to
// the run's first separator, and a space at the end is taken back. Only separators are
// written as ' ' (kept bytes are >= 0x80), so the byte before tells a pending space. ASCII,
// nearly every byte of an SMS, takes no branch on letter or separator: a branch there was
// mispredicted at every word's end.
template <bool Mapped>
void fold(std::string_view in, std::string& out, std::vector<std::uint32_t>* offsets) {
    out.resize(in.size());
    if constexpr (Mapped) offsets->resize(in.size());
    char* const begin = out.data();
    char* o = begin;
    std::uint32_t* map = Mapped ? offsets->data() : nullptr;
    char last = ' ';  // the byte before o: ' ' at the start, so leading separators vanish
    const auto put = [&](char c, std::size_t from) {
        if constexpr (Mapped) map[o - begin] = static_cast<std::uint32_t>(from);
        *o = c;
        o += (c != ' ') | (last != ' ');
        last = c;
    };
    std::size_t i = 0;
    std::size_t slow_until = 0;  // a chunk that was not plain is read byte by byte up to here
    while (i < in.size()) {
        if (i >= slow_until && in.size() - i >= 8) {
            std::uint64_t x;
            std::memcpy(&x, in.data() + i, 8);
            if (const std::uint64_t lowered = plain_chunk_lowered(x, last); lowered != 0) {
                std::memcpy(o, &lowered, 8);
                if constexpr (Mapped)
                    for (std::size_t k = 0; k < 8; ++k) map[o - begin + static_cast<std::ptrdiff_t>(k)] = static_cast<std::uint32_t>(i + k);
                o += 8;
                last = static_cast<char>(lowered >> 56);
                i += 8;
                continue;
            }
            slow_until = i + 8;
        }
        const auto c = static_cast<unsigned char>(in[i]);
        if (c < 0x80) {
            put(ascii_fold[c], i);
            ++i;
            continue;
        }
        const std::size_t start = i;
        const code_point_fold f = fold_code_point(decode_utf8(in, i));
        switch (f.what) {
            case code_point_fold::kind::letters:
                put(f.letters[0], start);
                if (f.letters[1] != 0) put(f.letters[1], start);
                break;
            case code_point_fold::kind::separator:
                put(' ', start);
                break;
            case code_point_fold::kind::drop:
                break;
            case code_point_fold::kind::keep:
                for (std::size_t k = start; k < i; ++k) put(in[k], start);
                break;
        }
    }
    o -= o != begin && last == ' ';
    out.resize(static_cast<std::size_t>(o - begin));
    if constexpr (Mapped) offsets->resize(out.size());
}

}  // namespace

namespace {

// The ASCII byte a masked character at s[i] stands for ('\0': dropped), and its length;
// length 0 when s[i] starts none. Only lead bytes 0xC2, 0xE2, 0xE3 and 0xEF can start one.
struct masked {
    std::size_t length;
    char ascii;
};
masked masked_at(std::string_view s, std::size_t i) noexcept {
    const auto b = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
    switch (b(0)) {
        case 0xC2:
            if (b(1) == 0xAD) return {2, 0};    // soft hyphen
            if (b(1) == 0xA0) return {2, ' '};  // no-break space
            return {0, 0};
        case 0xE2:
            if (b(1) == 0x80 && b(2) >= 0x8B && b(2) <= 0x8D) return {3, 0};  // ZWSP, ZWNJ, ZWJ
            // Figure, punctuation, thin and hair spaces and the narrow no-break space: digit
            // groups written with them ("0123 456 789") read as with a plain space.
            if (b(1) == 0x80 && ((b(2) >= 0x87 && b(2) <= 0x8A) || b(2) == 0xAF)) return {3, ' '};
            if (b(1) == 0x81 && b(2) == 0xA0) return {3, 0};                  // word joiner
            return {0, 0};
        case 0xE3: return b(1) == 0x80 && b(2) == 0x82 ? masked{3, '.'} : masked{0, 0};  // 。
        case 0xEF:
            if (b(1) == 0xBB && b(2) == 0xBF) return {3, 0};  // BOM / zero-width no-break space
            if (b(1) == 0xBC && b(2) >= 0x81 && b(2) <= 0xBF) return {3, static_cast<char>(b(2) - 0x80 + 0x20)};  // U+FF01-U+FF3F
            if (b(1) == 0xBD && b(2) >= 0x80 && b(2) <= 0x9E) return {3, static_cast<char>(b(2) - 0x80 + 0x60)};  // U+FF40-U+FF5E
            if (b(1) == 0xBD && b(2) == 0xA1) return {3, '.'};  // ｡
            return {0, 0};
        default: return {0, 0};
    }
}

bool may_start_masked(unsigned char c) noexcept { return c == 0xC2 || c == 0xE2 || c == 0xE3 || c == 0xEF; }

}  // namespace

bool unmask_ascii(std::string_view utf8, std::string& out) {
    // Every lead byte that can start a masked character is >= 0x80: plain ASCII is passed
    // eight bytes at a time.
    std::size_t i = common::ascii_run_end(utf8);
    for (; i < utf8.size(); i = common::ascii_run_end(utf8, i + 1))
        if (may_start_masked(static_cast<unsigned char>(utf8[i])) && masked_at(utf8, i).length != 0) break;
    if (i == utf8.size()) return false;
    out.resize(utf8.size());
    char* o = out.data();
    std::memcpy(o, utf8.data(), i);
    o += i;
    while (i < utf8.size()) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (may_start_masked(c)) {
            if (const masked m = masked_at(utf8, i); m.length != 0) {
                if (m.ascii != 0) *o++ = m.ascii;
                i += m.length;
                continue;
            }
        }
        *o++ = utf8[i++];
    }
    out.resize(static_cast<std::size_t>(o - out.data()));
    return true;
}

void fold_text(std::string_view utf8, std::string& out) { fold<false>(utf8, out, nullptr); }

void fold_text_mapped(std::string_view utf8, std::string& out,
                      std::vector<std::uint32_t>& offsets) {
    fold<true>(utf8, out, &offsets);
}

namespace {

// The letter a digit stands for in a word written with digits for letters ("kh0a", "t4i").
char letter_for_digit(char c) noexcept {
    switch (c) {
        case '0': return 'o';
        case '1': return 'i';  // Vietnamese lure words hold i far more often than l
        case '3': return 'e';
        case '4': return 'a';
        case '5': return 's';
        case '7': return 't';
        default: return c;
    }
}

}  // namespace

namespace {

bool is_digit(char c) noexcept { return static_cast<unsigned char>(c - '0') < 10; }

// The words of folded that hold a digit, read again in out (folded with its spaces left
// out): a word of letters with a digit or two among them ("kh0a", "t4i", "b1dv") reads its
// digits as the letters they stand for. A number stays a number: on its own ("50"), with
// one letter ("B1" the licence class, "4G", "100k") or with more digits than letters
// ("LH0912345678", "goi1900").
void read_digit_words(std::string_view folded, std::string& out) {
    const std::size_t n = folded.size();
    std::size_t counted = 0, spaces = 0;  // spaces in folded[0, counted)
    for (std::size_t i = common::next_digit(folded, 0); i < n; i = common::next_digit(folded, i)) {
        std::size_t start = i, end = i;
        while (start > 0 && folded[start - 1] != ' ') --start;
        while (end < n && folded[end] != ' ') ++end;
        std::size_t letters = 0, digits = 0;
        for (std::size_t k = start; k < end; ++k) {
            letters += static_cast<unsigned char>(folded[k] - 'a') < 26;
            digits += is_digit(folded[k]);
        }
        if (letters >= 2 && letters > digits) {
            for (; counted < start; ++counted) spaces += folded[counted] == ' ';
            for (std::size_t k = start; k < end; ++k) out[k - spaces] = letter_for_digit(folded[k]);
        }
        i = end;
    }
}

}  // namespace

void compact_folded(std::string_view folded, std::string& out) {
    // The spaces left out by a pass with no branch on the bytes (one at every word's end
    // was mispredicted on text the processor has not seen before); the words with a digit,
    // a few an SMS, found eight bytes at a time, are read again afterwards. One pass that counted each word's letters
    // and digits as it went cost twice the instructions.
    out.resize(folded.size());
    char* const begin = out.data();
    char* o = begin;
    for (const char ch : folded) {
        *o = ch;
        o += ch != ' ';
    }
    out.resize(static_cast<std::size_t>(o - begin));
    read_digit_words(folded, out);
}

void compact_text(std::string_view utf8, std::string& out) {
    std::string folded;
    fold_text(utf8, folded);
    compact_folded(folded, out);
}

}  // namespace ringfence::engine::text
