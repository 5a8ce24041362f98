// ringfence state show|reset KEY: inspect or clear the window state of one subject (a
// number, an IP…) in the running daemon, through its control socket. A reset is audited in
// the daemon's log with the caller's uid.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "app/daemon_config.hpp"
#include "common/control_chars.hpp"
#include "common/utf8_check.hpp"
#include "model/dial_string.hpp"
#include "tools/ringfence/cli_common.hpp"
#include "tools/ringfence/commands.hpp"

namespace ringfence::cli {

// The daemon reads a request line of at most 4096 bytes ("state reset KEY\n").
constexpr std::size_t max_key_bytes = 4000;

int cmd_state(std::vector<std::string> args) {
    common_options opts;
    std::string error;
    if (!take_common_options(args, opts, error) || args.size() != 2 || (args[0] != "show" && args[0] != "reset")) {
        std::fprintf(stderr, "usage: ringfence state show|reset [--config FILE] KEY\n%s", error.empty() ? "" : (error + "\n").c_str());
        return 2;
    }
    auto setup = load_plan_or_report(opts);
    if (!setup.value) return 1;
    const std::string& path = setup.value->config.control_path;
    // Window state is kept by the number in E.164, as rules key it: a number written any
    // way the plan reads ("0912345678", "+84 912 345 678") is sent in that form. Other keys
    // (an IP address, a trunk name) go as they are.
    std::string key = args[1];
    // The request is one line to the daemon: a newline would end the key early and act on
    // another subject than the one typed (and audit that one).
    if (common::holds_control_byte(key)) {
        std::fputs("ringfence state: a key holds no control characters (newline, tab, ...)\n", stderr);
        return 2;
    }
    if (!key.empty() && (key.front() == ' ' || key.back() == ' ')) {
        std::fputs("ringfence state: a key has no space at its start or end\n", stderr);
        return 2;
    }
    if (key.empty() || key.size() > max_key_bytes) {
        std::fprintf(stderr, "ringfence state: a key is 1 to %zu bytes\n", max_key_bytes);
        return 2;
    }
    // The reset's audit row names the key: bytes an auditor's tools cannot read have no place there.
    if (const auto bad = common::first_invalid_utf8(key)) {
        std::fprintf(stderr, "ringfence state: a key is UTF-8 text; byte %zu is not\n", *bad + 1);
        return 2;
    }
    if (key.find_first_of(".:") == std::string::npos && model::dial_string::scan(key).kind == model::dial_string::form::digits) {
        model::number_info n;
        if (setup.value->plan->normalize(key, n) == model::normalize_error::none && !n.e164.empty() && n.e164 != key) {
            std::fprintf(stderr, "ringfence state: the number %s is kept as %s\n", key.c_str(), n.e164.c_str());
            key = n.e164;
        }
    }
    if (path.empty()) {
        std::fputs("ringfence state: control.unix is disabled in the configuration\n", stderr);
        return 1;
    }
    // One request to the daemon's control socket; false (said on stderr) when it cannot be sent.
    auto ask = [&](const std::string& verb, const std::string& k, std::string& reply) {
        reply.clear();
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            std::fprintf(stderr, "ringfence state: cannot reach ringfenced at %s: %s\n", path.c_str(), std::strerror(errno));
            ::close(fd);
            return false;
        }
        const std::string line = "state " + verb + " " + k + "\n";
        if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
            std::fprintf(stderr, "ringfence state: write failed: %s\n", std::strerror(errno));
            ::close(fd);
            return false;
        }
        char buf[4096];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) reply.append(buf, static_cast<std::size_t>(n));
        ::close(fd);
        return true;
    };
    // A domain or a link's host is kept in lower case, as sms.domains and sms.urls hold it; a
    // trunk name or a sender may hold capitals. A number written as bare digits with its
    // country code ("84912345678", as the decision log's caller_num holds it) is not read as
    // international by the plan. So when the key as written holds nothing, those forms are
    // looked at too ("EVIL.TOP" -> evil.top, a link's path keeping its case; 84912345678 ->
    // +84912345678). A reset resets only the one form that holds state (looked up with show
    // first), so it audits the key it acts on and no other.
    const auto holds_something = [](const std::string& r) {
        return r.find("\"aggregates\":[]") == std::string::npos && r.find("\"error\":") == std::string::npos;
    };
    std::string lowered = key;
    for (std::size_t i = 0; i < std::min(key.find('/'), key.size()); ++i)
        if (lowered[i] >= 'A' && lowered[i] <= 'Z') lowered[i] = static_cast<char>(lowered[i] - 'A' + 'a');
    std::vector<std::string> other_forms;
    if (lowered != key) other_forms.push_back(lowered);
    if (std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        model::number_info n;
        if (setup.value->plan->normalize("+" + key, n) == model::normalize_error::none && n.e164 == "+" + key) other_forms.push_back(n.e164);
    }
    std::string reply;
    if (!ask("show", key, reply)) return 1;
    if (reply.find("\"error\":") == std::string::npos && !holds_something(reply)) {
        for (const std::string& form : other_forms) {
            std::string other;
            if (!ask("show", form, other) || !holds_something(other)) continue;
            std::fprintf(stderr, "ringfence state: nothing is kept as %s; %s is\n", key.c_str(), form.c_str());
            key = form;
            reply = std::move(other);
            break;
        }
    }
    if (args[0] == "reset" && reply.find("\"error\":") == std::string::npos && !ask("reset", key, reply)) return 1;
    if (reply.empty()) {
        std::fputs("ringfence state: ringfenced closed the connection without a reply\n", stderr);
        return 1;
    }
    std::fputs(reply.c_str(), stdout);
    return reply.find("\"error\":") == std::string::npos ? 0 : 1;
}

}  // namespace ringfence::cli
