// The ringfence subcommands; each takes its arguments (after the subcommand name) and
// returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace ringfence::cli {

int cmd_normalize(std::vector<std::string> args);
int cmd_decide(std::vector<std::string> args);
int cmd_replay(std::vector<std::string> args);
int cmd_bench(std::vector<std::string> args);
int cmd_rules(std::vector<std::string> args);
int bench_engine(std::vector<std::string> args);
int bench_subscribers(std::vector<std::string> args);
int bench_replay(std::vector<std::string> args);
int bench_smpp(std::vector<std::string> args);
int cmd_state(std::vector<std::string> args);
int cmd_subscribers(std::vector<std::string> args);
int cmd_lists(std::vector<std::string> args);

}  // namespace ringfence::cli
