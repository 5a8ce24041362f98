// Every YAML file ringfence reads is one document: a second one is refused at its marker,
// and what only looks like one (a byte order mark, a directive, an end marker) is not.
#include <doctest/doctest.h>

#include "common/yaml_fields.hpp"

using ringfence::common::second_yaml_document_line;

TEST_CASE("second_yaml_document_line: the line of a second document, 0 for one") {
    CHECK(second_yaml_document_line("- a\n- b\n") == 0);
    CHECK(second_yaml_document_line("# c\n---\n- a\n") == 0);                      // a marker before content opens the one document
    CHECK(second_yaml_document_line("- a\n---\n- b\n") == 2);
    CHECK(second_yaml_document_line("- a\r\n--- \r\n- b\r\n") == 2);
    CHECK(second_yaml_document_line("- a\n...\n") == 0);                           // an end marker closing the only document
    CHECK(second_yaml_document_line("- a\n...\n# trailing comment\n") == 0);
    CHECK(second_yaml_document_line("- a\n...\n- b\n") == 3);                      // content after the end: another document
    CHECK(second_yaml_document_line("- a\n...\n---\n- b\n") == 4);
    CHECK(second_yaml_document_line("%YAML 1.2\n---\n- a\n") == 0);                // a directive before the document
    CHECK(second_yaml_document_line("\xEF\xBB\xBF# c\n---\n- a\n") == 0);          // a byte order mark
    CHECK(second_yaml_document_line("\xEF\xBB\xBF- a\n---\n- b\n") == 2);
    CHECK(second_yaml_document_line("key: |\n  ---\n  text\n") == 0);               // indented: part of a block scalar
}
