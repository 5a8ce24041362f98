// The SIP dialog table's store: the Call-ID index against std::unordered_map over a long
// random run of inserts, lookups and erases (backward-shift deletion keeps every probe run
// whole), the intrusive phase lists, and the pool that keeps ended dialogs for reuse.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "decode/sip/dialog_store.hpp"

namespace ringfence::test {
namespace {

using namespace decode::sip;

struct node {
    std::string call_id;
    node* prev = nullptr;
    node* next = nullptr;
};

// As large as the table's dialogs (~1 KiB): 5,000 of them outgrow the heap slabs into the
// 2 MiB mapped ones.
struct large_node {
    std::string call_id;
    large_node* prev = nullptr;
    large_node* next = nullptr;
    char body[1000] = {};
};

TEST_CASE("the Call-ID index finds what it holds and nothing else, through growth and erases") {
    dialog_index<node> index;
    std::unordered_map<std::string, std::unique_ptr<node>> reference;
    std::mt19937_64 rng(7);
    for (int step = 0; step < 200000; ++step) {
        // A small key space: many erases land inside probe runs.
        const std::string id = fmt::format("{}@pc33.example", rng() % 3000);
        const auto it = reference.find(id);
        node* found = index.find(id);
        REQUIRE((found != nullptr) == (it != reference.end()));
        if (found != nullptr) CHECK(found == it->second.get());
        if (rng() % 3 == 0) {
            if (it != reference.end()) {
                index.erase(it->second.get());
                reference.erase(it);
            } else {
                auto n = std::make_unique<node>();
                n->call_id = id;
                index.insert(n.get());
                reference.emplace(id, std::move(n));
            }
        }
        REQUIRE(index.size() == reference.size());
    }
    for (const auto& [id, n] : reference) CHECK(index.find(id) == n.get());
    CHECK(index.find("") == nullptr);
}

TEST_CASE("a find after prefetch of the same view takes its hash, while other views and the same bytes changed after a find are hashed anew") {
    dialog_index<node> index;
    std::vector<std::unique_ptr<node>> nodes;
    for (int i = 0; i < 100; ++i) {
        auto n = std::make_unique<node>();
        n->call_id = fmt::format("call-{:03}@h", i);
        index.insert(n.get());
        nodes.push_back(std::move(n));
    }
    std::string buffer = "call-007@h";  // a message's bytes, read in place
    const std::string_view view(buffer);
    index.prefetch(view);
    CHECK(index.find(view) == nodes[7].get());
    // Another message read into the same buffer: the same address and length, other bytes.
    buffer = "call-042@h";
    CHECK(index.find(view) == nodes[42].get());
    index.prefetch(view);
    CHECK(index.find("call-042@h") == nodes[42].get());  // another view of equal bytes
    buffer = "call-099@h";
    index.prefetch(view);
    CHECK(index.find(view) == nodes[99].get());
    CHECK(index.find("call-100@h") == nullptr);
}

TEST_CASE("the phase lists keep their order through erases at the front, the back and the middle") {
    std::vector<node> nodes(5);
    dialog_list<node> list;
    for (auto& n : nodes) list.push_back(&n);
    list.erase(&nodes[2]);
    list.erase(&nodes[0]);
    list.erase(&nodes[4]);
    REQUIRE(list.size() == 2);
    CHECK(list.front() == &nodes[1]);
    CHECK(nodes[1].next == &nodes[3]);
    CHECK(nodes[3].next == nullptr);
    list.push_back(&nodes[0]);
    CHECK(nodes[3].next == &nodes[0]);
    list.erase(&nodes[1]);
    list.erase(&nodes[3]);
    list.erase(&nodes[0]);
    CHECK(list.empty());
    CHECK(list.front() == nullptr);
}

TEST_CASE("the pool hands back what it kept, up to its limit, then blank dialogs") {
    dialog_pool<node> pool(2);
    node* a = pool.take();
    node* b = pool.take();
    node* c = pool.take();
    a->call_id = "kept a";
    b->call_id = "kept b";
    c->call_id = "past the limit";
    pool.give_back(a);
    pool.give_back(b);
    pool.give_back(c);  // over the limit: emptied, its place kept
    node* first = pool.take();
    node* second = pool.take();
    CHECK(((first == a && second == b) || (first == b && second == a)));
    CHECK(std::string_view(first->call_id).substr(0, 5) == "kept ");
    node* third = pool.take();
    CHECK(third == c);
    CHECK(std::string_view(third->call_id).empty());
    CHECK(pool.built() == 3);
    for (node* n : {first, second, third}) pool.give_back(n);
}

TEST_CASE("the pool builds dialogs on whole cache lines, in slabs that grow, and destroys them all") {
    // Dialogs still taken when the pool goes are destroyed with it (under ASan a leak of
    // their strings' heap fails the run).
    dialog_pool<large_node> pool(4);
    static_assert(dialog_pool<large_node>::stride % 64 == 0 && dialog_pool<large_node>::stride >= sizeof(large_node));
    std::vector<large_node*> taken;
    for (int i = 0; i < 5000; ++i) {
        large_node* n = pool.take();
        CHECK(reinterpret_cast<std::uintptr_t>(n) % 64 == 0);
        n->call_id = "a Call-ID long enough to live on the heap, number " + std::to_string(i);
        taken.push_back(n);
    }
    CHECK(pool.built() == 5000);
    // 16 + 32 + ... + 1024 heap places, then 2 MiB mappings of 1,927 (a stride of 1,088 bytes
    // does not divide 2 MiB: the mapped slab is still the huge one).
    CHECK(pool.mapped_slabs() == 2);
    std::sort(taken.begin(), taken.end());
    CHECK(std::adjacent_find(taken.begin(), taken.end()) == taken.end());
    for (std::size_t i = 0; i < 100; ++i) pool.give_back(taken[i]);
    for (std::size_t i = 0; i < 100; ++i) CHECK(pool.take() != nullptr);
    CHECK(pool.built() == 5000);
}

}  // namespace
}  // namespace ringfence::test
