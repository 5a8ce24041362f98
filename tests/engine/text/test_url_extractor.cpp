// extract_urls and url_host: scheme, www and bare-domain URLs, the defanged forms, where a
// URL ends, and the words that must not be taken for domains.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/text/tld_list.hpp"
#include "engine/text/url_extractor.hpp"
#include "text_test_support.hpp"

using ringfence::engine::text::extract_urls;
using ringfence::engine::text::url_host;

namespace {

std::vector<std::string> urls(std::string_view text) {
    std::vector<std::string> out;
    extract_urls(text, out);
    return out;
}

using list = std::vector<std::string>;

}  // namespace

TEST_CASE("extract_urls: scheme URLs in any case, ending at whitespace and trailing punctuation") {
    CHECK(urls("Nạp thẻ tại https://viettel.vn/naptienkm . Chi tiết") ==
          list{"https://viettel.vn/naptienkm"});
    CHECK(urls("Xem HTTPS://VCB.COM.VN/Login, roi nhap OTP.") == list{"https://VCB.COM.VN/Login"});
    CHECK(urls("link:http://chutjf.space/r/Dbc8O0iBQe LH") ==
          list{"http://chutjf.space/r/Dbc8O0iBQe"});
    CHECK(urls("(https://a.example/x?y=1&z=2#frag).") == list{"https://a.example/x?y=1&z=2#frag"});
    CHECK(urls("wiki https://en.wikipedia.org/wiki/Phishing_(fraud)!") ==
          list{"https://en.wikipedia.org/wiki/Phishing_(fraud)"});
    CHECK(urls("\"https://x.vn/a\";'https://y.vn/b'") == list{"https://x.vn/a", "https://y.vn/b"});
    CHECK(urls("truy cập:https://dx.gov.vn.") == list{"https://dx.gov.vn"});
    CHECK(urls("Chi tiet.https://x.vn/a") == list{"https://x.vn/a"});
    CHECK(urls("http://203.0.113.7:8080/login http://[2001:db8::1]/x") ==
          list{"http://203.0.113.7:8080/login", "http://[2001:db8::1]/x"});
    CHECK(urls("https://tài-khoản.vn/xác") == list{"https://tài-khoản.vn/x"});
    CHECK(urls("https:// nothing http:// here https://") == list{});
}

TEST_CASE("extract_urls: defanged forms are refanged") {
    CHECK(urls("hxxp://vcb-secure[.]top/xacthuc") == list{"http://vcb-secure.top/xacthuc"});
    CHECK(urls("HXXPS[:]//evil(.)com/a") == list{"https://evil.com/a"});
    CHECK(urls("see example[.]com and vcb(.)top/login or x{.}tk, y[dot]xyz") ==
          list{"example.com", "vcb.top/login", "x.tk", "y.xyz"});
    CHECK(urls("example . com is not a domain") == list{});
}

TEST_CASE("extract_urls: a dot percent-encoded in a scheme URL's host is a dot, as a browser reads it") {
    CHECK(urls("Xac thuc tai http://vcb%2Ecom%2Evn-secure%2etop/login ngay") == list{"http://vcb.com.vn-secure.top/login"});
    CHECK(urls("https://evil%2Etop") == list{"https://evil.top"});
    // In the path it stays as written; without a scheme it is no link.
    CHECK(urls("https://evil.top/a%2Eb") == list{"https://evil.top/a%2Eb"});
    CHECK(urls("evil%2Etop/login") == list{});
    CHECK(urls("http://nodot%2") == list{});
    // Letters and digits percent-encoded in the host read as themselves; other escapes stay.
    CHECK(urls("https://vietc%6Fmbank%2Ecom%2Evn%2Eevil%2Etop/x") == list{"https://vietcombank.com.vn.evil.top/x"});
    CHECK(urls("https://%76cb.evil.top") == list{"https://vcb.evil.top"});
    CHECK(urls("https://a%2E") == list{});
    CHECK(urls("https://%2E%2E") == list{});
    CHECK(urls("https://evil%20x.top") == list{"https://evil%20x.top"});  // as written, as before
}

TEST_CASE("extract_urls: dots written before a scheme URL's host are passed over, the host is the name after them") {
    CHECK(urls("https://%2Eevil.top/x") == list{"https://evil.top/x"});
    CHECK(urls("https://.evil.top/x") == list{"https://evil.top/x"});
    CHECK(urls("Vao ngay http://..%2e%2Evcb-secure%2Etop/login") == list{"http://vcb-secure.top/login"});
    CHECK(urls("https://%2E%2E") == list{});
    CHECK(urls("https://. evil.top") == list{"evil.top"});  // no host after the dot: the bare domain, as without it
}

TEST_CASE("extract_urls: www forms keep what was written") {
    CHECK(urls("Truy cap www.vietcombank.com.vn de biet them.") == list{"www.vietcombank.com.vn"});
    CHECK(urls("WWW.Example.Museum/path?x") == list{"WWW.Example.Museum/path?x"});
    CHECK(urls("www.localhost") == list{});
}

TEST_CASE("extract_urls: bare domains need a known TLD, and a path or to stand alone") {
    CHECK(urls("Vao ngay vcb-secure.top/xacthuc de nhan qua") == list{"vcb-secure.top/xacthuc"});
    CHECK(urls("t.ly/PDAB CV bit.ly/abc") == list{"t.ly/PDAB", "bit.ly/abc"});
    CHECK(urls("VAO c19.kwin668.com  hPNNO") == list{"c19.kwin668.com"});
    CHECK(urls("Hoan Tra. jccT4Pv.Gezne.de yLI") == list{"jccT4Pv.Gezne.de"});
    CHECK(urls("BTEC btec.fpt.edu.vn/r/du 7800739998") == list{"btec.fpt.edu.vn/r/du"});
    CHECK(urls("TS25.ut.edu.vn rà soát") == list{"TS25.ut.edu.vn"});
    CHECK(urls("LH telegram : t.me/haykhum minh") == list{"t.me/haykhum"});
    CHECK(urls("ho tro: go.cps.onl/2n3tbjwe .") == list{"go.cps.onl/2n3tbjwe"});
    CHECK(urls("vcb-secure.top:8443") == list{"vcb-secure.top:8443"});
    CHECK(urls("203.0.113.7/login and 10.0.0.1 alone") == list{"203.0.113.7/login"});
}

TEST_CASE("extract_urls: words that only look like domains are skipped") {
    CHECK(urls("Sieu Sale 9.9 ket thuc, ty le 1.4, ngay 23.08.2024, 1.000.000đ") == list{});
    CHECK(urls("I am at home.It was late. Tp.HCM, Q.1, A.I, v.v.") == list{});
    CHECK(urls("pick up in car.so no problem, my message.it k, UP 2.IM IN, c u soon.xxx") ==
          list{});
    CHECK(urls("but t.me/x, zalo.me/g/abc and drwhcP.GeqrE.me stay") ==
          list{"t.me/x", "zalo.me/g/abc", "drwhcP.GeqrE.me"});
    CHECK(urls("http://wap. xxxmobilemovieclub.com?n=QJKGIGHJJGCBL") ==
          list{"xxxmobilemovieclub.com?n=QJKGIGHJJGCBL"});
    CHECK(urls("email me: nguyen.van.a@gmail.com") == list{});
    CHECK(urls("file anh.jpg or setup.exe") == list{});
    CHECK(urls("256.1.1.1/x 1.2.3/x") == list{});
    CHECK(urls("") == list{});
}

TEST_CASE("extract_urls: existing strings in out are reused and extra ones dropped") {
    std::vector<std::string> out{"old", "older", "oldest"};
    extract_urls("a https://x.vn b", out);
    CHECK(out == list{"https://x.vn"});
}

TEST_CASE("url_host: scheme, user info, port, path and IPv6 brackets are removed") {
    CHECK(url_host("https://user:pw@Secure.VCB.com.vn:8443/a?b#c") == "Secure.VCB.com.vn");
    CHECK(url_host("vcb-secure.top/xacthuc?u=http://x") == "vcb-secure.top");
    CHECK(url_host("http://[2001:db8::1]:80/x") == "2001:db8::1");
    CHECK(url_host("www.vietcombank.com.vn") == "www.vietcombank.com.vn");
    CHECK(url_host("http://www.vcb.com.vn@evil.top/") == "evil.top");
    CHECK(url_host("") == "");
    // A port written twice is still a port: the host is the one a list holds.
    CHECK(url_host("https://evil.top:80:80/x") == "evil.top");
    CHECK(url_host("https://evil.top:8443:/x") == "evil.top");
    CHECK(url_host("a:b:80") == "a:b");
    CHECK(url_host("x.com:abc/p") == "x.com:abc");  // not a port: left for the caller to refuse
}

TEST_CASE("extract_urls: a host after slashes that are not a path's is a link, whatever stands before them") {
    // Another scheme, a scheme-relative link, a colon left out, one slash after a blank: the
    // host is what the reader opens (the scheme is not kept).
    CHECK(urls("Tai khoan bi khoa, vao ftp://vietcombank-xacthuc.top/x") == list{"vietcombank-xacthuc.top/x"});
    CHECK(urls("a //evil.top/x b") == list{"evil.top/x"});
    CHECK(urls("a zalo://evil.top b") == list{"evil.top"});
    CHECK(urls("a https//evil.top/x b") == list{"evil.top/x"});
    CHECK(urls("xem /evil.top/x") == list{"evil.top/x"});
    CHECK(urls("/evil.top") == list{"evil.top"});
    CHECK(urls("a sms:\\\\evil.top b") == list{"evil.top"});
    // One slash after punctuation, a colon or a blank that is no word: a browser opens
    // "https:/evil.top".
    CHECK(urls("(/evil.top)") == list{"evil.top"});
    CHECK(urls("Truy cap:/xacthuc-nganhang.com") == list{"xacthuc-nganhang.com"});
    CHECK(urls("vao https:/evil.top ngay") == list{"evil.top"});
    CHECK(urls("vao https:\\paypal-secure.xyz ngay") == list{"paypal-secure.xyz"});
    CHECK(urls("vao \u3000/evil.top") == list{"evil.top"});
    // One slash after a word is inside that word: no link starts there.
    CHECK(urls("toc do 60km/h.top") == list{});
    CHECK(urls("a/evil.top") == list{});
    CHECK(urls("Vi\u1EC7t/evil.top") == list{});
    // After two slashes the authority may write user info before its host; an "@" without
    // them is an e-mail address's.
    CHECK(urls("vao zalo://vietcombank.com.vn@xacthuc.top/login") == list{"vietcombank.com.vn@xacthuc.top/login"});
    CHECK(urls("a https//user:pw@xacthuc-nganhang.com/login b") == list{"user:pw@xacthuc-nganhang.com/login"});
    CHECK(urls("a //a:b@xacthuc.top b") == list{"a:b@xacthuc.top"});
    CHECK(urls("lien he a.b@gmail.com hoac cskh@vietcombank.com.vn") == list{});
    // An IPv6 literal after two slashes, with or without user info.
    CHECK(urls("a ftp://[2001:db8::1]/x b") == list{"[2001:db8::1]/x"});
    CHECK(urls("a //user:pw@[2001:db8::1]/x b") == list{"user:pw@[2001:db8::1]/x"});
    CHECK(urls("a //[zz::1]/x b") == list{});  // not a literal
    CHECK(url_host("user:pw@[2001:db8::1]/x") == "2001:db8::1");
    // http(s) stays a scheme URL, read whole.
    CHECK(urls("a https://evil.top/x b") == list{"https://evil.top/x"});
}

namespace {

// replace_link_words as first written, a word at a time: each run of non-blanks that holds a
// link's start is the word "link".
std::string replace_link_words_by_word(std::string_view text, const std::vector<std::size_t>& starts) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    std::string out;
    std::size_t next = 0, i = 0;
    while (i < text.size()) {
        if (is_space(text[i])) {
            out.push_back(text[i++]);
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && !is_space(text[end])) ++end;
        while (next < starts.size() && starts[next] < i) ++next;
        out.append(next < starts.size() && starts[next] < end ? std::string_view("link") : text.substr(i, end - i));
        i = end;
    }
    return out;
}

}  // namespace

TEST_CASE("replace_link_words: every short text and every set of link starts gives what a word at a time gave") {
    std::string out;
    std::size_t cases = 0;
    ringfence::test::for_each_short_string(" a\tb", 6, [&](const std::string& text) {
        for (std::size_t mask = 0; mask < (std::size_t{1} << text.size()); ++mask) {
            std::vector<std::size_t> starts;
            for (std::size_t k = 0; k < text.size(); ++k)
                if ((mask >> k & 1) != 0) starts.push_back(k);
            ringfence::engine::text::replace_link_words(text, starts, out);
            if (out != replace_link_words_by_word(text, starts)) FAIL_CHECK("\"" << text << "\" mask " << mask << " gave \"" << out << "\"");
            ++cases;
        }
    });
    CHECK(cases > 100000);
    ringfence::engine::text::replace_link_words("xem https://a.vn/x ngay, hoac evil.top", std::vector<std::size_t>{4, 30}, out);
    CHECK(out == "xem link ngay, hoac link");
}

TEST_CASE("extract_urls: user info before an IPv6 literal keeps the link") {
    CHECK(urls("vao https://user:pw@[2001:db8::1]/x ngay") == list{"https://user:pw@[2001:db8::1]/x"});
    CHECK(urls("vao https://vietcombank.com.vn@[2001:db8::1]/x") == list{"https://vietcombank.com.vn@[2001:db8::1]/x"});
    CHECK(url_host("https://user:pw@[2001:db8::1]/x") == "2001:db8::1");
    // An unclosed literal is no host: no link.
    CHECK(urls("vao https://u@[2001:db8::1 ngay") == list{});
}

namespace {

// url_host written with the library's searches (as it first was, with today's port rule): the
// one-pass version must read every string as it does.
std::string_view url_host_by_searches(std::string_view url) {
    const std::size_t guess = url.find_first_of("/?#");
    const std::size_t scheme = url.find("://");
    if (scheme != std::string_view::npos && scheme < guess) url.remove_prefix(scheme + 3);
    std::string_view authority = url.substr(0, url.find_first_of("/?#"));
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        return close == std::string_view::npos ? authority.substr(1) : authority.substr(1, close - 1);
    }
    if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {  // ":80", ":80:80"
        bool ports = true;
        for (const char c : authority.substr(colon + 1)) ports = ports && ((c >= '0' && c <= '9') || c == ':');
        if (ports) return authority.substr(0, colon);
    }
    if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
        bool port = true;
        for (const char c : authority.substr(colon + 1)) port = port && c >= '0' && c <= '9';
        if (port) authority = authority.substr(0, colon);
    }
    return authority;
}

}  // namespace

TEST_CASE("url_host: every string of up to five bytes from the characters that matter reads as the searches read it") {
    // Every string of length 0-5 over these bytes (8^0 + ... + 8^5 = 37,449), so a scheme, a
    // path, user info and a port meet at every edge.
    const std::size_t checked = ringfence::test::for_each_short_string(":/?#@[]a", 5, [](const std::string& s) {
        const std::string_view got = url_host(s);
        const std::string_view want = url_host_by_searches(s);
        // The same bytes of the same string, not only equal text.
        if (got.data() != want.data() || got.size() != want.size()) FAIL_CHECK("url_host(\"" << s << "\")");
    });
    CHECK(checked == 37449);
    for (const char* u : {"https://a.vn", "HTTP://x.top:80", "a://b", "://x", "x:/y", "hxxp://a.b", "a.b/c://d", "u@h:1/p", "[::1]:5"})
        CHECK(url_host(u) == url_host_by_searches(u));
}

TEST_CASE("is_known_tld: generic, country-code and cheap smishing TLDs, any case") {
    for (const char* tld :
         {"com", "vn", "VN", "Top", "xyz", "icu", "cyou", "sbs", "tk", "gq", "onl", "uk", "eu"})
        CHECK_MESSAGE(ringfence::engine::text::is_known_tld(tld), std::string(tld));
    for (const char* word : {"", "jpg", "exe", "hcm", "v", "c0m", "comcomcomcomcomcom"})
        CHECK_MESSAGE(!ringfence::engine::text::is_known_tld(word), std::string(word));
}

namespace {

// What replace_link_words stands for: each word's URLs extracted on their own.
std::string link_words_one_by_one(std::string_view text) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    std::string out;
    std::vector<std::string> found;
    for (std::size_t i = 0; i < text.size();) {
        if (is_space(text[i])) {
            out.push_back(text[i++]);
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && !is_space(text[end])) ++end;
        extract_urls(text.substr(i, end - i), found);
        out.append(found.empty() ? text.substr(i, end - i) : std::string_view("link"));
        i = end;
    }
    return out;
}

std::string link_words(std::string_view text) {
    std::vector<std::string> found;
    std::vector<std::size_t> starts;
    extract_urls(text, found, starts);
    std::string out;
    ringfence::engine::text::replace_link_words(text, starts, out);
    return out;
}

}  // namespace

TEST_CASE("extract_urls gives where each URL starts as written") {
    std::vector<std::string> found;
    std::vector<std::size_t> starts{99};
    extract_urls("Xem hxxps://a[.]vn/x va www.b.com, c.top/p", found, starts);
    CHECK(found == list{"https://a.vn/x", "www.b.com", "c.top/p"});
    CHECK(starts == std::vector<std::size_t>{4, 24, 35});
}

TEST_CASE("replace_link_words: the words holding a URL read link, as if each word were scanned alone") {
    CHECK(link_words("Truy cap https://a.example.com/p de doi") == "Truy cap link de doi");
    CHECK(link_words("xem.https://a.vn,b.top/x\tkia\r\n(www.c.com)") == "link\tkia\r\nlink");
    CHECK(link_words("no links here. none.") == "no links here. none.");
    CHECK(link_words("") == "");
    // Random texts from pieces that make, break and join URLs: control characters inside
    // words, defanged dots, non-ASCII letters, brackets and trailing punctuation.
    const char* pieces[] = {"a",     "vn",    ".",    "[.]",  "(dot)", "https://", "hxxp://", "www", "com", "top", "/p?x=1",
                            " ",     "\t",    "\n",   "\r",   "\v",    "\x01",     "%2E",     "ví",  "dụ",  "@",   ")",
                            "(",     ",",     "-",    "_",    "203",   "0",        "113",     ":80", "bit", "ly",  "Gezne",
                            "de",    "xn--",  "рф",   "việt", "\xff",  "]",        "2",       "so",  "car", "?",   "#"};
    ringfence::test::xorshift next;
    for (int n = 0; n < 20000; ++n) {
        std::string text;
        const std::size_t count = next() % 14;
        for (std::size_t k = 0; k < count; ++k) text += pieces[next() % std::size(pieces)];
        CAPTURE(text);
        CHECK(link_words(text) == link_words_one_by_one(text));
    }
}

TEST_CASE("extract_urls reads a text as its chunks one by one, wherever a chunk falls in the 16-byte steps") {
    // The scanner finds the chunks between ASCII whitespace and control bytes sixteen bytes at a
    // time and looks closer only at a chunk holding a dot, a bracket or a percent sign: what it
    // finds in a text must be what it finds in each chunk alone, in order. Texts of up to 40
    // pieces, so that chunks start, end and hold their dots on either side of a block's edge.
    const char* pieces[] = {"a",  "vn", ".",    "[.]", "(dot)", "https://", "hxxp://", "www", "com", "top",  "/p?x=1", " ",  "\t",  "\n",
                            "\r", "\v", "\x01", "%2E", "ví",    "dụ",       "@",       ")",   "(",   "{.}",  ",",      "-",  "203", ":80",
                            "bit", "ly", "xn--", "\xff", "]",   "?",        "#",       "x.vn", "evil.top/login", "1.000.000"};
    ringfence::test::xorshift next;
    for (int n = 0; n < 20000; ++n) {
        std::string text;
        const std::size_t count = next() % 40;
        for (std::size_t k = 0; k < count; ++k) text += pieces[next() % std::size(pieces)];
        std::vector<std::string> chunk_by_chunk;
        std::vector<std::string> found;
        for (std::size_t i = 0; i < text.size();) {
            const auto ends_chunk = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
            if (ends_chunk(text[i])) {
                ++i;
                continue;
            }
            std::size_t end = i;
            while (end < text.size() && !ends_chunk(text[end])) ++end;
            extract_urls(std::string_view(text).substr(i, end - i), found);
            chunk_by_chunk.insert(chunk_by_chunk.end(), found.begin(), found.end());
            i = end;
        }
        CAPTURE(text);
        CHECK(urls(text) == chunk_by_chunk);
    }
}
