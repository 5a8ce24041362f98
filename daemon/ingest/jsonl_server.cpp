#include "ingest/jsonl_server.hpp"

#include "common/exclusive_files.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.hpp"

namespace ringfence::ingest {

namespace asio = boost::asio;

namespace {

int open_spare_fd() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

std::string too_many_connections_line(std::string_view why) {
    return fmt::format("{{\"id\":null,\"error\":{{\"code\":\"too_many_connections\",\"message\":\"{}\"}}}}\n", why);
}

}  // namespace

jsonl_server::jsonl_server(asio::io_context& io, pipeline_context& ctx, jsonl_server_settings settings)
    : io_(io), ctx_(ctx), settings_(std::move(settings)), strand_(asio::make_strand(io)), spare_fd_(open_spare_fd()) {}

jsonl_server::~jsonl_server() {
    if (!settings_.unix_path.empty() && unix_) ::unlink(settings_.unix_path.c_str());
    if (spare_fd_ >= 0) ::close(spare_fd_);
}

// Another thread (a session, the log's writer) may take a descriptor freed here before it
// is reopened: tried again after each accept and each failure until it is held.
void jsonl_server::keep_spare_fd() {
    if (spare_fd_ < 0) spare_fd_ = open_spare_fd();
}

bool jsonl_server::refuse_waiting_client(int listener_fd) {
    keep_spare_fd();
    if (spare_fd_ < 0) return false;
    ::close(spare_fd_);
    spare_fd_ = -1;
    const int client = ::accept4(listener_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client >= 0) {
        ctx_.counters.connections_refused.fetch_add(1, std::memory_order_relaxed);
        const std::string line = too_many_connections_line("the daemon is out of file descriptors (raise LimitNOFILE or lower ingest.jsonl.max_connections)");
        [[maybe_unused]] const auto n = ::send(client, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        ::close(client);
    }
    keep_spare_fd();
    return client >= 0;
}

// Runs on the strand (the acceptors' handlers do), so the counters here need no lock.
void jsonl_server::accept_failed(const boost::system::error_code& ec, int listener_fd, asio::steady_timer& pause, void (jsonl_server::*again)()) {
    bool refused = false;
    // By errno value: comparing with an error condition calls through Boost's category
    // objects, which UBSan's vptr check rejects in this Boost (a false report, fatal there).
    if (ec.value() == EMFILE || ec.value() == ENFILE) refused = refuse_waiting_client(listener_fd);
    ++accept_failures_since_warning_;
    refused_since_warning_ += refused ? 1 : 0;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_accept_warning_ >= std::chrono::seconds(10)) {
        // strerror, not ec.message(): the latter is a call through the category object the
        // comment above is about.
        common::log(common::log_level::warning, "ingest: cannot accept connections: {} ({} times in the last 10 s, {} waiting clients refused)",
                    std::strerror(ec.value()),
                    accept_failures_since_warning_, refused_since_warning_);
        last_accept_warning_ = now;
        accept_failures_since_warning_ = 0;
        refused_since_warning_ = 0;
    }
    pause.expires_after(std::chrono::milliseconds(50));
    pause.async_wait([this, again](const boost::system::error_code& wait_ec) {
        if (!wait_ec && !stopped_) (this->*again)();
    });
}

std::string jsonl_server::start() {
    boost::system::error_code ec;
    if (settings_.tcp_enabled) {
        const auto address = asio::ip::make_address(settings_.tcp_host, ec);
        if (ec) return fmt::format("ingest.jsonl.tcp: '{}' is not an IP address", settings_.tcp_host);
        asio::ip::tcp::endpoint ep(address, settings_.tcp_port);
        tcp_.emplace(strand_);
        tcp_->open(ep.protocol(), ec);
        if (!ec) tcp_->set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) tcp_->bind(ep, ec);
        if (!ec) tcp_->listen(asio::socket_base::max_listen_connections, ec);
        if (ec) return fmt::format("ingest.jsonl.tcp: cannot listen on {}:{}: {}", settings_.tcp_host, settings_.tcp_port, ec.message());
        bound_tcp_port_ = tcp_->local_endpoint().port();
        accept_tcp();
    }
    if (!settings_.unix_path.empty()) {
        // A socket file left by a run that died is removed; one a live process listens on is
        // not taken over.
        if (auto why = common::claim_unix_socket_path(settings_.unix_path); !why.empty())
            return fmt::format("ingest.jsonl.unix: cannot listen: {}", why);
        unix_.emplace(strand_);
        asio::local::stream_protocol::endpoint ep(settings_.unix_path);
        unix_->open(ep.protocol(), ec);
        if (!ec) unix_->bind(ep, ec);
        if (!ec) unix_->listen(asio::socket_base::max_listen_connections, ec);
        if (ec) {
            unix_.reset();
            return fmt::format("ingest.jsonl.unix: cannot listen on {}: {}", settings_.unix_path, ec.message());
        }
        ::chmod(settings_.unix_path.c_str(), 0660);  // the service group may connect, nobody else
        accept_unix();
    }
    return {};
}

// An accepted socket runs on the io_context, not on the listeners' strand: each session
// makes a strand of its own from it, and sessions on several io threads (ingest.threads)
// then run side by side. Given the strand, every session's strand was a strand over it and
// all sessions ran one at a time, whatever the number of threads.
void jsonl_server::accept_tcp() {
    tcp_->async_accept(asio::any_io_executor(io_.get_executor()), [this](const boost::system::error_code& ec, asio::ip::tcp::socket socket) {
        if (stopped_ || ec == asio::error::operation_aborted) return;
        if (ec) return accept_failed(ec, tcp_->native_handle(), tcp_pause_, &jsonl_server::accept_tcp);
        keep_spare_fd();
        boost::system::error_code ignored;
        socket.set_option(asio::ip::tcp::no_delay(true), ignored);
        adopt<asio::ip::tcp>(std::move(socket));
        accept_tcp();
    });
}

void jsonl_server::accept_unix() {
    unix_->async_accept(asio::any_io_executor(io_.get_executor()), [this](const boost::system::error_code& ec, asio::local::stream_protocol::socket socket) {
        if (stopped_ || ec == asio::error::operation_aborted) return;
        if (ec) return accept_failed(ec, unix_->native_handle(), unix_pause_, &jsonl_server::accept_unix);
        keep_spare_fd();
        adopt<asio::local::stream_protocol>(std::move(socket));
        accept_unix();
    });
}

template <class Protocol>
void jsonl_server::adopt(typename Protocol::socket socket) {
    std::unique_lock lock(sessions_mutex_);
    // Accepted on one io thread while stop() ran on another: stop() has taken its list of
    // sessions already, so this one would never be told to stop (the daemon would wait for it).
    if (stopped_) {
        lock.unlock();
        boost::system::error_code ignored;
        socket.close(ignored);
        return;
    }
    if (session_stoppers_.size() >= settings_.max_connections) {
        lock.unlock();
        // Counted as a refused connection, not as a line's error: no line was read from it.
        ctx_.counters.connections_refused.fetch_add(1, std::memory_order_relaxed);
        const std::string line =
            too_many_connections_line(fmt::format("the daemon already serves {} connections (ingest.jsonl.max_connections)", settings_.max_connections));
        boost::system::error_code ignored;
        asio::write(socket, asio::buffer(line), ignored);
        socket.close(ignored);
        return;
    }
    ctx_.counters.connections_accepted.fetch_add(1, std::memory_order_relaxed);
    auto it = session_stoppers_.emplace(session_stoppers_.end());
    auto on_closed = [this, it] {
        std::lock_guard guard(sessions_mutex_);
        session_stoppers_.erase(it);
    };
    auto session = std::make_shared<jsonl_session<Protocol>>(std::move(socket), ctx_, settings_.limits, std::move(on_closed));
    *it = [weak = std::weak_ptr<jsonl_session<Protocol>>(session)] {
        if (auto s = weak.lock()) s->stop();
    };
    lock.unlock();
    session->start();
}

void jsonl_server::stop() {
    {
        std::lock_guard guard(sessions_mutex_);  // adopt() sees it, or stop() sees the session
        stopped_ = true;
    }
    asio::dispatch(strand_, [this] {
        boost::system::error_code ignored;
        tcp_pause_.cancel();
        unix_pause_.cancel();
        if (tcp_) tcp_->close(ignored);
        if (unix_) unix_->close(ignored);
    });
    std::list<std::function<void()>> stoppers;
    {
        std::lock_guard guard(sessions_mutex_);
        stoppers = session_stoppers_;
    }
    for (auto& s : stoppers)
        if (s) s();
}

std::size_t jsonl_server::active_sessions() const {
    std::lock_guard guard(sessions_mutex_);
    return session_stoppers_.size();
}

}  // namespace ringfence::ingest
