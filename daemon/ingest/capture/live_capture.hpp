// Live capture on one interface (libpcap: pcap_create, snaplen, kernel buffer, immediate
// mode, BPF filter; promiscuous, as a mirror port's traffic is not addressed to us), on its
// own thread, through a capture pipeline into the same line processor as the socket.
// Decisions are passive: nobody waits for them, so nothing is held for the log's commit;
// they go to the decision log and the counters. Kernel and interface drops (pcap_stats)
// are logged with the capture's counters every stats interval and at stop.
// Needs CAP_NET_RAW (the systemd unit grants only that).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "ingest/capture/capture_settings.hpp"
#include "ingest/record_line_processor.hpp"

struct pcap;

namespace ringfence::ingest::capture {

// Why a start would refuse filter (libpcap cannot compile it), empty when it compiles:
// the configuration's check says so before anything is opened.
std::string bpf_filter_problem(const std::string& filter);
// Whether libpcap can open an interface of this name here ("any" included).
bool interface_exists(const std::string& name);

class live_capture {
  public:
    // The settings and context must outlive the capture.
    live_capture(std::string interface, const capture_settings& settings, pipeline_context& context,
                 int stats_interval_s);
    ~live_capture();
    live_capture(const live_capture&) = delete;
    live_capture& operator=(const live_capture&) = delete;

    // Opens the interface and starts the thread; an error message (and nothing started) on failure.
    std::string start();
    // Stops the thread (within read_timeout_ms), logs the final counters.
    void stop();

  private:
    void run();

    std::string interface_;
    const capture_settings& settings_;
    pipeline_context& context_;
    int stats_interval_s_;
    struct pcap* handle_ = nullptr;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace ringfence::ingest::capture
