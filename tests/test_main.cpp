// The doctest runner shared by every test executable. CTest runs each test case on its own
// (--test-case=NAME, from doctest_discover_tests); a run whose filter selects no test case
// fails, so a test the filter cannot name (CMake splits names at ';') never passes unrun.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>

namespace {

int selected_test_cases = -1;

// Only counts: the console reporter still reports.
struct selection_listener : doctest::IReporter {
    explicit selection_listener(const doctest::ContextOptions&) {}
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats& stats) override { selected_test_cases = static_cast<int>(stats.numTestCasesPassingFilters); }
    void test_case_start(const doctest::TestCaseData&) override {}
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

REGISTER_LISTENER("selection", 1, selection_listener);

int main(int argc, char** argv) {
    doctest::Context context(argc, argv);
    const int result = context.run();
    if (context.shouldExit()) return result;  // --help, --list-test-cases, ...
    bool filtered = false;
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--test-case=", 12) == 0 || std::strncmp(argv[i], "-tc=", 4) == 0) filtered = true;
    if (result == 0 && filtered && selected_test_cases == 0) {
        std::fputs("no test case matches the --test-case filter: nothing was tested\n", stderr);
        return 1;
    }
    return result;
}
