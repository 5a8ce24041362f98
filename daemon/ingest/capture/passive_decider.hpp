// Decides record lines from passive sources (live capture, HEP mirrors) through the same
// line processor as the socket. Nobody waits for these decisions: the reply is rendered
// (the counters and the decision log need the decision) and dropped. One per thread.
#pragma once

#include <string>
#include <string_view>

#include "ingest/capture/capture_pipeline.hpp"
#include "ingest/record_line_processor.hpp"

namespace ringfence::ingest::capture {

class passive_decider final : public record_line_handler {
  public:
    explicit passive_decider(pipeline_context& context) : processor_(context) {}
    void on_record_line(std::string_view line, std::int64_t time_ms) override {
        reply_.clear();
        processor_.process(line, time_ms, reply_, nullptr, 0);
    }

  private:
    record_line_processor processor_;
    std::string reply_;
};

}  // namespace ringfence::ingest::capture
