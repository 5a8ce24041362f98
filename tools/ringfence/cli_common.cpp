#include "tools/ringfence/cli_common.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/control_chars.hpp"

namespace ringfence::cli {

bool take_common_options(std::vector<std::string>& args, common_options& out, std::string& error) {
    std::vector<std::string> rest;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--config" || a == "--set") {
            if (i + 1 >= args.size()) {
                error = fmt::format("{} needs a value", terminal_safe(a));
                return false;
            }
            const std::string& v = args[++i];
            if (a == "--config") {
                out.config_file = v;
            } else {
                app::config_override o;
                if (!app::parse_override(v, o, error)) return false;
                out.overrides.push_back(o);
            }
        } else if (a.rfind("--config=", 0) == 0) {
            out.config_file = a.substr(9);
        } else {
            rest.push_back(a);
        }
    }
    args = std::move(rest);
    return true;
}

namespace {

// True for the binary where the build left it (build/ringfence in a checkout, as the README
// runs it): only that one may fall back to the source tree's configuration. A copy elsewhere
// or an installed binary would otherwise read whatever the build machine's checkout holds
// now, a configuration the operator never saw, and act on it (a state reset, a list edit).
bool running_from_build_tree() {
    std::error_code ec;
    const auto exe = std::filesystem::canonical("/proc/self/exe", ec);
    if (ec) return false;
    const auto built_in = std::filesystem::canonical(RINGFENCE_BUILD_DIR, ec);
    return !ec && exe.parent_path() == built_in;
}

}  // namespace

std::string default_config_file() {
    if (const char* env = std::getenv("RINGFENCE_CONFIG"); env && *env) return env;
    const std::string system_file = "/etc/ringfence/ringfence.yaml";
    if (std::filesystem::exists(system_file) || !running_from_build_tree()) return system_file;
    return RINGFENCE_SOURCE_CONFIG;
}

std::string terminal_safe(std::string text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (common::is_control_byte(text[i]))
            text[i] = '?';
        else if (common::c1_control_at(text, i))
            text.replace(i, 2, "?");
    }
    return text;
}

std::string config_file_of(const common_options& o) {
    if (!o.config_file.empty()) return o.config_file;
    std::string file = default_config_file();
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        const char* env = std::getenv("RINGFENCE_CONFIG");
        if (env && *env)
            std::fprintf(stderr, "ringfence: no --config given, and RINGFENCE_CONFIG names %s, which is missing\n", file.c_str());
        else
            std::fprintf(stderr, "ringfence: no --config given, and the default %s is missing: give --config FILE or set RINGFENCE_CONFIG\n",
                         file.c_str());
    }
    return file;
}

common::loaded<app::loaded_setup> load_or_report(const common_options& o) {
    const std::string file = config_file_of(o);
    auto setup = app::load_setup(file, o.overrides);
    for (const auto& d : setup.diagnostics) std::fprintf(stderr, "%s\n", d.to_text().c_str());
    return setup;
}

common::loaded<config_and_plan> load_plan_or_report(const common_options& o) {
    common::loaded<config_and_plan> out;
    const std::string file = config_file_of(o);
    auto cfg = app::load_daemon_config(file, o.overrides);
    out.diagnostics = cfg.diagnostics;
    if (cfg.value) {
        auto plan = model::numbering_plan::load(cfg.value->numbering);
        out.diagnostics.insert(out.diagnostics.end(), plan.diagnostics.begin(), plan.diagnostics.end());
        if (plan.value) out.value = config_and_plan{std::move(*cfg.value), std::make_unique<model::numbering_plan>(std::move(*plan.value))};
    }
    for (const auto& d : out.diagnostics) std::fprintf(stderr, "%s\n", d.to_text().c_str());
    return out;
}

std::string executable_dir() {
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : p.parent_path().string();
}

bool parse(const std::vector<std::string>& args, const std::vector<std::string>& with_value, const std::vector<std::string>& flags, parsed_args& out,
           std::string& error) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.rfind("--", 0) != 0 || a == "--") {
            out.words.push_back(a);
            continue;
        }
        if (std::find(flags.begin(), flags.end(), a) != flags.end()) {
            out.flags.push_back(a);
        } else if (std::find(with_value.begin(), with_value.end(), a) != with_value.end()) {
            if (i + 1 >= args.size()) {
                error = fmt::format("{} needs a value", terminal_safe(a));
                return false;
            }
            out.options[a] = args[++i];
        } else {
            error = fmt::format("unknown option '{}'", terminal_safe(a));
            return false;
        }
    }
    return true;
}

bool has_flag(const parsed_args& p, const char* f) { return std::find(p.flags.begin(), p.flags.end(), f) != p.flags.end(); }

bool parse_count(std::string_view option, std::string_view text, std::uint64_t min, std::uint64_t max, std::uint64_t& out,
                 std::string& error) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || stop != end || value < min || value > max) {
        error = fmt::format("{} takes a whole number from {} to {}, not '{}'", option, min, max, terminal_safe(std::string(text)));
        return false;
    }
    out = value;
    return true;
}

bool count_option(const parsed_args& p, const std::string& option, std::uint64_t min, std::uint64_t max, std::uint64_t& out,
                  std::string& error) {
    const auto it = p.options.find(option);
    return it == p.options.end() || parse_count(option, it->second, min, max, out, error);
}

bool parse_rate(std::string_view option, std::string_view text, double& out, std::string& error) {
    double value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || stop != end || !std::isfinite(value) || value < 0) {
        error = fmt::format("{} takes a number of records per second (0: as fast as possible), not '{}'", option,
                            terminal_safe(std::string(text)));
        return false;
    }
    out = value;
    return true;
}

}  // namespace ringfence::cli
