// What the subscriber tests share: the shipped numbering plan, a scratch folder, and CSV
// text in the import contract.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "model/numbering_plan.hpp"
#include "support/shipped_plan.hpp"

namespace ringfence::subscribers::testing {

using ringfence::test_support::shipped_plan;

inline const char* const contract_header =
    "msisdn,imsi,owner_id_hash,owner_type,population_match,population_match_date,matched_fields,biometric_verified,reverify_pending,status,"
    "status_since,activated_on,bank_link_verified\n";

// A folder under the system temp dir, removed when the test ends.
struct scratch_dir {
    std::filesystem::path path;
    explicit scratch_dir(const std::string& name) {
        path = std::filesystem::temp_directory_path() / ("ringfence-test-" + name + "-" + std::to_string(::getpid()));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~scratch_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace ringfence::subscribers::testing
