#include "app/control_server.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <memory>
#include <string_view>
#include <thread>

#include "common/control_chars.hpp"
#include "common/exclusive_files.hpp"
#include "common/json_writer.hpp"
#include "common/utf8_check.hpp"
#include "common/log.hpp"

namespace ringfence::app {

namespace asio = boost::asio;
using common::log;
using common::log_level;

namespace {

unsigned peer_uid(int fd) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) return cred.uid;
    return static_cast<unsigned>(-1);
}

// How long a reset waits for its audit row to commit before it says it could not.
constexpr std::chrono::seconds audit_commit_timeout{5};

std::string error_reply(std::string_view message) {
    std::string out = "{\"error\":";
    common::append_json_string(out, message);
    return out + "}";
}

// One connection: read a line, answer, close.
struct control_session : std::enable_shared_from_this<control_session> {
    control_session(asio::local::stream_protocol::socket s, control_server& server) : socket(std::move(s)), owner(server) {}
    void start() {
        asio::async_read_until(socket, asio::dynamic_buffer(in, max_request_bytes), '\n',
                               [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                                   if (ec == asio::error::not_found)  // no newline in max_request_bytes
                                       return self->answer(error_reply(fmt::format("a request is one line of at most {} bytes", max_request_bytes)));
                                   if (ec && n == 0) return;
                                   std::string line = self->in.substr(0, n == 0 ? self->in.size() : n);
                                   while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
                                   self->answer(self->owner.execute(line, peer_uid(self->socket.native_handle())));
                               });
    }
    void answer(std::string reply) {
        out = std::move(reply) + "\n";
        asio::async_write(socket, asio::buffer(out), [self = shared_from_this()](const boost::system::error_code&, std::size_t) {
            boost::system::error_code ignored;
            self->socket.close(ignored);
        });
    }
    static constexpr std::size_t max_request_bytes = 4096;
    asio::local::stream_protocol::socket socket;
    control_server& owner;
    std::string in;
    std::string out;
};

}  // namespace

control_server::control_server(asio::io_context& io, engine::rule_engine* rules, store::decision_log_writer* log)
    : io_(io), rules_(rules), log_(log) {}

control_server::~control_server() {
    if (acceptor_ && !path_.empty()) ::unlink(path_.c_str());
}

std::string control_server::start(const std::string& path) {
    path_ = path;
    if (auto why = common::claim_unix_socket_path(path); !why.empty()) return fmt::format("control.unix: cannot listen: {}", why);
    boost::system::error_code ec;
    acceptor_.emplace(io_);
    asio::local::stream_protocol::endpoint ep(path);
    acceptor_->open(ep.protocol(), ec);
    const mode_t old_mask = ::umask(0177);  // created 0600: only the service user controls the daemon
    if (!ec) acceptor_->bind(ep, ec);
    ::umask(old_mask);
    if (!ec) acceptor_->listen(16, ec);
    if (ec) {
        acceptor_.reset();
        return fmt::format("control.unix: cannot listen on {}: {}", path, ec.message());
    }
    accept();
    return {};
}

void control_server::stop() {
    boost::system::error_code ignored;
    pause_.cancel();
    if (acceptor_) acceptor_->close(ignored);
}

void control_server::accept() {
    acceptor_->async_accept([this](const boost::system::error_code& ec, asio::local::stream_protocol::socket s) {
        if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
        if (ec) {
            // Out of descriptors: tried again after a pause, not at once (a spinning core).
            pause_.expires_after(std::chrono::milliseconds(100));
            pause_.async_wait([this](const boost::system::error_code& wait_ec) {
                if (!wait_ec && acceptor_ && acceptor_->is_open()) accept();
            });
            return;
        }
        std::make_shared<control_session>(std::move(s), *this)->start();
        accept();
    });
}

std::string control_server::execute(const std::string& line, unsigned uid) {
    // "state show KEY" / "state reset KEY": the key is the rest of the line as it is, spaces
    // included (a trunk name or a brandname keyed by a local pack may hold them).
    constexpr std::string_view show_verb = "state show ", reset_verb = "state reset ";
    const std::string_view request(line);
    const bool show = request.size() > show_verb.size() && request.starts_with(show_verb);
    const bool reset = request.size() > reset_verb.size() && request.starts_with(reset_verb);
    const std::string key(show ? request.substr(show_verb.size()) : reset ? request.substr(reset_verb.size()) : std::string_view());
    // The key is the audit row's subject and goes into the daemon's log: UTF-8 text with no
    // control character (a NUL would hide what follows it from an auditor's tools, an escape
    // would reach the terminal), and no space at either end (a key typed with a stray space
    // would be reset and audited as a key nobody has).
    if (show || reset) {
        if (common::first_invalid_utf8(key)) return error_reply("bad_key: a key is UTF-8 text (it is the audit row's subject)");
        if (common::holds_control_byte(key)) return error_reply("bad_key: a key holds no control characters");
        if (key.front() == ' ' || key.back() == ' ') return error_reply("bad_key: a key has no space at its start or end");
    }
    if (rules_ == nullptr) return error_reply("no rule packs are loaded (rules.paths)");
    if (show) {
        const auto rs = rules_->current();
        std::string out = "{\"key\":";
        common::append_json_string(out, key);
        out += ",\"aggregates\":[";
        bool first = true;
        for (const auto& [spec, value] : rules_->windows().show_at_record_time(key)) {
            std::string text = spec.fingerprint;
            // By definition, not by window-state id: the members of a shared list share its id.
            for (const auto& a : rs->aggregates)
                if (a.fingerprint == spec.fingerprint && !a.has_for) text = a.text;
            if (!first) out += ',';
            first = false;
            out += "{\"aggregate\":";
            common::append_json_string(out, text);
            out += ",\"value\":";
            common::append_json_double(out, value);
            out += '}';
        }
        return out + "]}";
    }
    if (reset) {
        // A reset is an audited action: without a decision log there is nowhere to keep its
        // row, so nothing is reset (rather than a reset that no auditor can find).
        if (!log_) {
            log(log_level::warning, "audit: uid {} asked to reset {}; refused, the decision log is disabled", uid, key);
            return error_reply(fmt::format("not_logged: the decision log is disabled (decision_log.enabled: false), so a reset "
                                           "could not be audited; nothing was reset"));
        }
        const std::size_t n = rules_->windows().reset(key);
        rules_->activity().reset(key);
        log(log_level::notice, "audit: uid {} reset the window state of {} ({} entries)", uid, key, n);
        // Auditors read it beside the decisions it changes (operator_actions). The operator
        // is told it is done only once that row is committed: a crash must not leave a reset
        // that was reported and not audited.
        {
            auto committed = std::make_shared<std::promise<bool>>();
            std::future<bool> stored = committed->get_future();
            store::operator_action action{0, uid, "state.reset", key, fmt::format("{{\"entries\":{}}}", n), committed};
            if (!log_->record_operator_action(std::move(action))) {
                log(log_level::error, "audit: the reset of {} by uid {} ({} entries) could not be queued for the decision log: it is closing", key, uid, n);
                return error_reply(fmt::format("not_logged: the window state of {} was reset ({} entries), but the decision log is closing and "
                                               "did not take its audit row (see the daemon log)",
                                               key, n));
            }
            // At most a commit or two (the writer's batch window); the wait is bounded so a
            // stuck disk cannot hold this io thread. Past it the row is still queued: the
            // writer retries until it commits (or gives it up at shutdown, and says so), so
            // the answer is "pending", not "failed": a repeated reset would audit twice.
            if (stored.wait_for(audit_commit_timeout) != std::future_status::ready) {
                log(log_level::warning,
                    "audit: the reset of {} by uid {} ({} entries) is not committed after {} s: its row stays queued and is committed when "
                    "the decision log can write (see its errors)",
                    key, uid, n, audit_commit_timeout.count());
                return error_reply(fmt::format("audit_pending: the window state of {} was reset ({} entries); its audit row is queued but not "
                                               "committed after {} s (the decision log is not writing: see the daemon log), and is committed "
                                               "when it can; do not reset again",
                                               key, n, audit_commit_timeout.count()));
            }
            bool audited = false;
            try {
                audited = stored.get();
            } catch (const std::future_error&) {
                audited = false;  // the writer went away without storing it
            }
            if (!audited) {
                log(log_level::error, "audit: the reset of {} by uid {} ({} entries) could not be committed to the decision log", key, uid, n);
                return error_reply(fmt::format("not_logged: the window state of {} was reset ({} entries), but its audit row could not be "
                                               "committed to the decision log (see the daemon log)",
                                               key, n));
            }
        }
        std::string out = "{\"key\":";
        common::append_json_string(out, key);
        return out + fmt::format(",\"reset\":{}}}", n);
    }
    return error_reply("unknown command (state show KEY, state reset KEY)");
}

}  // namespace ringfence::app
