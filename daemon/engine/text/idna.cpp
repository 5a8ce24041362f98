// host_to_ascii: an all-ASCII host (nearly every host) is lower-cased in one pass; only a
// host with non-ASCII code points goes through per-label code point buffers and Punycode.
#include "engine/text/idna.hpp"

#include "common/ascii_run.hpp"
#include "engine/text/punycode.hpp"
#include "engine/text/text_fold.hpp"
#include "engine/text/utf8.hpp"

namespace ringfence::engine::text {

char32_t lower_code_point(char32_t cp) noexcept {
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;  // À..Þ except ×
    // The Kelvin and Angstrom signs: a browser maps them to k and å (UTS #46), so a host
    // written "\u212Aenh14.vn" opens kenh14.vn and must read as it.
    if (cp == 0x212A) return 'k';
    if (cp == 0x212B) return 0xE5;
    if (cp >= 0x100 && cp <= 0x17F) {
        if (cp == 0x178) return 0xFF;  // Ÿ
        const bool odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
        if (cp == 0x130 || cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17F) return cp;
        if (odd_upper) return (cp % 2 == 1) ? cp + 1 : cp;
        return (cp % 2 == 0) ? cp + 1 : cp;
    }
    if (cp == 0x1A0 || cp == 0x1AF) return cp + 1;                        // Ơ Ư
    if (cp >= 0x1E00 && cp <= 0x1EFF && !(cp >= 0x1E96 && cp <= 0x1E9F))  // Vietnamese tones
        return (cp % 2 == 0) ? cp + 1 : cp;
    if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 32;  // Greek capitals
    if (cp == 0x386) return 0x3AC;
    if (cp >= 0x388 && cp <= 0x38A) return cp + 37;
    if (cp == 0x38C) return 0x3CC;
    if (cp == 0x38E || cp == 0x38F) return cp + 63;
    if (cp >= 0x410 && cp <= 0x42F) return cp + 32;  // Cyrillic А..Я
    if (cp >= 0x400 && cp <= 0x40F) return cp + 80;  // Ѐ..Џ
    if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) ||
        (cp >= 0x4D0 && cp <= 0x52F))
        return (cp % 2 == 0) ? cp + 1 : cp;
    return cp;
}

namespace {

bool is_label_dot(char32_t cp) { return cp == '.' || cp == 0x3002 || cp == 0xFF0E || cp == 0xFF61; }

bool append_label(const std::u32string& label, std::string& out) {
    bool ascii = true;
    for (const char32_t c : label) ascii = ascii && c < 0x80;
    if (ascii) {
        for (const char32_t c : label) out.push_back(static_cast<char>(c));
        return true;
    }
    out.append("xn--");
    return punycode_encode(label, out);
}

}  // namespace

bool host_to_ascii(std::string_view host, std::string& out) {
    out.clear();
    if (common::ascii_run_end(host) == host.size()) {
        out.resize(host.size());
        common::copy_ascii_lowered(host.data(), host.size(), out.data());
    } else {
        std::u32string label;
        std::size_t i = 0;
        while (i < host.size()) {
            char32_t cp = decode_utf8(host, i);
            if (cp == invalid_code_point) return false;
            if (is_label_dot(cp)) {
                if (!append_label(label, out)) return false;
                out.push_back('.');
                label.clear();
                continue;
            }
            if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII
            if (cp >= 0x80 && fold_code_point(cp).what == code_point_fold::kind::drop) continue;
            label.push_back(lower_code_point(cp));
        }
        if (!append_label(label, out)) return false;
    }
    if (!out.empty() && out.back() == '.') out.pop_back();
    return true;
}

}  // namespace ringfence::engine::text
