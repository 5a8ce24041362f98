#include "ingest/capture/pcap_file_reader.hpp"

#include <pcap/pcap.h>

#include <sys/mman.h>
#include <sys/stat.h>

#include <cstdint>
#include <memory>

namespace ringfence::ingest::capture {

namespace {

struct pcap_closer {
    void operator()(pcap_t* p) const noexcept { pcap_close(p); }
};
using pcap_handle = std::unique_ptr<pcap_t, pcap_closer>;

pcap_handle open_offline(const std::string& path, std::string& error) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p =
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    if (p == nullptr) error = path + ": " + errbuf;
    return pcap_handle(p);
}

std::int64_t time_us_of(const pcap_pkthdr& h) noexcept {
    // A pcap file stores seconds as an unsigned 32-bit number, which libpcap reads as
    // signed: from 2038-01-19 on they come out negative. No capture is older than 1970, so
    // a negative second is that unsigned count (pcapng's 64-bit times never are negative).
    std::int64_t seconds = static_cast<std::int64_t>(h.ts.tv_sec);
    if (seconds < 0 && seconds >= -(std::int64_t{1} << 31)) seconds += std::int64_t{1} << 32;
    return seconds * 1'000'000 + static_cast<std::int64_t>(h.ts.tv_usec);
}

// Calls f(header, data) for each frame; false with error on a read error.
template <typename F>
bool for_each_frame(pcap_t* p, const std::string& path, std::string& error, F&& f) {
    while (true) {
        pcap_pkthdr* header = nullptr;
        const u_char* data = nullptr;
        const int rc = pcap_next_ex(p, &header, &data);
        if (rc == 1) {
            f(*header, data);
            continue;
        }
        if (rc == PCAP_ERROR_BREAK) return true;  // end of file
        error = path + ": " + pcap_geterr(p);
        return false;
    }
}

// The frames take at most the file's size: reserved at once, the load copies each byte once
// (growing the vector copied them again at every doubling), and the buffer, read in full at
// every pass of a replay, is asked for 2 MiB pages (one TLB entry for 512 of its 4 KiB pages).
void reserve_for_file(const std::string& path, std::vector<unsigned char>& bytes) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || st.st_size <= 0) return;
    bytes.reserve(static_cast<std::size_t>(st.st_size));
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    const auto begin = (reinterpret_cast<std::uintptr_t>(bytes.data()) + huge - 1) & ~(huge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(bytes.data()) + bytes.capacity()) & ~(huge - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

bool replay_pcap_file(const std::string& path, capture_pipeline& pipeline, std::string& error,
                      std::uint64_t* frames) {
    pcap_handle p = open_offline(path, error);
    if (!p) return false;
    if (!pipeline.begin_source(pcap_datalink(p.get()), error)) {
        error = path + ": " + error;
        return false;
    }
    std::uint64_t n = 0;
    const bool ok =
        for_each_frame(p.get(), path, error, [&](const pcap_pkthdr& h, const u_char* data) {
            ++n;
            pipeline.on_frame(data, h.caplen, time_us_of(h));
        });
    if (frames != nullptr) *frames = n;
    return ok;
}

bool load_pcap_file(const std::string& path, frames_in_memory& out, std::string& error) {
    pcap_handle p = open_offline(path, error);
    if (!p) return false;
    out.link_type = pcap_datalink(p.get());
    reserve_for_file(path, out.bytes);
    return for_each_frame(p.get(), path, error, [&](const pcap_pkthdr& h, const u_char* data) {
        out.frames.push_back({out.bytes.size(), h.caplen, time_us_of(h)});
        out.bytes.insert(out.bytes.end(), data, data + h.caplen);
    });
}

}  // namespace ringfence::ingest::capture
