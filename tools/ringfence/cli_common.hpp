// What the ringfence subcommands share: finding the config, loading it with --set overrides,
// and printing load errors.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/daemon_config.hpp"
#include "app/pipeline_parts.hpp"

namespace ringfence::cli {

struct common_options {
    std::string config_file;  // empty: default_config_file()
    std::vector<app::config_override> overrides;
};

// Takes --config F and --set K=V out of args (the rest stays). False with error on bad use.
bool take_common_options(std::vector<std::string>& args, common_options& out, std::string& error);

// A subcommand's own arguments: "--name value" options and flags it declares, and the bare
// words in order. False with error for an undeclared option or an option with no value.
struct parsed_args {
    std::vector<std::string> words;
    std::map<std::string, std::string> options;
    std::vector<std::string> flags;
};
bool parse(const std::vector<std::string>& args, const std::vector<std::string>& with_value, const std::vector<std::string>& flags, parsed_args& out,
           std::string& error);
bool has_flag(const parsed_args& p, const char* f);

// A count given on the command line (--records N): digits only, from min to max. False with
// an error that names the option and quotes the text; atoi would read "1e6" as 1 and "x" as
// 0, and a benchmark would then measure something nobody asked for.
bool parse_count(std::string_view option, std::string_view text, std::uint64_t min, std::uint64_t max, std::uint64_t& out,
                 std::string& error);
// parse_count on option's value in p when the option was given; out keeps its default when not.
bool count_option(const parsed_args& p, const std::string& option, std::uint64_t min, std::uint64_t max, std::uint64_t& out,
                  std::string& error);
// A rate (--rate R): a finite number, 0 or more. False with an error as parse_count's.
bool parse_rate(std::string_view option, std::string_view text, double& out, std::string& error);

// $RINGFENCE_CONFIG, else /etc/ringfence/ringfence.yaml when it exists, else the source
// tree's for the binary in its build folder (README: build/ringfence ...). A copied or
// installed binary gets /etc/ringfence/ringfence.yaml, whose absence is then the error.
std::string default_config_file();
// text with every control character (an escape, a newline, ...) as '?': messages quote
// values from files and command lines, and must not drive the operator's terminal.
std::string terminal_safe(std::string text);

// --config, else default_config_file(); says on stderr when that default is missing.
std::string config_file_of(const common_options& o);

// Loads config and pipeline parts; prints diagnostics to stderr. Empty value on errors.
common::loaded<app::loaded_setup> load_or_report(const common_options& o);

// Only the config and the numbering plan (commands that do not decide).
struct config_and_plan {
    app::daemon_config config;
    std::unique_ptr<model::numbering_plan> plan;
};
common::loaded<config_and_plan> load_plan_or_report(const common_options& o);

// The folder holding this executable (to find ringfenced beside it).
std::string executable_dir();

}  // namespace ringfence::cli
