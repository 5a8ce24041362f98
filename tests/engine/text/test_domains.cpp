// Punycode, host_to_ascii, registered_domain, unfold_lookalike and collect_sms_domains:
// RFC 3492 vectors, IDN hosts, the public-suffix cases (Vietnam, the region, hosting
// platforms), IP literals, and look-alike skeletons of brand domains.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/text/idna.hpp"
#include "engine/text/lookalike.hpp"
#include "engine/text/public_suffix.hpp"
#include "engine/text/punycode.hpp"
#include "engine/text/sms_domains.hpp"
#include "text_test_support.hpp"

using namespace ringfence::engine::text;

namespace {

std::string encode(std::u32string_view in) {
    std::string out;
    REQUIRE(punycode_encode(in, out));
    return out;
}

std::u32string decode(std::string_view in) {
    std::u32string out;
    REQUIRE(punycode_decode(in, out));
    return out;
}

std::string ascii_host(std::string_view host) {
    std::string out;
    REQUIRE(host_to_ascii(host, out));
    return out;
}

}  // namespace

TEST_CASE("punycode: RFC 3492 sample strings and IDN labels, both ways") {
    CHECK(encode(U"bücher") == "bcher-kva");
    CHECK(encode(U"他们为什么不说中文") == "ihqwcrb4cv8a8dqg056pqjye");
    CHECK(encode(U"TạisaohọkhôngthểchỉnóitiếngViệt") ==
          "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g");
    CHECK(encode(U"ngânhàng") == "ngnhng-ltan");
    CHECK(encode(U"тест") == "e1aybc");
    CHECK(encode(U"abc") == "abc-");
    CHECK(encode(U"") == "");
    CHECK(decode("bcher-kva") == U"bücher");
    CHECK(decode("ihqwcrb4cv8a8dqg056pqjye") == U"他们为什么不说中文");
    CHECK(decode("TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g") ==
          U"TạisaohọkhôngthểchỉnóitiếngViệt");
    CHECK(decode("E1AYBC") == U"тест");  // digits in either case
}

TEST_CASE("punycode: malformed input is a false return") {
    std::u32string out;
    CHECK_FALSE(punycode_decode("bcher-kv!", out));    // not a digit
    CHECK_FALSE(punycode_decode("99999999999", out));  // overflow
    CHECK_FALSE(punycode_decode("ü-abc", out));        // non-ASCII basic part
    std::string s;
    CHECK_FALSE(punycode_encode(std::u32string(1, static_cast<char32_t>(0xD800)), s));
}

TEST_CASE("host_to_ascii: lower case, no trailing dot, xn-- for non-ASCII labels") {
    CHECK(ascii_host("bücher.example") == "xn--bcher-kva.example");
    CHECK(ascii_host("BÜCHER.Example.") == "xn--bcher-kva.example");
    CHECK(ascii_host("Secure.VCB.com.vn") == "secure.vcb.com.vn");
    CHECK(ascii_host("vietcombаnk.com") == "xn--vietcombnk-6qi.com");  // Cyrillic а
    CHECK(ascii_host("ＶＣＢ。com") == "vcb.com");  // full width, ideographic stop
    CHECK(ascii_host("ngân\xE2\x80\x8Bhàng.vn") ==
          "xn--ngnhng-ltan.vn");  // zero-width space removed
    CHECK(ascii_host("ТЕСТ.рф") == "xn--e1aybc.xn--p1ai");
    // The Kelvin sign is k to a browser (UTS #46): \u212Aenh14.vn opens kenh14.vn.
    CHECK(ascii_host("\u212Aenh14.vn") == "kenh14.vn");
    std::string out;
    CHECK_FALSE(
        host_to_ascii("b\xFF"
                      "cher.example",
                      out));
}

TEST_CASE("registered_domain: Vietnamese second-level and provincial suffixes") {
    CHECK(registered_domain("secure.vietcombank.com.vn") == "vietcombank.com.vn");
    CHECK(registered_domain("vietcombank.com.vn") == "vietcombank.com.vn");
    CHECK(registered_domain("dx.gov.vn") == "dx.gov.vn");
    CHECK(registered_domain("btec.fpt.edu.vn") == "fpt.edu.vn");
    CHECK(registered_domain("TS25.ut.edu.vn") == "ut.edu.vn");
    CHECK(registered_domain("a.b.net.vn") == "b.net.vn");
    for (const char* s : {"org", "biz", "info", "name", "pro", "health", "ac", "int", "id", "io"})
        CHECK(registered_domain(std::string("x.y.") + s + ".vn") == std::string("y.") + s + ".vn");
    CHECK(registered_domain("portal.sotttt.hanoi.vn") == "sotttt.hanoi.vn");
    CHECK(registered_domain("x.thanhphohochiminh.vn") == "x.thanhphohochiminh.vn");
    CHECK(registered_domain("km.vnptmoney.vn") == "vnptmoney.vn");
    CHECK(registered_domain("viettel.vn") == "viettel.vn");
}

TEST_CASE("registered_domain: common second levels elsewhere") {
    CHECK(registered_domain("www.bbc.co.uk") == "bbc.co.uk");
    CHECK(registered_domain("a.b.com.au") == "b.com.au");
    CHECK(registered_domain("shop.taobao.com.cn") == "taobao.com.cn");
    CHECK(registered_domain("x.dbs.com.sg") == "dbs.com.sg");
    CHECK(registered_domain("x.maybank.com.my") == "maybank.com.my");
    CHECK(registered_domain("x.scb.co.th") == "scb.co.th");
    CHECK(registered_domain("x.aba.com.kh") == "aba.com.kh");
    CHECK(registered_domain("x.bdo.com.ph") == "bdo.com.ph");
    CHECK(registered_domain("x.bca.co.id") == "bca.co.id");
    CHECK(registered_domain("x.itau.com.br") == "itau.com.br");
    CHECK(registered_domain("x.example.uk") == "example.uk");  // default rule: any TLD
    CHECK(registered_domain("a.b.c.unknowntld") == "c.unknowntld");
}

TEST_CASE("registered_domain: hosting platforms keep the owner's subdomain") {
    CHECK(registered_domain("vcb-login.blogspot.com") == "vcb-login.blogspot.com");
    CHECK(registered_domain("x.vcb-login.github.io") == "vcb-login.github.io");
    for (const char* p : {"web.app", "firebaseapp.com", "vercel.app", "netlify.app", "pages.dev",
                          "workers.dev", "herokuapp.com", "ngrok.io", "ngrok-free.app", "glitch.me",
                          "weebly.com", "wixsite.com", "translate.goog"})
        CHECK(registered_domain(std::string("a.scam.") + p) == std::string("scam.") + p);
    CHECK(registered_domain("blogspot.com") == "blogspot.com");  // a suffix itself comes back whole
    CHECK(registered_domain("com.vn") == "com.vn");
    CHECK(registered_domain("localhost") == "localhost");
}

TEST_CASE("registered_domain: normalisation, IDN and IP literals") {
    CHECK(registered_domain("WWW.VCB.COM.VN.") == "vcb.com.vn");
    CHECK(registered_domain("m.bücher.example") == "xn--bcher-kva.example");
    CHECK(registered_domain("secure.vietcombаnk.com") == "xn--vietcombnk-6qi.com");
    CHECK(registered_domain("203.0.113.7") == "203.0.113.7");
    CHECK(registered_domain("2001:DB8::1") == "2001:db8::1");
    CHECK(registered_domain("[2001:db8::1]") == "2001:db8::1");
    CHECK(registered_domain("") == "");
    CHECK(registered_domain("bad\xFF.com") == "");
    CHECK(public_suffix_length("a.com.vn") == 6);
    CHECK(public_suffix_length("a.vn") == 2);
    CHECK(public_suffix_length("com.vn") == 6);
    CHECK(public_suffix_length("") == 0);
}

TEST_CASE("unfold_lookalike: homoglyphs, accents and digit confusables give the brand skeleton") {
    CHECK(unfold_lookalike("xn--vietcombnk-6qi.com") ==
          "vietcombank.com");                                         // Cyrillic а, from punycode
    CHECK(unfold_lookalike("vietcombаnk.com") == "vietcombank.com");  // the same, from UTF-8
    CHECK(unfold_lookalike("xn--vietcombnk-lj3e.com") == "vietcombank.com");  // ạ
    CHECK(unfold_lookalike("vietc0mbank.com.vn") == "vietcombank.com.vn");
    CHECK(unfold_lookalike("paypa1.com") == "paypal.com");
    CHECK(unfold_lookalike("5acom3ank.vn") == "sacomeank.vn");
    CHECK(unfold_lookalike("rnbbank.com.vn") == "mbbank.com.vn");
    CHECK(unfold_lookalike("vvebsite.top") == "website.top");
    CHECK(unfold_lookalike("ΑΡΡLE.com") == "apple.com");  // Greek capitals
    CHECK(unfold_lookalike("ѕһоpее.vn") == "shopee.vn");  // Cyrillic ѕ һ о е
    CHECK(unfold_lookalike("1400.vn") == "1400.vn");      // an all-digit label stays
    CHECK(unfold_lookalike("VietcomBank.COM") == "vietcombank.com");
    // тест.рф: т е с т read as Latin t e c t; ф has no Latin twin, so рф stays an IDN label.
    CHECK(unfold_lookalike("xn--e1aybc.xn--p1ai") == "tect.xn--p-eub");
    CHECK(unfold_lookalike("xn--!!.com") == "xn--!!.com");  // malformed punycode kept
    // The letter readings of the digits: also 4 a, 6 b, 7 t, 8 b, 9 g, and 1 as l or as i,
    // in a label of three letters or more.
    using ringfence::engine::text::digit_reading;
    CHECK(unfold_lookalike("b1dv-secure.top", digit_reading::letters_i) == "bidv-secure.top");
    CHECK(unfold_lookalike("b1dv-secure.top", digit_reading::letters_l) == "bldv-secure.top");
    CHECK(unfold_lookalike("b1dv-secure.top") == "bldv-secure.top");
    CHECK(unfold_lookalike("vietcom6ank.com.vn", digit_reading::letters_l) == "vietcombank.com.vn");
    CHECK(unfold_lookalike("vietcom8ank.com.vn", digit_reading::letters_i) == "vietcombank.com.vn");
    CHECK(unfold_lookalike("4gr1bank.vn", digit_reading::letters_i) == "agribank.vn");
    CHECK(unfold_lookalike("p4ypa1.com", digit_reading::letters_l) == "paypal.com");  // both kinds of digit in one name
    CHECK(unfold_lookalike("1400.vn", digit_reading::letters_i) == "1400.vn");
    // A short name keeps the usual reading: "tp8" is no "tpb", "ac8" no "acb".
    CHECK(unfold_lookalike("tp8.vn", digit_reading::letters_l) == "tp8.vn");
    CHECK(unfold_lookalike("ac8.com.vn", digit_reading::letters_i) == "ac8.com.vn");
}

TEST_CASE("latin_homoglyph: every listed Cyrillic and Greek look-alike, either case") {
    const std::u32string glyphs = U"άέίαβεζηικνορτυχωόύавекмнорстухьѐёѕіїјћѡѵһӏԁԛԝ";
    const std::string latin = "aeiabeznikvoptuxwouabekmhopctyxbeesiijhwvhldqw";
    REQUIRE(glyphs.size() == latin.size());
    for (std::size_t k = 0; k < glyphs.size(); ++k) CHECK(latin_homoglyph(glyphs[k]) == latin[k]);
    CHECK(latin_homoglyph(U'А') == 'a');  // Cyrillic capital
    CHECK(latin_homoglyph(U'Ρ') == 'p');  // Greek capital
    CHECK(latin_homoglyph(U'a') == 0);    // Latin itself
    CHECK(latin_homoglyph(U'ф') == 0);
    CHECK(latin_homoglyph(U'λ') == 0);
}

TEST_CASE("collect_sms_domains: registered domain, then its skeleton when different, each once") {
    const std::vector<std::string> urls{"https://secure.vietc0mbank.com.vn/x",
                                        "http://vietc0mbank.com.vn/y",
                                        "https://vcb.com.vn",
                                        "hxxp://ignored",
                                        "http://203.0.113.7/a",
                                        "http://[2001:db8::1]/x",
                                        "https://secure.vietcombаnk.com/"};
    std::vector<std::string> out{"stale"};
    collect_sms_domains(urls, out);
    const std::vector<std::string> expected{
        "vietc0mbank.com.vn", "vietcombank.com.vn",     "vcb.com.vn",     "ignored", "203.0.113.7",
        "2001:db8::1",        "xn--vietcombnk-6qi.com", "vietcombank.com"};
    CHECK(out == expected);
}

TEST_CASE("collect_sms_domains: digits read as letters give their skeletons in sms.lookalike_domains only") {
    std::vector<std::string> out, lookalikes;
    collect_sms_domains(std::vector<std::string>{"https://b1dv-xacthuc.top/login", "http://kenh14.vn/a", "https://vcb.com.vn", "https://tp8.vn"},
                        out, nullptr, &lookalikes);
    // sms.domains: as written and the usual skeleton, so a list (or `except`) on the written
    // domain keeps matching it.
    CHECK(out == std::vector<std::string>{"b1dv-xacthuc.top", "bldv-xacthuc.top", "kenh14.vn", "kenhl4.vn", "vcb.com.vn", "tp8.vn"});
    CHECK(lookalikes == std::vector<std::string>{"bldv-xacthuc.top", "bidv-xacthuc.top", "kenhl4.vn", "kenhla.vn", "kenhia.vn"});
}

TEST_CASE("collect_sms_domains: every list is replaced, longer and shorter than the last message's, duplicates once") {
    std::vector<std::string> out, written, lookalikes, hosts;
    collect_sms_domains(std::vector<std::string>{"https://b1dv-xacthuc.top/a", "https://x.vietcombank.com.vn@evil.top/b", "http://a.example.org"}, out,
                        &written, &lookalikes, &hosts);
    CHECK(out.size() == 4);
    CHECK(hosts.size() == 4);  // b1dv-xacthuc.top is there as written and as bldv-xacthuc.top
    // A second message with one link: the lists hold only what it gives, the first's gone.
    collect_sms_domains(std::vector<std::string>{"https://evil.top/x", "https://EVIL.top/y"}, out, &written, &lookalikes, &hosts);
    CHECK(out == std::vector<std::string>{"evil.top"});
    CHECK(written == std::vector<std::string>{"evil.top"});
    CHECK(lookalikes.empty());
    CHECK(hosts == std::vector<std::string>{"evil.top"});
    // User info written after other slashes than http(s)'s is in sms.hosts as after them.
    collect_sms_domains(std::vector<std::string>{"vietcombank.com.vn@xacthuc.top/login"}, out, &written, &lookalikes, &hosts);
    CHECK(out == std::vector<std::string>{"xacthuc.top"});
    CHECK(hosts == std::vector<std::string>{"vietcombank.com.vn@xacthuc.top"});
    // And one with none.
    collect_sms_domains(std::vector<std::string>{}, out, &written, &lookalikes, &hosts);
    CHECK((out.empty() && written.empty() && lookalikes.empty() && hosts.empty()));
}

TEST_CASE("unfold_lookalike: an ASCII label read on bytes gives what the code-point path gives") {
    // A zero-width space (dropped as the code-point path reads a label) sends the same label
    // down that path; without it, the label is plain ASCII and read on bytes.
    const std::string zwsp = "\xE2\x80\x8B";
    const char* labels[] = {"vietc0mbank", "VIETCORNBANK", "vietcom6ank", "p4ypa1", "b1dv", "tp8", "ac8", "rnrn", "vvv", "12345",
                            "a1", "x-9z", "m0m0", "rn0", "shopee", "abc_1", "OnE"};
    for (const digit_reading d : {digit_reading::usual, digit_reading::letters_l, digit_reading::letters_i})
        for (const char* label : labels) {
            const std::string host = std::string(label) + ".example.vn";
            const std::string slow = std::string(label) + zwsp + ".example.vn";
            INFO(label << " reading " << static_cast<int>(d));
            CHECK(unfold_lookalike(host, d) == unfold_lookalike(slow, d));
        }
    CHECK(unfold_lookalike("vietc0mbank.corn.vn", digit_reading::usual) == "vietcombank.com.vn");
}
