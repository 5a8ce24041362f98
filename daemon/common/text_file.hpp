// Reads a whole file into memory for the readers of config, plans, packs and lists. Never
// throws: libstdc++'s filebuf throws from a failed read (a directory given where a file is
// expected), which would end the process instead of giving the operator an error.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ringfence::common {

// The file's bytes in out, or false with error saying why ("is a directory", the OS's
// message for a missing or unreadable file), without the path: callers name it.
// Past max_bytes it stops and fails ("is larger than ..."): a path that names a device
// (/dev/zero) or a runaway file must give an error, not exhaust the memory of a reload.
inline constexpr std::size_t default_max_text_file_bytes = std::size_t{256} << 20;
bool read_text_file(const std::string& path, std::string& out, std::string& error,
                    std::size_t max_bytes = default_max_text_file_bytes);

// True when the first line of text ends in a CR not followed by LF: a file saved with
// classic Mac line endings, which LF-and-CRLF readers would take as one long line (and
// report its first data row as part of the header).
bool has_cr_only_line_endings(std::string_view text);

}  // namespace ringfence::common
