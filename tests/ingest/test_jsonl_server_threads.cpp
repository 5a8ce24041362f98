// The JSON-lines server on several io threads (ingest.threads) serves its connections side by
// side: a decision point that only answers once two records are being decided at the same
// moment gets both, over two real TCP connections to a real listener. Were the sessions run
// one at a time (as they were when each session's strand sat on the listener's), the first
// would wait for a second that cannot start, and the rendezvous would time out.
#include <utility>  // Boost 1.74 Asio misses it under C++20 with g++ 12

#include <doctest/doctest.h>

#include <boost/asio.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ingest/jsonl_server.hpp"
#include "support/shipped_plan.hpp"

namespace ringfence::test {
namespace {

namespace asio = boost::asio;

// Each decide waits until `parties` decides are in progress at once (or the time is up).
class rendezvous_decider final : public engine::decision_point {
public:
    explicit rendezvous_decider(int parties) : parties_(parties) {}
    void decide(const model::record&, engine::decision& out) override {
        out.clear();
        std::unique_lock lock(mu_);
        ++inside_;
        met_ = met_ || inside_ >= parties_;
        cv_.notify_all();
        cv_.wait_for(lock, std::chrono::seconds(5), [&] { return met_; });
        if (!met_) ++timeouts_;
        --inside_;
    }
    bool met() {
        std::lock_guard lock(mu_);
        return met_;
    }
    int timeouts() {
        std::lock_guard lock(mu_);
        return timeouts_;
    }

private:
    const int parties_;
    std::mutex mu_;
    std::condition_variable cv_;
    int inside_ = 0;
    bool met_ = false;
    int timeouts_ = 0;
};

// Stops the io threads however the test ends (a failed read throws).
struct io_threads {
    asio::io_context& io;
    std::vector<std::thread> threads;
    io_threads(asio::io_context& context, int n) : io(context) {
        for (int i = 0; i < n; ++i) threads.emplace_back([this] { io.run(); });
    }
    ~io_threads() {
        io.stop();
        for (auto& t : threads) t.join();
    }
};

// A read that gives up after 15 s (SO_RCVTIMEO) instead of hanging the suite.
void give_up_reading_after_15s(asio::ip::tcp::socket& s) {
    timeval tv{15, 0};
    REQUIRE(::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
}

std::string read_line(asio::ip::tcp::socket& s) {
    std::string line;
    asio::read_until(s, asio::dynamic_buffer(line), '\n');
    return line.substr(0, line.find('\n'));
}

}  // namespace

TEST_CASE("jsonl server: with two io threads, two connections are decided at the same moment") {
    rendezvous_decider decider(2);
    ingest::ingest_counters counters;
    ingest::pipeline_context ctx{test_support::shipped_plan(), decider, nullptr, false, store::queue_full_policy::backpressure, counters, 0};
    asio::io_context io;
    ingest::jsonl_server_settings settings;
    settings.tcp_port = 0;
    ingest::jsonl_server server(io, ctx, settings);
    REQUIRE(server.start().empty());
    io_threads running(io, 2);

    asio::io_context client_io;
    const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), server.tcp_port());
    asio::ip::tcp::socket a(client_io), b(client_io);
    a.connect(ep);
    b.connect(ep);
    give_up_reading_after_15s(a);
    give_up_reading_after_15s(b);
    const std::string line_a = R"({"id":"a","kind":"call.attempt","caller":"0912345678","callee":"0987654321"})" "\n";
    const std::string line_b = R"({"id":"b","kind":"call.attempt","caller":"0912345679","callee":"0987654321"})" "\n";
    asio::write(a, asio::buffer(line_a));
    asio::write(b, asio::buffer(line_b));
    CHECK(read_line(a).find(R"({"id":"a","action":"allow")") == 0);
    CHECK(read_line(b).find(R"({"id":"b","action":"allow")") == 0);
    CHECK(decider.met());
    CHECK(decider.timeouts() == 0);

    a.close();
    b.close();
    server.stop();
}

}  // namespace ringfence::test
