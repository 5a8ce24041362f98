// The TLD list behind is_known_tld, sorted once on first use.
#include "engine/text/tld_list.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace ringfence::engine::text {
namespace {

// clang-format off
constexpr std::string_view tld_words[] = {
    // Generic and sponsored.
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "mobi", "asia",
    "tel", "travel", "jobs", "museum", "aero", "coop", "cat", "post", "xxx",
    // New gTLDs seen in smishing, link shorteners and scam landing pages.
    "top", "xyz", "site", "online", "club", "icu", "vip", "shop", "live", "click", "link", "buzz",
    "cyou", "sbs", "cfd", "store", "tech", "space", "website", "fun", "win", "bid", "loan", "loans",
    "work", "today", "life", "world", "email", "one", "best", "rest", "bar", "monster", "quest",
    "skin", "hair", "beauty", "makeup", "lat", "autos", "boats", "homes", "mom", "lol", "sale",
    "promo", "support", "help", "services", "digital", "network", "systems", "company", "group",
    "team", "zone", "center", "global", "news", "blog", "page", "cloud", "host", "press", "pics",
    "pink", "red", "blue", "plus", "fit", "fyi", "gold", "ink", "ltd", "run", "wiki", "bond", "cam",
    "cash", "finance", "money", "bank", "bet", "casino", "games", "game", "poker", "vin", "men",
    "onl", "app", "dev", "kim", "ren", "wang", "date", "download", "racing", "review", "stream",
    "trade", "party", "science", "cricket", "faith", "webcam", "uno", "ooo", "llc", "agency",
    "solutions", "tips", "guru", "credit", "video", "social", "chat", "media", "studio", "design",
    "art", "shopping", "deals", "zip", "mov", "goog", "gdn", "forum", "land", "city",
    // ISO 3166-1 country codes (all delegated ccTLDs) and ac, eu, su, uk.
    "ac", "ad", "ae", "af", "ag", "ai", "al", "am", "ao", "aq", "ar", "as", "at", "au", "aw", "ax",
    "az", "ba", "bb", "bd", "be", "bf", "bg", "bh", "bi", "bj", "bm", "bn", "bo", "bq", "br", "bs",
    "bt", "bv", "bw", "by", "bz", "ca", "cc", "cd", "cf", "cg", "ch", "ci", "ck", "cl", "cm", "cn",
    "co", "cr", "cu", "cv", "cw", "cx", "cy", "cz", "de", "dj", "dk", "dm", "do", "dz", "ec", "ee",
    "eg", "er", "es", "et", "eu", "fi", "fj", "fk", "fm", "fo", "fr", "ga", "gb", "gd", "ge", "gf",
    "gg", "gh", "gi", "gl", "gm", "gn", "gp", "gq", "gr", "gs", "gt", "gu", "gw", "gy", "hk", "hm",
    "hn", "hr", "ht", "hu", "id", "ie", "il", "im", "in", "io", "iq", "ir", "is", "it", "je", "jm",
    "jo", "jp", "ke", "kg", "kh", "ki", "km", "kn", "kp", "kr", "kw", "ky", "kz", "la", "lb", "lc",
    "li", "lk", "lr", "ls", "lt", "lu", "lv", "ly", "ma", "mc", "md", "me", "mg", "mh", "mk", "ml",
    "mm", "mn", "mo", "mp", "mq", "mr", "ms", "mt", "mu", "mv", "mw", "mx", "my", "mz", "na", "nc",
    "ne", "nf", "ng", "ni", "nl", "no", "np", "nr", "nu", "nz", "om", "pa", "pe", "pf", "pg", "ph",
    "pk", "pl", "pm", "pn", "pr", "ps", "pt", "pw", "py", "qa", "re", "ro", "rs", "ru", "rw", "sa",
    "sb", "sc", "sd", "se", "sg", "sh", "si", "sj", "sk", "sl", "sm", "sn", "so", "sr", "ss", "st",
    "su", "sv", "sx", "sy", "sz", "tc", "td", "tf", "tg", "th", "tj", "tk", "tl", "tm", "tn", "to",
    "tr", "tt", "tv", "tw", "tz", "ua", "ug", "uk", "us", "uy", "uz", "va", "vc", "ve", "vg", "vi",
    "vn", "vu", "wf", "ws", "ye", "yt", "za", "zm", "zw",
};
// clang-format on

const std::vector<std::string_view>& sorted_tlds() {
    static const std::vector<std::string_view> sorted = [] {
        std::vector<std::string_view> v(std::begin(tld_words), std::end(tld_words));
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
        return v;
    }();
    return sorted;
}

}  // namespace

bool is_known_tld(std::string_view label) noexcept {
    std::array<char, 16> lower{};
    if (label.empty() || label.size() > lower.size()) return false;
    for (std::size_t i = 0; i < label.size(); ++i) {
        char c = label[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c < 'a' || c > 'z') return false;
        lower[i] = c;
    }
    const std::string_view key(lower.data(), label.size());
    const auto& tlds = sorted_tlds();
    return std::binary_search(tlds.begin(), tlds.end(), key);
}

}  // namespace ringfence::engine::text
