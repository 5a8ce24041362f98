#include "ingest/jsonl_session.hpp"

#include "output/reply_json.hpp"

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <chrono>
#include <type_traits>
#include <cstring>

namespace ringfence::ingest {

namespace asio = boost::asio;

namespace {
std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
constexpr std::size_t read_chunk = 64 * 1024;
}  // namespace

template <class Protocol>
jsonl_session<Protocol>::jsonl_session(socket_type socket, pipeline_context& ctx, session_limits limits,
                                       std::function<void()> on_closed)
    : socket_(std::move(socket)),
      strand_(asio::make_strand(socket_.get_executor())),
      ctx_(ctx),
      limits_(limits),
      on_closed_(std::move(on_closed)),
      processor_(ctx) {
    in_.resize(limits_.max_line_bytes + read_chunk);
    ctx_.counters.connections_active.fetch_add(1, std::memory_order_relaxed);
}

template <class Protocol>
jsonl_session<Protocol>::~jsonl_session() {
    ctx_.counters.connections_active.fetch_sub(1, std::memory_order_relaxed);
}

template <class Protocol>
void jsonl_session<Protocol>::start() {
    asio::dispatch(strand_, [self = this->shared_from_this()] { self->read_more(); });
}

template <class Protocol>
void jsonl_session<Protocol>::stop() {
    asio::dispatch(strand_, [self = this->shared_from_this()] {
        if (self->stopping_) return;
        self->stopping_ = true;
        boost::system::error_code ignored;
        // Wakes a pending read (aborted); lines already read are still answered. The socket
        // stays open for reading so maybe_close can drain what the client still sends.
        self->socket_.cancel(ignored);
        if (!self->reading_) {
            self->read_done_ = true;
            self->maybe_close();
        }
    });
}

template <class Protocol>
void jsonl_session<Protocol>::read_more() {
    if (stopping_ || read_done_) {
        read_done_ = true;
        maybe_close();
        return;
    }
    if (pending_too_large()) {
        // The client is not reading its replies: stop reading its lines until it does.
        if (!read_paused_) ctx_.counters.reads_paused.fetch_add(1, std::memory_order_relaxed);
        read_paused_ = true;
        return;
    }
    read_paused_ = false;
    reading_ = true;
    socket_.async_read_some(asio::buffer(in_.data() + in_len_, in_.size() - in_len_),
                            asio::bind_executor(strand_, [self = this->shared_from_this()](
                                                             const boost::system::error_code& ec, std::size_t n) {
                                self->on_read(ec, n);
                            }));
}

template <class Protocol>
void jsonl_session<Protocol>::on_read(const boost::system::error_code& ec, std::size_t n) {
    reading_ = false;
    in_len_ += n;
    const bool at_eof = static_cast<bool>(ec);
    process_buffer(at_eof);
    flush();
    if (at_eof) {
        read_done_ = true;
        maybe_close();
        return;
    }
    read_more();
}

template <class Protocol>
void jsonl_session<Protocol>::process_buffer(bool at_eof) {
    const std::int64_t now = wall_ms();
    const std::shared_ptr<store::commit_listener> self = this->shared_from_this();
    const char* data = in_.data();
    std::size_t pos = 0;
    while (pos < in_len_) {
        const void* nl = std::memchr(data + pos, '\n', in_len_ - pos);
        if (nl == nullptr) break;
        const std::size_t end = static_cast<const char*>(nl) - data;
        // The limit is on the line, not its end: a CR before the LF does not count.
        const std::size_t line_bytes = end - pos - (end > pos && data[end - 1] == '\r' ? 1 : 0);
        if (discarding_) {
            discarding_ = false;
        } else if (line_bytes > limits_.max_line_bytes) {
            processor_.reject_too_long(limits_.max_line_bytes, scratch_);
            emit_reply(false);
        } else {
            std::string_view line(data + pos, end - pos);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            const auto result = processor_.process(line, now, scratch_, self, next_token_ + 1);
            if (result.awaits_commit) ++next_token_;
            emit_reply(result.awaits_commit, result.action);
        }
        pos = end + 1;
    }
    // Keep the partial line at the front of the buffer.
    const std::size_t rest = in_len_ - pos;
    if (rest > 0 && pos > 0) std::memmove(in_.data(), data + pos, rest);
    in_len_ = rest;

    // Past the limit with no newline yet (one byte more may be the CR of a CRLF).
    if (in_len_ > limits_.max_line_bytes + 1 || (in_len_ == limits_.max_line_bytes + 1 && in_.data()[in_len_ - 1] != '\r')) {
        // Too long already and still no newline: answer now and skip the rest of it.
        if (!discarding_) {
            processor_.reject_too_long(limits_.max_line_bytes, scratch_);
            emit_reply(false);
        }
        discarding_ = true;
        in_len_ = 0;
    }
    if (at_eof && in_len_ > 0 && !discarding_ && !stopping_) {
        // The client closed after a last line with no newline: it is still a line.
        std::string_view line(in_.data(), in_len_);
        if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
            if (line.back() == '\r') line.remove_suffix(1);
            const auto result = processor_.process(line, now, scratch_, self, next_token_ + 1);
            if (result.awaits_commit) ++next_token_;
            emit_reply(result.awaits_commit, result.action);
        }
        in_len_ = 0;
    }
}

// The reply just rendered into scratch_ goes out at once when nothing is held before it
// and it needs no commit; otherwise it joins the held queue, released in order.
template <class Protocol>
void jsonl_session<Protocol>::emit_reply(bool awaits_commit, engine::action decided) {
    const std::uint64_t release = awaits_commit || !held_marks_.empty() ? next_token_ : 0;
    if (release == 0 || (held_marks_.empty() && release <= committed_token_)) {
        out_.append(scratch_);
    } else {
        held_.append(scratch_);
        held_marks_.push_back({held_.size(), release, awaits_commit, decided});
    }
    scratch_.clear();
}

template <class Protocol>
void jsonl_session<Protocol>::on_committed(std::uint64_t up_to, bool ok) {
    if (!ok) ctx_.counters.log_write_failed.fetch_add(1, std::memory_order_relaxed);
    asio::post(strand_, [self = this->shared_from_this(), up_to, ok] {
        if (!ok && up_to > self->committed_token_) self->lost_tokens_.emplace_back(self->committed_token_, up_to);
        if (up_to > self->committed_token_) self->committed_token_ = up_to;
        self->release_held();
        self->flush();
        if (self->read_paused_ && !self->pending_too_large()) self->read_more();
        self->maybe_close();
    });
}

template <class Protocol>
void jsonl_session<Protocol>::release_held() {
    while (!held_marks_.empty() && held_marks_.front().release_token <= committed_token_) {
        const held_mark m = held_marks_.front();
        held_marks_.pop_front();
        const std::string_view reply(held_.data() + held_sent_, m.end - held_sent_);
        while (!lost_tokens_.empty() && lost_tokens_.front().second < m.release_token) lost_tokens_.pop_front();
        const bool lost = m.decision && !lost_tokens_.empty() && m.release_token > lost_tokens_.front().first;
        if (lost) {
            // The line was counted under its decision's action; it ends as this error instead.
            ctx_.counters.decisions[static_cast<std::size_t>(m.action)].fetch_sub(1, std::memory_order_relaxed);
            ctx_.counters.count_error(error_reason::not_logged);
            output::append_error_for_decision_line(out_, reply, "not_logged",
                                                   "the decision log could not commit this decision's row (see the daemon's log): "
                                                   "no decision is given for it");
        } else {
            out_.append(reply);
        }
        held_sent_ = m.end;
    }
    if (held_marks_.empty()) {
        held_.clear();
        held_sent_ = 0;
    }
}

template <class Protocol>
bool jsonl_session<Protocol>::pending_too_large() const {
    return out_.size() + writing_.size() + held_.size() > limits_.max_pending_reply_bytes;
}

template <class Protocol>
void jsonl_session<Protocol>::flush() {
    if (write_in_flight_ || out_.empty() || closed_) return;
    writing_.swap(out_);
    out_.clear();
    write_in_flight_ = true;
    write_writing();
}

template <class Protocol>
void jsonl_session<Protocol>::write_writing() {
    asio::async_write(socket_, asio::buffer(writing_),
                      asio::bind_executor(strand_, [self = this->shared_from_this()](
                                                       const boost::system::error_code& ec, std::size_t n) {
                          self->on_written(ec, n);
                      }));
}

template <class Protocol>
void jsonl_session<Protocol>::on_written(const boost::system::error_code& ec, std::size_t n) {
    if (ec == asio::error::operation_aborted && stopping_ && !finished_) {
        // stop() cancelled the socket's operations to end the pending read: the replies go on.
        writing_.erase(0, n);
        if (!writing_.empty()) {
            write_writing();
            return;
        }
    }
    write_in_flight_ = false;
    writing_.clear();
    if (ec && ec != asio::error::operation_aborted) {
        // The client went away: nothing more can be sent. Decisions are already logged.
        out_.clear();
        stopping_ = true;
        read_done_ = read_done_ || !reading_;
        boost::system::error_code ignored;
        socket_.shutdown(socket_type::shutdown_receive, ignored);
        maybe_close();
        return;
    }
    flush();
    if (read_paused_ && !pending_too_large()) read_more();
    maybe_close();
}

template <class Protocol>
void jsonl_session<Protocol>::maybe_close() {
    if (closed_ || !read_done_ || reading_ || write_in_flight_ || !out_.empty() || !held_marks_.empty()) return;
    closed_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(socket_type::shutdown_send, ignored);  // end of stream after the last reply
    drain_deadline_.emplace(strand_);
    drain_deadline_->expires_after(std::chrono::seconds(10));
    drain_deadline_->async_wait([self = this->shared_from_this()](const boost::system::error_code& ec) {
        if (!ec) self->finish_close();  // a client that neither reads nor closes
    });
    last_drained_ = std::chrono::steady_clock::now();
    drain();
    delivered_poll_.emplace(strand_);
    watch_delivered();
}

template <class Protocol>
void jsonl_session<Protocol>::watch_delivered() {
    if (finished_) return;
    // Quiet: the client sent nothing for a while (one still sending is drained until it
    // closes or drain_deadline_), and nothing waits unread here.
    boost::system::error_code ec;
    const std::size_t unread = socket_.available(ec);
    const bool quiet = !ec && unread == 0 && std::chrono::steady_clock::now() - last_drained_ >= quiet_before_close;
    // Delivered: over TCP, every byte sent was acknowledged, so the client's kernel holds
    // every reply and our FIN. A Unix socket's peer keeps what is queued to it after we close.
    int unacknowledged = 0;
    const bool delivered = !std::is_same_v<Protocol, boost::asio::ip::tcp> ||
                           (::ioctl(socket_.native_handle(), SIOCOUTQ, &unacknowledged) == 0 && unacknowledged == 0);
    if (quiet && delivered) {
        finish_close();
        return;
    }
    delivered_poll_->expires_after(std::chrono::milliseconds(20));
    delivered_poll_->async_wait([self = this->shared_from_this()](const boost::system::error_code& e) {
        if (!e) self->watch_delivered();
    });
}

template <class Protocol>
void jsonl_session<Protocol>::drain() {
    socket_.async_read_some(asio::buffer(drain_buffer_),
                            asio::bind_executor(strand_, [self = this->shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                                if (ec) {
                                    self->finish_close();  // the client closed (or reset): nothing left to lose
                                    return;
                                }
                                self->last_drained_ = std::chrono::steady_clock::now();
                                self->drain();
                            }));
}

template <class Protocol>
void jsonl_session<Protocol>::finish_close() {
    if (finished_) return;
    finished_ = true;
    boost::system::error_code ignored;
    if (drain_deadline_) drain_deadline_->cancel();
    if (delivered_poll_) delivered_poll_->cancel();
    socket_.close(ignored);
    if (on_closed_) on_closed_();
}

template class jsonl_session<asio::ip::tcp>;
template class jsonl_session<asio::local::stream_protocol>;

}  // namespace ringfence::ingest
