// SMPP in a capture through `ringfence replay`: the real SMPP 3.4 session of
// ../shared/data/smpp/smpp.cap (on port 9000, found by its bind) gives its one submit_sm as
// an sms.submit record with the bound system_id as the trunk, and that record decides.
#include <doctest/doctest.h>

#include <filesystem>

#include "e2e_support.hpp"

using namespace ringfence::e2e;

TEST_CASE("replay: SMPP on a non-standard port is found by its bind and its submit_sm becomes an sms.submit record") {
    const std::string cap = RINGFENCE_SHARED_DATA_DIR "/smpp/smpp.cap";
    if (!std::filesystem::exists(cap)) {
        MESSAGE("skipped: " << cap << " is absent (a clone without ../shared)");
        return;
    }
    temp_dir dir;
    const std::string common = "--config " RINGFENCE_SOURCE_DIR "/config/ringfence.yaml --set state_dir=" + dir.path().string() +
                               " --set decision_log.enabled=false";
    const auto records = run_cli_status("replay " + common + " --output records " + cap);
    REQUIRE(records.exit_code == 0);
    CHECK(records.output.find(
          R"({"id":"smpp:10.226.202.118:1770/3","kind":"sms.submit","time":1217149882792,"caller":"100","callee":"+1234567890",)"
          R"("origin":{"kind":"interconnect","trunk":"abhik","ip":"10.226.202.118"},"sms":{"sender":"100","text":"test","parts":1}})"
          "\n") != std::string::npos);
    const auto decided = run_cli_status("replay " + common + " " + cap);
    CHECK(decided.exit_code == 0);
    CHECK(decided.output.find(R"({"id":"smpp:10.226.202.118:1770/3","action":"allow")") != std::string::npos);
    CHECK(decided.output.find("pdus=8 binds=1") != std::string::npos);
    CHECK(decided.output.find("submit_sm=1") != std::string::npos);
}
