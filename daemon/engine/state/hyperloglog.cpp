#include "engine/state/hyperloglog.hpp"

#include <cmath>
#include <limits>

namespace ringfence::engine::state::hyperloglog {
namespace {

// Ertl's sigma(x) = x + sum_k x^(2^k) 2^(k-1), for the registers still at zero.
double sigma(double x) {
    if (x == 1.0) return std::numeric_limits<double>::infinity();
    double y = 1.0;
    double z = x;
    double previous = 0;
    do {
        x *= x;
        previous = z;
        z += x * y;
        y += y;
    } while (z != previous);
    return z;
}

// Ertl's tau(x), for the registers at the maximum rank.
double tau(double x) {
    if (x == 0.0 || x == 1.0) return 0.0;
    double y = 1.0;
    double z = 1.0 - x;
    double previous = 0;
    do {
        x = std::sqrt(x);
        previous = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
    } while (z != previous);
    return z / 3.0;
}

}  // namespace

double estimate(const histogram& counts) {
    const double m = register_count;
    double z = m * tau(1.0 - counts[max_rank] / m);
    for (int k = max_rank - 1; k >= 1; --k) z = 0.5 * (z + counts[k]);
    z += m * sigma(counts[0] / m);
    const double alpha_infinity = 0.5 / std::log(2.0);
    return alpha_infinity * m * m / z;
}

}  // namespace ringfence::engine::state::hyperloglog
