// RFC 3492 Punycode with the parameters of section 5 (base 36, tmin 1, tmax 26, skew 38,
// damp 700, initial bias 72, initial n 128); arithmetic in 64 bits with the RFC's overflow
// checks against 2^31 - 1, as every IDNA implementation does.
#include "engine/text/punycode.hpp"

#include <cstdint>

namespace ringfence::engine::text {
namespace {

constexpr std::uint64_t base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
constexpr std::uint64_t initial_bias = 72, initial_n = 128;
constexpr std::uint64_t max_int = 0x7FFFFFFF;

std::uint64_t adapt(std::uint64_t delta, std::uint64_t points, bool first) {
    delta = first ? delta / damp : delta / 2;
    delta += delta / points;
    std::uint64_t k = 0;
    while (delta > ((base - tmin) * tmax) / 2) {
        delta /= base - tmin;
        k += base;
    }
    return k + (base - tmin + 1) * delta / (delta + skew);
}

std::uint64_t threshold(std::uint64_t k, std::uint64_t bias) {
    if (k <= bias) return tmin;
    if (k >= bias + tmax) return tmax;
    return k - bias;
}

char encode_digit(std::uint64_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

// The value of a Punycode digit (either case), or base when c is not one.
std::uint64_t decode_digit(char c) {
    if (c >= 'a' && c <= 'z') return static_cast<std::uint64_t>(c - 'a');
    if (c >= 'A' && c <= 'Z') return static_cast<std::uint64_t>(c - 'A');
    if (c >= '0' && c <= '9') return static_cast<std::uint64_t>(c - '0') + 26;
    return base;
}

bool is_scalar(std::uint64_t cp) { return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF); }

}  // namespace

bool punycode_encode(std::u32string_view input, std::string& out) {
    std::uint64_t basic = 0;
    for (const char32_t c : input) {
        if (!is_scalar(c)) return false;
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            ++basic;
        }
    }
    if (basic > 0) out.push_back('-');
    std::uint64_t n = initial_n, delta = 0, bias = initial_bias, handled = basic;
    while (handled < input.size()) {
        std::uint64_t m = UINT64_MAX;
        for (const char32_t c : input)
            if (c >= n && c < m) m = c;
        if ((m - n) > (max_int - delta) / (handled + 1)) return false;
        delta += (m - n) * (handled + 1);
        n = m;
        for (const char32_t c : input) {
            if (c < n && ++delta > max_int) return false;
            if (c != n) continue;
            std::uint64_t q = delta;
            for (std::uint64_t k = base;; k += base) {
                const std::uint64_t t = threshold(k, bias);
                if (q < t) break;
                out.push_back(encode_digit(t + (q - t) % (base - t)));
                q = (q - t) / (base - t);
            }
            out.push_back(encode_digit(q));
            bias = adapt(delta, handled + 1, handled == basic);
            delta = 0;
            ++handled;
        }
        ++delta;
        ++n;
    }
    return true;
}

bool punycode_decode(std::string_view input, std::u32string& out) {
    out.clear();
    const std::size_t dash = input.rfind('-');
    std::size_t in = 0;
    if (dash != std::string_view::npos) {
        for (std::size_t k = 0; k < dash; ++k) {
            if (static_cast<unsigned char>(input[k]) >= 0x80) return false;
            out.push_back(static_cast<char32_t>(input[k]));
        }
        in = dash + 1;
    }
    std::uint64_t n = initial_n, i = 0, bias = initial_bias;
    while (in < input.size()) {
        const std::uint64_t old_i = i;
        std::uint64_t w = 1;
        for (std::uint64_t k = base;; k += base) {
            if (in >= input.size()) return false;
            const std::uint64_t digit = decode_digit(input[in++]);
            if (digit >= base || digit > (max_int - i) / w) return false;
            i += digit * w;
            const std::uint64_t t = threshold(k, bias);
            if (digit < t) break;
            if (w > max_int / (base - t)) return false;
            w *= base - t;
        }
        const std::uint64_t points = out.size() + 1;
        bias = adapt(i - old_i, points, old_i == 0);
        if (i / points > max_int - n) return false;
        n += i / points;
        i %= points;
        if (!is_scalar(n)) return false;
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(i), static_cast<char32_t>(n));
        ++i;
    }
    return true;
}

}  // namespace ringfence::engine::text
