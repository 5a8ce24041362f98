// Folding of SMS text for keyword rules (sms.text_folded): what a rule author writes in
// plain lower-case ASCII Vietnamese ("chuyen khoan") matches however the sender wrote it
// ("Chuyển  Khoản!", "ＣＨＵＹỂＮ khoản", "chuy\u200Bển khoản").
//
// Contract of fold_text(utf8, out): out is replaced by
//   - letters without diacritics: every precomposed Latin letter of Latin-1, Latin
//     Extended-A/B and Latin Extended Additional (all Vietnamese letters) becomes its base
//     letter, đ/Đ -> d, ß -> ss, æ -> ae, œ -> oe, þ -> th; combining marks (U+0300-U+036F
//     and the other combining blocks) are dropped;
//   - lower case for ASCII and those Latin letters;
//   - ASCII look-alikes undone: full-width ASCII (U+FF01-U+FF5E), mathematical
//     alphanumerics (U+1D400-U+1D7FF) and circled letters (U+24B6-U+24E9) become ASCII;
//   - invisible characters dropped, not turned into spaces (zero-width space/joiners,
//     bidi marks, soft hyphen, BOM, variation selectors), since scammers put them inside
//     words to split them;
//   - every run of ASCII non-alphanumerics, Unicode spaces, punctuation, symbols, emoji and
//     malformed UTF-8 becomes one space, with none at either end;
//   - anything else (Cyrillic, Greek, CJK, ...) is copied unchanged.
// out never grows longer than utf8, so once it has that capacity no call allocates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ringfence::engine::text {

void fold_text(std::string_view utf8, std::string& out);

// sms.text_compact: the folded text with its spaces left out, so spacing used to break up
// words ("c.h.u.y.e.n  k-h-o-a-n", "Chuyển\u200bkhoản") reads "chuyenkhoan". In a word of
// two letters or more with fewer digits than letters, the digits written for letters are
// read as those letters (0 o, 1 i, 3 e, 4 a, 5 s, 7 t: "T4i kh0ản" reads "taikhoan"); other
// words with digits ("50", "B1", "100k", "LH0912345678") stay as they are. Replaces out.
void compact_text(std::string_view utf8, std::string& out);
// The same, from text fold_text already folded.
void compact_folded(std::string_view folded, std::string& out);

// The same folding; offsets receives, for every byte of out, the offset in utf8 of the
// character it came from (a folding space maps to the first separator of its run). Used to
// point from a match in folded text back into the original.
void fold_text_mapped(std::string_view utf8, std::string& out, std::vector<std::uint32_t>& offsets);

// The text URL, domain and bank-account extraction reads: full-width ASCII (U+FF01-U+FF5E)
// becomes ASCII, the ideographic and half-width full stops (U+3002, U+FF61) become '.', and
// zero-width characters (U+200B-U+200D, U+2060, U+FEFF) and the soft hyphen (U+00AD) are
// dropped, and the no-break and narrow spaces people group digits with (U+00A0, U+2007-U+200A,
// U+202F) become ' ', so "ｅｖｉｌ．ｃｏｍ", "evil。com", "STK ０１２３..." and "0123 456 789"
// written with no-break spaces read as plain ASCII. Everything
// else is kept byte for byte. Returns false, leaving out untouched, when utf8 holds none of
// these (the common case: one pass over the bytes, no copy); otherwise out is replaced (it
// is never longer than utf8, so once it has that capacity no call allocates).
bool unmask_ascii(std::string_view utf8, std::string& out);

// How one code point takes part in folded text.
struct code_point_fold {
    enum class kind : std::uint8_t { keep, letters, separator, drop };
    kind what = kind::keep;
    char letters[2] = {0,
                       0};  // kind::letters: one or two lower-case ASCII letters/digits; '\0' pads
};
code_point_fold fold_code_point(char32_t cp) noexcept;

}  // namespace ringfence::engine::text
