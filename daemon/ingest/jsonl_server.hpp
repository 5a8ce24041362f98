// The JSON-lines listeners: TCP (127.0.0.1 by default) and a Unix socket. Accepts clients
// up to max_connections and gives each a jsonl_session; stop() closes the listeners and
// asks every session to finish what it has read.
#pragma once

#include <utility>  // Boost 1.74 Asio misses it under C++20 with g++ 12

#include <boost/asio.hpp>
#include <atomic>
#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "ingest/jsonl_session.hpp"

namespace ringfence::ingest {

struct jsonl_server_settings {
    bool tcp_enabled = true;
    std::string tcp_host = "127.0.0.1";
    std::uint16_t tcp_port = 7575;  // 0: any free port (see tcp_port())
    std::string unix_path;          // empty: no Unix socket
    std::size_t max_connections = 1024;
    session_limits limits;
};

class jsonl_server {
public:
    jsonl_server(boost::asio::io_context& io, pipeline_context& ctx, jsonl_server_settings settings);
    ~jsonl_server();

    // Binds and starts accepting. Returns an error message (empty on success).
    std::string start();
    void stop();

    std::uint16_t tcp_port() const { return bound_tcp_port_; }
    std::size_t active_sessions() const;

private:
    void accept_tcp();
    void accept_unix();
    template <class Protocol>
    void adopt(typename Protocol::socket socket);
    // An accept that failed (out of descriptors, memory): the waiting client is told and
    // let go, and accepting resumes after a pause instead of failing again at once (which
    // spun a core while every waiting client hung).
    void accept_failed(const boost::system::error_code& ec, int listener_fd, boost::asio::steady_timer& pause, void (jsonl_server::*again)());
    bool refuse_waiting_client(int listener_fd);
    void keep_spare_fd();

    boost::asio::io_context& io_;
    pipeline_context& ctx_;
    jsonl_server_settings settings_;
    std::optional<boost::asio::ip::tcp::acceptor> tcp_;
    std::optional<boost::asio::local::stream_protocol::acceptor> unix_;
    std::uint16_t bound_tcp_port_ = 0;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;  // acceptors and stop()
    std::atomic<bool> stopped_{false};
    // Held open so that, out of descriptors, one is freed to accept a waiting client and
    // tell it why it is refused (-1 when it could not be reopened).
    int spare_fd_ = -1;
    // One per listener: a pause of one must not cancel the other's (its accept would never
    // be started again).
    boost::asio::steady_timer tcp_pause_{strand_};
    boost::asio::steady_timer unix_pause_{strand_};
    std::chrono::steady_clock::time_point last_accept_warning_{};
    std::uint64_t accept_failures_since_warning_ = 0;
    std::uint64_t refused_since_warning_ = 0;

    mutable std::mutex sessions_mutex_;
    std::list<std::function<void()>> session_stoppers_;  // one per live session
};

}  // namespace ringfence::ingest
