#include "common/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "common/ascii_run.hpp"
#include "common/utf8_check.hpp"

namespace ringfence::common {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Whether any of the 8 bytes at p needs a closer look in a JSON string: a control byte
// (< 0x20), '"', '\\' or a non-ASCII byte. Eight bytes at once (SWAR: a byte equal to v is
// a zero byte of x ^ v), so the plain ASCII that most strings are is copied at about a byte
// an instruction instead of a test per byte.
bool needs_care8(const char* p) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const auto has_zero = [&](std::uint64_t v) { return ((v - ones) & ~v & highs) != 0; };
    const bool below_space = ((x - 0x20 * ones) & ~x & highs) != 0;  // also set for bytes >= 0x80, caught below anyway
    return (x & highs) != 0 || below_space || has_zero(x ^ (0x22 * ones)) || has_zero(x ^ (0x5C * ones));
}

}  // namespace

std::string_view valid_utf8(std::string_view s, std::string& scratch) {
    // ASCII (nearly every captured field) is valid as it is: one pass, eight bytes at a time.
    std::size_t i = ascii_run_end(s);
    while (i < s.size()) {
        const std::size_t len = utf8_sequence_length(s, i);
        if (len == 0) break;
        i += len;
    }
    if (i == s.size()) return s;
    scratch.assign(s.substr(0, i));
    while (i < s.size()) {
        const std::size_t len = utf8_sequence_length(s, i);
        if (len == 0) {
            scratch.append("\xEF\xBF\xBD");
            ++i;
        } else {
            scratch.append(s.substr(i, len));
            i += len;
        }
    }
    return scratch;
}

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    std::size_t run_start = 0;
    std::size_t i = 0;
    auto flush = [&](std::size_t end) { out.append(s.data() + run_start, end - run_start); };
    while (i < s.size()) {
        if (i + 8 <= s.size() && !needs_care8(s.data() + i)) {
            i += 8;
            continue;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            const std::size_t len = utf8_sequence_length(s, i);
            if (len != 0) {
                i += len;
                continue;
            }
            flush(i);
            out.append("\xEF\xBF\xBD");  // U+FFFD for a byte that is not valid UTF-8
            run_start = ++i;
            continue;
        }
        flush(i);
        switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            case '\b': out.append("\\b"); break;
            case '\f': out.append("\\f"); break;
            default:
                out.append("\\u00");
                out.push_back(hex_digits[c >> 4]);
                out.push_back(hex_digits[c & 0xF]);
        }
        run_start = ++i;
    }
    flush(i);
    out.push_back('"');
}

void append_json_int(std::string& out, std::int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_json_double(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out.append("null");
        return;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

}  // namespace ringfence::common
