// The decision log queue's recycled slots (store/recycled_entries.hpp), on its own and under
// the writer: an entry handed in gives the submitter back the storage of one already
// written, and no stale content or listener reaches a row.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "decision_log_test_support.hpp"
#include "store/recycled_entries.hpp"

using namespace ringfence;
using namespace ringfence::store;
using namespace ringfence::store::test;

namespace {

decision_log_entry_ptr entry_ptr(int n, std::shared_ptr<commit_listener> listener = nullptr, std::uint64_t token = 0) {
    return std::make_unique<decision_log_entry>(make_entry(n, std::move(listener), token));
}

}  // namespace

TEST_CASE("recycled entries: without spares a push takes the entry and leaves a new empty one") {
    recycled_entries q;
    decision_log_entry_ptr e = entry_ptr(1);
    const decision_log_entry* pushed = e.get();
    q.push(e);
    CHECK(q.size() == 1);
    REQUIRE(e != nullptr);
    CHECK(e.get() != pushed);
    CHECK(e->rec.id.empty());
    REQUIRE(q.entries().size() == 1);
    CHECK(q.entries()[0].get() == pushed);
    CHECK(q.entries()[0]->rec.id == "rec-1");
}

TEST_CASE("recycled entries: after recycle a push hands back a written entry, its listener dropped") {
    recycled_entries q;
    auto listener = std::make_shared<recording_listener>();
    std::vector<const decision_log_entry*> written;
    for (int n = 1; n <= 3; ++n) {
        decision_log_entry_ptr e = entry_ptr(n, listener, static_cast<std::uint64_t>(n));
        written.push_back(e.get());
        q.push(e);
    }
    CHECK(listener.use_count() == 4);
    q.recycle(16);
    CHECK(q.empty());
    CHECK(q.entries().empty());
    CHECK(listener.use_count() == 1);  // the spares keep no connection alive

    decision_log_entry_ptr next = entry_ptr(10);
    q.push(next);
    CHECK(next.get() == written[0]);  // the first spare, with its stale record, for its buffers
    CHECK(next->rec.id == "rec-1");
    CHECK(next->listener == nullptr);
    REQUIRE(q.size() == 1);
    CHECK(q.entries()[0]->rec.id == "rec-10");
}

TEST_CASE("recycled entries: recycle keeps at most keep_spares slots, and swap exchanges slots and counts") {
    recycled_entries a, b;
    for (int n = 1; n <= 5; ++n) {
        decision_log_entry_ptr e = entry_ptr(n);
        a.push(e);
    }
    a.recycle(2);
    for (int n = 6; n <= 8; ++n) {
        decision_log_entry_ptr e = entry_ptr(n);
        a.push(e);
        // Two spares came back (rec-1, rec-2); the third push found none.
        CHECK(e->rec.id == (n == 6 ? "rec-1" : n == 7 ? "rec-2" : ""));
    }
    b.swap(a);
    CHECK(a.empty());
    REQUIRE(b.size() == 3);
    CHECK(b.entries()[2]->rec.id == "rec-8");
}

TEST_CASE("recycled entries: a spare whose strings grew past the bound comes back empty, the others with their buffers") {
    recycled_entries q;
    decision_log_entry_ptr small = entry_ptr(1);
    decision_log_entry_ptr large = entry_ptr(2);
    large->rec.sms.text.assign(64 * 1024, 'x');  // a line near the size limit
    const decision_log_entry* small_at = small.get();
    q.push(small);
    q.push(large);
    q.recycle(16);
    decision_log_entry_ptr a = entry_ptr(3), b = entry_ptr(4);
    q.push(a);
    q.push(b);
    CHECK(a.get() == small_at);
    CHECK(a->rec.id == "rec-1");  // kept as it was
    CHECK(b->rec.id.empty());     // emptied: its 64 KiB let go
    CHECK(b->rec.sms.text.capacity() < 1024);
    CHECK(recycled_entries::heap_bytes(*a) <= recycled_entries::max_spare_heap_bytes);
}

TEST_CASE("decision log writer: entries handed to the log and back, as the deciders do, log every record as it was") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    auto settings = settings_for(path);
    settings.batch_max_rows = 7;  // many batches: most submits get a written entry back
    auto opened = decision_log_writer::open(settings);
    REQUIRE(opened.ok());
    decision_log_writer& writer = **opened.value;
    auto listener = std::make_shared<recording_listener>();
    auto entry = std::make_unique<decision_log_entry>();
    int recycled = 0;
    for (int n = 1; n <= 500; ++n) {
        // What record_line_processor does: the entry handed back is cleared, then filled.
        entry->rec.clear();
        entry->dec.clear();
        decision_log_entry fresh = make_entry(n, n % 2 == 0 ? listener : nullptr, static_cast<std::uint64_t>(n));
        if (n % 3 == 0) fresh.rec.origin.user_agent = std::string(200, 'u');  // a buffer beyond the short-string room
        entry->rec = fresh.rec;
        entry->dec = fresh.dec;
        entry->latency_us = fresh.latency_us;
        entry->decided_at_ms = fresh.decided_at_ms;
        entry->listener = fresh.listener;
        entry->token = fresh.token;
        REQUIRE(writer.submit(entry, true));
        REQUIRE(entry != nullptr);
        if (!entry->rec.id.empty()) ++recycled;
        CHECK(entry->listener == nullptr);
        // Paced a batch at a time, so which submits find spares is known: the first two
        // batches fill the queue's two slot arrays, from the third on every slot is a spare.
        if (n % 7 == 0) REQUIRE(eventually([&] { return writer.stats().rows_committed == static_cast<std::uint64_t>(n); }));
    }
    writer.close();
    CHECK(recycled == 500 - 14);
    const auto rows = query(path, "SELECT id, record_id, caller_e164, decided_at_ms FROM decisions ORDER BY id");
    REQUIRE(rows.size() == 500);
    for (int n = 1; n <= 500; ++n) {
        const row& r = rows[static_cast<std::size_t>(n - 1)];
        CHECK(*r[1] == "rec-" + std::to_string(n));
        CHECK(*r[2] == "+84912" + std::to_string(100000 + n));
        CHECK(*r[3] == std::to_string(1795834800500 + n));
    }
    CHECK(query_one(path, "SELECT count(*) FROM decisions WHERE json_extract(record_json, '$.origin.user_agent') IS NOT NULL") == "166");
    const auto notices = listener->notices();
    REQUIRE(!notices.empty());
    CHECK(notices.back() == notice{500, true});
    CHECK(listener.use_count() == 1);
}
