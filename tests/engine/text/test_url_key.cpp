// url_key: the one form URL lists and sms.urls are compared in. Two ways of writing one URL
// must give one key, or a listed URL is missed by leaving off a slash or naming the port.
#include <doctest/doctest.h>

#include <string>

#include "engine/text/url_key.hpp"

using ringfence::engine::text::url_key;

namespace {
std::string key_of(std::string_view url) {
    std::string out;
    url_key(url, out);
    return out;
}
}  // namespace

TEST_CASE("url_key: a lone '/' path is dropped, after a port and before a query too") {
    CHECK(key_of("https://foo.example/") == "foo.example");
    CHECK(key_of("https://foo.example:8443/") == "foo.example:8443");
    CHECK(key_of("https://foo.example:8443") == "foo.example:8443");
    CHECK(key_of("http://user:pw@Example.com:8080/") == "example.com:8080");
    CHECK(key_of("https://foo.example/?id=7") == "foo.example?id=7");
    CHECK(key_of("https://foo.example?id=7") == "foo.example?id=7");
    CHECK(key_of("https://foo.example:8443/?id=7#top") == "foo.example:8443?id=7");
    CHECK(key_of("https://foo.example/a/") == "foo.example/a/");  // only a lone slash
}

TEST_CASE("url_key: a port by its value, none for the web's own 80 and 443 or an empty one") {
    CHECK(key_of("https://foo.example:443/login") == "foo.example/login");
    CHECK(key_of("http://foo.example:80/login") == "foo.example/login");
    CHECK(key_of("HTTPS://Foo.Example:443") == "foo.example");
    CHECK(key_of("hxxps://foo.example:443/x") == "foo.example/x");
    // The key has no scheme: 80 and 443 go whatever the scheme said, or with none.
    CHECK(key_of("http://foo.example:443/login") == "foo.example/login");
    CHECK(key_of("foo.example:443/login") == "foo.example/login");
    // Written to slip past a list: an empty port, leading zeros.
    CHECK(key_of("https://bit.ly:/scam1") == "bit.ly/scam1");
    CHECK(key_of("https://bit.ly:0443/scam1") == "bit.ly/scam1");
    CHECK(key_of("https://bit.ly:08443/scam1") == "bit.ly:8443/scam1");
    CHECK(key_of("https://[2001:db8::1]:443/x") == "[2001:db8::1]/x");
    CHECK(key_of("https://[2001:db8::1]:8443/") == "[2001:db8::1]:8443");
    // A port written again is the first one's: one key for the link however often it is.
    CHECK(key_of("https://evil.top:80:80/x") == "evil.top/x");
    CHECK(key_of("https://evil.top:8443:80/x") == "evil.top:8443/x");
}
