// extract_bank_accounts: digit runs are found in the original text (where separators and
// signs still tell a phone, an amount and a date apart); the words around them are read in
// the folded text (where "Số tài khoản" is "so tai khoan"), through the folded->original
// offset map.
#include "engine/text/bank_account_extractor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "common/ascii_run.hpp"
#include "engine/text/bank_lexicon.hpp"
#include "engine/text/text_fold.hpp"

namespace ringfence::engine::text {
namespace {

constexpr std::size_t word_window = 40;        // account word or bank name, either side
constexpr std::size_t bank_window = 30;        // the bank a number is attributed to
constexpr std::size_t phone_window = 20;       // "stk MB:" right before a phone-shaped number
constexpr std::size_t bank_after_window = 12;  // "0304917252 tai BIDV"
// "Ma xac minh dang nhap vao Tai khoan X cua ban la: 838820"; "838820 la ma xac thuc".
constexpr std::size_t otp_before_window = 60;
constexpr std::size_t otp_after_window = 20;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_ascii_letter(c); }

using common::digit_bytes;
using common::next_digit;

struct mention {
    std::size_t begin = 0, end = 0;  // in folded text
    const bank_word* word = nullptr;
    bool has(std::uint8_t roles) const { return (word->roles & roles) != 0; }
};

struct group {
    std::size_t begin = 0, end = 0;  // in the original text
    std::size_t size() const { return end - begin; }
};

// A digit run that passed the checks needing no words: its place and its digits (in
// scratch::digits).
struct candidate {
    std::size_t begin = 0, end = 0;
    std::size_t digits_at = 0, digit_count = 0;
};

struct scratch {
    std::string folded;
    std::vector<std::uint32_t> offsets;
    std::vector<mention> mentions;
    std::vector<group> groups;
    std::vector<candidate> candidates;
    std::string digits;
    std::string tagged;
};

class account_scanner {
  public:
    account_scanner(std::string_view text, scratch& s, std::vector<std::string>& out)
        : t_(text), s_(s), out_(out) {}

    // Two passes: the digit runs first, judged on their own shape; the text is folded and
    // its words looked up only when a run survives that (most messages stop here).
    void run() {
        s_.candidates.clear();
        s_.digits.clear();
        std::size_t i = next_digit(t_, 0);
        while (i < t_.size()) i = next_digit(t_, take_run(i));
        if (!s_.candidates.empty()) {
            fold_text_mapped(t_, s_.folded, s_.offsets);
            s_.mentions.clear();
            const std::string_view f = s_.folded;
            for (std::size_t pos = 0; pos < f.size(); ++pos) {
                if (pos > 0 && f[pos - 1] != ' ') continue;
                if (const bank_word* w = match_bank_word(f, pos))
                    s_.mentions.push_back({pos, pos + w->folded.size(), w});
            }
            for (const candidate& c : s_.candidates) {
                digits_ = std::string_view(s_.digits).substr(c.digits_at, c.digit_count);
                judge(c.begin, c.end);
            }
        }
        out_.resize(used_);
    }

  private:
    std::size_t digits_end(std::size_t i) const {
        while (i < t_.size() && is_digit(t_[i])) ++i;
        return i;
    }

    // Collects the groups of the run starting at i (one separator kind per run; space-
    // separated groups only in the short shapes people group numbers in), keeps the run as
    // a candidate when its shape allows an account number, and returns its end.
    std::size_t take_run(std::size_t i) {
        s_.groups.clear();
        separator_ = 0;
        std::size_t j = digits_end(i);
        s_.groups.push_back({i, j});
        while (j + 1 < t_.size() && (t_[j] == ' ' || t_[j] == '.' || t_[j] == '-') &&
               is_digit(t_[j + 1])) {
            if (separator_ != 0 && t_[j] != separator_) break;
            const std::size_t k = digits_end(j + 1);
            if (t_[j] == ' ' && (s_.groups[0].size() > 6 || k - (j + 1) < 2 || k - (j + 1) > 5))
                break;
            separator_ = t_[j];
            s_.groups.push_back({j + 1, k});
            j = k;
        }
        std::size_t count = 0;
        for (const group& g : s_.groups) count += g.size();
        if (count >= 6 && count <= 19 && !glued(i, j) && !other_shape()) {
            s_.candidates.push_back({i, j, s_.digits.size(), count});
            for (const group& g : s_.groups) s_.digits.append(t_.substr(g.begin, g.size()));
        }
        return j;
    }

    std::size_t folded_at(std::size_t original) const {
        return static_cast<std::size_t>(std::lower_bound(s_.offsets.begin(), s_.offsets.end(),
                                                         static_cast<std::uint32_t>(original)) -
                                        s_.offsets.begin());
    }

    bool digits_between(std::size_t from, std::size_t to) const {
        for (std::size_t k = from; k < to; ++k)
            if (is_digit(s_.folded[k])) return true;
        return false;
    }

    // Punctuation in the original text between two folded positions: 1 for a comma, 2 for
    // a sentence end (. ; ! ? newline), 0 for none.
    int punctuation_between(std::size_t folded_from, std::size_t folded_to) const {
        const std::size_t from = folded_from == 0 ? 0 : s_.offsets[folded_from - 1] + 1;
        const std::size_t to = folded_to < s_.offsets.size() ? s_.offsets[folded_to] : t_.size();
        int found = 0;
        for (std::size_t k = from; k < to; ++k) {
            if (t_[k] == '.' || t_[k] == ';' || t_[k] == '!' || t_[k] == '?' || t_[k] == '\n')
                return 2;
            if (t_[k] == ',') found = 1;
        }
        return found;
    }

    bool mention_near(std::uint8_t roles, std::size_t fs, std::size_t fe, std::size_t before_window,
                      std::size_t after_window) const {
        for (const mention& m : s_.mentions) {
            if (!m.has(roles)) continue;
            if (m.end <= fs && fs - m.end <= before_window) return true;
            if (m.begin >= fe && m.begin - fe <= after_window) return true;
        }
        return false;
    }

    // The closest word before fs (within word_window, no digits between) that says what the
    // number is, skipping bank names and transfer words: an account-number word (stk, tai
    // khoan) or another kind of number (hotline, tb, ref). nullptr when there is none.
    const mention* introducing_word(std::size_t fs) const {
        for (std::size_t k = s_.mentions.size(); k-- > 0;) {
            const mention& m = s_.mentions[k];
            if (m.end > fs) continue;
            if (fs - m.end > word_window || digits_between(m.end, fs)) return nullptr;
            if (m.has(role_number_word | role_not_account)) return &m;
        }
        return nullptr;
    }

    // "STK MB: 0912345678": an account-number word at most phone_window before fs with
    // nothing but bank names between.
    bool number_word_right_before(std::size_t fs) const {
        for (std::size_t k = s_.mentions.size(); k-- > 0;) {
            const mention& m = s_.mentions[k];
            if (m.end > fs) continue;
            if (fs - m.end > phone_window) return false;
            if (m.has(role_number_word)) return only_banks_between(k, fs);
        }
        return false;
    }

    bool only_banks_between(std::size_t index, std::size_t fs) const {
        std::size_t at = s_.mentions[index].end;
        for (std::size_t k = index + 1; k < s_.mentions.size() && s_.mentions[k].end <= fs; ++k) {
            const mention& m = s_.mentions[k];
            if (!m.has(role_bank) || s_.folded.find_first_not_of(' ', at) != m.begin) return false;
            at = m.end;
        }
        return s_.folded.find_first_not_of(' ', at) == fs;
    }

    bool bank_right_after(std::size_t fe) const {
        for (const mention& m : s_.mentions)
            if (m.has(role_bank) && m.begin >= fe && m.begin - fe <= bank_after_window &&
                !digits_between(fe, m.begin) && punctuation_between(fe, m.begin) == 0)
                return true;
        return false;
    }

    int value(const group& g) const {
        int v = 0;
        for (std::size_t p = g.begin; p < g.end && p < g.begin + 9; ++p) v = v * 10 + (t_[p] - '0');
        return v;
    }

    // Shapes that are not account numbers whatever words surround them.
    bool other_shape() const {
        const auto& g = s_.groups;
        const auto day_month = [](int d, int m) { return d >= 1 && d <= 31 && m >= 1 && m <= 12; };
        const auto year = [&](const group& y) {
            return y.size() == 4 && value(y) >= 1900 && value(y) <= 2099;
        };
        // Dates: 13.12.2022, 2022-12-13.
        if (g.size() == 3 && separator_ != ' ') {
            if (year(g[2]) && g[0].size() <= 2 && g[1].size() <= 2 &&
                day_month(value(g[0]), value(g[1])))
                return true;
            if (year(g[0]) && g[1].size() <= 2 && g[2].size() <= 2 &&
                day_month(value(g[2]), value(g[1])))
                return true;
        }
        // A year range (2024-2025) and an IPv4 address.
        if (g.size() == 2 && separator_ == '-' && year(g[0]) && year(g[1])) return true;
        if (g.size() == 4 && separator_ == '.') {
            bool octets = true;
            for (const group& o : g) octets = octets && o.size() <= 3 && value(o) <= 255;
            if (octets) return true;
        }
        // An amount in thousands: 50.000, 1.000.000.
        if (g.size() >= 2 && separator_ == '.' && g[0].size() <= 3 && t_[g[0].begin] != '0') {
            bool thousands = true;
            for (std::size_t k = 1; k < g.size(); ++k) thousands = thousands && g[k].size() == 3;
            if (thousands) return true;
        }
        return false;
    }

    bool phone_shaped(std::size_t start) const {
        if (start > 0 && t_[start - 1] == '+') return true;
        std::size_t k = start;
        while (k > 0 && (t_[k - 1] == ' ' || t_[k - 1] == ')')) --k;
        if (k >= 3 && t_.substr(k - 3, 3) == "+84") return true;
        const std::string_view d = digits_;
        const auto mobile = [](char c) {
            return c == '3' || c == '5' || c == '7' || c == '8' || c == '9';
        };
        // Vietnamese mobiles; 11 digits after a 0 are Vietnamese fixed lines (02...) and
        // many foreign numbers (UK mobiles 07...).
        if (d.size() == 10 && d[0] == '0' && mobile(d[1])) return true;
        if (d.size() == 11 && d[0] == '0') return true;
        return d.size() == 11 && d[0] == '8' && d[1] == '4' && mobile(d[2]);
    }

    // Inside a link: the run of non-space characters around it holds "://", starts with
    // "www.", or has a "/" after a "." ("example.vn/tk-0011004012345-vcb"): a path or a file
    // name, not a number written for the reader.
    bool in_link(std::size_t start, std::size_t end) const {
        std::size_t a = start;
        while (a > 0 && !is_space(t_[a - 1])) --a;
        std::size_t b = end;
        while (b < t_.size() && !is_space(t_[b])) ++b;
        const std::string_view token = t_.substr(a, b - a);
        if (token.find("://") != std::string_view::npos || token.rfind("www.", 0) == 0) return true;
        const std::size_t slash = token.find('/');
        return slash != std::string_view::npos && token.substr(0, slash).find('.') != std::string_view::npos;
    }

    static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

    // Touches a URL, a code, a masked card ("452404...6779", "4524****") or a sign.
    bool glued(std::size_t start, std::size_t end) const {
        if (in_link(start, end)) return true;
        const char prev = start > 0 ? t_[start - 1] : ' ';
        const char next = end < t_.size() ? t_[end] : ' ';
        for (const char c : {prev, next}) {
            switch (c) {
                case '/':
                case '=':
                case '?':
                case '&':
                case '#':
                case '_':
                case '@':
                case '*':
                case '+':
                    return true;
                default:
                    break;
            }
        }
        if (is_ascii_letter(prev) || is_ascii_letter(next) || prev == '$' || next == '%')
            return true;
        if (prev == '.' && start >= 2 && (is_alnum(t_[start - 2]) || t_[start - 2] == '.'))
            return true;
        if (next == '.' && end + 1 < t_.size() && (is_alnum(t_[end + 1]) || t_[end + 1] == '.'))
            return true;
        return t_.substr(end, 3) == "\xE2\x82\xAB";  // ₫
    }

    bool is_amount(std::size_t fs, std::size_t fe) const {
        const std::string_view f = s_.folded;
        if (fe < f.size()) {
            const bank_word* unit = match_bank_word(f, f[fe] == ' ' ? fe + 1 : fe);
            if (unit != nullptr && (unit->roles & role_amount_after) != 0) return true;
        }
        for (const mention& m : s_.mentions)
            if (m.has(role_amount_before) && m.end + 1 == fs) return true;
        return false;
    }

    // The checks that need the words around the run.
    void judge(std::size_t start, std::size_t end) {
        const std::size_t fs = folded_at(start);
        const std::size_t fe = folded_at(end);
        const std::string_view f = s_.folded;
        if (is_amount(fs, fe)) return;
        // Glued to non-ASCII letters ("đ123456"): a code, not a number of its own.
        if ((fs > 0 && f[fs - 1] != ' ') || (fe < f.size() && f[fe] != ' ')) return;
        if (const mention* m = introducing_word(fs); m != nullptr && m->has(role_not_account))
            return;
        if (phone_shaped(start) && !number_word_right_before(fs) && !bank_right_after(fe)) return;
        // A password word after the number marks a login ("Tai khoan: 0839357477 - Mat khau")
        // only for a number a login can be (a phone number or shorter) with no bank named
        // next to it: "STK 0011004012345 Vietcombank, code 1" is an account and a code word.
        const bool login_shaped = digits_.size() <= 10 && bank_for(fs, fe).empty();
        if (mention_near(role_otp, fs, fe, digits_.size() <= 8 ? otp_before_window : 0,
                         login_shaped ? otp_after_window : 0))
            return;
        if (!mention_near(role_account, fs, fe, word_window, word_window)) return;
        emit(bank_for(fs, fe));
    }

    std::string_view bank_for(std::size_t fs, std::size_t fe) const {
        const mention* before = nullptr;
        const mention* after = nullptr;
        for (const mention& m : s_.mentions) {
            if (!m.has(role_bank)) continue;
            if (m.end <= fs && fs - m.end <= bank_window && !digits_between(m.end, fs)) before = &m;
            if (after == nullptr && m.begin >= fe && m.begin - fe <= bank_window &&
                !digits_between(fe, m.begin))
                after = &m;
        }
        const int before_cut = before == nullptr ? 3 : punctuation_between(before->end, fs);
        const int after_cut = after == nullptr ? 3 : punctuation_between(fe, after->begin);
        if (before_cut >= 2 && after_cut >= 2) return {};
        return after_cut < before_cut ? after->word->code : before->word->code;
    }

    void add(std::string_view value) {
        for (std::size_t k = 0; k < used_; ++k)
            if (out_[k] == value) return;
        if (used_ == out_.size()) out_.emplace_back();
        out_[used_++].assign(value);
    }

    void emit(std::string_view code) {
        if (!code.empty()) {
            s_.tagged.assign(code);
            s_.tagged.push_back(':');
            s_.tagged.append(digits_);
            add(s_.tagged);
        }
        add(digits_);
    }

    std::string_view t_;
    scratch& s_;
    std::vector<std::string>& out_;
    std::size_t used_ = 0;
    char separator_ = 0;       // of the run being collected; 0 for a single group
    std::string_view digits_;  // of the candidate being judged
};

}  // namespace

namespace {

// "STK0123456789", "tk.0123456789": the account word glued to the number, as scammers
// write it to slip past filters. Where the text has one, a copy with a space in its place
// is scanned (the scanner reads words apart from numbers); otherwise nothing is copied.
bool unglue_account_words(std::string_view text, std::string& out) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    // The length of the glued word ("stk" or "tk", starting a word) ending at i, else 0.
    auto glued_word_ending_at = [&](std::size_t i) -> std::size_t {
        if (lower(text[i]) != 'k') return 0;
        if (i >= 2 && lower(text[i - 2]) == 's' && lower(text[i - 1]) == 't' && (i < 3 || !is_ascii_letter(text[i - 3]))) return 3;
        if (i >= 1 && lower(text[i - 1]) == 't' && (i < 2 || !is_ascii_letter(text[i - 2]))) return 2;
        return 0;
    };
    // How many bytes after the word to skip before the digits ("." counts), or npos.
    auto gap_to_digits = [&](std::size_t next) -> std::size_t {
        if (next < text.size() && is_digit(text[next])) return 0;
        if (next + 1 < text.size() && text[next] == '.' && is_digit(text[next + 1])) return 1;
        return std::string_view::npos;
    };
    // A glued word ends right before a run of digits, or before a dot that does.
    bool found = false;
    for (std::size_t d = next_digit(text, 0); d < text.size() && !found;) {
        if (d >= 1) found = glued_word_ending_at(d >= 2 && text[d - 1] == '.' ? d - 2 : d - 1) != 0;
        while (d < text.size() && is_digit(text[d])) ++d;
        d = next_digit(text, d);
    }
    if (!found) return false;
    out.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        out.push_back(text[i]);
        if (glued_word_ending_at(i) == 0) continue;
        const std::size_t gap = gap_to_digits(i + 1);
        if (gap == std::string_view::npos) continue;
        out.push_back(' ');  // a dot between word and digits becomes this space
        i += gap;
    }
    return true;
}

// How many ASCII digits text holds, eight bytes at a time (common::digit_bytes). The digit bytes'
// high bits are summed by a multiplication into the top byte (std::popcount is a library
// call on baseline x86-64, which has no popcnt instruction).
std::size_t count_digits(std::string_view text) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    std::size_t count = 0;
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        std::uint64_t x;
        std::memcpy(&x, text.data() + i, 8);
        count += static_cast<std::size_t>(((digit_bytes(x) >> 7) * ones) >> 56);  // 0 or 1 a byte, summed
    }
    for (; i < text.size(); ++i) count += is_digit(text[i]) ? 1 : 0;
    return count;
}

}  // namespace

void extract_bank_accounts(std::string_view text, std::vector<std::string>& out) {
    const std::size_t digit_count = count_digits(text);
    if (digit_count < 6) {
        out.clear();
        return;
    }
    thread_local scratch s;
    thread_local std::string unglued;
    if (unglue_account_words(text, unglued)) text = unglued;
    account_scanner(text, s, out).run();
}

namespace {
std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}
}  // namespace

std::optional<std::string> canonical_bank_account(std::string_view text, std::string& why) {
    std::string code;
    std::string_view number = text;
    if (const auto colon = text.find(':'); colon != std::string_view::npos) {
        for (char c : trim_spaces(text.substr(0, colon))) {
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            if (!((c >= 'A' && c <= 'Z') || is_digit(c))) {
                why = fmt::format("'{}': a bank code is letters and digits (VCB, ICB, TCB, MB)", text);
                return std::nullopt;
            }
            code += c;
        }
        if (code.empty() || code.size() > 16) {
            why = fmt::format("'{}': write a bank account as CODE:digits (VCB:0011004012345) or digits alone", text);
            return std::nullopt;
        }
        // The code sms.bank_accounts writes for that bank ("Vietcombank" and "vcb" are VCB):
        // one it never writes could never match, so it is refused rather than kept.
        const std::string_view known = bank_code_for(code);
        if (known.empty()) {
            why = fmt::format("'{}': '{}' is no bank the SMS reader knows, so no message would ever match it; write the bank's short code "
                              "(VCB, ICB, BIDV, VBA, TCB, MB, ACB, VPB, ...) or the account's digits alone",
                              text, code);
            return std::nullopt;
        }
        code = std::string(known);
        number = trim_spaces(text.substr(colon + 1));
    }
    std::string digits;
    for (char c : number) {
        if (c == ' ' || c == '.' || c == '-') continue;
        if (!is_digit(c)) {
            why = fmt::format("'{}': an account number is digits (spaces, dots and dashes between them are dropped)", text);
            return std::nullopt;
        }
        digits += c;
    }
    if (digits.size() < 6 || digits.size() > 19) {
        why = fmt::format("'{}': an account number has 6 to 19 digits, this one {}", text, digits.size());
        return std::nullopt;
    }
    return code.empty() ? digits : code + ":" + digits;
}

}  // namespace ringfence::engine::text
