/* SPDX-License-Identifier: MIT */
/*
 * The decision. A comparison is significant when its adjusted p-value is below alpha (for
 * Bayes: chance to win >= 1 - alpha, or <= alpha for a significant loss; the seed's
 * minConfidence 0.95 is alpha = 0.05). Then:
 * - a sample ratio mismatch invalidates everything: INVALID_SRM;
 * - any treatment significantly better: WINNER, the one with the best effect among them;
 * - every treatment significantly worse: WINNER, the control;
 * - every variant at the planned sample (target_n > 0): NO_DIFFERENCE;
 * - otherwise NO_WINNER_YET.
 */
#include <math.h>

#include "abtest-private.h"

static int32_t verdict(const mkt_abtest_result *r, const mkt_abtest_options *o)
{
    double sign = o->sided == MKT_ABTEST_LESS ? -1 : 1;
    if (o->method == MKT_ABTEST_BAYES) {
        double c = r->chance_to_win;
        return c >= 1 - o->alpha ? 1 : c <= o->alpha ? -1 : 0;
    }
    if (!(r->p_adjusted < o->alpha) || r->effect == 0)
        return 0;
    return sign * r->effect > 0 ? 1 : -1;
}

void mkt__decide(mkt_abtest_result *const *rows, size_t n, const mkt_abtest_options *o,
                 mkt_abtest_summary *s)
{
    double sign = o->sided == MKT_ABTEST_LESS ? -1 : 1, best = -INFINITY;
    size_t worse = 0, at_target = 0;
    s->winner = -1;
    for (size_t i = 1; i < n; i++) {
        mkt_abtest_result *r = rows[i];
        r->significant = verdict(r, o);
        if (r->significant > 0 && sign * r->effect > best) {
            best = sign * r->effect;
            s->winner = (int32_t)i;
        }
        worse += r->significant < 0;
    }
    for (size_t i = 0; i < n; i++)
        at_target += o->target_n > 0 && rows[i]->n >= o->target_n;
    if (s->srm) {
        s->decision = MKT_ABTEST_INVALID_SRM;
        s->winner = -1;
    } else if (s->winner > 0) {
        s->decision = MKT_ABTEST_WINNER;
    } else if (worse == n - 1) {
        s->decision = MKT_ABTEST_WINNER;
        s->winner = 0;
    } else {
        s->decision = at_target == n ? MKT_ABTEST_NO_DIFFERENCE : MKT_ABTEST_NO_WINNER_YET;
    }
}
