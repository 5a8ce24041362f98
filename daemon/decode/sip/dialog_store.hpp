// Where the SIP dialog table keeps its dialogs, built for a capture of thousands of calls a
// second: each call used to allocate a hash-map node, a list node and its Call-ID, and free
// them again when it lingered out.
// - dialog_index: dialogs by Call-ID, open addressing over 16-byte slots (the Call-ID's hash
//   and the dialog), linear probing, grown at half full, backward-shift deletion (no
//   tombstones). A lookup compares the hash first and the Call-ID only on a hash match.
// - dialog_list: an intrusive doubly linked list (the links are in the dialog), so moving a
//   dialog between the table's phase lists, least recently active first, allocates nothing.
// - dialog_pool: where dialogs live, built in slabs (2 MiB huge pages once the table is
//   busy). Dialogs that ended are kept for the next calls with their strings' capacity (up to
//   keep_free of them; the ones beyond are emptied). A slab's memory is held until the pool
//   goes: the table's dialogs stay at their high-water mark, at most max_dialogs.
// - inline_call_id: a Call-ID kept in the dialog itself when it is short enough (most are),
//   so the lookup's comparison reads the dialog it has to read anyway, not a string elsewhere.
// Node must have: call_id (convertible to std::string_view); Node* prev; Node* next.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "common/probe_run.hpp"
#include "common/string_hash.hpp"
#include "common/table_array.hpp"

namespace ringfence::decode::sip {

class inline_call_id {
  public:
    static constexpr std::size_t inline_capacity = 62;

    void assign(std::string_view s) {
        size_ = static_cast<std::uint32_t>(s.size());
        if (s.size() <= inline_capacity) {
            std::memcpy(inline_, s.data(), s.size());
            long_.clear();
        } else {
            long_.assign(s);
        }
    }
    operator std::string_view() const noexcept {
        return size_ <= inline_capacity ? std::string_view(inline_, size_) : std::string_view(long_);
    }
    // The heap room a long Call-ID left (kept for the next long one, up to a bound).
    std::size_t heap_capacity() const noexcept { return long_.capacity(); }
    void release_heap() { std::string().swap(long_); }

  private:
    std::uint32_t size_ = 0;
    char inline_[inline_capacity];
    std::string long_;
};

template <class Node>
class dialog_list {
  public:
    bool empty() const noexcept { return head_ == nullptr; }
    std::size_t size() const noexcept { return size_; }
    Node* front() const noexcept { return head_; }
    void push_back(Node* n) noexcept {
        n->prev = tail_;
        n->next = nullptr;
        (tail_ != nullptr ? tail_->next : head_) = n;
        tail_ = n;
        ++size_;
    }
    // n must be in this list.
    void erase(Node* n) noexcept {
        (n->prev != nullptr ? n->prev->next : head_) = n->next;
        (n->next != nullptr ? n->next->prev : tail_) = n->prev;
        n->prev = n->next = nullptr;
        --size_;
    }

  private:
    Node* head_ = nullptr;
    Node* tail_ = nullptr;
    std::size_t size_ = 0;
};

template <class Node>
class dialog_index {
  public:
    dialog_index() : slots_(16), seed_(common::random_seed()) {}

    std::size_t size() const noexcept { return size_; }

    Node* find(std::string_view call_id) const noexcept {
        const std::uint64_t h = hash_again(call_id);
        for (std::size_t i = h & mask(); slots_[i].node != nullptr; i = (i + 1) & mask())
            if (slots_[i].hash == h && std::string_view(slots_[i].node->call_id) == call_id) return slots_[i].node;
        return nullptr;
    }

    // Starts loading the slot a find of call_id reads first (sip_parser.hpp, call_id_hint).
    // The next find, when it is of the same view (the message being read: its bytes did not
    // change in between), takes the hash computed here; any find forgets it, so a view of
    // other bytes at the same address later (a buffer used again) is hashed anew.
    void prefetch(std::string_view call_id) const noexcept {
        hinted_ = call_id;
        hinted_hash_ = hash(call_id);
        __builtin_prefetch(&slots_[hinted_hash_ & mask()]);
    }

    // n->call_id must not be in the index.
    void insert(Node* n) {
        if ((size_ + 1) * 2 > slots_.size()) grow();
        place({hash(std::string_view(n->call_id)), n});
        ++size_;
    }

    // n must be in the index.
    void erase(const Node* n) noexcept {
        std::size_t i = hash(std::string_view(n->call_id)) & mask();
        while (slots_[i].node != n) i = (i + 1) & mask();
        // Backward shift: later slots of the probe run move into the hole.
        std::size_t hole = i;
        for (std::size_t j = (i + 1) & mask(); slots_[j].node != nullptr; j = (j + 1) & mask()) {
            if (common::stays_behind_hole(hole, slots_[j].hash & mask(), j)) continue;
            slots_[hole] = slots_[j];
            hole = j;
        }
        slots_[hole] = {};
        --size_;
    }

  private:
    struct slot {
        std::uint64_t hash = 0;
        Node* node = nullptr;
    };
    // Call-IDs come from the wire: hashed from this process's own seed.
    std::uint64_t hash(std::string_view s) const noexcept { return common::hash_string(s, seed_); }
    // The hash prefetch computed, when s is the view it was given, else computed now.
    std::uint64_t hash_again(std::string_view s) const noexcept {
        const bool hinted = !hinted_.empty() && s.data() == hinted_.data() && s.size() == hinted_.size();
        hinted_ = {};
        return hinted ? hinted_hash_ : hash(s);
    }
    std::size_t mask() const noexcept { return slots_.size() - 1; }
    void place(const slot& s) noexcept {
        std::size_t i = s.hash & mask();
        while (slots_[i].node != nullptr) i = (i + 1) & mask();
        slots_[i] = s;
    }
    void grow() {
        std::vector<slot> old(slots_.size() * 2);
        old.swap(slots_);
        for (const slot& s : old)
            if (s.node != nullptr) place(s);
    }

    std::vector<slot> slots_;
    std::uint64_t seed_;
    std::size_t size_ = 0;
    mutable std::string_view hinted_;
    mutable std::uint64_t hinted_hash_ = 0;
};

template <class Node>
class dialog_pool {
  public:
    explicit dialog_pool(std::size_t keep_free) : keep_free_(keep_free) {}
    // Destroys every dialog it built, the ones in use too: the table that took them holds
    // only pointers (its index and lists), so it declares the pool first, to go last.
    ~dialog_pool() {
        for (const slab& s : slabs_) {
            for (std::size_t i = 0; i < s.built; ++i) node_at(s, i)->~Node();
            release(s);
        }
    }
    dialog_pool(const dialog_pool&) = delete;
    dialog_pool& operator=(const dialog_pool&) = delete;

    // A dialog with whatever a previous call left in it: the caller sets every field. One
    // that kept its strings' room first, then a blank one, then a new one.
    Node* take() {
        if (!kept_.empty()) return pop(kept_);
        if (!blank_.empty()) return pop(blank_);
        if (slabs_.empty() || slabs_.back().built == slabs_.back().capacity) add_slab();
        slab& s = slabs_.back();
        Node* n = new (node_at(s, s.built)) Node();
        ++s.built;
        return n;
    }
    // Past keep_free kept ones, a dialog given back is emptied (its strings' heap returned)
    // and its place waits for the next call.
    void give_back(Node* n) {
        if (kept_.size() < keep_free_) {
            kept_.push_back(n);
            return;
        }
        n->~Node();
        new (n) Node();
        blank_.push_back(n);
    }

    // Dialogs built so far (in use, kept and blank): their places are held until the pool goes.
    std::size_t built() const noexcept {
        std::size_t n = 0;
        for (const slab& s : slabs_) n += s.built;
        return n;
    }
    // Of those, the slabs that are 2 MiB mappings (the rest came from the heap).
    std::size_t mapped_slabs() const noexcept {
        return static_cast<std::size_t>(std::count_if(slabs_.begin(), slabs_.end(), [](const slab& s) { return s.mapped; }));
    }
    // One dialog's place: whole cache lines, so a dialog starts on a line and a prefetch of
    // stride bytes from its start fetches all of it.
    static constexpr std::size_t stride = (sizeof(Node) + 63) & ~std::size_t{63};

  private:
    // The first slabs are small (a capture of a few calls takes a few KiB) and come from the
    // heap; they double up to 2 MiB, from then on each is a 2 MiB mapping in a huge page. A
    // busy capture holds tens of thousands of dialogs and reads one at random per message:
    // on 4 KiB heap pages nearly every cold dialog was a TLB miss on top of its cache miss,
    // and every 4 KiB of new dialogs a page fault.
    struct slab {
        std::byte* bytes;
        std::size_t capacity;  // dialogs
        std::size_t built;     // constructed, from the front
        bool mapped;           // a 2 MiB mapping (huge_slab dialogs), else from the heap
    };
    static constexpr std::size_t first_slab = 16;
    static constexpr std::size_t huge_slab = common::huge_page_bytes / stride;
    static_assert(huge_slab >= first_slab, "a dialog fits a huge page many times over");

    static Node* node_at(const slab& s, std::size_t i) noexcept { return reinterpret_cast<Node*>(s.bytes + i * stride); }
    static void release(const slab& s) noexcept {
        if (s.mapped)
            common::unmap_huge_table(s.bytes, common::huge_page_bytes);
        else
            ::operator delete(s.bytes, std::align_val_t{64});
    }
    static Node* pop(std::vector<Node*>& from) noexcept {
        Node* n = from.back();
        from.pop_back();
        return n;
    }
    void add_slab() {
        const std::size_t capacity = slabs_.empty() ? first_slab : std::min(slabs_.back().capacity * 2, huge_slab);
        slabs_.reserve(slabs_.size() + 1);  // so the push below cannot throw with the memory taken
        slab s{nullptr, capacity, 0, capacity == huge_slab};
        if (s.mapped) {
            s.bytes = static_cast<std::byte*>(common::map_huge_table(common::huge_page_bytes));
            if (s.bytes == nullptr) throw std::bad_alloc();
        } else {
            s.bytes = static_cast<std::byte*>(::operator new(capacity * stride, std::align_val_t{64}));
        }
        slabs_.push_back(s);
    }

    std::size_t keep_free_;
    std::vector<slab> slabs_;
    std::vector<Node*> kept_;   // given back with their strings' room
    std::vector<Node*> blank_;  // given back past keep_free, emptied
};

}  // namespace ringfence::decode::sip
