#include "common/time_zone.hpp"
#include "common/text_file.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>

namespace ringfence::common {

namespace {

std::int64_t be(const unsigned char* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
    if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
}

bool parse_fixed(const std::string& s, std::int32_t& out) {
    // "+07:00", "-05:30", "+0700"
    if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return false;
    std::string digits;
    for (char c : s.substr(1))
        if (c != ':') digits += c;
    if (digits.size() != 2 && digits.size() != 4) return false;
    int h = 0, m = 0;
    std::from_chars(digits.data(), digits.data() + 2, h);
    if (digits.size() == 4) std::from_chars(digits.data() + 2, digits.data() + 4, m);
    if (h > 14 || m > 59) return false;
    out = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return true;
}

}  // namespace

std::optional<time_zone> time_zone::load(const std::string& name, std::string& why, const std::string& zoneinfo_dir) {
    time_zone tz;
    tz.name_ = name;
    if (name == "UTC" || name == "Etc/UTC") return tz;
    if (parse_fixed(name, tz.initial_offset_)) return tz;
    if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') {
        why = "not a time zone name";
        return std::nullopt;
    }
    std::string bytes, read_error;
    // A directory ("Asia") is not a zone either.
    if (!read_text_file(zoneinfo_dir + "/" + name, bytes, read_error)) {
        why = "unknown time zone (no " + zoneinfo_dir + "/" + name + "; use an IANA name, UTC or +hh:mm)";
        return std::nullopt;
    }
    const std::vector<unsigned char> d(bytes.begin(), bytes.end());
    auto header_ok = [&](std::size_t at) { return d.size() >= at + 44 && d[at] == 'T' && d[at + 1] == 'Z' && d[at + 2] == 'i' && d[at + 3] == 'f'; };
    if (!header_ok(0)) {
        why = "not a TZif file";
        return std::nullopt;
    }
    auto counts = [&](std::size_t at, std::int64_t c[6]) {
        for (int i = 0; i < 6; ++i) c[i] = be(&d[at + 20 + 4 * static_cast<std::size_t>(i)], 4);
    };
    std::int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
    counts(0, c);
    std::size_t at = 44;
    int time_bytes = 4;
    if (d[4] >= '2') {
        // Skip the 32-bit block; the 64-bit block after it covers all times.
        at += static_cast<std::size_t>(c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
        if (!header_ok(at)) {
            why = "truncated TZif file";
            return std::nullopt;
        }
        counts(at, c);
        at += 44;
        time_bytes = 8;
    }
    const std::size_t need = at + static_cast<std::size_t>(c[3] * time_bytes + c[3] + c[4] * 6);
    if (d.size() < need || c[4] == 0) {
        why = "truncated TZif file";
        return std::nullopt;
    }
    std::vector<std::int32_t> type_offsets;
    const std::size_t types_at = at + static_cast<std::size_t>(c[3] * time_bytes + c[3]);
    for (std::int64_t i = 0; i < c[4]; ++i) type_offsets.push_back(static_cast<std::int32_t>(be(&d[types_at + 6 * static_cast<std::size_t>(i)], 4)));
    tz.initial_offset_ = type_offsets[0];
    for (std::int64_t i = 0; i < c[3]; ++i) {
        tz.transitions_.push_back(be(&d[at + static_cast<std::size_t>(i * time_bytes)], time_bytes));
        const unsigned idx = d[at + static_cast<std::size_t>(c[3] * time_bytes + i)];
        tz.offsets_.push_back(idx < type_offsets.size() ? type_offsets[idx] : type_offsets[0]);
    }
    return tz;
}

std::int32_t time_zone::offset_seconds(std::int64_t epoch_ms) const {
    if (transitions_.empty()) return initial_offset_;
    const std::int64_t s = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
    auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
    if (it == transitions_.begin()) return initial_offset_;
    return offsets_[static_cast<std::size_t>(it - transitions_.begin() - 1)];
}

std::int32_t time_zone::local_day(std::int64_t epoch_ms) const {
    constexpr std::int64_t ms_per_day = 86'400'000;
    const std::int64_t local = epoch_ms + std::int64_t{offset_seconds(epoch_ms)} * 1000;
    return static_cast<std::int32_t>(local >= 0 ? local / ms_per_day : (local - ms_per_day + 1) / ms_per_day);
}

int time_zone::minute_of_day(std::int64_t epoch_ms) const {
    const std::int64_t local_s = (epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000) + offset_seconds(epoch_ms);
    std::int64_t m = (local_s / 60) % 1440;
    if (m < 0) m += 1440;
    return static_cast<int>(m);
}

}  // namespace ringfence::common
