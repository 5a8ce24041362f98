// RFC 4180 CSV over bytes in memory (a mapped file): fields separated by commas, records by
// LF or CRLF, double-quoted fields may hold commas, newlines and doubled quotes. A UTF-8
// byte-order mark at the start is skipped and blank lines are ignored. Each record reports
// the line it began on, so every import error can name it.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace ringfence::subscribers {

class csv_reader {
public:
    explicit csv_reader(std::string_view data);

    // Reads the next record into fields (views valid until the next call). False at the end
    // or on a malformed record (error set: an unclosed quote, text after a closing quote).
    bool next(std::vector<std::string_view>& fields, std::string& error);
    // The line the last record began on (1-based).
    std::size_t line() const { return record_line_; }

private:
    std::string_view data_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    std::size_t record_line_ = 0;
    std::deque<std::string> unquoted_;  // fields that held doubled quotes (a deque: views into it stay valid)
};

// A read-only memory map of a whole file (empty files map to an empty view).
class mapped_file {
public:
    mapped_file() = default;
    mapped_file(mapped_file&& o) noexcept;
    mapped_file& operator=(mapped_file&& o) noexcept;
    mapped_file(const mapped_file&) = delete;
    mapped_file& operator=(const mapped_file&) = delete;
    ~mapped_file();

    // False with error set ("cannot open: No such file or directory").
    bool open(const std::string& path, std::string& error);
    std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

private:
    void* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace ringfence::subscribers
