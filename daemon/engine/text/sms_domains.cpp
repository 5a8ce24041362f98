// collect_sms_domains: registered domain and skeleton per URL, deduplicated by a linear scan
// (an SMS holds a handful of URLs).
#include "engine/text/sms_domains.hpp"

#include <algorithm>

#include "engine/text/idna.hpp"
#include "engine/text/lookalike.hpp"
#include "engine/text/public_suffix.hpp"
#include "engine/text/url_extractor.hpp"

namespace ringfence::engine::text {

namespace {

// The registered domain of unfolded, the skeleton of a host whose registered domain as
// written is domain, into out (which views neither).
void registered_skeleton(const std::string& unfolded, const std::string& ascii, const std::string& domain, std::string& out) {
    if (unfolded == ascii) {
        out = domain;  // nothing to unfold (most hosts): no second suffix lookup
        return;
    }
    registered_domain(unfolded, out);
}

// The registered domain of the look-alike skeleton of url's host under one digit reading,
// into out: unfolded before the public suffix is found, so "vietcombank.corn.vn" imitates
// "vietcombank.com.vn" (its registered domain as written is "corn.vn"). "" for an IPv6 host
// (hex letters, no look-alikes). ascii: the host as registered_domain reads it
// (host_to_ascii: lower case, xn-- labels).
void lookalike_of(const std::string& ascii, const std::string& domain, digit_reading digits, std::string& unfolded, std::string& out) {
    out.clear();
    if (ascii.find(':') != std::string::npos) return;
    unfold_lookalike(ascii, digits, unfolded);
    registered_skeleton(unfolded, ascii, domain, out);
}

// Whether the host holds a digit that the letter readings read differently (1, 4, 6-9).
bool has_other_digit(std::string_view ascii) {
    constexpr unsigned read_otherwise = 1u << 1 | 1u << 4 | 1u << 6 | 1u << 7 | 1u << 8 | 1u << 9;
    for (const char c : ascii)
        if (const unsigned d = static_cast<unsigned char>(c) - static_cast<unsigned>('0'); d < 10 && ((read_otherwise >> d) & 1) != 0) return true;
    return false;
}

// The user info a link writes before its host, "@" included ("vietcombank.com.vn@" in
// "https://vietcombank.com.vn@evil.net/x": a bank's domain written where a reader takes it
// for the host, which the host alone would hide); empty for most links. Before an IPv6
// literal the "@" stands before its "[".
std::string_view user_info_of(std::string_view url, std::string_view host) {
    if (host.data() <= url.data() || host.data() > url.data() + url.size()) return {};
    auto host_at = static_cast<std::size_t>(host.data() - url.data());
    if (url[host_at - 1] == '[') --host_at;
    if (host_at == 0 || url[host_at - 1] != '@') return {};
    const std::size_t scheme = url.find("://");
    const std::size_t from = scheme != std::string_view::npos && scheme < host_at ? scheme + 3 : 0;
    return url.substr(from, host_at - from);
}

// A list of strings written in place: add() assigns over the element after the last one
// added (reusing its buffer) unless the text is empty or there already; the destructor cuts
// the list to what was added. A null list takes nothing.
class reused_list {
  public:
    explicit reused_list(std::vector<std::string>* v) : v_(v) {}
    reused_list(const reused_list&) = delete;
    reused_list& operator=(const reused_list&) = delete;
    ~reused_list() {
        if (v_ != nullptr) v_->resize(used_);
    }
    void add(const std::string& s) {
        if (v_ == nullptr || s.empty()) return;
        const auto end = v_->begin() + static_cast<std::ptrdiff_t>(used_);
        if (std::find(v_->begin(), end, s) != end) return;
        if (used_ < v_->size())
            (*v_)[used_].assign(s);
        else
            v_->push_back(s);
        ++used_;
    }

  private:
    std::vector<std::string>* v_;
    std::size_t used_ = 0;
};

}  // namespace

void collect_sms_domains(std::span<const std::string> urls, std::vector<std::string>& out, std::vector<std::string>* written,
                         std::vector<std::string>* lookalikes, std::vector<std::string>* hosts) {
    // Each list is written over the strings it holds from the last message (their buffers
    // kept: a host is seldom short enough for a string's own) and cut to what this one gave.
    reused_list out_list(&out), written_list(written), lookalike_list(lookalikes), host_list(hosts);
    // Scratch kept by the thread: every link of every SMS passes through these.
    thread_local std::string domain, ascii, unfolded, skeleton, other, other_unfolded, with_info;
    for (const std::string& url : urls) {
        const std::string_view host = url_host(url);
        if (!host_to_ascii(host, ascii)) continue;
        if (hosts != nullptr) {
            if (const std::string_view info = user_info_of(url, host); info.empty()) {
                host_list.add(ascii);
            } else {
                with_info.assign(info);
                for (char& c : with_info) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
                with_info += ascii;
                host_list.add(with_info);
            }
        }
        // The host with its look-alike characters read as what they imitate, once for both
        // uses below ("" for an IPv6 host: hex letters, no look-alikes).
        if (ascii.find(':') == std::string::npos)
            unfold_lookalike(ascii, digit_reading::usual, unfolded);
        else
            unfolded.clear();
        // A host written with look-alike characters is also read as the host it imitates
        // (a Cyrillic "о" in "vietcоmbank.com.vn-secure.net" hides the bank's name in the
        // host's ASCII form, xn--...), as sms.domains holds a domain's skeleton.
        if (!unfolded.empty() && unfolded != ascii) host_list.add(unfolded);
        registered_domain(ascii, domain);
        if (domain.empty()) continue;
        out_list.add(domain);
        written_list.add(domain);
        if (unfolded.empty())
            skeleton.clear();
        else
            registered_skeleton(unfolded, ascii, domain, skeleton);
        out_list.add(skeleton);
        if (skeleton != domain) lookalike_list.add(skeleton);
        // The letter readings go to sms.lookalike_domains only: sms.domains and the lists
        // matched against it (and their `except`) keep to the domain as written and its
        // usual skeleton.
        if (lookalikes == nullptr || !has_other_digit(ascii)) continue;
        for (const digit_reading reading : {digit_reading::letters_l, digit_reading::letters_i}) {
            lookalike_of(ascii, domain, reading, other_unfolded, other);
            if (other != domain) lookalike_list.add(other);
        }
    }
}

}  // namespace ringfence::engine::text
