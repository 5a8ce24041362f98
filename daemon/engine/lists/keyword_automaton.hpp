// Aho-Corasick over bytes for the keyword lists of contains_any / icontains_any: thousands
// of keywords matched against an SMS in one pass, whatever their number.
//
// Layout: bytes are first mapped to classes (every byte that occurs in a keyword gets its
// own class, all other bytes share class 0, which always leads back to the root). The
// states nearest the root -- whole depth levels in breadth-first order, as many as fit in
// dense_budget_bytes -- get a full row of next states over the classes, so most bytes cost
// one load. Deeper states keep only their children (class and next state, in one shared
// array) and their failure link; a miss there follows failure links until a dense state,
// and failure links always lead to a shallower state. Next-state values are row offsets
// (no multiplication in the scan loop) and carry a "some keyword ends here" bit, so the
// loop needs no second lookup to notice a match. Each byte's next state waits on the load
// for the previous one, so any_match scans a text longer than about twice the longest
// keyword as two interleaved halves (the second starting one keyword length early), which
// gives the processor two independent chains of loads to overlap.
//
// Case: built with ascii_case_insensitive, keywords are lower-cased (ASCII) and upper-case
// ASCII bytes of the text share the class of their lower-case letter; the engine passes
// sms.text_folded for Vietnamese-insensitive matching (see engine/text/text_fold.hpp).
//
// Contract: keyword indexes count add() calls from 0; a keyword added twice reports its
// first index. first_match is the keyword whose occurrence ends earliest in the text, and
// of those ending at the same byte the longest. The empty keyword matches every text,
// ending at offset 0. Immutable once built; safe to read from many threads. Limit: about
// 2^31 states (keyword bytes), far past any keyword list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringfence::engine::lists {

class keyword_automaton {
  public:
    class builder {
      public:
        explicit builder(bool ascii_case_insensitive = false)
            : case_insensitive_(ascii_case_insensitive) {}
        void add(std::string_view keyword) { keywords_.emplace_back(keyword); }
        std::size_t size() const noexcept { return keywords_.size(); }
        keyword_automaton build(std::size_t dense_budget_bytes = 1 << 20) &&;

      private:
        bool case_insensitive_;
        std::vector<std::string> keywords_;
    };

    keyword_automaton() = default;

    bool any_match(std::string_view text) const noexcept;
    std::optional<std::uint32_t> first_match(std::string_view text) const noexcept;

    // Calls visit(keyword_index, end_offset) for every occurrence of every keyword, in order
    // of end offset (longest first among those ending at one offset); end_offset is one past
    // the keyword's last byte.
    template <class Visit>
    void for_each_match(std::string_view text, Visit&& visit) const {
        if (states_ == 0) return;
        report(0, 0, visit);
        std::uint32_t code = 0;
        for (std::size_t i = 0; i < text.size(); ++i) {
            const std::uint32_t next = step(code, classes_[static_cast<unsigned char>(text[i])]);
            code = next >> 1;
            if ((next & 1) != 0) report(state_of(code), i + 1, visit);
        }
    }

    std::size_t keyword_count() const noexcept { return keyword_count_; }
    std::size_t state_count() const noexcept { return states_; }
    std::size_t dense_state_count() const noexcept { return dense_states_; }
    std::size_t memory_bytes() const noexcept;

    // A byte's class: 0 for the bytes in no keyword, 1.. for the others, so keywords that use
    // all 256 byte values take 257 classes (a keyword list of several lists' items can).
    using byte_class = std::uint16_t;

  private:
    static constexpr std::uint32_t none = 0xFFFFFFFF;

    // States are handled as codes: a dense state's code is the offset of its row in dense_
    // (state * class_count_), so the scan loop does no multiplication; a sparse state's code
    // is dense_limit_ + its position among the sparse states. Next-state values are tagged
    // codes: (code << 1) | ends-a-keyword.
    std::uint32_t step(std::uint32_t code, byte_class c) const noexcept {
        if (c == 0) return 0;  // a byte in no keyword: back to the root, which ends nothing
        for (;;) {
            if (code < dense_limit_) return dense_[code + c];
            const std::size_t sparse = code - dense_limit_;
            const std::uint32_t first = sparse_first_[sparse];
            const std::uint32_t last = sparse_first_[sparse + 1];
            for (std::uint32_t k = first; k < last; ++k)
                if (child_class_[k] == c) return child_next_[k];
            code = fail_[sparse];
        }
    }

    std::uint32_t state_of(std::uint32_t code) const noexcept {
        return code < dense_limit_ ? code / class_count_ : code - dense_limit_ + dense_states_;
    }

    template <class Visit>
    void report(std::uint32_t s, std::size_t end, Visit& visit) const {
        for (std::uint32_t at = own_[s] != none ? s : dictionary_[s]; at != none;
             at = dictionary_[at])
            visit(own_[at], end);
    }

    byte_class classes_[256] = {};
    std::uint32_t class_count_ = 1;
    std::uint32_t states_ = 0;
    std::uint32_t dense_states_ = 0;
    std::uint32_t dense_limit_ = 0;  // dense_states_ * class_count_
    std::size_t keyword_count_ = 0;
    std::size_t max_keyword_ = 0;  // bytes of the longest keyword
    // dense_states_ rows of class_count_ tagged next codes.
    std::vector<std::uint32_t> dense_;
    // Per sparse state: the first of its children in child_class_/child_next_ (one extra
    // entry at the end), and its failure link (a code, untagged).
    std::vector<std::uint32_t> sparse_first_;
    std::vector<std::uint32_t> fail_;
    std::vector<byte_class> child_class_;
    std::vector<std::uint32_t> child_next_;  // tagged
    // Per state: the keyword ending exactly there, and the nearest proper suffix state that
    // has one; none when absent.
    std::vector<std::uint32_t> own_;
    std::vector<std::uint32_t> dictionary_;
};

}  // namespace ringfence::engine::lists
