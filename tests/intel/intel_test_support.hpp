// What the intel tests share: the shipped numbering plan, UTC, a temporary folder for real
// SQLite files, and a store opened on a fresh file with lists and entries in it.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "common/time_zone.hpp"
#include "intel/intel_editor.hpp"
#include "intel/intel_store.hpp"
#include "model/numbering_plan.hpp"
#include "support/shipped_plan.hpp"

namespace intel_test {

inline const ringfence::model::numbering_plan& plan() { return ringfence::test_support::shipped_plan(); }

inline const ringfence::common::time_zone& zone(const char* name = "Asia/Ho_Chi_Minh") {
    static const ringfence::common::time_zone z = [name] {
        std::string why;
        auto t = ringfence::common::time_zone::load(name, why);
        REQUIRE(t);
        return *t;
    }();
    return z;
}

class temp_dir {
public:
    temp_dir() {
        static std::atomic<int> n{0};
        path_ = std::filesystem::temp_directory_path() / ("ringfence-intel-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

inline constexpr std::int64_t t0 = 1'795'836'000'000;  // 2026-11-28T03:20:00Z

// A list row, created when missing.
inline ringfence::intel::list_row list(ringfence::intel::intel_editor& ed, const std::string& name, ringfence::engine::intel_kind kind) {
    std::optional<ringfence::intel::list_row> row;
    REQUIRE(ed.find_list(name, row, t0).empty());
    if (!row) {
        REQUIRE(ed.create_list(name, kind, "test", t0).empty());
        REQUIRE(ed.find_list(name, row, t0).empty());
    }
    REQUIRE(row);
    return *row;
}

inline void add(ringfence::intel::intel_editor& ed, const ringfence::intel::list_row& l, const std::string& value,
                std::int64_t expires_at_ms = 0, const std::string& reason = "test reason",
                ringfence::intel::entry_source source = ringfence::intel::entry_source::police) {
    bool replaced = false;
    REQUIRE(ed.add(l, {value, {}, source, reason, expires_at_ms}, t0, replaced).empty());
}

}  // namespace intel_test
