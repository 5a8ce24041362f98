// The look-alike skeleton of a domain: what a brand domain and the domains built to imitate
// it have in common, so a rule can compare skeletons ("vietc0mbank.com", "vietcombаnk.com"
// with a Cyrillic а, and "vietcombank.com" all give "vietcombank.com").
//
// Contract of unfold_lookalike(domain): for each dot-separated label (an "xn--" label is
// Punycode-decoded first; others are read as UTF-8):
//   1. letters are lower-cased, and Cyrillic and Greek letters that look like Latin ones
//      become those Latin letters (а->a, е->e, о->o, р->p, с->c, ѕ->s, і->i, ј->j, һ->h,
//      ԁ->d, ν->v, ο->o, ρ->p, ...); accented Latin letters lose their accents (ạ->a, đ->d);
//      full-width ASCII becomes ASCII;
//   2. if the label then holds an ASCII letter, the digit confusables 0->o, 1->l, 3->e,
//      5->s are undone (an all-digit label such as "1400" stays as it is), and then
//      "rn"->"m" and "vv"->"w". More digits pass for letters, and 1 for l or i ("p4ypa1" for
//      paypal, "b1dv" for BIDV, "vietcom6ank"): digit_reading::letters_l also reads 4->a,
//      6->b, 7->t, 8->b, 9->g, and letters_i the same with 1->i; they apply to a label of
//      three ASCII letters or more (a shorter one keeps the usual reading). A caller that
//      wants every reading asks once for each;
//   3. a label left with non-ASCII code points is written "xn--" + Punycode again.
// The result is lower-case ASCII. The mapping is many-to-one on purpose: compare the
// skeleton of a message's domain with the skeletons of the brand domains, never with the
// brand domains themselves. A malformed "xn--" label is kept as written (lower-cased).
#pragma once

#include <string>
#include <string_view>

namespace ringfence::engine::text {

enum class digit_reading : unsigned char { usual, letters_l, letters_i };
std::string unfold_lookalike(std::string_view domain, digit_reading digits = digit_reading::usual);
// The same into out (its buffer kept: every link of every SMS is unfolded). out must not
// view domain.
void unfold_lookalike(std::string_view domain, digit_reading digits, std::string& out);

// Cyrillic/Greek homoglyph of a Latin letter -> that lower-case letter; 0 otherwise.
char latin_homoglyph(char32_t cp) noexcept;

}  // namespace ringfence::engine::text
