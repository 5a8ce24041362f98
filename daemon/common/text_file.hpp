// Reads a whole file into memory for the readers of config, plans, packs and lists. Never
// throws: libstdc++'s filebuf throws from a failed read (a directory given where a file is
// expected), which would end the process instead of giving the operator an error.
#pragma once

#include <string>
#include <string_view>

namespace ringfence::common {

// The file's bytes in out, or false with error saying why ("is a directory", the OS's
// message for a missing or unreadable file), without the path: callers name it.
bool read_text_file(const std::string& path, std::string& out, std::string& error);

// True when the first line of text ends in a CR not followed by LF: a file saved with
// classic Mac line endings, which LF-and-CRLF readers would take as one long line (and
// report its first data row as part of the header).
bool has_cr_only_line_endings(std::string_view text);

}  // namespace ringfence::common
