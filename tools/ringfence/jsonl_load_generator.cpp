#include "tools/ringfence/jsonl_load_generator.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>

#include "common/json_writer.hpp"
#include "tools/ringfence/sms_text_generator.hpp"

namespace ringfence::cli {

namespace {

using clock_type = std::chrono::steady_clock;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()).count();
}

constexpr const char* mobile_prefixes[] = {"91", "94", "88", "96", "97", "98", "86", "32", "33", "90", "93", "89", "70", "77"};
struct connection {
    int fd = -1;
    std::string outbox;           // bytes not yet accepted by the kernel
    std::size_t outbox_sent = 0;
    std::uint64_t next_record = 0;  // index into this connection's share
    std::uint64_t share = 0;        // records this connection sends
    std::uint64_t replies = 0;
    std::vector<std::int64_t> sent_at;  // ring of send times, indexed by record number % window
    std::string inbox;
    bool done() const { return replies >= share; }
};

int connect_to(const std::string& host, std::uint16_t port, std::string& error) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
        error = fmt::format("not an IPv4 address: {}", host);
        ::close(fd);
        return -1;
    }
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        error = fmt::format("connect {}:{}: {}", host, port, std::strerror(errno));
        ::close(fd);
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

}  // namespace

std::vector<std::string> generate_records(std::uint64_t count, std::uint64_t id_base, const std::string& mix,
                                          std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::string> out;
    out.reserve(count);
    // 1 ms per record from 2026-11-18; run_load stamps the time of sending over it.
    const std::int64_t t0 = 1'795'000'000'000;
    // Texts of their own (sms_text_generator.hpp), each written as a JSON string once; the
    // daemon's lists do not hold the bench's scam domains.
    std::vector<std::string> texts = generate_sms_texts(std::min<std::uint64_t>(count, 65536), seed + 1, 0);
    for (std::string& text : texts) {
        std::string json;
        common::append_json_string(json, text);
        text = std::move(json);
    }
    for (std::uint64_t i = 0; i < count; ++i) {
        const bool sms = mix == "sms" || (mix == "mixed" && rng() % 5 == 0);
        const std::string caller = fmt::format("+84{}{:07}", mobile_prefixes[rng() % 14], rng() % 10'000'000);
        const std::string callee = fmt::format("0{}{:07}", mobile_prefixes[rng() % 14], rng() % 10'000'000);
        const std::int64_t t = t0 + static_cast<std::int64_t>(id_base + i);
        if (sms) {
            out.push_back(fmt::format(
                R"({{"id":"s-{}","kind":"sms.submit","time":{},"caller":"{}","callee":"{}","origin":{{"kind":"home_mobile","trunk":"SMSC-1"}},"sms":{{"text":{},"parts":1}}}})",
                id_base + i, t, caller, callee, texts[rng() % texts.size()]));
        } else {
            const char* origin = rng() % 10 == 0 ? "international" : "interconnect";
            out.push_back(fmt::format(
                R"({{"id":"c-{}","kind":"call.attempt","time":{},"caller":"{}","callee":"{}","origin":{{"kind":"{}","trunk":"GW-{}","ip":"203.0.113.{}"}}}})",
                id_base + i, t, caller, callee, origin, rng() % 8, rng() % 250));
        }
    }
    return out;
}

namespace {

// Records carry the time they are sent, as a switch stamps a record when the call happens:
// every connection shares one clock, as NTP-synchronised switches do, so record times (and
// the log's time index) advance together. (Pre-generated times would run one clock per
// connection and jump back each time a connection's pool of lines starts over.)
constexpr std::int64_t record_time_base_ms = 1'795'000'000'000;  // 2026-11-18

void stamp_time(std::string& out, std::size_t line_start, std::int64_t time_ms) {
    constexpr std::string_view key = "\"time\":";
    const std::size_t at = out.find(key, line_start);
    if (at == std::string::npos) return;
    char digits[13];  // every generated time has 13 digits (milliseconds until the year 2286)
    fmt::format_to_n(digits, sizeof digits, "{:013}", time_ms);
    out.replace(at + key.size(), sizeof digits, digits, sizeof digits);
}

}  // namespace

load_result run_load(const load_settings& s) {
    load_result result;
    const int n = s.connections;
    std::vector<connection> conns(static_cast<std::size_t>(n));
    // A pool of distinct records per connection, sent round-robin: generating 1M+ lines up
    // front would cost more than the run.
    const std::uint64_t pool = std::min<std::uint64_t>(s.records / static_cast<std::uint64_t>(n) + 1, 50'000);
    std::vector<std::vector<std::string>> pools;
    for (int i = 0; i < n; ++i) {
        auto& c = conns[static_cast<std::size_t>(i)];
        c.share = s.records / static_cast<std::uint64_t>(n) + (static_cast<std::uint64_t>(i) < s.records % static_cast<std::uint64_t>(n) ? 1 : 0);
        c.sent_at.resize(s.window);
        pools.push_back(generate_records(pool, static_cast<std::uint64_t>(i) * 100'000'000ULL, s.mix, 42 + static_cast<std::uint64_t>(i)));
        c.fd = connect_to(s.host, s.port, result.failure);
        if (c.fd < 0) return result;
    }
    result.latencies_us.reserve(s.records);
    const std::int64_t start = now_ns();
    const double ns_per_record = s.rate > 0 ? 1e9 / s.rate : 0;
    std::uint64_t total_sent = 0;
    std::vector<pollfd> pfds(static_cast<std::size_t>(n));
    std::uint64_t total_replies = 0;
    const std::int64_t give_up_ns = 600LL * 1'000'000'000;

    while (total_replies < s.records) {
        const std::int64_t now = now_ns();
        if (now - start > give_up_ns) {
            result.failure = "gave up: the run took more than 10 minutes";
            break;
        }
        // Queue what is due (paced) and fits the window, then write it.
        std::uint64_t due = s.rate > 0 ? static_cast<std::uint64_t>(static_cast<double>(now - start) / ns_per_record) + 1 : s.records;
        for (auto& c : conns) {
            while (c.next_record < c.share && c.next_record - c.replies < s.window && total_sent < due) {
                const auto& line = pools[static_cast<std::size_t>(&c - conns.data())][c.next_record % pool];
                const std::size_t at = c.outbox.size();
                c.outbox.append(line);
                stamp_time(c.outbox, at, record_time_base_ms + (now - start) / 1'000'000);
                c.outbox.push_back('\n');
                c.sent_at[c.next_record % s.window] = now;
                ++c.next_record;
                ++total_sent;
            }
            if (c.outbox_sent < c.outbox.size()) {
                const ssize_t w = ::send(c.fd, c.outbox.data() + c.outbox_sent, c.outbox.size() - c.outbox_sent, MSG_NOSIGNAL);
                if (w > 0) c.outbox_sent += static_cast<std::size_t>(w);
                else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                    result.failure = fmt::format("send: {}", std::strerror(errno));
                    return result;
                }
                if (c.outbox_sent == c.outbox.size()) {
                    c.outbox.clear();
                    c.outbox_sent = 0;
                }
            }
        }
        // Paced: sleep until the next record is due (or a reply arrives), not spin: the
        // client shares the machine with the daemon it measures.
        std::int64_t timeout_ns = 50'000'000;
        if (s.rate > 0 && total_sent < s.records) {
            const auto next_due = start + static_cast<std::int64_t>(static_cast<double>(total_sent) * ns_per_record);
            timeout_ns = std::clamp<std::int64_t>(next_due - now_ns(), 0, 50'000'000);
        }
        for (int i = 0; i < n; ++i) {
            auto& c = conns[static_cast<std::size_t>(i)];
            pfds[static_cast<std::size_t>(i)] = {c.fd, static_cast<short>(POLLIN | (c.outbox_sent < c.outbox.size() ? POLLOUT : 0)), 0};
        }
        const timespec wait{static_cast<time_t>(timeout_ns / 1'000'000'000), static_cast<long>(timeout_ns % 1'000'000'000)};
        if (::ppoll(pfds.data(), static_cast<nfds_t>(n), &wait, nullptr) < 0 && errno != EINTR) {
            result.failure = fmt::format("poll: {}", std::strerror(errno));
            break;
        }
        const std::int64_t got_at = now_ns();
        for (int i = 0; i < n; ++i) {
            if (!(pfds[static_cast<std::size_t>(i)].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            auto& c = conns[static_cast<std::size_t>(i)];
            char buf[256 * 1024];
            const ssize_t r = ::recv(c.fd, buf, sizeof buf, 0);
            if (r == 0) {
                result.failure = "ringfenced closed a connection before answering every record";
                return result;
            }
            if (r < 0) continue;
            c.inbox.append(buf, static_cast<std::size_t>(r));
            std::size_t pos = 0;
            while (true) {
                const auto nl = c.inbox.find('\n', pos);
                if (nl == std::string::npos) break;
                const std::string_view line(c.inbox.data() + pos, nl - pos);
                if (line.find("\"error\":") != std::string_view::npos) ++result.error_replies;
                else if (line.find("\"action\":\"block\"") != std::string_view::npos) ++result.blocked;
                const std::int64_t sent = c.sent_at[c.replies % s.window];
                result.latencies_us.push_back(static_cast<std::uint32_t>((got_at - sent) / 1000));
                ++c.replies;
                ++total_replies;
                pos = nl + 1;
            }
            c.inbox.erase(0, pos);
        }
    }
    result.seconds = static_cast<double>(now_ns() - start) / 1e9;
    result.sent = total_sent;
    result.replies = total_replies;
    for (auto& c : conns) ::close(c.fd);
    return result;
}

}  // namespace ringfence::cli
