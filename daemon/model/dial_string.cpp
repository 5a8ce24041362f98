#include "model/dial_string.hpp"

#include <cstdint>
#include <cstring>

#include "common/ascii_run.hpp"

namespace ringfence::model {

namespace {

// Whether every byte of d is an ASCII digit, eight at a time (common::digit_bytes).
bool all_digits(std::string_view d) noexcept {
    const auto word_is_digits = [](const char* p) {
        std::uint64_t w;
        std::memcpy(&w, p, sizeof w);
        return common::digit_bytes(w) == 0x8080808080808080ull;
    };
    const std::size_t n = d.size();
    if (n < 8) {
        for (const char c : d)
            if (c < '0' || c > '9') return false;
        return true;
    }
    for (std::size_t i = 0; i + 8 <= n; i += 8)
        if (!word_is_digits(d.data() + i)) return false;
    return n % 8 == 0 || word_is_digits(d.data() + n - 8);  // the last word ends at the end
}

bool is_letter(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_separator(char c) noexcept {
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}
bool is_alphanumeric_char(char c) noexcept {
    return is_letter(c) || is_digit(c) || c == ' ' || c == '-' || c == '.' || c == '_' || c == '&';
}

bool starts_with_tel(std::string_view s) noexcept {
    if (s.size() < 4 || s[3] != ':') return false;
    const auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); };
    return lower(s[0]) == 't' && lower(s[1]) == 'e' && lower(s[2]) == 'l';
}

dial_string::form scan_alphanumeric(std::string_view s) noexcept {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.empty()) return dial_string::form::bad_character;
    for (const char c : s)
        if (!is_alphanumeric_char(c)) return dial_string::form::bad_character;
    return s.size() > dial_string::max_alphanumeric_length ? dial_string::form::too_long : dial_string::form::alphanumeric;
}

}  // namespace

dial_string dial_string::scan(std::string_view raw) noexcept {
    // Most numbers are digits alone, after at most a '+' ("+84912345678", "0912345678"):
    // what scan_each makes of them, without reading them a character at a time.
    std::string_view d = starts_with_tel(raw) ? raw.substr(4) : raw;
    const bool plus = !d.empty() && d.front() == '+';
    if (plus) d.remove_prefix(1);
    if (!d.empty() && d.size() <= max_digits && all_digits(d)) {
        dial_string out;
        out.plus = plus;
        std::memcpy(out.digit_buffer.data(), d.data(), d.size());
        out.digit_count = d.size();
        out.kind = form::digits;
        return out;
    }
    return scan_each(raw);
}

dial_string dial_string::scan_each(std::string_view raw) noexcept {
    dial_string out;
    const bool tel = starts_with_tel(raw);
    if (tel) raw.remove_prefix(4);

    bool has_letter = false;
    for (const char c : raw) has_letter = has_letter || is_letter(c);
    if (has_letter) {
        out.kind = tel ? form::bad_character : scan_alphanumeric(raw);
        return out;
    }

    bool overflow = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        // "+84 (0)912 345 678", "+44 (0)20 7123 4567": the bracketed trunk prefix written
        // after a country code for those who dial nationally; it is not part of the number.
        if (c == '(' && out.plus && out.digit_count > 0 && raw.substr(i, 3) == "(0)") {
            i += 2;
            continue;
        }
        if (is_digit(c)) {
            if (out.digit_count < max_digits)
                out.digit_buffer[out.digit_count++] = c;
            else
                overflow = true;
        } else if (c == '+' && !out.plus && out.digit_count == 0) {
            out.plus = true;
        } else if (!is_separator(c)) {
            out.kind = form::bad_character;
            return out;
        }
    }
    if (overflow)
        out.kind = form::too_long;
    else if (out.digit_count == 0 && !out.plus)
        out.kind = form::empty;
    else
        out.kind = form::digits;
    return out;
}

}  // namespace ringfence::model
