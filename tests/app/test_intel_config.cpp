// The intel keys of the configuration: intel.path beside the other state (relative to
// state_dir), or where --set puts it; refresh_interval_ms within its range; errors at their
// place.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/daemon_config.hpp"

using namespace ringfence;

namespace {

struct config_dir {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / ("ringfence-intel-config-" + std::to_string(::getpid()));
    std::string write(const std::string& text) {
        std::filesystem::create_directories(dir);
        const auto path = (dir / "ringfence.yaml").string();
        std::ofstream(path) << text;
        return path;
    }
    ~config_dir() { std::filesystem::remove_all(dir); }
};

}  // namespace

TEST_CASE("intel.path defaults to intel.sqlite in state_dir, refresh every second") {
    const auto r = app::load_daemon_config(RINGFENCE_SOURCE_DIR "/config/ringfence.yaml", {});
    REQUIRE(r.ok());
    CHECK(r.value->intel.path == "/var/lib/ringfence/intel.sqlite");
    CHECK(r.value->intel.refresh_interval_ms == 1000);

    config_dir d;
    const auto bare = app::load_daemon_config(d.write("state_dir: /srv/rf\n"), {});
    REQUIRE(bare.ok());
    CHECK(bare.value->intel.path == "/srv/rf/intel.sqlite");
}

TEST_CASE("intel.path from the file resolves against state_dir, from --set against the working directory") {
    config_dir d;
    const auto file = d.write("state_dir: /srv/rf\nintel:\n  path: lists/intel.db\n  refresh_interval_ms: 250\n");
    const auto r = app::load_daemon_config(file, {});
    REQUIRE(r.ok());
    CHECK(r.value->intel.path == "/srv/rf/lists/intel.db");
    CHECK(r.value->intel.refresh_interval_ms == 250);
    const auto o = app::load_daemon_config(file, {{"intel.path", "here.sqlite"}});
    REQUIRE(o.ok());
    CHECK(o.value->intel.path == (std::filesystem::current_path() / "here.sqlite").string());
}

TEST_CASE("bad intel keys are errors at their place") {
    config_dir d;
    const auto file = d.write("state_dir: /srv/rf\nintel:\n  path: \"\"\n  refresh_interval_ms: 10\n  colour: red\n");
    const auto r = app::load_daemon_config(file, {});
    CHECK(!r.value);
    std::string all;
    for (const auto& x : r.diagnostics) all += x.to_text() + "\n";
    INFO(all);
    CHECK(all.find(file + ":3:9: error CONFIG_BAD_VALUE: 'intel.path' names the intel database file; it cannot be empty") != std::string::npos);
    CHECK(all.find(file + ":4:24: error CONFIG_BAD_VALUE: 'intel.refresh_interval_ms': 10 is out of range [50, 3600000]") != std::string::npos);
    CHECK(all.find(file + ":5:3: error CONFIG_UNKNOWN_KEY: unknown key 'intel.colour'") != std::string::npos);
}
