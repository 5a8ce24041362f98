// keyword_automaton: building the trie, renumbering it breadth first, failure and
// dictionary links, and the dense/sparse layout; the scans.
#include "engine/lists/keyword_automaton.hpp"

#include <algorithm>
#include <utility>

namespace ringfence::engine::lists {
namespace {

struct trie_node {
    std::vector<std::pair<keyword_automaton::byte_class, std::uint32_t>> children;  // (class, node)
    std::uint32_t own = 0xFFFFFFFF;
    std::uint32_t depth = 0;
};

std::uint32_t child_of(const trie_node& n, keyword_automaton::byte_class c) {
    for (const auto& [cls, node] : n.children)
        if (cls == c) return node;
    return 0xFFFFFFFF;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

keyword_automaton keyword_automaton::builder::build(std::size_t dense_budget_bytes) && {
    keyword_automaton a;
    a.keyword_count_ = keywords_.size();
    if (case_insensitive_)
        for (std::string& k : keywords_) std::transform(k.begin(), k.end(), k.begin(), ascii_lower);

    for (const std::string& k : keywords_) a.max_keyword_ = std::max(a.max_keyword_, k.size());

    // Byte classes.
    bool used[256] = {};
    for (const std::string& k : keywords_)
        for (const char c : k) used[static_cast<unsigned char>(c)] = true;
    for (int b = 0; b < 256; ++b)
        if (used[b]) a.classes_[b] = static_cast<byte_class>(a.class_count_++);
    if (case_insensitive_)
        for (int b = 'A'; b <= 'Z'; ++b) a.classes_[b] = a.classes_[b - 'A' + 'a'];

    // The trie, in insertion order.
    std::vector<trie_node> trie(1);
    for (std::uint32_t index = 0; index < keywords_.size(); ++index) {
        std::uint32_t at = 0;
        for (const char ch : keywords_[index]) {
            const byte_class c = a.classes_[static_cast<unsigned char>(ch)];
            std::uint32_t next = child_of(trie[at], c);
            if (next == none) {
                next = static_cast<std::uint32_t>(trie.size());
                trie[at].children.emplace_back(c, next);
                trie.push_back({{}, none, trie[at].depth + 1});
            }
            at = next;
        }
        if (trie[at].own == none) trie[at].own = index;
    }
    keywords_.clear();

    // Breadth-first renumbering: order[new] = old, children visited in class order.
    std::vector<std::uint32_t> order{0};
    std::vector<std::uint32_t> renumber(trie.size(), 0);
    for (std::size_t i = 0; i < order.size(); ++i) {
        auto& children = trie[order[i]].children;
        std::sort(children.begin(), children.end());
        for (const auto& child : children) {
            renumber[child.second] = static_cast<std::uint32_t>(order.size());
            order.push_back(child.second);
        }
    }
    std::vector<trie_node> bfs(trie.size());
    for (std::size_t n = 0; n < order.size(); ++n) {
        bfs[n] = std::move(trie[order[n]]);
        for (auto& child : bfs[n].children) child.second = renumber[child.second];
    }
    trie.clear();
    const auto states = static_cast<std::uint32_t>(bfs.size());
    a.states_ = states;

    // Failure and dictionary links (parents come before children in breadth-first order).
    std::vector<std::uint32_t> fail(states, 0);
    a.own_.resize(states);
    a.dictionary_.assign(states, none);
    for (std::uint32_t s = 0; s < states; ++s) {
        a.own_[s] = bfs[s].own;
        for (const auto& [c, child] : bfs[s].children) {
            std::uint32_t f = s == 0 ? 0 : fail[s];
            std::uint32_t target = 0;
            for (;;) {
                const std::uint32_t t = child_of(bfs[f], c);
                if (t != none && t != child) {
                    target = t;
                    break;
                }
                if (f == 0) break;
                f = fail[f];
            }
            fail[child] = target;
        }
    }
    for (std::uint32_t s = 1; s < states; ++s) {
        const std::uint32_t f = fail[s];
        a.dictionary_[s] = (f != 0 && a.own_[f] != none) ? f : a.dictionary_[f];
    }

    // Dense rows for whole depth levels that fit the budget (the root always).
    std::uint32_t dense = 1;
    while (dense < states) {
        std::uint32_t level_end = dense;
        while (level_end < states && bfs[level_end].depth == bfs[dense].depth) ++level_end;
        // Codes, shifted left by one for the match bit, must stay below 2^32.
        const std::size_t cells = static_cast<std::size_t>(level_end) * a.class_count_;
        if (cells * sizeof(std::uint32_t) > dense_budget_bytes || cells + states >= (1u << 31))
            break;
        dense = level_end;
    }
    a.dense_states_ = dense;
    a.dense_limit_ = dense * a.class_count_;
    const auto code = [&](std::uint32_t s) {
        return s < dense ? s * a.class_count_ : a.dense_limit_ + (s - dense);
    };
    const auto tagged = [&](std::uint32_t s) {
        const bool match = s != 0 && (a.own_[s] != none || a.dictionary_[s] != none);
        return (code(s) << 1) | (match ? 1u : 0u);
    };
    a.dense_.assign(static_cast<std::size_t>(dense) * a.class_count_, 0);
    for (std::uint32_t s = 0; s < dense; ++s) {
        std::uint32_t* row = &a.dense_[static_cast<std::size_t>(s) * a.class_count_];
        for (std::uint32_t c = 1; c < a.class_count_; ++c) {
            const std::uint32_t child = child_of(bfs[s], static_cast<byte_class>(c));
            if (child != none)
                row[c] = tagged(child);
            else if (s != 0)
                row[c] = a.dense_[static_cast<std::size_t>(fail[s]) * a.class_count_ + c];
        }
    }

    // Sparse states: children and failure links.
    a.sparse_first_.reserve(states - dense + 1);
    a.fail_.reserve(states - dense);
    for (std::uint32_t s = dense; s < states; ++s) {
        a.sparse_first_.push_back(static_cast<std::uint32_t>(a.child_class_.size()));
        a.fail_.push_back(code(fail[s]));
        for (const auto& [c, child] : bfs[s].children) {
            a.child_class_.push_back(c);
            a.child_next_.push_back(tagged(child));
        }
    }
    a.sparse_first_.push_back(static_cast<std::uint32_t>(a.child_class_.size()));
    return a;
}

bool keyword_automaton::any_match(std::string_view text) const noexcept {
    if (states_ == 0) return false;
    if (own_[0] != none) return true;
    // Each byte's next state depends on the last one, so one scan waits on a load per byte.
    // Two scans over the two halves of the text (the second starting early enough to see any
    // keyword that ends in its half) give the processor two independent chains to overlap.
    const std::size_t half = text.size() / 2;
    const std::size_t second_from = half > max_keyword_ ? half - max_keyword_ : 0;
    if (text.size() < 2 * max_keyword_ + 16) {
        std::uint32_t code = 0;
        for (const char ch : text) {
            const std::uint32_t next = step(code, classes_[static_cast<unsigned char>(ch)]);
            if ((next & 1) != 0) return true;
            code = next >> 1;
        }
        return false;
    }
    std::uint32_t a = 0, b = 0;
    const std::size_t second_length = text.size() - second_from;
    std::size_t i = 0;
    for (; i < half; ++i) {
        const std::uint32_t na = step(a, classes_[static_cast<unsigned char>(text[i])]);
        const std::uint32_t nb =
            step(b, classes_[static_cast<unsigned char>(text[second_from + i])]);
        if (((na | nb) & 1) != 0) return true;
        a = na >> 1;
        b = nb >> 1;
    }
    for (std::size_t j = second_from + i; j < second_from + second_length; ++j) {
        const std::uint32_t nb = step(b, classes_[static_cast<unsigned char>(text[j])]);
        if ((nb & 1) != 0) return true;
        b = nb >> 1;
    }
    return false;
}

std::optional<std::uint32_t> keyword_automaton::first_match(std::string_view text) const noexcept {
    if (states_ == 0) return std::nullopt;
    if (own_[0] != none) return own_[0];
    std::uint32_t code = 0;
    for (const char ch : text) {
        const std::uint32_t next = step(code, classes_[static_cast<unsigned char>(ch)]);
        code = next >> 1;
        if ((next & 1) != 0) {
            const std::uint32_t s = state_of(code);
            return own_[own_[s] != none ? s : dictionary_[s]];
        }
    }
    return std::nullopt;
}

std::size_t keyword_automaton::memory_bytes() const noexcept {
    const auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
    return sizeof(classes_) + bytes(dense_) + bytes(sparse_first_) + bytes(fail_) +
           bytes(child_class_) + bytes(child_next_) + bytes(own_) + bytes(dictionary_);
}

}  // namespace ringfence::engine::lists
