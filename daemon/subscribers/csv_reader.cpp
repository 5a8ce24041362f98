#include "subscribers/csv_reader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace ringfence::subscribers {

csv_reader::csv_reader(std::string_view data) : data_(data) {
    if (data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool csv_reader::next(std::vector<std::string_view>& fields, std::string& error) {
    fields.clear();
    unquoted_.clear();
    // Blank lines between records carry nothing.
    while (pos_ < data_.size() && (data_[pos_] == '\n' || (data_[pos_] == '\r' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n'))) {
        pos_ += data_[pos_] == '\r' ? 2 : 1;
        ++line_;
    }
    if (pos_ >= data_.size()) return false;
    record_line_ = line_;
    const std::size_t n = data_.size();
    while (true) {
        if (pos_ < n && data_[pos_] == '"') {
            // Quoted field: runs to the closing quote; "" is one quote.
            std::size_t p = pos_ + 1;
            std::string value;
            bool doubled = false;
            std::size_t start = p;
            while (true) {
                const std::size_t q = data_.find('"', p);
                if (q == std::string_view::npos) {
                    error = "a quoted field is never closed";
                    pos_ = n;
                    return false;
                }
                for (std::size_t i = p; i < q; ++i)
                    if (data_[i] == '\n') ++line_;
                if (q + 1 < n && data_[q + 1] == '"') {
                    value.append(data_.substr(start, q + 1 - start));
                    doubled = true;
                    p = start = q + 2;
                    continue;
                }
                if (doubled) {
                    value.append(data_.substr(start, q - start));
                    unquoted_.push_back(std::move(value));
                    fields.push_back(unquoted_.back());
                } else {
                    fields.push_back(data_.substr(start, q - start));
                }
                pos_ = q + 1;
                break;
            }
            if (pos_ < n && data_[pos_] != ',' && data_[pos_] != '\n' && data_[pos_] != '\r') {
                error = "text after a closing quote";
                // Skip to the next line so a caller that goes on stays in step.
                const std::size_t eol = data_.find('\n', pos_);
                pos_ = eol == std::string_view::npos ? n : eol + 1;
                ++line_;
                return false;
            }
        } else {
            std::size_t end = pos_;
            while (end < n && data_[end] != ',' && data_[end] != '\n') ++end;
            std::size_t stop = end;
            if (end > pos_ && (end == n || data_[end] == '\n') && data_[end - 1] == '\r') --stop;
            fields.push_back(data_.substr(pos_, stop - pos_));
            pos_ = end;
        }
        if (pos_ >= n) return true;
        if (data_[pos_] == ',') {
            ++pos_;
            continue;
        }
        if (data_[pos_] == '\r') ++pos_;
        if (pos_ < n && data_[pos_] == '\n') {
            ++pos_;
            ++line_;
        }
        return true;
    }
}

mapped_file::mapped_file(mapped_file&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}

mapped_file& mapped_file::operator=(mapped_file&& o) noexcept {
    if (this != &o) {
        if (data_) munmap(data_, size_);
        data_ = std::exchange(o.data_, nullptr);
        size_ = std::exchange(o.size_, 0);
    }
    return *this;
}

mapped_file::~mapped_file() {
    if (data_) munmap(data_, size_);
}

bool mapped_file::open(const std::string& path, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = std::string("cannot open: ") + std::strerror(errno);
        return false;
    }
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        error = "not a regular file";
        ::close(fd);
        return false;
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
        void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            error = std::string("cannot map: ") + std::strerror(errno);
            ::close(fd);
            size_ = 0;
            return false;
        }
        madvise(p, size_, MADV_SEQUENTIAL);
        data_ = p;
    }
    ::close(fd);
    return true;
}

}  // namespace ringfence::subscribers
