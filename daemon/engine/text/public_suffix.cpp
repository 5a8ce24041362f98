// The built-in public suffixes (multi-label ones only: every single label is a suffix by
// the default rule) and the eTLD+1 computation over them.
#include "engine/text/public_suffix.hpp"

#include <algorithm>
#include <iterator>
#include <vector>

#include "engine/text/idna.hpp"

namespace ringfence::engine::text {
namespace {

// clang-format off
constexpr std::string_view suffix_words[] = {
    // Vietnam (VNNIC second levels and the provincial names the PSL lists).
    "ac.vn", "biz.vn", "com.vn", "edu.vn", "gov.vn", "health.vn", "id.vn", "info.vn", "int.vn",
    "io.vn", "name.vn", "net.vn", "org.vn", "pro.vn", "angiang.vn", "bacgiang.vn", "backan.vn",
    "baclieu.vn", "bacninh.vn", "baria-vungtau.vn", "bentre.vn", "binhdinh.vn", "binhduong.vn",
    "binhphuoc.vn", "binhthuan.vn", "camau.vn", "cantho.vn", "caobang.vn", "daklak.vn",
    "daknong.vn", "danang.vn", "dienbien.vn", "dongnai.vn", "dongthap.vn", "gialai.vn",
    "hagiang.vn", "haiduong.vn", "haiphong.vn", "hanam.vn", "hanoi.vn", "hatinh.vn", "haugiang.vn",
    "hoabinh.vn", "hue.vn", "hungyen.vn", "khanhhoa.vn", "kiengiang.vn", "kontum.vn", "laichau.vn",
    "lamdong.vn", "langson.vn", "laocai.vn", "longan.vn", "namdinh.vn", "nghean.vn", "ninhbinh.vn",
    "ninhthuan.vn", "phutho.vn", "phuyen.vn", "quangbinh.vn", "quangnam.vn", "quangngai.vn",
    "quangninh.vn", "quangtri.vn", "soctrang.vn", "sonla.vn", "tayninh.vn", "thaibinh.vn",
    "thainguyen.vn", "thanhhoa.vn", "thanhphohochiminh.vn", "thuathienhue.vn", "tiengiang.vn",
    "travinh.vn", "tuyenquang.vn", "vinhlong.vn", "vinhphuc.vn", "yenbai.vn",
    // The region: Cambodia, Laos, Thailand, Malaysia, Singapore, Indonesia, Philippines,
    // Myanmar, China, Hong Kong, Taiwan, Korea, Japan, India.
    "com.kh", "edu.kh", "gov.kh", "net.kh", "org.kh", "per.kh", "com.la", "edu.la", "gov.la",
    "net.la", "org.la", "per.la", "ac.th", "co.th", "go.th", "in.th", "mi.th", "net.th", "or.th",
    "com.my", "edu.my", "gov.my", "net.my", "org.my", "com.sg", "edu.sg", "gov.sg", "net.sg",
    "org.sg", "ac.id", "co.id", "go.id", "my.id", "net.id", "or.id", "web.id", "com.ph", "edu.ph",
    "gov.ph", "net.ph", "org.ph", "com.mm", "net.mm", "org.mm", "com.cn", "edu.cn", "gov.cn",
    "net.cn", "org.cn", "com.hk", "edu.hk", "gov.hk", "net.hk", "org.hk", "com.tw", "edu.tw",
    "gov.tw", "net.tw", "org.tw", "co.kr", "go.kr", "or.kr", "ne.kr", "ac.jp", "co.jp", "go.jp",
    "ne.jp", "or.jp", "ac.in", "co.in", "gov.in", "net.in", "org.in",
    // Elsewhere.
    "ac.uk", "co.uk", "gov.uk", "ltd.uk", "me.uk", "net.uk", "org.uk", "plc.uk", "com.au", "edu.au",
    "gov.au", "net.au", "org.au", "co.nz", "net.nz", "org.nz", "com.br", "net.br", "org.br",
    "gov.br", "com.mx", "com.ar", "com.tr", "co.za", "com.ru", "com.ua",
    // Platforms where every subdomain is a different owner.
    "000webhostapp.com", "appspot.com", "azurewebsites.net", "blogspot.com", "cloudfront.net",
    "ddns.net", "duckdns.org", "firebaseapp.com", "fly.dev", "framer.app", "github.io",
    "githubusercontent.com", "gitlab.io", "glitch.me", "herokuapp.com", "hopto.org",
    "myshopify.com", "netlify.app", "ngrok-free.app", "ngrok-free.dev", "ngrok.app", "ngrok.io",
    "no-ip.org", "onrender.com", "pages.dev", "r2.dev", "replit.app", "repl.co", "sytes.net",
    "surge.sh", "translate.goog", "trycloudflare.com", "vercel.app", "web.app", "webflow.io",
    "weebly.com", "wixsite.com", "workers.dev", "zapto.org",
};
// clang-format on

const std::vector<std::string_view>& sorted_suffixes() {
    static const std::vector<std::string_view> sorted = [] {
        std::vector<std::string_view> v(std::begin(suffix_words), std::end(suffix_words));
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
        return v;
    }();
    return sorted;
}

bool is_listed(std::string_view suffix) {
    const auto& v = sorted_suffixes();
    return std::binary_search(v.begin(), v.end(), suffix);
}

bool is_ip_literal(std::string_view host) {
    if (host.find(':') != std::string_view::npos) return true;
    bool saw_digit = false;
    for (const char c : host) {
        if (c == '.') continue;
        if (c < '0' || c > '9') return false;
        saw_digit = true;
    }
    return saw_digit;
}

}  // namespace

std::size_t public_suffix_length(std::string_view host) noexcept {
    if (host.empty()) return 0;
    // Any single last label is a suffix; then try each longer run of labels.
    std::size_t dot = host.rfind('.');
    std::size_t best = dot == std::string_view::npos ? host.size() : host.size() - dot - 1;
    while (dot != std::string_view::npos && dot > 0) {
        const std::size_t prev = host.rfind('.', dot - 1);
        const std::size_t start = prev == std::string_view::npos ? 0 : prev + 1;
        if (is_listed(host.substr(start))) best = host.size() - start;
        dot = prev;
    }
    return best;
}

void registered_domain(std::string_view host, std::string& out) {
    if (!host.empty() && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (!host_to_ascii(host, out)) {
        out.clear();
        return;
    }
    if (out.empty() || is_ip_literal(out)) return;
    const std::size_t suffix = public_suffix_length(out);
    if (suffix >= out.size()) return;
    // out[size - suffix - 1] is the dot before the suffix; keep the label before it.
    const std::size_t dot_before = out.size() - suffix - 1;
    const std::size_t start = dot_before == 0 ? 0 : out.rfind('.', dot_before - 1);
    if (start != std::string::npos && dot_before != 0) out.erase(0, start + 1);
}

std::string registered_domain(std::string_view host) {
    std::string out;
    registered_domain(host, out);
    return out;
}

}  // namespace ringfence::engine::text
