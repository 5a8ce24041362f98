#include "ingest/capture/live_capture.hpp"

#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/log.hpp"
#include "common/thread_name.hpp"
#include "ingest/capture/capture_pipeline.hpp"
#include "ingest/capture/passive_decider.hpp"

namespace ringfence::ingest::capture {

std::string bpf_filter_problem(const std::string& filter) {
    // Compiled for Ethernet, as the interfaces a carrier mirrors onto are: the syntax and the
    // names are what a filter gets wrong, not the link type.
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 262144);
    if (dead == nullptr) return {};
    bpf_program program{};
    std::string why;
    if (pcap_compile(dead, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) why = pcap_geterr(dead);
    else pcap_freecode(&program);
    pcap_close(dead);
    return why;
}

bool interface_exists(const std::string& name) {
    if (name == "any" || ::if_nametoindex(name.c_str()) != 0) return true;
    // libpcap's own devices (nflog, nfqueue, usbmon…) are no network interfaces.
    pcap_if_t* devices = nullptr;
    char error[PCAP_ERRBUF_SIZE];
    if (pcap_findalldevs(&devices, error) != 0) return true;  // cannot tell: the start says
    bool found = false;
    for (const pcap_if_t* d = devices; d != nullptr && !found; d = d->next) found = name == d->name;
    pcap_freealldevs(devices);
    return found;
}

namespace {

using common::log;
using common::log_level;

std::int64_t wall_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct dispatch_target {
    capture_pipeline* pipeline;
};

void on_packet(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
    auto* target = reinterpret_cast<dispatch_target*>(user);
    const std::int64_t time_us =
        static_cast<std::int64_t>(h->ts.tv_sec) * 1'000'000 + h->ts.tv_usec;
    target->pipeline->on_frame(bytes, h->caplen, time_us);
}

}  // namespace

live_capture::live_capture(std::string interface, const capture_settings& settings,
                           pipeline_context& context, int stats_interval_s)
    : interface_(std::move(interface)),
      settings_(settings),
      context_(context),
      stats_interval_s_(stats_interval_s) {}

live_capture::~live_capture() { stop(); }

std::string live_capture::start() {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_create(interface_.c_str(), errbuf);
    if (p == nullptr) return "capture on " + interface_ + ": " + errbuf;
    const live_settings& live = settings_.live;
    pcap_set_snaplen(p, live.snaplen);
    pcap_set_promisc(p, 1);
    pcap_set_timeout(p, live.read_timeout_ms);
    pcap_set_buffer_size(p, live.buffer_mb << 20);
    pcap_set_immediate_mode(p, live.immediate ? 1 : 0);
    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
    const int rc = pcap_activate(p);
    if (rc < 0) {
        std::string why =
            rc == PCAP_ERROR_PERM_DENIED ? "permission denied (needs CAP_NET_RAW)" : pcap_geterr(p);
        pcap_close(p);
        return "capture on " + interface_ + ": " + why;
    }
    if (rc > 0) log(log_level::warning, "capture on {}: {}", interface_, pcap_statustostr(rc));
    if (!live.bpf_filter.empty()) {
        bpf_program program{};
        if (pcap_compile(p, &program, live.bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0 ||
            pcap_setfilter(p, &program) != 0) {
            std::string why = pcap_geterr(p);
            pcap_freecode(&program);
            pcap_close(p);
            return "capture on " + interface_ + ": bpf_filter '" + live.bpf_filter + "': " + why;
        }
        pcap_freecode(&program);
    }
    // Non-blocking, with our own poll: in immediate mode a read on a quiet link may wait for
    // the next packet however long that takes, and timeouts (calls that never end, the
    // counters line) must come on time without one.
    if (pcap_setnonblock(p, 1, errbuf) != 0 || pcap_get_selectable_fd(p) < 0) {
        const std::string why = errbuf[0] != '\0' ? errbuf : "no selectable descriptor";
        pcap_close(p);
        return "capture on " + interface_ + ": " + why;
    }
    handle_ = p;
    thread_ = std::thread([this] {
        common::name_this_thread("rf-capture");
        run();
    });
    return {};
}

void live_capture::run() {
    passive_decider decider(context_);
    capture_pipeline pipeline(settings_, decider, nullptr, &context_.plan);
    std::string error;
    if (!pipeline.begin_source(pcap_datalink(handle_), error)) {
        log(log_level::error, "capture on {}: {}; capture stopped", interface_, error);
        return;
    }
    log(log_level::info, "capturing on {} (link type {}, filter '{}'); decisions are passive",
        interface_, pcap_datalink(handle_), settings_.live.bpf_filter);
    dispatch_target target{&pipeline};
    auto next_stats = std::chrono::steady_clock::now() + std::chrono::seconds(stats_interval_s_);
    auto next_idle = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    const auto log_stats = [&] {
        pcap_stat st{};
        std::string drops = "kernel stats unavailable";
        if (pcap_stats(handle_, &st) == 0) {
            drops = fmt::format("received={} kernel_dropped={} interface_dropped={}", st.ps_recv,
                                st.ps_drop, st.ps_ifdrop);
        }
        log(log_level::info, "capture {} {} {}", interface_, drops, pipeline.summary());
    };
    pollfd readable{pcap_get_selectable_fd(handle_), POLLIN, 0};
    while (!stopping_.load(std::memory_order_relaxed)) {
        // Wake at least every poll_ms, packets or not; pcap_dispatch then reads what is there.
        constexpr int poll_ms = 200;
        if (::poll(&readable, 1, poll_ms) < 0 && errno != EINTR) {
            log(log_level::error, "capture on {}: poll: {}; capture stopped", interface_, std::strerror(errno));
            break;
        }
        const int n = pcap_dispatch(handle_, -1, &on_packet, reinterpret_cast<u_char*>(&target));
        if (n == PCAP_ERROR_BREAK) break;
        if (n < 0) {
            log(log_level::error, "capture on {}: {}; capture stopped", interface_,
                pcap_geterr(handle_));
            break;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_idle) {
            pipeline.idle(wall_us());  // timeouts advance on a quiet link too
            next_idle = now + std::chrono::seconds(1);
        }
        if (stats_interval_s_ > 0 && now >= next_stats) {
            log_stats();
            next_stats = now + std::chrono::seconds(stats_interval_s_);
        }
    }
    pipeline.finish();  // SMPP messages still waiting for parts are decided with what came
    log_stats();
}

void live_capture::stop() {
    if (handle_ == nullptr) return;
    stopping_ = true;
    pcap_breakloop(handle_);
    if (thread_.joinable()) thread_.join();
    pcap_close(handle_);
    handle_ = nullptr;
}

}  // namespace ringfence::ingest::capture
