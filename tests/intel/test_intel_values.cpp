// Entry values per kind: every way an operator may write one gives the form the record's
// field holds, and what can never match is refused with a reason.
#include <doctest/doctest.h>

#include "engine/text/url_key.hpp"
#include "intel/intel_values.hpp"
#include "intel_test_support.hpp"

using namespace ringfence;
using engine::intel_kind;

namespace {

std::string norm(intel_kind k, const std::string& text) {
    std::string why;
    auto v = intel::normalise_value(k, text, intel_test::plan(), why);
    return v ? v->value : "ERROR: " + why;
}

bool refused(intel_kind k, const std::string& text, const std::string& why_contains = "") {
    std::string why;
    auto v = intel::normalise_value(k, text, intel_test::plan(), why);
    if (v) return false;
    CHECK_MESSAGE(why.find(why_contains) != std::string::npos, why);
    return true;
}

}  // namespace

TEST_CASE("numbers: national, + and 00 forms are one E.164 entry") {
    CHECK(norm(intel_kind::number, "0912345678") == "+84912345678");
    CHECK(norm(intel_kind::number, "+84912345678") == "+84912345678");
    CHECK(norm(intel_kind::number, "0084912345678") == "+84912345678");
    CHECK(norm(intel_kind::number, " 091 234 5678 ") == "+84912345678");
    CHECK(norm(intel_kind::number, "+12025550123") == "+12025550123");
    CHECK(refused(intel_kind::number, "VCB", "brandname"));
    CHECK(refused(intel_kind::number, "113", "short codes cannot"));
    CHECK(refused(intel_kind::number, "09x2", "not a phone number"));
    CHECK(refused(intel_kind::number, "", "empty"));
}

TEST_CASE("number prefixes: + or 00 and the country code, or the national form") {
    CHECK(norm(intel_kind::number_prefix, "+84190") == "+84190");
    CHECK(norm(intel_kind::number_prefix, "0084190") == "+84190");
    CHECK(norm(intel_kind::number_prefix, "0190") == "+84190");
    CHECK(norm(intel_kind::number_prefix, "+881") == "+881");
    CHECK(refused(intel_kind::number_prefix, "84190", "+<country code>"));
    CHECK(refused(intel_kind::number_prefix, "+84a9", "only digits"));
    CHECK(refused(intel_kind::number_prefix, "+1234567890123456", "1 to 15"));
}

TEST_CASE("domains: lower-case registered domains, IDNA like sms.domains, subdomains refused") {
    CHECK(norm(intel_kind::domain, "VCB-Secure.TOP") == "vcb-secure.top");
    CHECK(norm(intel_kind::domain, "vcb-secure.top.") == "vcb-secure.top");
    CHECK(norm(intel_kind::domain, "example.com.vn") == "example.com.vn");
    // A Cyrillic а in a look-alike: the Punycode form sms.domains gives.
    CHECK(norm(intel_kind::domain, "Vietcomb\xD0\xB0nk.com") == "xn--vietcombnk-6qi.com");
    CHECK(norm(intel_kind::domain, "203.0.113.7") == "203.0.113.7");
    CHECK(refused(intel_kind::domain, "login.vcb-secure.top", "list 'vcb-secure.top'"));
    CHECK(refused(intel_kind::domain, "https://vcb-secure.top", "no scheme"));
    CHECK(refused(intel_kind::domain, "com.vn", "public suffix"));
    CHECK(refused(intel_kind::domain, "localhost", "two labels"));
    CHECK(refused(intel_kind::domain, "a..b.com", "empty label"));
    CHECK(refused(intel_kind::domain, ".example.com", "empty label"));
    CHECK(refused(intel_kind::domain, "-bad-.com", "the label '-bad-' begins or ends with '-'"));
    CHECK(refused(intel_kind::domain, "bad-.example.com", "begins or ends with '-'"));
    // A name no SMS link is read with would never match: an emoji is no letter of a link's host.
    CHECK(refused(intel_kind::domain, "\xF0\x9F\x98\x80.com", "would never match"));
    CHECK(norm(intel_kind::domain, "xn--e28h.com") == "xn--e28h.com");  // a link can write that form
    CHECK(norm(intel_kind::domain, "b\xC3\xBC" "cher.de") == "xn--bcher-kva.de");
}

TEST_CASE("URLs: one URL, keyed without scheme and fragment, host lower-cased") {
    CHECK(norm(intel_kind::url, "https://VCB-Secure.top/Login?x=1#top") == "vcb-secure.top/Login?x=1");
    CHECK(norm(intel_kind::url, "bit.ly/3xScam") == "bit.ly/3xScam");
    CHECK(norm(intel_kind::url, "hxxps://bit[.]ly/3xScam") == "bit.ly/3xScam");
    CHECK(norm(intel_kind::url, "http://example.com/") == "example.com");
    CHECK(norm(intel_kind::url, "http://[2001:DB8::1]:8080/x") == "[2001:db8::1]:8080/x");
    CHECK(norm(intel_kind::url, "https://bit.l/yZ") == "bit.l/yZ");
    CHECK(norm(intel_kind::url, "https://bit.l/yZ") == norm(intel_kind::url, "https://" + norm(intel_kind::url, "https://bit.l/yZ")));
    std::string key;
    engine::text::url_key("HTTP://Bit.LY/3xScam", key);
    CHECK(key == "bit.ly/3xScam");
    CHECK(refused(intel_kind::url, "not a url", "not one URL"));
    CHECK(refused(intel_kind::url, "https://a.example/x https://b.example/y", "a space"));
    // A path with a non-ASCII character would stand for the link cut there (shop.vn/khuy),
    // which blocks every page whose path begins so; percent-encoded it is one page.
    CHECK(refused(intel_kind::url, "https://shop.vn/khuy\xE1\xBA\xBFn-m\xC3\xA3i", "would be read as 'https://shop.vn/khuy'"));
    CHECK(refused(intel_kind::url, "https://x.com/\xC3\xA4", "percent-encoded"));
    CHECK(norm(intel_kind::url, "https://shop.vn/khuy%E1%BA%BFn") == "shop.vn/khuy%E1%BA%BFn");
    CHECK(norm(intel_kind::url, "https://b\xC3\xBC" "cher.de/a") == "xn--bcher-kva.de/a");  // a non-ASCII host is fine
    // Ports: a number from 1 to 65535, or none at all.
    for (const char* bad : {"https://x.com:99999/", "https://x.com:abc/", "https://x.com:-1/", "https://x.com:0/"})
        CHECK(refused(intel_kind::url, bad, "is not a port"));
    CHECK(norm(intel_kind::url, "https://x.com:8443/") == "x.com:8443");
    CHECK(norm(intel_kind::url, "shop.vn:/") == "shop.vn");
    CHECK(norm(intel_kind::url, "https://user:pw@evil.top/x") == "evil.top/x");
    CHECK(norm(intel_kind::url, "https://x.example:8443/") == "x.example:8443");
    // Read as the SMS reader reads them: defanged schemes, an IPv6 literal with a port, a
    // query holding "://", a non-ASCII fragment (the key drops it).
    CHECK(norm(intel_kind::url, "hxxps[:]//evil(.)com/a") == "evil.com/a");
    CHECK(norm(intel_kind::url, "https://[2001:db8::1]:8443/x") == "[2001:db8::1]:8443/x");
    CHECK(norm(intel_kind::url, "https://shop.vn/go?u=http://a.vn:x") == "shop.vn/go?u=http://a.vn:x");
    CHECK(norm(intel_kind::url, "https://shop.vn/a#m\xE1\xBB\xA5" "c") == "shop.vn/a");
    CHECK(refused(intel_kind::url, "evil.top:99999/r?u=https://x", "is not a port"));
}

TEST_CASE("IPs: addresses and CIDR ranges, v4 and v6, in inet_ntop form") {
    CHECK(norm(intel_kind::ip, "203.0.113.7") == "203.0.113.7");
    CHECK(norm(intel_kind::ip, "203.0.113.7/32") == "203.0.113.7");
    CHECK(norm(intel_kind::ip, "203.0.113.0/24") == "203.0.113.0/24");
    CHECK(norm(intel_kind::ip, "2001:DB8:0:0::1") == "2001:db8::1");
    CHECK(norm(intel_kind::ip, "2001:db8::/32") == "2001:db8::/32");
    CHECK(norm(intel_kind::ip, "::ffff:203.0.113.0/120") == "203.0.113.0/24");
    CHECK(refused(intel_kind::ip, "203.0.113.7/24", "203.0.113.0/24"));
    CHECK(refused(intel_kind::ip, "203.0.113.0/33", "0-32"));
    CHECK(refused(intel_kind::ip, "010.1.1.1", "not an IPv4"));
    CHECK(refused(intel_kind::ip, "1.2.3.4/", "prefix length"));
    // A sign is no prefix length ("/-24" was read as none: one address instead of a range).
    CHECK(refused(intel_kind::ip, "1.2.3.0/-24", "prefix length"));
    CHECK(refused(intel_kind::ip, "2001:db8::/-1", "prefix length"));
    CHECK(refused(intel_kind::ip, "1.2.3.0/+24", "prefix length"));
}

TEST_CASE("bank accounts: CODE:digits or digits, as sms.bank_accounts writes them") {
    std::string why;
    auto v = intel::normalise_value(intel_kind::bank_account, "vcb: 0011.00.4012345", intel_test::plan(), why);
    REQUIRE(v);
    CHECK(v->value == "VCB:0011004012345");
    CHECK(v->bank_code == "VCB");
    CHECK(norm(intel_kind::bank_account, "1903 5678 9012") == "190356789012");
    CHECK(refused(intel_kind::bank_account, "12345", "6 to 19"));
    CHECK(refused(intel_kind::bank_account, "V C B:0011004012345", "letters and digits"));
    CHECK(refused(intel_kind::bank_account, "VCB:00110040x2345", "digits"));
    // A bank's name is its code, as the SMS reader writes it; a code it never writes is refused.
    CHECK(norm(intel_kind::bank_account, "Vietcombank:9988776655") == "VCB:9988776655");
    CHECK(norm(intel_kind::bank_account, "techcombank: 1903 5678 9012") == "TCB:190356789012");
    CHECK(norm(intel_kind::bank_account, "CTG:9988776655") == "ICB:9988776655");
    for (const char* code : {"DOB", "SGICB", "GPB", "SHBVN", "WVN", "SCVN", "VIETBANK"})  // codes with no word of their own
        CHECK(norm(intel_kind::bank_account, std::string(code) + ":0011004012345") == std::string(code) + ":0011004012345");
    CHECK(refused(intel_kind::bank_account, "ABC:123456", "'ABC' is no bank the SMS reader knows"));
    CHECK(refused(intel_kind::bank_account, "MBX:123456", "no bank"));
}
