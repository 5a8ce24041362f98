// What the capture tests share: where the shared captures are, a record-line collector, and
// running a pcap file through a capture pipeline frame by frame with the frame number known.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ingest/capture/capture_pipeline.hpp"
#include "ingest/capture/pcap_file_reader.hpp"

namespace ringfence::test {

inline std::filesystem::path shared_sip_dir() {
    return std::filesystem::path(RINGFENCE_SHARED_DATA_DIR) / "sip";
}

struct collected_line {
    std::string line;
    std::int64_t time_ms = 0;
};

class line_collector final : public ingest::capture::record_line_handler {
  public:
    void on_record_line(std::string_view line, std::int64_t time_ms) override {
        lines.push_back({std::string(line), time_ms});
    }
    std::vector<collected_line> lines;
};

// Feeds every frame of path to pipeline; before each, sets *frame_number (1-based, as tshark).
inline void feed_file(const std::string& path, ingest::capture::capture_pipeline& pipeline,
                      std::uint64_t* frame_number = nullptr) {
    ingest::capture::frames_in_memory frames;
    std::string error;
    REQUIRE_MESSAGE(ingest::capture::load_pcap_file(path, frames, error), error);
    REQUIRE_MESSAGE(pipeline.begin_source(frames.link_type, error), error);
    std::uint64_t n = 0;
    for (const auto& f : frames.frames) {
        if (frame_number != nullptr) *frame_number = ++n;
        pipeline.on_frame(frames.bytes.data() + f.offset, f.caplen, f.time_us);
    }
}

}  // namespace ringfence::test
