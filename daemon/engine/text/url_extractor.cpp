// URL extraction from SMS text: a scanner over the bytes that tries, at the start of every
// token, a scheme, "www." and a bare domain, and skips the rest of the token otherwise.
#include "engine/text/url_extractor.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/text/text_fold.hpp"
#include "engine/text/tld_list.hpp"
#include "engine/text/utf8.hpp"

namespace ringfence::engine::text {
namespace {

constexpr std::size_t npos = std::string_view::npos;

constexpr bool is_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_nocase(std::string_view s, std::size_t at, std::string_view prefix) {
    if (at > s.size() || s.size() - at < prefix.size()) return false;
    for (std::size_t k = 0; k < prefix.size(); ++k)
        if (lower(s[at + k]) != prefix[k]) return false;
    return true;
}

// A character that ends a URL wherever it appears.
bool is_stop(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return true;
    switch (c) {
        case '"':
        case '<':
        case '>':
        case '`':
        case '{':
        case '}':
        case '|':
        case '\\':
        case '^':
            return true;
        default:
            return false;
    }
}

// What run() needs of a byte, in one table lookup: it ends a whitespace-separated chunk
// (ASCII whitespace and controls), it may make the chunk a URL (a dot, bracket or percent
// escape), or neither (0).
constexpr std::uint8_t ends_chunk = 2;
constexpr std::uint8_t may_hold_url = 1;
constexpr unsigned char last_chunk_end = 0x20;  // the bytes up to it end a chunk
constexpr std::array<char, 5> url_marks = {'.', '[', '(', '{', '%'};
constexpr std::array<std::uint8_t, 256> byte_kind = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c <= last_chunk_end; ++c) t[static_cast<std::size_t>(c)] = ends_chunk;
    for (const char c : url_marks) t[static_cast<unsigned char>(c)] = may_hold_url;
    return t;
}();

// The ASCII bytes of a host label: letters, digits and '-'.
constexpr std::array<bool, 256> ascii_label_byte = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x80; ++c) t[static_cast<std::size_t>(c)] = is_alnum(static_cast<char>(c)) || c == '-';
    return t;
}();

class url_scanner {
  public:
    url_scanner(std::string_view text, std::vector<std::string>& out, std::vector<std::size_t>* starts)
        : t_(text), out_(out), starts_(starts) {
        if (starts_ != nullptr) starts_->clear();
    }

    // Every URL form holds a dot, a bracket or a percent escape (a dot written "%2E"), and
    // none holds ASCII whitespace, so a whitespace-separated chunk without any of them is
    // passed over without a closer look.
    //
    // The chunks are found sixteen bytes at a time: for each block, a mask of the bytes that
    // end a chunk and one of those that may hold a URL, then a bit scan per chunk end (a byte
    // at a time through byte_kind for the last bytes, and without SSE2).
    void run() {
        const std::size_t n = t_.size();
        std::size_t chunk = 0;  // where the current chunk starts
        bool seen = false;      // it holds a byte that may make it a URL, in a block already passed
        for (std::size_t at = 0; at < n;) {
            std::uint32_t ends = 0;
            std::uint32_t marks = 0;
            std::size_t width = 0;
#if defined(__SSE2__)
            if (n - at >= 16) {
                const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t_.data() + at));
                // Unsigned "at most last_chunk_end": the smaller of the byte and it is the byte.
                const __m128i limit = _mm_set1_epi8(static_cast<char>(last_chunk_end));
                ends = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(block, limit), block)));
                __m128i url = _mm_cmpeq_epi8(block, _mm_set1_epi8(url_marks[0]));
                for (std::size_t m = 1; m < url_marks.size(); ++m) url = _mm_or_si128(url, _mm_cmpeq_epi8(block, _mm_set1_epi8(url_marks[m])));
                marks = static_cast<std::uint32_t>(_mm_movemask_epi8(url));
                width = 16;
            }
#endif
            if (width == 0) {
                width = std::min<std::size_t>(n - at, 16);
                for (std::size_t k = 0; k < width; ++k) {
                    const std::uint8_t kind = byte_kind[static_cast<unsigned char>(t_[at + k])];
                    if (kind == ends_chunk) ends |= 1u << k;
                    if (kind == may_hold_url) marks |= 1u << k;
                }
            }
            for (; ends != 0; ends &= ends - 1) {
                const auto end = static_cast<unsigned>(std::countr_zero(ends));
                const std::uint32_t before = (1u << end) - 1;  // this block's bytes before the end
                if (seen || (marks & before) != 0) scan(chunk, at + end);
                chunk = at + end + 1;
                marks &= ~((before << 1) | 1u);
                seen = false;
            }
            seen = seen || marks != 0;  // marks after the block's last end are the next chunk's
            at += width;
        }
        if (seen) scan(chunk, n);
        out_.resize(used_);
    }

    void scan(std::size_t i, std::size_t end) {
        while (i < end) {
            if (const std::size_t url_end = try_scheme(i); url_end != i) {
                i = url_end;
                continue;
            }
            if (t_[i] == '[' && after_two_slashes(i)) {  // "ftp://[2001:db8::1]/x", "//[::1]"
                if (const std::size_t url_end = try_ipv6_at(i, i); url_end != i) {
                    i = url_end;
                    continue;
                }
            }
            if (!starts_token(i)) {
                ++i;
                continue;
            }
            const std::size_t next = try_url_at(i);
            i = next > i ? next : skip_token(i);
        }
    }

  private:
    // The length of a host dot at j: "." is 1, "[.]" "(.)" "{.}" are 3, "[dot]" "(dot)" 5.
    std::size_t dot_form(std::size_t j) const {
        if (j >= t_.size()) return 0;
        if (t_[j] == '.') return 1;
        if (t_[j] != '[' && t_[j] != '(' && t_[j] != '{') return 0;
        const char close = t_[j] == '[' ? ']' : t_[j] == '(' ? ')' : '}';
        if (j + 2 < t_.size() && t_[j + 1] == '.' && t_[j + 2] == close) return 3;
        if (close != '}' && starts_with_nocase(t_, j + 1, "dot") && j + 4 < t_.size() &&
            t_[j + 4] == close)
            return 5;
        return 0;
    }

    // The character a percent escape at j stands for when it is one a host can hold (an ASCII
    // letter, digit, '-' or '.'), else 0. A browser decodes these in a host:
    // "http://vietc%6Fmbank%2Ecom%2Evn%2Eevil%2Etop" opens vietcombank.com.vn.evil.top. Only
    // a scheme URL's authority reads them; without a scheme such text is no link.
    char percent_char(std::size_t j) const {
        if (j + 2 >= t_.size() || t_[j] != '%') return 0;
        const auto hex = [](char h) {
            return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        };
        const int hi = hex(t_[j + 1]), lo = hex(t_[j + 2]);
        if (hi < 0 || lo < 0) return 0;
        const char c = static_cast<char>(hi * 16 + lo);
        return is_alnum(c) || c == '-' || c == '.' ? c : 0;
    }
    bool percent_dot(std::size_t j) const { return percent_char(j) == '.'; }
    // A label character at j, written or percent-encoded.
    bool label_starts(std::size_t j) const {
        const char encoded = percent_char(j);
        return label_char_end(j) != j || (encoded != 0 && encoded != '.');
    }

    // The end of the label character at j (ASCII alphanumeric, '-', or a non-ASCII letter),
    // or j when there is none. The ASCII test is inlined where it is asked (most bytes);
    // the non-ASCII one is a call.
    std::size_t label_char_end(std::size_t j) const {
        if (j >= t_.size()) return j;
        const auto c = static_cast<unsigned char>(t_[j]);
        if (c < 0x80) return ascii_label_byte[c] ? j + 1 : j;
        return letter_end(j);
    }

    [[gnu::noinline]] std::size_t letter_end(std::size_t j) const {
        std::size_t k = j;
        const char32_t cp = decode_utf8(t_, k);
        const auto kind = fold_code_point(cp).what;
        if (cp == invalid_code_point) return j;
        return (kind == code_point_fold::kind::letters || kind == code_point_fold::kind::keep) ? k
                                                                                               : j;
    }

    std::size_t label_end(std::size_t j) const {
        for (;;) {
            while (j < t_.size() && ascii_label_byte[static_cast<unsigned char>(t_[j])]) ++j;
            if (j >= t_.size() || static_cast<unsigned char>(t_[j]) < 0x80) return j;
            const std::size_t k = letter_end(j);
            if (k == j) return j;
            j = k;
        }
    }

    bool starts_token(std::size_t i) const {
        if (label_char_end(i) == i) return false;
        if (i == 0) return true;
        const char prev = t_[i - 1];
        if (prev == '/' || prev == '\\') return after_slashes_alone(i);
        if (is_alnum(prev) || prev == '-' || prev == '_' || prev == '.' || prev == '@') return false;
        if (static_cast<unsigned char>(prev) >= 0x80) {
            // Step back to the lead byte of the previous character and test it.
            std::size_t lead = i - 1;
            while (lead > 0 && (static_cast<unsigned char>(t_[lead]) & 0xC0) == 0x80) --lead;
            return label_char_end(lead) == lead;
        }
        return true;
    }

    // The slashes before i are not a path's: two or more ("ftp://", "zalo://", "//host",
    // "https//" with its colon left out), or one that no word stands before ("xem /evil.top",
    // "(/evil.top)", "https:/evil.top", which browsers open). Written so, a host is a link
    // for its reader whatever leads in the slashes; only http(s) is read as a scheme
    // (try_scheme), the rest are passed over. One slash after a word ("km/h", "a/b.vn",
    // "Việt/x.vn") stays inside that word.
    bool after_slashes_alone(std::size_t i) const {
        std::size_t k = i;
        while (k > 0 && (t_[k - 1] == '/' || t_[k - 1] == '\\')) --k;
        if (i - k >= 2 || k == 0) return true;
        const char before = t_[k - 1];
        if (static_cast<unsigned char>(before) < 0x80) return !(is_alnum(before) || before == '-' || before == '_');
        std::size_t lead = k - 1;  // the lead byte of the character before the slash
        while (lead > 0 && (static_cast<unsigned char>(t_[lead]) & 0xC0) == 0x80) --lead;
        return label_char_end(lead) == lead;  // no letter: a blank or a mark
    }

    // Two or more slashes lead in i: what follows is an authority, as after "scheme://".
    bool after_two_slashes(std::size_t i) const {
        return i >= 2 && (t_[i - 1] == '/' || t_[i - 1] == '\\') && (t_[i - 2] == '/' || t_[i - 2] == '\\');
    }

    // Where the host begins in the authority that starts at i after two slashes: past its
    // user info ("user:pw@", "vietcombank.com.vn@"), at i when there is none. An "@" with no
    // slashes before it is an e-mail address's, not a link's.
    std::size_t past_user_info(std::size_t i) const {
        if (!after_two_slashes(i)) return i;
        std::size_t host = i;
        for (std::size_t k = i; k < t_.size(); ++k) {
            const char c = t_[k];
            if (c == '@')
                host = k + 1;
            else if (c == '/' || c == '?' || c == '#' || is_stop(c))
                break;
        }
        return host;
    }

    // The end of the IPv6 literal "[...]" at j (one past its "]"), or j when none is there:
    // hex digits, colons and dots, at least two colons, closed.
    std::size_t ipv6_literal_end(std::size_t j) const {
        if (j >= t_.size() || t_[j] != '[') return j;
        std::size_t colons = 0;
        for (std::size_t k = j + 1; k < t_.size() && k - j <= 46; ++k) {
            const char c = t_[k];
            if (c == ']') return colons >= 2 ? k + 1 : j;
            if (c == ':')
                ++colons;
            else if (!is_digit(c) && !(lower(c) >= 'a' && lower(c) <= 'f') && c != '.')
                return j;
        }
        return j;
    }

    bool scheme_may_start(std::size_t i) const {
        return starts_with_nocase(t_, i, "http") || starts_with_nocase(t_, i, "hxxp");
    }

    // Past the rest of the token at i: its label characters and dots, stopping early at a
    // label that may start a scheme URL ("xem.https://...": two sentences run together).
    std::size_t skip_token(std::size_t i) const {
        for (;;) {
            std::size_t e = label_end(i);
            const std::size_t d = dot_form(e);
            if (e == i && d == 0) return i + 1;
            i = e + d;
            if (d == 0 || scheme_may_start(i)) return i;
        }
    }

    struct host_scan {
        std::size_t end = 0;  // after the last label
        std::size_t labels = 0;
        std::size_t last_label = 0;  // where the last label begins
        bool all_numeric = true;     // every label is digits only
        bool octets = true;          // every label is 1-3 digits up to 255
    };

    host_scan scan_host(std::size_t j) const {
        host_scan h;
        h.end = j;
        for (;;) {
            const std::size_t e = label_end(j);
            if (e == j) break;
            ++h.labels;
            h.last_label = j;
            h.end = e;
            bool digits = true;
            for (std::size_t k = j; k < e; ++k) digits = digits && is_digit(t_[k]);
            h.all_numeric = h.all_numeric && digits;
            if (!digits || e - j > 3 || (e - j == 3 && t_.substr(j, 3) > "255")) h.octets = false;
            const std::size_t d = dot_form(e);
            if (d == 0 || label_end(e + d) == e + d) break;
            j = e + d;
        }
        return h;
    }

    // The first label of the host at from is all digits ("2.IM").
    bool numeric_first_label(std::size_t from) const {
        const std::size_t end = label_end(from);
        for (std::size_t k = from; k < end; ++k)
            if (!is_digit(t_[k])) return false;
        return true;
    }

    bool is_ascii_alpha_label(std::size_t from, std::size_t to) const {
        if (to - from < 2) return false;
        for (std::size_t k = from; k < to; ++k)
            if (!is_alnum(t_[k]) || is_digit(t_[k])) return false;
        return true;
    }

    // A dot between two labels in [from, to).
    bool host_has_dot(std::size_t from, std::size_t to) const {
        for (std::size_t k = from + 1; k < to; ++k) {
            const std::size_t d = percent_dot(k) ? 3 : dot_form(k);
            if (d != 0 && k + d < to && label_starts(k + d)) return true;
        }
        return false;
    }

    // Two-letter TLDs that are also everyday English or unaccented Vietnamese words: "car.so",
    // "message.it", "ngay.co" are two sentences run together far more often than domains.
    static bool word_like_tld(std::string_view tld) {
        static constexpr std::string_view words[] = {
            "ai", "am", "as", "at", "ba", "be", "bo", "by", "ca",  "co", "cu",
            "do", "id", "im", "in", "is", "it", "la", "ma", "me",  "my", "ne",
            "no", "nu", "se", "so", "to", "us", "ve", "vi", "xxx", "ye"};
        for (const std::string_view w : words) {
            if (w.size() != tld.size()) continue;
            bool same = true;
            for (std::size_t k = 0; k < w.size(); ++k) same = same && lower(tld[k]) == w[k];
            if (same) return true;
        }
        return false;
    }

    // A path, query, fragment or port follows the host at j.
    bool path_follows(std::size_t j) const {
        if (j >= t_.size()) return false;
        const char c = t_[j];
        return c == '/' || c == '?' || c == '#' ||
               (c == ':' && j + 1 < t_.size() && is_digit(t_[j + 1]));
    }

    // The end of the path starting at j: stops at is_stop and at any non-ASCII byte.
    std::size_t path_end(std::size_t j) const {
        while (j < t_.size() && !is_stop(t_[j]) && static_cast<unsigned char>(t_[j]) < 0x80) ++j;
        return j;
    }

    std::size_t trim_end(std::size_t begin, std::size_t end) const {
        while (end > begin) {
            const char c = t_[end - 1];
            char open = 0;
            switch (c) {
                case '.':
                case ',':
                case ';':
                case ':':
                case '!':
                case '?':
                case '\'':
                case '"':
                case '>':
                    --end;
                    continue;
                case ')':
                    open = '(';
                    break;
                case ']':
                    open = '[';
                    break;
                case '}':
                    open = '{';
                    break;
                default:
                    return end;
            }
            std::ptrdiff_t balance = 0;
            for (std::size_t k = begin; k < end; ++k)
                balance += t_[k] == open ? 1 : t_[k] == c ? -1 : 0;
            if (balance >= 0) return end;
            --end;
        }
        return end;
    }

    // A link whose host is the IPv6 literal at host, its text from url (before any user info).
    std::size_t try_ipv6_at(std::size_t url, std::size_t host) {
        const std::size_t host_end = ipv6_literal_end(host);
        if (host_end == host) return url;
        const std::size_t end = path_follows(host_end) ? trim_end(url, path_end(host_end)) : host_end;
        emit(url, host_end, end, 0);
        return end;
    }

    // Tries every URL form at token start url; returns the end of the URL taken, or url.
    std::size_t try_url_at(std::size_t url) {
        // After two slashes a link may write user info before its host; the link's text
        // keeps it (sms.hosts shows "vietcombank.com.vn@" written where a reader takes it for
        // the host), its host is what follows.
        const std::size_t host = past_user_info(url);
        if (host != url && host < t_.size() && t_[host] == '[') return try_ipv6_at(url, host);
        if (label_char_end(host) == host) return url;
        const std::size_t end = try_host_at(host, url);
        return end == host ? url : end;
    }

    // A www. host or a bare domain at i, the link's text from url (at or before i); returns
    // the link's end, or i.
    std::size_t try_host_at(std::size_t i, std::size_t url) {
        if (starts_with_nocase(t_, i, "www") && dot_form(i + 3) != 0) {
            const host_scan h = scan_host(i);
            if (h.labels >= 3 && is_ascii_alpha_label(h.last_label, h.end)) {
                const std::size_t end = path_follows(h.end) ? trim_end(url, path_end(h.end)) : h.end;
                emit(url, h.end, end, 0);
                return end;
            }
            return i;
        }
        const host_scan h = scan_host(i);
        if (h.labels < 2) return i;
        const bool with_path = path_follows(h.end);
        if (h.end < t_.size() && (t_[h.end] == '@' || t_[h.end] == '_')) return i;
        if (h.all_numeric) {
            if (h.labels != 4 || !h.octets || !with_path) return i;
        } else {
            const std::string_view tld = t_.substr(h.last_label, h.end - h.last_label);
            if (!is_known_tld(tld)) return i;
            const bool capitalised =
                tld.size() >= 2 && tld[0] >= 'A' && tld[0] <= 'Z' && tld[1] >= 'a' && tld[1] <= 'z';
            if (!with_path &&
                (capitalised || (h.labels == 2 && (word_like_tld(tld) || numeric_first_label(i)))))
                return i;
        }
        const std::size_t end = with_path ? trim_end(url, path_end(h.end)) : h.end;
        emit(url, h.end, end, 0);
        return end;
    }

    std::size_t try_scheme(std::size_t i) {
        if (!scheme_may_start(i) || (i > 0 && is_alnum(t_[i - 1]))) return i;
        std::size_t name = 0;  // length of "http", "https", "hxxp", "hxxps"
        for (const std::string_view s : {"https", "http", "hxxps", "hxxp"}) {
            if (starts_with_nocase(t_, i, s)) {
                name = s.size();
                break;
            }
        }
        if (name == 0) return i;
        std::size_t host = i + name;
        if (starts_with_nocase(t_, host, "://"))
            host += 3;
        else if (starts_with_nocase(t_, host, "[:]//"))
            host += 5;
        else
            return i;
        // Dots before the host ("https://.evil.top", "https://%2Eevil.top") are passed over:
        // the host is the name after them, the one a reader sees. Refused here, the rest of
        // the text was read without its scheme, "%2Eevil.top" as the made-up domain 2Eevil.top.
        while (host < t_.size() && (t_[host] == '.' || percent_dot(host))) host += t_[host] == '.' ? 1 : 3;
        if (host >= t_.size() || (!label_starts(host) && t_[host] != '[')) return i;
        // The authority may hold non-ASCII letters; the path may not.
        std::size_t j = host;
        while (j < t_.size() && t_[j] != '/' && t_[j] != '?' && t_[j] != '#') {
            if (const std::size_t d = dot_form(j); d > 1) {
                j += d;
            } else if (percent_char(j) != 0) {
                j += 3;
            } else if (is_stop(t_[j])) {
                break;
            } else if (static_cast<unsigned char>(t_[j]) >= 0x80) {
                const std::size_t k = label_char_end(j);
                if (k == j) break;
                j = k;
            } else {
                ++j;
            }
        }
        const std::size_t host_end = j;
        // The host proper begins after any user info: "user:pw@[2001:db8::1]" is a bracketed
        // IPv6 literal, as "[2001:db8::1]" is.
        std::size_t host_at = host;
        for (std::size_t k = host; k < host_end; ++k)
            if (t_[k] == '@') host_at = k + 1;
        const bool bracketed = ipv6_literal_end(host_at) != host_at;  // a closed literal only
        if (!bracketed && !host_has_dot(host, host_end)) return i;  // "http://wap. x.com"
        const std::size_t end =
            trim_end(i, j < t_.size() && !is_stop(t_[j]) && static_cast<unsigned char>(t_[j]) < 0x80
                            ? path_end(j)
                            : j);
        if (end <= host) return i;
        emit(host, host_end < end ? host_end : end, end, name, i);
        return end;
    }

    // Appends the URL: [scheme_at, host) is a scheme of scheme_name letters (0: none, and
    // the URL starts at host), the host ends at host_end, the URL at end. Before host_end,
    // defanged and percent-encoded dots become '.', and the percent escapes of letters,
    // digits and '-' the characters they stand for.
    void emit(std::size_t host, std::size_t host_end, std::size_t end, std::size_t scheme_name,
              std::size_t scheme_at = 0) {
        if (used_ == out_.size()) out_.emplace_back();
        std::string& url = out_[used_++];
        if (starts_ != nullptr) starts_->push_back(scheme_name != 0 ? scheme_at : host);
        url.clear();
        if (scheme_name != 0) {
            const bool secure = lower(t_[scheme_at + scheme_name - 1]) == 's';
            url.append(secure ? "https://" : "http://");
        }
        std::size_t j = host;
        while (j < host_end) {
            if (const char decoded = percent_char(j); decoded != 0) {  // '.' too
                url.push_back(decoded);
                j += 3;
            } else if (const std::size_t d = t_[j] == '.' ? 0 : dot_form(j); d != 0) {
                url.push_back('.');
                j += d;
            } else {
                url.push_back(t_[j++]);
            }
        }
        url.append(t_.substr(host_end, end > host_end ? end - host_end : 0));
    }

    std::string_view t_;
    std::vector<std::string>& out_;
    std::vector<std::size_t>* starts_;  // null when the caller does not want them
    std::size_t used_ = 0;
};

}  // namespace

void extract_urls(std::string_view text, std::vector<std::string>& out) {
    url_scanner(text, out, nullptr).run();
}

void extract_urls(std::string_view text, std::vector<std::string>& out, std::vector<std::size_t>& starts) {
    url_scanner(text, out, &starts).run();
}

void replace_link_words(std::string_view text, std::span<const std::size_t> url_starts, std::string& out) {
    // Only the words that hold a link change: what lies between them is copied in one piece
    // (a word at a time cost ~800 instructions an SMS with a link).
    out.clear();
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    std::size_t copied = 0;  // text before this is in out
    for (const std::size_t at : url_starts) {
        if (at < copied || at >= text.size() || is_space(text[at])) continue;  // in a word replaced already, or no word
        std::size_t word = at;
        while (word > copied && !is_space(text[word - 1])) --word;
        std::size_t end = at;
        while (end < text.size() && !is_space(text[end])) ++end;
        out.append(text.substr(copied, word - copied));
        out.append("link");
        copied = end;
    }
    out.append(text.substr(copied));
}

namespace {

// Where the authority of url ends: its first '/', '?' or '#', or its end. A plain loop:
// find_first_of tests each byte against the set through a library call (about a thousand
// instructions for a link, and every link is read here twice).
std::size_t authority_end(std::string_view url, std::size_t from) noexcept {
    std::size_t i = from;
    while (i < url.size() && url[i] != '/' && url[i] != '?' && url[i] != '#') ++i;
    return i;
}

}  // namespace

std::string_view url_host(std::string_view url) noexcept {
    // A scheme is what stands before the first "://" when no '/', '?' or '#' comes before it:
    // then the first of those is the '/' right after its ':'.
    std::size_t end = authority_end(url, 0);
    if (end >= 1 && end + 1 < url.size() && url[end - 1] == ':' && url[end] == '/' && url[end + 1] == '/') {
        url.remove_prefix(end + 2);
        end = authority_end(url, 0);
    }
    std::string_view authority = url.substr(0, end);
    if (const std::size_t at = authority.rfind('@'); at != npos) authority.remove_prefix(at + 1);
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        return close == npos ? authority.substr(1) : authority.substr(1, close - 1);
    }
    // A port ends the host: ":80", and ":80:80" too (no browser opens a link with its port
    // written twice, but its host is still the one meant: evil.top, which a list holds, not
    // "evil.top:80"). Otherwise only digits after the last colon are a port ("a:b:80" keeps
    // "a:b", "x.com:abc" keeps it all: not a host a list can hold).
    if (const std::size_t colon = authority.find(':'); colon != npos) {
        bool ports = true;
        for (const char c : authority.substr(colon + 1)) ports = ports && (is_digit(c) || c == ':');
        if (ports) return authority.substr(0, colon);
    }
    if (const std::size_t colon = authority.rfind(':'); colon != npos) {
        bool port = true;
        for (const char c : authority.substr(colon + 1)) port = port && is_digit(c);
        if (port) authority = authority.substr(0, colon);
    }
    return authority;
}

}  // namespace ringfence::engine::text
