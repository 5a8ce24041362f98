#include "app/systemd_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <chrono>

namespace ringfence::app {

systemd_notifier::systemd_notifier(boost::asio::io_context& io) : timer_(io) {
    if (sd_watchdog_enabled(0, &watchdog_usec_) <= 0) watchdog_usec_ = 0;
}

void systemd_notifier::ready(const std::string& text) {
    sd_notifyf(0, "READY=1\nSTATUS=%s", text.c_str());
    if (watchdog_usec_ > 0) arm_watchdog();
}

void systemd_notifier::stopping() {
    stopped_ = true;
    timer_.cancel();
    sd_notify(0, "STOPPING=1");
}

void systemd_notifier::status(const std::string& text) { sd_notifyf(0, "STATUS=%s", text.c_str()); }

void systemd_notifier::arm_watchdog() {
    // The ping comes from the io loop, so a stuck loop stops the pings and systemd restarts us.
    timer_.expires_after(std::chrono::microseconds(watchdog_usec_ / 2));
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopped_) return;
        sd_notify(0, "WATCHDOG=1");
        arm_watchdog();
    });
}

}  // namespace ringfence::app
