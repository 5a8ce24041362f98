#include "common/text_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace ringfence::common {

bool read_text_file(const std::string& path, std::string& out, std::string& error, std::size_t max_bytes) {
    out.clear();
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        error = "is a directory, not a file";
        return false;
    }
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        error = std::strerror(errno);
        return false;
    }
    char buffer[1 << 16];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) {
        if (out.size() + n > max_bytes) {
            std::fclose(f);
            out.clear();
            error = fmt::format("is larger than {} MiB", max_bytes >> 20);
            return false;
        }
        out.append(buffer, n);
    }
    const bool failed = std::ferror(f) != 0;
    const int saved = errno;
    std::fclose(f);
    if (failed) {
        error = std::strerror(saved);
        out.clear();
        return false;
    }
    return true;
}

bool has_cr_only_line_endings(std::string_view text) {
    std::string_view first = text.substr(0, text.find('\n'));
    while (!first.empty() && first.back() == '\r') first.remove_suffix(1);  // CRLF (or CR CR LF) ends it
    return first.find('\r') != std::string_view::npos;
}

}  // namespace ringfence::common
