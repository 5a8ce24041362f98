// Names the calling thread as `top -H`, `ps -L`, perf and /proc/PID/task/TID/comm show it, so
// an operator can tell the deciding threads from the decision log's writer and checkpointer
// when one of them takes a core. Linux keeps 15 bytes; a longer name is cut, never refused.
#pragma once

#include <pthread.h>

#include <cstring>

namespace ringfence::common {

inline void name_this_thread(const char* name) noexcept {
    char cut[16];
    std::strncpy(cut, name, sizeof cut - 1);
    cut[sizeof cut - 1] = '\0';
    (void)::pthread_setname_np(::pthread_self(), cut);
}

}  // namespace ringfence::common
