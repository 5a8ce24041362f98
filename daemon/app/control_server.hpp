// The operator's control socket (a Unix socket, mode 0600, in the state directory): one
// command line in, one JSON line out. `ringfence state show|reset KEY` and
// `ringfence rules reload` talk to it. A reset is audited: who (the peer's uid, from the
// kernel), when and what go to the log. (Rule reloads stay on SIGHUP, off the io threads.)
//
//   state show KEY     -> {"key":…,"aggregates":[{"aggregate":…,"value":…}…]}
//   state reset KEY    -> {"key":…,"reset":N}
#pragma once

#include <utility>  // Boost 1.74 Asio misses it under C++20 with g++ 12

#include <boost/asio.hpp>
#include <functional>
#include <string>

#include "engine/rule_engine.hpp"
#include "store/decision_log_writer.hpp"

namespace ringfence::app {

class control_server {
public:
    // log may be null (decision log disabled): resets are then audited in the daemon log only.
    control_server(boost::asio::io_context& io, engine::rule_engine* rules, store::decision_log_writer* log);
    ~control_server();
    std::string start(const std::string& path);  // "" or the error
    void stop();

    // Runs one command line and returns its reply (without the newline). uid: who asked.
    std::string execute(const std::string& line, unsigned uid);

private:
    void accept();

    boost::asio::io_context& io_;
    engine::rule_engine* rules_;
    store::decision_log_writer* log_;
    std::optional<boost::asio::local::stream_protocol::acceptor> acceptor_;
    boost::asio::steady_timer pause_{io_};  // after a failed accept
    std::string path_;
};

}  // namespace ringfence::app
