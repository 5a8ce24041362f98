#include "engine/condition/condition_lexer.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <limits>
#include <system_error>
#include <utility>

namespace ringfence::engine::condition {

namespace {

struct keyword {
    std::string_view word;
    std::string_view quoted;  // for messages: 'and'
    token_kind kind;
};

constexpr std::array<keyword, 19> keywords{{
    {"and", "'and'", token_kind::kw_and},
    {"or", "'or'", token_kind::kw_or},
    {"not", "'not'", token_kind::kw_not},
    {"in", "'in'", token_kind::kw_in},
    {"prefix_in", "'prefix_in'", token_kind::kw_prefix_in},
    {"startswith", "'startswith'", token_kind::kw_startswith},
    {"endswith", "'endswith'", token_kind::kw_endswith},
    {"contains", "'contains'", token_kind::kw_contains},
    {"icontains", "'icontains'", token_kind::kw_icontains},
    {"contains_any", "'contains_any'", token_kind::kw_contains_any},
    {"icontains_any", "'icontains_any'", token_kind::kw_icontains_any},
    {"matches", "'matches'", token_kind::kw_matches},
    {"exists", "'exists'", token_kind::kw_exists},
    {"of", "'of'", token_kind::kw_of},
    {"where", "'where'", token_kind::kw_where},
    {"by", "'by'", token_kind::kw_by},
    {"within", "'within'", token_kind::kw_within},
    {"for", "'for'", token_kind::kw_for},
    {"except", "'except'", token_kind::kw_except},
}};

struct duration_unit {
    std::string_view name;
    std::int64_t millis;
};

constexpr std::array<duration_unit, 5> duration_units{{
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 60 * 60 * 1000},
    {"d", 24 * 60 * 60 * 1000},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool starts_identifier(char c) { return is_letter(c) || c == '_'; }
bool continues_identifier(char c) { return is_letter(c) || is_digit(c) || c == '_'; }
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Walks the text once; each scan_* reads one token starting at `pos_`.
class lexer {
  public:
    explicit lexer(std::string_view text) : text_(text) {}

    std::vector<token> run() {
        std::vector<token> out;
        for (;;) {
            while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
            token t = next();
            const token_kind kind = t.kind;
            out.push_back(std::move(t));
            if (kind == token_kind::end || kind == token_kind::error) return out;
        }
    }

  private:
    char at(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }

    token make(token_kind kind, std::size_t begin, std::size_t end) const {
        token t;
        t.kind = kind;
        t.offset = static_cast<std::uint32_t>(begin);
        t.length = static_cast<std::uint32_t>(end - begin);
        t.text = text_.substr(begin, end - begin);
        return t;
    }

    token fail(std::size_t begin, std::size_t end, std::string message) const {
        token t = make(token_kind::error, begin, end);
        t.value = std::move(message);
        return t;
    }

    token simple(token_kind kind, std::size_t length) {
        const std::size_t begin = pos_;
        pos_ += length;
        return make(kind, begin, pos_);
    }

    token next() {
        if (pos_ >= text_.size()) return make(token_kind::end, text_.size(), text_.size());
        const char c = text_[pos_];
        switch (c) {
            case '(':
                return simple(token_kind::lparen, 1);
            case ')':
                return simple(token_kind::rparen, 1);
            case ',':
                return simple(token_kind::comma, 1);
            case '-':
                return simple(token_kind::minus, 1);
            case '=':
                return simple(token_kind::eq, at(pos_ + 1) == '=' ? 2 : 1);
            case '<':
                return at(pos_ + 1) == '=' ? simple(token_kind::le, 2) : simple(token_kind::lt, 1);
            case '>':
                return at(pos_ + 1) == '=' ? simple(token_kind::ge, 2) : simple(token_kind::gt, 1);
            case '!':
                if (at(pos_ + 1) == '=') return simple(token_kind::ne, 2);
                return fail(pos_, pos_ + 1, "unexpected character '!' (write 'not' or '!=')");
            case '"':
            case '\'':
                return scan_string();
            default:
                break;
        }
        if (is_digit(c)) return scan_number();
        if (starts_identifier(c)) return scan_word();
        return unexpected_character();
    }

    token unexpected_character() const {
        const auto byte = static_cast<unsigned char>(text_[pos_]);
        if (byte >= 0x80)
            return fail(pos_, pos_ + 1, "unexpected non-ASCII character (put text in quotes)");
        if (byte < 0x20 || byte == 0x7f) {
            char buffer[48];
            std::snprintf(buffer, sizeof buffer, "unexpected control character 0x%02X", byte);
            return fail(pos_, pos_ + 1, buffer);
        }
        return fail(pos_, pos_ + 1, std::string("unexpected character '") + text_[pos_] + "'");
    }

    // An identifier or keyword. A dot belongs to the identifier only when an identifier
    // character follows it, so "a." is "a" followed by a stray '.'.
    token scan_word() {
        const std::size_t begin = pos_;
        while (pos_ < text_.size()) {
            if (continues_identifier(text_[pos_]))
                ++pos_;
            else if (text_[pos_] == '.' && continues_identifier(at(pos_ + 1)))
                pos_ += 2;
            else
                break;
        }
        const std::string_view word = text_.substr(begin, pos_ - begin);
        for (const auto& k : keywords)
            if (word == k.word) return make(k.kind, begin, pos_);
        return make(token_kind::identifier, begin, pos_);
    }

    std::size_t skip_digits(std::size_t i) const {
        while (i < text_.size() && is_digit(text_[i])) ++i;
        return i;
    }

    std::size_t skip_identifier_characters(std::size_t i) const {
        while (i < text_.size() && continues_identifier(text_[i])) ++i;
        return i;
    }

    // A number, a duration (number + unit) or a time of day (digits ':' digits).
    token scan_number() {
        const std::size_t begin = pos_;
        const std::size_t integer_end = skip_digits(begin);
        if (at(integer_end) == ':' && is_digit(at(integer_end + 1)))
            return scan_time_of_day(begin, integer_end);

        std::size_t number_end = integer_end;
        if (at(number_end) == '.' && is_digit(at(number_end + 1)))
            number_end = skip_digits(number_end + 1);
        if (continues_identifier(at(number_end)))
            return scan_duration(begin, integer_end, number_end);

        pos_ = number_end;
        token t = make(token_kind::number, begin, number_end);
        const auto [ptr, ec] =
            std::from_chars(text_.data() + begin, text_.data() + number_end, t.number);
        if (ec != std::errc() || ptr != text_.data() + number_end)
            return fail(begin, number_end, "number '" + std::string(t.text) + "' is too large");
        return t;
    }

    token scan_duration(std::size_t begin, std::size_t integer_end, std::size_t number_end) {
        const std::size_t end = skip_identifier_characters(number_end);
        pos_ = end;
        const std::string_view whole = text_.substr(begin, end - begin);
        const std::string_view unit = text_.substr(number_end, end - number_end);
        const duration_unit* found = nullptr;
        for (const auto& u : duration_units)
            if (u.name == unit) found = &u;
        if (found == nullptr)
            return fail(begin, end,
                        "unknown duration unit '" + std::string(unit) + "' in '" +
                            std::string(whole) + "' (use ms, s, m, h or d)");
        if (number_end != integer_end)
            return fail(begin, end,
                        "a duration needs a whole number, such as 500ms, found '" +
                            std::string(whole) + "'");
        std::int64_t count = 0;
        const auto [ptr, ec] =
            std::from_chars(text_.data() + begin, text_.data() + integer_end, count);
        if (ec != std::errc() || ptr != text_.data() + integer_end ||
            count > std::numeric_limits<std::int64_t>::max() / found->millis)
            return fail(begin, end, "duration '" + std::string(whole) + "' is too large");
        token t = make(token_kind::duration, begin, end);
        t.millis = count * found->millis;
        return t;
    }

    // Hours of one or two digits, minutes of exactly two; letters or digits glued to the end
    // make the whole run invalid rather than a time followed by something else.
    token scan_time_of_day(std::size_t begin, std::size_t colon) {
        const std::size_t minutes_end = skip_digits(colon + 1);
        const std::size_t end = skip_identifier_characters(minutes_end);
        pos_ = end;
        const std::size_t hour_digits = colon - begin;
        const std::size_t minute_digits = minutes_end - colon - 1;
        const bool shape_ok = hour_digits <= 2 && minute_digits == 2 && end == minutes_end;
        int hours = 0;
        int minutes = 0;
        if (shape_ok) {
            for (std::size_t i = begin; i < colon; ++i) hours = hours * 10 + (text_[i] - '0');
            minutes = (text_[colon + 1] - '0') * 10 + (text_[colon + 2] - '0');
        }
        if (!shape_ok || hours > 23 || minutes > 59)
            return fail(begin, end,
                        "invalid time of day '" + std::string(text_.substr(begin, end - begin)) +
                            "' (hours 0-23, minutes 00-59, such as 22:00)");
        token t = make(token_kind::time_of_day, begin, end);
        t.minutes = hours * 60 + minutes;
        return t;
    }

    token scan_string() {
        const std::size_t begin = pos_;
        const char quote = text_[pos_];
        std::string value;
        std::size_t i = begin + 1;
        while (i < text_.size() && text_[i] != quote) {
            if (text_[i] != '\\') {
                value.push_back(text_[i++]);
                continue;
            }
            if (i + 1 >= text_.size()) break;  // a backslash at the very end: unterminated
            switch (text_[i + 1]) {
                case '\\':
                    value.push_back('\\');
                    break;
                case '"':
                    value.push_back('"');
                    break;
                case '\'':
                    value.push_back('\'');
                    break;
                case 'n':
                    value.push_back('\n');
                    break;
                case 't':
                    value.push_back('\t');
                    break;
                default: {
                    pos_ = i + 2;
                    const auto escaped = static_cast<unsigned char>(text_[i + 1]);
                    std::string shown = escaped >= 0x20 && escaped < 0x7f
                                            ? std::string(1, static_cast<char>(escaped))
                                            : std::string("?");
                    return fail(i, i + 2,
                                "unknown escape '\\" + shown +
                                    "' in string (use \\\\, \\\", \\', \\n or \\t)");
                }
            }
            i += 2;
        }
        if (i >= text_.size() || text_[i] != quote) {
            pos_ = text_.size();
            return fail(begin, begin + 1, "unterminated string");
        }
        pos_ = i + 1;
        token t = make(token_kind::string, begin, pos_);
        t.value = std::move(value);
        return t;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace

std::string_view to_string(token_kind kind) {
    switch (kind) {
        case token_kind::end:
            return "end";
        case token_kind::error:
            return "error";
        case token_kind::identifier:
            return "identifier";
        case token_kind::number:
            return "number";
        case token_kind::duration:
            return "duration";
        case token_kind::time_of_day:
            return "time_of_day";
        case token_kind::string:
            return "string";
        case token_kind::lparen:
            return "'('";
        case token_kind::rparen:
            return "')'";
        case token_kind::comma:
            return "','";
        case token_kind::minus:
            return "'-'";
        case token_kind::eq:
            return "'='";
        case token_kind::ne:
            return "'!='";
        case token_kind::lt:
            return "'<'";
        case token_kind::le:
            return "'<='";
        case token_kind::gt:
            return "'>'";
        case token_kind::ge:
            return "'>='";
        default:
            break;
    }
    for (const auto& k : keywords)
        if (k.kind == kind) return k.quoted;
    return "?";
}

std::vector<token> lex_condition(std::string_view text) { return lexer(text).run(); }

bool is_keyword(std::string_view word) noexcept {
    for (const auto& k : keywords)
        if (k.word == word) return true;
    return false;
}

}  // namespace ringfence::engine::condition
