#include "engine/state/window_store.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <unordered_map>

#include "engine/state/heap_block.hpp"
#include "engine/state/key_hash.hpp"
#include "engine/state/window_entry.hpp"
#include "engine/state/window_snapshot.hpp"

namespace ringfence::engine::state {
namespace {

std::string definition_key(std::string_view fingerprint, std::string_view function,
                           std::int64_t window_ms) {
    std::string key(fingerprint);
    key += '\x1f';
    key += function;
    key += '\x1f';
    key += std::to_string(window_ms);
    return key;
}

}  // namespace

window_store::window_store(window_store_settings s)
    : settings_(s),
      shard_count_(std::max<std::size_t>(1, s.shards)),
      shards_(new locked_shard[shard_count_]) {
    const std::size_t fixed = shards_bytes();
    const std::size_t usable =
        settings_.memory_cap_bytes > fixed ? settings_.memory_cap_bytes - fixed : 0;
    for (std::size_t i = 0; i < shard_count_; ++i)
        shards_[i].shard.set_byte_cap(usable / shard_count_);
    auto empty = std::make_unique<spec_table>(make_spec_table({}, settings_));
    specs_.store(empty.get(), std::memory_order_release);
    generations_.push_back(std::move(empty));
}

window_store::~window_store() = default;

template <class Op>
auto window_store::with_entry(std::uint32_t spec_id, std::string_view key, Op&& op,
                              decltype(op(std::declval<window_shard&>(),
                                          std::declval<const spec_table&>(),
                                          std::uint64_t{})) fallback) {
    for (;;) {
        const spec_table* specs = specs_.load(std::memory_order_acquire);
        if (spec_id >= specs->specs.size()) return fallback;
        const std::uint64_t hash = hash_bytes(specs->seeds[spec_id], key);
        locked_shard& target = shard_for(hash);
        std::lock_guard lock(target.mutex);
        // set_specs swaps generations while holding every shard: if one came between the
        // hash and the lock, hash again with the new one.
        if (specs_.load(std::memory_order_relaxed) != specs) continue;
        return op(target.shard, *specs, hash);
    }
}

namespace {

// Where each member of `from` is in `to` (its bit), or -1 for a member gone.
std::array<std::int8_t, max_shared_members> member_bits_in(const std::vector<shared_member>& from, const std::vector<shared_member>& to) {
    std::array<std::int8_t, max_shared_members> bit_to;
    bit_to.fill(-1);
    for (std::size_t i = 0; i < from.size() && i < max_shared_members; ++i)
        for (std::size_t j = 0; j < to.size(); ++j)
            if (from[i].fingerprint == to[j].fingerprint && from[i].fn == to[j].fn) bit_to[i] = static_cast<std::int8_t>(j);
    return bit_to;
}

// How a shared list's flags move from one member list to another: a member still there
// (same definition) keeps its events under its new bit; a member gone loses its bit.
// Returns false when nothing moves (members only added after the others).
bool member_flag_table(const std::vector<shared_member>& from, const std::vector<shared_member>& to,
                       std::array<std::uint8_t, 256>& table) {
    const auto bit_to = member_bits_in(from, to);
    bool identity = true;
    for (std::size_t i = 0; i < from.size() && i < max_shared_members; ++i) identity = identity && bit_to[i] == static_cast<std::int8_t>(i);
    for (unsigned f = 0; f < 256; ++f) table[f] = translate_flags(bit_to, static_cast<std::uint8_t>(f));
    return !identity;
}

// A new member starts at the newest record time seen, or at the wall clock if that is
// earlier: one record stamped in the future must not leave it blind until then.
std::int64_t birth_time(std::int64_t newest_record_ms) {
    const std::int64_t wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch()).count();
    return std::min(newest_record_ms, wall);
}

// Members of to that from did not have start at born_ms, seeing no earlier event; the others
// keep their birth (from_born, by from's bits).
void mark_new_members(const std::vector<shared_member>& from, const member_births& from_born,
                      const std::vector<shared_member>& to, entry_rules& to_rules, std::int64_t born_ms) {
    const auto bit_to = member_bits_in(from, to);
    for (std::size_t j = 0; j < to.size(); ++j) to_rules.member_born_ms[j] = born_ms;
    for (std::size_t i = 0; i < from.size() && i < max_shared_members; ++i)
        if (bit_to[i] >= 0) to_rules.member_born_ms[static_cast<std::size_t>(bit_to[i])] = from_born[i];
}

}  // namespace

void window_store::set_specs(std::vector<window_spec> specs) {
    auto fresh = std::make_unique<spec_table>(make_spec_table(std::move(specs), settings_));
    std::lock_guard reload(reload_mutex_);
    const spec_table* old = specs_.load(std::memory_order_acquire);

    std::unordered_map<std::uint64_t, std::uint32_t> id_of_seed;
    for (std::uint32_t id = 0; id < fresh->seeds.size(); ++id) id_of_seed[fresh->seeds[id]] = id;
    std::vector<std::int32_t> new_index(old->specs.size(), -1);
    std::vector<std::array<std::uint8_t, 256>> flag_tables;
    flag_tables.reserve(old->specs.size());  // pointers into it stay valid
    std::vector<const std::array<std::uint8_t, 256>*> new_flags(old->specs.size(), nullptr);
    bool unchanged = old->specs.size() == fresh->specs.size();
    for (std::size_t i = 0; i < old->specs.size(); ++i) {
        const auto it = id_of_seed.find(old->seeds[i]);
        if (it != id_of_seed.end() && same_definition(old->specs[i], fresh->specs[it->second])) {
            new_index[i] = static_cast<std::int32_t>(it->second);
            std::array<std::uint8_t, 256> table;
            if (member_flag_table(old->specs[i].members, fresh->specs[it->second].members, table)) {
                flag_tables.push_back(table);
                new_flags[i] = &flag_tables.back();
                unchanged = false;
            }
        }
        unchanged = unchanged && new_index[i] == static_cast<std::int32_t>(i);
    }

    std::vector<std::unique_lock<std::mutex>> held;
    held.reserve(shard_count_);
    for (std::size_t i = 0; i < shard_count_; ++i) held.emplace_back(shards_[i].mutex);
    // A member a reload adds to a list that is kept starts at the newest record time seen.
    // Records decided meanwhile on the rule set before (their adds and reads name the old
    // member order) are translated: rules.previous_layout.
    std::int64_t now_ms = 0;
    for (std::size_t i = 0; i < shard_count_; ++i) now_ms = std::max(now_ms, shards_[i].shard.clock());
    for (std::size_t i = 0; i < old->specs.size(); ++i) {
        if (new_index[i] < 0 || fresh->specs[static_cast<std::size_t>(new_index[i])].members.empty()) continue;
        const auto j = static_cast<std::size_t>(new_index[i]);
        mark_new_members(old->specs[i].members, old->rules[i].member_born_ms, fresh->specs[j].members, fresh->rules[j],
                         birth_time(now_ms));
        entry_rules& r = fresh->rules[j];
        if (old->rules[i].layout != r.layout) {
            r.previous_layout = old->rules[i].layout;
            r.previous_bit_to = member_bits_in(old->specs[i].members, fresh->specs[j].members);
        } else {  // unchanged: what the list knew of the order before still holds
            r.previous_layout = old->rules[i].previous_layout;
            r.previous_bit_to = old->rules[i].previous_bit_to;
        }
    }
    if (!unchanged) {
        for (std::size_t i = 0; i < shard_count_; ++i) shards_[i].shard.remap(new_index, new_flags);
    }
    specs_.store(fresh.get(), std::memory_order_release);
    generations_.push_back(std::move(fresh));
}

void window_store::add(std::uint32_t spec_id, std::string_view key, const observation& o) {
    with_entry(
        spec_id, key,
        [&](window_shard& shard, const spec_table& specs, std::uint64_t hash) {
            return shard.add(hash, spec_id, specs, o, false);
        },
        0.0);
}

bool window_store::retract(std::uint32_t spec_id, std::string_view key, const observation& o) {
    return with_entry(
        spec_id, key, [&](window_shard& shard, const spec_table& specs, std::uint64_t hash) { return shard.retract(hash, spec_id, specs, o); },
        false);
}

double window_store::add_and_value(std::uint32_t spec_id, std::string_view key,
                                   const observation& o) {
    return with_entry(
        spec_id, key,
        [&](window_shard& shard, const spec_table& specs, std::uint64_t hash) {
            return shard.add(hash, spec_id, specs, o, true);
        },
        0.0);
}

void window_store::add_batch(std::span<batched_add> adds) {
    for (std::size_t at = 0; at < adds.size(); at += max_batch) {
        add_chunk(adds.subspan(at, std::min(max_batch, adds.size() - at)));
    }
}

void window_store::add_chunk(std::span<batched_add> adds) {
    std::array<std::uint64_t, max_batch> hashes;
    std::array<window_shard*, max_batch> targets;
    std::array<std::uint32_t, max_batch> shard_ids;
    // The shards' locks taken, released on every way out (an add may throw bad_alloc). Not an
    // array of unique_lock: building and destroying max_batch of them cost more than the locks.
    struct held_locks {
        std::array<std::mutex*, max_batch> mutexes;
        std::size_t count = 0;
        void release() {
            for (std::size_t i = 0; i < count; ++i) mutexes[i]->unlock();
            count = 0;
        }
        ~held_locks() { release(); }
    } held;
    for (;;) {
        const spec_table* specs = specs_.load(std::memory_order_acquire);
        std::size_t distinct = 0;
        for (std::size_t i = 0; i < adds.size(); ++i) {
            batched_add& a = adds[i];
            a.value = 0;
            if (a.spec_id >= specs->specs.size()) {
                targets[i] = nullptr;
                continue;
            }
            hashes[i] = hash_bytes(specs->seeds[a.spec_id], a.key);
            locked_shard& target = shard_for(hashes[i]);
            targets[i] = &target.shard;
            shard_ids[distinct++] = static_cast<std::uint32_t>(&target - shards_.get());
        }
        std::sort(shard_ids.begin(), shard_ids.begin() + static_cast<std::ptrdiff_t>(distinct));
        distinct = static_cast<std::size_t>(
            std::unique(shard_ids.begin(), shard_ids.begin() + static_cast<std::ptrdiff_t>(distinct)) -
            shard_ids.begin());
        for (std::size_t s = 0; s < distinct; ++s) {
            std::mutex& m = shards_[shard_ids[s]].mutex;
            m.lock();
            held.mutexes[held.count++] = &m;
        }
        // set_specs swaps generations while holding every shard: if one came between the
        // hashes and the locks, hash again with the new one.
        if (specs_.load(std::memory_order_relaxed) != specs) {
            held.release();
            continue;
        }
        for (std::size_t i = 0; i < adds.size(); ++i) {
            if (targets[i] != nullptr) targets[i]->prefetch_slot(hashes[i]);
        }
        for (std::size_t i = 0; i < adds.size(); ++i) {
            if (targets[i] != nullptr) targets[i]->prefetch_entry(hashes[i]);
        }
        for (std::size_t i = 0; i < adds.size(); ++i) {
            if (targets[i] == nullptr) continue;
            batched_add& a = adds[i];
            a.value = targets[i]->add(hashes[i], a.spec_id, *specs, a.o, a.want_value, &a.members);
        }
        held.release();
        return;
    }
}

double window_store::member_value(std::uint32_t spec_id, std::uint64_t layout, unsigned member, std::string_view key,
                                  std::int64_t t_ms) {
    return with_entry(
        spec_id, key,
        [&](window_shard& shard, const spec_table& specs, std::uint64_t hash) {
            const entry_rules& rules = specs.rules[spec_id];
            if (layout != rules.layout) {
                if (layout == 0 || layout != rules.previous_layout || member >= max_shared_members || rules.previous_bit_to[member] < 0)
                    return no_share;
                member = static_cast<unsigned>(rules.previous_bit_to[member]);
            }
            if (member >= rules.member_count) return no_share;
            return shard.member_value(hash, specs, member, t_ms).value_or(window_entry::empty_value(rules.member_fn[member]));
        },
        0.0);
}

double window_store::value(std::uint32_t spec_id, std::string_view key, std::int64_t t_ms) {
    return with_entry(
        spec_id, key,
        [&](window_shard& shard, const spec_table& specs, std::uint64_t hash) {
            return shard.value(hash, specs, t_ms).value_or(window_entry::empty_value(specs.rules[spec_id].fn));
        },
        0.0);
}

std::vector<std::pair<window_spec, double>> window_store::show(std::string_view key,
                                                               std::int64_t t_ms) {
    return show_when(key, [t_ms](window_shard&, std::uint64_t) { return t_ms; });
}

std::vector<std::pair<window_spec, double>> window_store::show_at_record_time(std::string_view key) {
    // The subject's newest record time over all its entries: an entry of calls it ended an
    // hour ago is shown as the subject's next record would read it, not as of that hour.
    std::optional<std::int64_t> newest;
    {
        std::lock_guard reload(reload_mutex_);
        const spec_table& specs = *specs_.load(std::memory_order_acquire);
        for (std::size_t id = 0; id < specs.specs.size(); ++id) {
            const std::uint64_t hash = hash_bytes(specs.seeds[id], key);
            locked_shard& target = shard_for(hash);
            std::lock_guard lock(target.mutex);
            if (const auto t = target.shard.newest(hash); t && (!newest || *t > *newest)) newest = t;
        }
    }
    if (!newest) return {};
    return show(key, *newest);
}

template <class When>
std::vector<std::pair<window_spec, double>> window_store::show_when(std::string_view key, When&& when) {
    std::lock_guard reload(reload_mutex_);  // the specs cannot change under us
    const spec_table& specs = *specs_.load(std::memory_order_acquire);
    std::vector<std::pair<window_spec, double>> found;
    for (std::size_t id = 0; id < specs.specs.size(); ++id) {
        const std::uint64_t hash = hash_bytes(specs.seeds[id], key);
        locked_shard& target = shard_for(hash);
        std::lock_guard lock(target.mutex);
        const window_spec& spec = specs.specs[id];
        if (!spec.members.empty()) {  // a shared list shows as its members
            for (unsigned m = 0; m < spec.members.size(); ++m) {
                if (const auto v = target.shard.member_value(hash, specs, m, when(target.shard, hash))) {
                    found.emplace_back(window_spec{spec.id, spec.members[m].fn, spec.window_ms, spec.members[m].fingerprint, {}}, *v);
                }
            }
        } else if (const auto v = target.shard.value(hash, specs, when(target.shard, hash))) {
            found.emplace_back(spec, *v);
        }
    }
    return found;
}

std::size_t window_store::reset(std::string_view key) {
    std::lock_guard reload(reload_mutex_);
    const spec_table& specs = *specs_.load(std::memory_order_acquire);
    std::size_t dropped = 0;
    for (std::size_t id = 0; id < specs.specs.size(); ++id) {
        const std::uint64_t hash = hash_bytes(specs.seeds[id], key);
        locked_shard& target = shard_for(hash);
        std::lock_guard lock(target.mutex);
        dropped += target.shard.erase(hash) ? 1 : 0;
    }
    return dropped;
}

window_stats window_store::stats() const {
    window_stats total;
    total.bytes = shards_bytes();
    for (std::size_t i = 0; i < shard_count_; ++i) {
        std::lock_guard lock(shards_[i].mutex);
        const window_stats s = shards_[i].shard.stats();
        total.keys += s.keys;
        total.bytes += s.bytes;
        total.evicted_idle += s.evicted_idle;
        total.evicted_memory += s.evicted_memory;
        total.sketch_switches += s.sketch_switches;
        total.late_dropped += s.late_dropped;
    }
    return total;
}

std::string window_store::save_snapshot(const std::string& sqlite_path,
                                        const std::function<std::string(window_snapshot_writer&)>& more) const {
    window_snapshot_writer writer;
    if (std::string error = writer.open(sqlite_path); !error.empty()) return error;
    struct row {
        const window_spec* spec;  // generations are never freed, so this stays valid
        std::uint64_t hash;
        std::size_t offset;
        std::size_t size;
        member_births born;  // copied under the lock: load_snapshot may set them
    };
    std::string blobs;
    std::vector<row> rows;
    for (std::size_t i = 0; i < shard_count_; ++i) {
        // Serialise under the lock, write to SQLite after releasing it.
        blobs.clear();
        rows.clear();
        {
            std::lock_guard lock(shards_[i].mutex);
            const spec_table& specs = *specs_.load(std::memory_order_acquire);
            shards_[i].shard.for_each_live(specs, [&](std::uint64_t hash, const entry_header& e) {
                const std::size_t offset = blobs.size();
                window_entry::serialize(e, blobs);
                rows.push_back(row{&specs.specs[e.spec_index], hash, offset, blobs.size() - offset,
                                   specs.rules[e.spec_index].member_born_ms});
            });
        }
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(blobs.data());
        for (const row& r : rows) {
            std::string error = writer.write(*r.spec, r.spec->members.empty() ? nullptr : &r.born, r.hash, {bytes + r.offset, r.size});
            if (!error.empty()) return error;
        }
    }
    // Every shared list, with entries or not: the next start lays its rules out as these, so
    // an aggregate written above alone (the ninth of its list) stays alone. (A generation is
    // never freed, so the current one is read without the reload lock.)
    {
        const spec_table& specs = *specs_.load(std::memory_order_acquire);
        for (std::size_t id = 0; id < specs.specs.size(); ++id) {
            const window_spec& spec = specs.specs[id];
            if (spec.members.empty()) continue;
            if (std::string error = writer.declare(spec, &specs.rules[id].member_born_ms); !error.empty())
                return error;
        }
    }
    if (more)
        if (std::string error = more(writer); !error.empty()) return error;
    return writer.commit();
}

std::string window_store::load_snapshot(const std::string& sqlite_path) {
    std::lock_guard reload(reload_mutex_);
    spec_table& specs = *generations_.back();  // the current generation: specs_ points at it
    std::unordered_map<std::string, std::uint32_t> id_of_definition;
    std::unordered_map<std::string, std::uint32_t> id_of_shared_list;  // fingerprint and window
    for (const window_spec& spec : specs.specs) {
        if (spec.members.empty())
            id_of_definition[definition_key(spec.fingerprint, stored_function(spec), spec.window_ms)] = spec.id;
        else
            id_of_shared_list[definition_key(spec.fingerprint, "", spec.window_ms)] = spec.id;
    }
    // A shared list is restored whatever members it had when saved: its entries are read with
    // the flags moved to the members' bits now (as set_specs does on a reload); a member kept
    // keeps its birth, and one the snapshot did not have starts at the newest time it holds.
    struct saved_list {
        std::array<std::uint8_t, 256> table;
        bool moves = false;
        stored_members saved;
    };
    std::unordered_map<std::string, saved_list> saved_lists;  // by the saved stored function
    std::unordered_map<std::uint32_t, const stored_members*> saved_members_of;
    std::int64_t newest_ms = 0;
    std::size_t unreadable = 0;
    std::string first_problem;
    const std::string error = read_window_snapshot(
        sqlite_path,
        [&](const stored_spec& stored, std::uint64_t hash, std::span<const std::uint8_t> blob) {
            auto it = id_of_definition.find(
                definition_key(stored.fingerprint, stored.function, stored.window_ms));
            const saved_list* list = nullptr;
            if (it == id_of_definition.end()) {
                it = id_of_shared_list.find(definition_key(stored.fingerprint, "", stored.window_ms));
                if (it == id_of_shared_list.end()) return;  // no longer loaded
                auto [l, fresh] = saved_lists.try_emplace(stored.function);
                if (fresh) {
                    if (auto saved = shared_members_of(stored.function)) l->second.saved = std::move(*saved);
                    else l->second.saved.born = no_births();  // unreadable: every member starts anew
                    l->second.moves = member_flag_table(l->second.saved.members, specs.specs[it->second].members, l->second.table);
                }
                list = &l->second;
                saved_members_of[it->second] = &l->second.saved;
            }
            std::string problem;
            entry_header* entry = window_entry::deserialize(
                blob, specs.rules[it->second], static_cast<std::uint16_t>(it->second), problem);
            if (entry == nullptr) {
                if (unreadable++ == 0) {
                    first_problem = "spec '" + stored.fingerprint + "' key hash " +
                                    std::to_string(hash) + ": " + problem;
                }
                return;
            }
            if (list != nullptr && list->moves) window_entry::remap_members(*entry, list->table);
            newest_ms = std::max(newest_ms, entry->newest_ms());
            locked_shard& target = shard_for(hash);
            std::lock_guard lock(target.mutex);
            target.shard.restore(hash, entry, specs);
        });
    if (!saved_members_of.empty()) {
        std::vector<std::unique_lock<std::mutex>> held;  // rules are read under the shard locks
        for (std::size_t i = 0; i < shard_count_; ++i) held.emplace_back(shards_[i].mutex);
        for (const auto& [id, saved] : saved_members_of)
            mark_new_members(saved->members, saved->born, specs.specs[id].members, specs.rules[id], birth_time(newest_ms));
    }
    if (!error.empty()) return error;
    if (unreadable > 0) {
        return "window snapshot " + sqlite_path + ": " + std::to_string(unreadable) +
               " entries could not be read, the first: " + first_problem;
    }
    return "";
}

}  // namespace ringfence::engine::state
