// unfold_lookalike: per label, decode to code points, map to Latin, undo the ASCII
// confusables, re-encode.
#include "engine/text/lookalike.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>

#include "engine/text/idna.hpp"
#include "engine/text/punycode.hpp"
#include "engine/text/text_fold.hpp"
#include "engine/text/utf8.hpp"

namespace ringfence::engine::text {

namespace {

// Lower-case Cyrillic and Greek letters drawn like a Latin letter, sorted by code point.
struct homoglyph {
    char32_t cp;
    char latin;
};
// clang-format off
constexpr homoglyph homoglyphs[] = {
    // Greek: ά έ ί α β ε ζ η ι κ ν ο ρ τ υ χ ω ό ύ
    {0x3AC, 'a'}, {0x3AD, 'e'}, {0x3AF, 'i'}, {0x3B1, 'a'}, {0x3B2, 'b'}, {0x3B5, 'e'},
    {0x3B6, 'z'}, {0x3B7, 'n'}, {0x3B9, 'i'}, {0x3BA, 'k'}, {0x3BD, 'v'}, {0x3BF, 'o'},
    {0x3C1, 'p'}, {0x3C4, 't'}, {0x3C5, 'u'}, {0x3C7, 'x'}, {0x3C9, 'w'}, {0x3CC, 'o'},
    {0x3CD, 'u'},
    // Cyrillic: а в е к м н о р с т у х ь ѐ ё ѕ і ї ј ћ ѡ ѵ һ ӏ ԁ ԛ ԝ
    {0x430, 'a'}, {0x432, 'b'}, {0x435, 'e'}, {0x43A, 'k'}, {0x43C, 'm'}, {0x43D, 'h'},
    {0x43E, 'o'}, {0x440, 'p'}, {0x441, 'c'}, {0x442, 't'}, {0x443, 'y'}, {0x445, 'x'},
    {0x44C, 'b'}, {0x450, 'e'}, {0x451, 'e'}, {0x455, 's'}, {0x456, 'i'}, {0x457, 'i'},
    {0x458, 'j'}, {0x45B, 'h'}, {0x461, 'w'}, {0x475, 'v'}, {0x4BB, 'h'}, {0x4CF, 'l'},
    {0x501, 'd'}, {0x51B, 'q'}, {0x51D, 'w'},
};
// clang-format on

}  // namespace

char latin_homoglyph(char32_t cp) noexcept {
    cp = lower_code_point(cp);
    const auto* end = std::end(homoglyphs);
    const auto* at = std::lower_bound(std::begin(homoglyphs), end, cp,
                                      [](const homoglyph& h, char32_t c) { return h.cp < c; });
    return (at != end && at->cp == cp) ? at->latin : 0;
}

namespace {

bool is_ascii_letter(char32_t c) { return c >= 'a' && c <= 'z'; }

// Digits drawn like letters: 0 -> o, 1 -> l, 3 -> e, 5 -> s. The letter readings also take
// 4 -> a, 6 -> b, 7 -> t, 8 -> b, 9 -> g, and 1 as l or as i ("vietcom6ank", "p4ypa1",
// "b1dv"), but only in a label of three letters or more: a short name with a digit ("tp8",
// "ac8") is a name of its own far more often than a bank's in disguise. Then "rn" -> "m"
// and "vv" -> "w", left to right (the digits are letters by now: "rnO" too). label holds
// the label's characters, lower case and Latin already; a label with no letter is kept.
template <class Label>
void read_digits_and_pairs(Label& label, std::size_t from, digit_reading digits) {
    std::size_t letters = 0;
    for (std::size_t i = from; i < label.size(); ++i) letters += is_ascii_letter(static_cast<char32_t>(label[i])) ? 1 : 0;
    if (letters == 0) return;
    static constexpr char usual_look[] = "ol2e4s6789";
    static constexpr char letters_l_look[] = "ol2easbtbg";
    static constexpr char letters_i_look[] = "oi2easbtbg";
    const char* look = letters < 3 || digits == digit_reading::usual ? usual_look
                       : digits == digit_reading::letters_l       ? letters_l_look
                                                                  : letters_i_look;
    for (std::size_t i = from; i < label.size(); ++i)
        if (label[i] >= '0' && label[i] <= '9') label[i] = static_cast<typename Label::value_type>(look[label[i] - '0']);
    const std::size_t n = label.size();
    std::size_t w = from;
    for (std::size_t r = from; r < n; ++r) {
        if (r + 1 < n && label[r] == 'r' && label[r + 1] == 'n') {
            label[w++] = 'm';
            ++r;
        } else if (r + 1 < n && label[r] == 'v' && label[r + 1] == 'v') {
            label[w++] = 'w';
            ++r;
        } else {
            label[w++] = label[r];
        }
    }
    label.resize(w);
}

// Maps one label's code points to the skeleton, in place.
void unfold_label(std::u32string& label, digit_reading digits) {
    for (char32_t& c : label) {
        c = lower_code_point(c);
        if (c >= 0x80) {
            if (const char latin = latin_homoglyph(c); latin != 0) {
                c = static_cast<char32_t>(latin);
            } else if (const code_point_fold f = fold_code_point(c);
                       f.what == code_point_fold::kind::letters && f.letters[1] == 0) {
                c = static_cast<char32_t>(f.letters[0]);
            }
        }
    }
    read_digits_and_pairs(label, 0, digits);
}

// A label of plain ASCII, as nearly every host's is: the same steps on bytes, written
// straight to out (no code points, no re-encoding).
bool append_ascii_label(std::string_view raw, std::string& out, digit_reading digits) {
    for (const char c : raw)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    const std::size_t mark = out.size();
    for (const char c : raw) out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
    read_digits_and_pairs(out, mark, digits);
    return true;
}

void append_label(std::string_view raw, std::u32string& scratch, std::string& out, digit_reading digits) {
    const bool punycode = raw.size() > 4 && (raw[0] == 'x' || raw[0] == 'X') &&
                          (raw[1] == 'n' || raw[1] == 'N') && raw[2] == '-' && raw[3] == '-';
    if (!punycode && append_ascii_label(raw, out, digits)) return;
    if (punycode) {
        if (!punycode_decode(raw.substr(4), scratch)) {
            for (const char c : raw)
                out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
            return;
        }
    } else {
        scratch.clear();
        std::size_t i = 0;
        while (i < raw.size()) {
            const char32_t cp = decode_utf8(raw, i);
            if (cp != invalid_code_point &&
                (cp < 0x80 || fold_code_point(cp).what != code_point_fold::kind::drop))
                scratch.push_back(cp);
        }
    }
    unfold_label(scratch, digits);
    bool ascii = true;
    for (const char32_t c : scratch) ascii = ascii && c < 0x80;
    if (ascii) {
        for (const char32_t c : scratch) out.push_back(static_cast<char>(c));
        return;
    }
    const std::size_t mark = out.size();
    out.append("xn--");
    if (!punycode_encode(scratch, out)) {
        out.resize(mark);
        out.append(raw);
    }
}

}  // namespace

std::string unfold_lookalike(std::string_view domain, digit_reading digits) {
    std::string out;
    unfold_lookalike(domain, digits, out);
    return out;
}

void unfold_lookalike(std::string_view domain, digit_reading digits, std::string& out) {
    out.clear();
    out.reserve(domain.size());
    thread_local std::u32string scratch;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = domain.find('.', start);
        append_label(domain.substr(start, dot == std::string_view::npos ? std::string_view::npos
                                                                        : dot - start),
                     scratch, out, digits);
        if (dot == std::string_view::npos) break;
        out.push_back('.');
        start = dot + 1;
    }
}

}  // namespace ringfence::engine::text
