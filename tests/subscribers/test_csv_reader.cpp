// The CSV reader: RFC 4180 quoting, line endings, and the line each record began on.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "subscribers/csv_reader.hpp"

using ringfence::subscribers::csv_reader;

namespace {

std::vector<std::vector<std::string>> read_all(std::string_view text, std::vector<std::size_t>* lines = nullptr, std::string* first_error = nullptr) {
    csv_reader r(text);
    std::vector<std::string_view> fields;
    std::vector<std::vector<std::string>> out;
    std::string error;
    while (true) {
        error.clear();
        const bool got = r.next(fields, error);
        if (!got && error.empty()) break;
        if (!got) {
            if (first_error && first_error->empty()) *first_error = error;
            continue;
        }
        out.emplace_back(fields.begin(), fields.end());
        if (lines) lines->push_back(r.line());
    }
    return out;
}

}  // namespace

TEST_CASE("csv: plain fields, LF and CRLF, empty fields, no final newline") {
    const auto rows = read_all("a,b,c\r\n1,,3\n4,5,");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == std::vector<std::string>{"a", "b", "c"});
    CHECK(rows[1] == std::vector<std::string>{"1", "", "3"});
    CHECK(rows[2] == std::vector<std::string>{"4", "5", ""});
}

TEST_CASE("csv: quoted fields hold commas, doubled quotes and newlines, lines are counted through them") {
    std::vector<std::size_t> lines;
    const auto rows = read_all("\xEF\xBB\xBFh1,h2\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\n\nlast,row\n", &lines);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0][0] == "h1");  // the byte-order mark is not part of the first name
    CHECK(rows[1] == std::vector<std::string>{"x, y", "say \"hi\""});
    CHECK(rows[2] == std::vector<std::string>{"two\nlines", "z"});
    CHECK(rows[3] == std::vector<std::string>{"last", "row"});
    CHECK(lines == std::vector<std::size_t>{1, 2, 3, 6});
}

TEST_CASE("csv: several doubled-quote fields in one record keep their own text") {
    const auto rows = read_all("\"a\"\"1\",\"b\"\"2\",\"c\"\"3\",\"d\"\"4\",\"e\"\"5\",\"f\"\"6\",\"g\"\"7\",\"h\"\"8\",\"i\"\"9\"\n");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0][0] == "a\"1");
    CHECK(rows[0][8] == "i\"9");
}

TEST_CASE("csv: an unclosed quote and text after a closing quote are errors, and reading goes on after the latter") {
    std::string error;
    auto rows = read_all("a,\"b\"x,c\nd,e\n", nullptr, &error);
    CHECK(error == "text after a closing quote");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0] == std::vector<std::string>{"d", "e"});
    error.clear();
    rows = read_all("a,b\n\"never closed,c\n", nullptr, &error);
    CHECK(error == "a quoted field is never closed");
    CHECK(rows.size() == 1);
}
