// The one form URLs are compared in, by URL lists of rule packs and intelligence lists
// alike: the host lower-cased (IDNA for non-ASCII labels), then the port, path and query as
// written; no scheme, no user info, no fragment, no lone "/" path (after a port or before a
// query too); a port by its value ("0443" is 443), and none for 80 and 443, the web's own
// (the key has no scheme to tell them apart), nor for an empty one ("x:/").
// "https://VCB-Secure.top/Login?x=1#top" -> "vcb-secure.top/Login?x=1". A URL written
// without its scheme ("vcb-secure.top/Login?x=1") has the same key. out is reused; it is
// left empty when the URL has no host.
#pragma once

#include <string>
#include <string_view>

namespace ringfence::engine::text {

void url_key(std::string_view url, std::string& out);

}  // namespace ringfence::engine::text
