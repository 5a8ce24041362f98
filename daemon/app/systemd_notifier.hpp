// sd_notify for the service manager: READY=1 once listening, STOPPING=1 on shutdown, and
// WATCHDOG=1 at half the WatchdogSec interval. Does nothing when NOTIFY_SOCKET is not set.
#pragma once

#include <utility>  // Boost 1.74 Asio misses it under C++20 with g++ 12

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <string>

namespace ringfence::app {

class systemd_notifier {
public:
    explicit systemd_notifier(boost::asio::io_context& io);
    void ready(const std::string& status);
    void stopping();
    void status(const std::string& text);

private:
    void arm_watchdog();
    boost::asio::steady_timer timer_;
    std::uint64_t watchdog_usec_ = 0;
    bool stopped_ = false;
};

}  // namespace ringfence::app
