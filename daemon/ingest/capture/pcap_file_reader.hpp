// Reads pcap and pcapng files with libpcap (pcap_open_offline; nanosecond files are read
// at microsecond precision) and feeds their frames to a capture pipeline, or loads them
// into memory first (for the benchmark, which must not time the disk).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ingest/capture/capture_pipeline.hpp"

namespace ringfence::ingest::capture {

// Feeds every frame of the file to the pipeline. False with error when the file cannot be
// opened, its link type is not supported, or it is cut short (the frames before that are fed).
bool replay_pcap_file(const std::string& path, capture_pipeline& pipeline, std::string& error,
                      std::uint64_t* frames = nullptr);

struct frames_in_memory {
    int link_type = 0;
    struct frame {
        std::size_t offset = 0;
        std::size_t caplen = 0;
        std::int64_t time_us = 0;
    };
    std::vector<unsigned char> bytes;
    std::vector<frame> frames;
};

bool load_pcap_file(const std::string& path, frames_in_memory& out, std::string& error);

}  // namespace ringfence::ingest::capture
