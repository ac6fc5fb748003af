/* SPDX-License-Identifier: MIT */
/*
 * Exchange rates for RFM over bookings in several currencies. A rate is a decimal with at most
 * 9 fractional digits, held exactly as an integer scaled by 1e9; a conversion multiplies in
 * 128 bits and rounds half to even once, so no binary floating point ever touches money.
 */
#include <string.h>

#include "data/load-private.h"
#include "rfm-private.h"

MKT_EXPORT int mkt_rfm_fx_new(mkt_rfm_fx **out, mkt_ctx *ctx)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_rfm_fx_new: NULL argument") : MKT_EINVAL;
    mkt_rfm_fx *fx = mkt__calloc(ctx, 1, sizeof *fx);
    if (!fx)
        return mkt__oom(ctx);
    fx->ctx = ctx;
    mkt__intern_init(&fx->codes, ctx);
    *out = fx;
    return MKT_OK;
}

MKT_EXPORT void mkt_rfm_fx_free(mkt_rfm_fx *fx)
{
    if (!fx)
        return;
    mkt__intern_free(&fx->codes);
    MKT__VEC_FREE(fx->ctx, &fx->rate);
    mkt__free(fx->ctx, fx);
}

MKT_EXPORT uint32_t mkt_rfm_fx_count(const mkt_rfm_fx *fx)
{
    return fx ? mkt__intern_count(&fx->codes) : 0;
}

int64_t mkt__fx_rate(const mkt_rfm_fx *fx, const char *code, size_t len)
{
    uint32_t id;
    return fx && mkt__intern_find(&fx->codes, code, len, &id) ? fx->rate.data[id] : 0;
}

/* Parse "123.456" into 123456000000 (scaled by 1e9). MKT_EPARSE / MKT_ERANGE, no message. */
static int parse_rate(const char *s, size_t n, int64_t *out)
{
    int64_t whole = 0, frac = 0;
    size_t i = 0, digits = 0, fdigits = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
        if (whole >= MKT__FX_SCALE / 10)
            return MKT_ERANGE; /* 1e9 or more */
        whole = whole * 10 + (s[i] - '0');
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, fdigits++) {
            if (fdigits == 9)
                return MKT_ERANGE;
            frac = frac * 10 + (s[i] - '0');
        }
        if (fdigits == 0)
            return MKT_EPARSE;
    }
    if (i != n || digits == 0)
        return MKT_EPARSE;
    for (size_t k = fdigits; k < 9; k++)
        frac *= 10;
    *out = whole * MKT__FX_SCALE + frac;
    return *out > 0 ? MKT_OK : MKT_ERANGE;
}

static int currency_ok(const char *s, size_t n)
{
    if (n != 3)
        return 0;
    for (size_t i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    return 1;
}

/* Set the rate of a checked code; *old gets the previous rate (0: the code is new). */
static int put_rate(mkt_rfm_fx *fx, const char *code, int64_t rate, int64_t *old)
{
    uint32_t id;
    int is_new = 0;
    if (MKT__VEC_RESERVE(fx->ctx, &fx->rate, 1))
        return MKT_ENOMEM;
    int rc = mkt__intern_put(&fx->codes, code, 3, &id, &is_new);
    if (rc)
        return rc == MKT_ENOMEM ? mkt__oom(fx->ctx) : rc;
    if (is_new)
        fx->rate.data[fx->rate.len++] = 0;
    *old = fx->rate.data[id];
    fx->rate.data[id] = rate;
    return MKT_OK;
}

static const char *rate_problem(int rc)
{
    return rc == MKT_EPARSE ? "is not a decimal number"
                            : "must be > 0, below 1000000000, with at most 9 decimals";
}

MKT_EXPORT int mkt_rfm_fx_add(mkt_rfm_fx *fx, const char *currency, const char *rate)
{
    if (!fx || !currency || !rate)
        return fx ? mkt__error(fx->ctx, MKT_EINVAL, "mkt_rfm_fx_add: NULL argument")
                  : MKT_EINVAL;
    if (!currency_ok(currency, strlen(currency)))
        return mkt__error(fx->ctx, MKT_EINVAL, "mkt_rfm_fx_add: '%.20s' is not a currency code "
                                               "(three capital letters)", currency);
    int64_t v, old;
    int rc = parse_rate(rate, strlen(rate), &v);
    if (rc)
        return mkt__error(fx->ctx, rc, "mkt_rfm_fx_add: rate '%.40s' of %s %s", rate, currency,
                          rate_problem(rc));
    return put_rate(fx, currency, v, &old);
}

/* ---- loading a file ---------------------------------------------------------------------- */

struct undo {
    uint32_t codes;                /* codes before the load */
    MKT__VEC(int64_t) old;         /* (id, old rate) pairs of replaced rates */
};

static int load_record(mkt_rfm_fx *fx, mkt__csv *r, const int *m, struct undo *u)
{
    int rc = mkt__check_width(r);
    if (rc)
        return rc;
    struct mkt__str code = mkt__field(r, m[0]), rate = mkt__field(r, m[1]);
    if (!code.p || !currency_ok(code.p, code.n))
        return mkt__csv_error(r, MKT_EPARSE, (size_t)m[0], "'%.*s' is not a currency code "
                                                           "(three capital letters)",
                              code.p ? mkt__quote_len(code.p, code.n) : 0, code.p ? code.p : "");
    int64_t v, old;
    rc = rate.p ? parse_rate(rate.p, rate.n, &v) : MKT_EPARSE;
    if (rc)
        return mkt__csv_error(r, rc, (size_t)m[1], "rate '%.*s' %s",
                              rate.p ? mkt__quote_len(rate.p, rate.n) : 0, rate.p ? rate.p : "",
                              rate_problem(rc));
    uint32_t id;
    if (mkt__intern_find(&fx->codes, code.p, 3, &id)) {
        if (id >= u->codes)
            return mkt__csv_error(r, MKT_EPARSE, (size_t)m[0], "currency %.3s listed twice",
                                  code.p);
        for (size_t k = 0; k < u->old.len; k += 2)
            if (u->old.data[k] == (int64_t)id)
                return mkt__csv_error(r, MKT_EPARSE, (size_t)m[0], "currency %.3s listed twice",
                                      code.p);
    }
    char c[4] = {code.p[0], code.p[1], code.p[2], 0};
    if ((rc = put_rate(fx, c, v, &old)))
        return rc;
    if (old != 0) { /* remember what to put back if a later record fails */
        mkt__intern_find(&fx->codes, c, 3, &id);
        if (MKT__VEC_PUSH(fx->ctx, &u->old, (int64_t)id) ||
            MKT__VEC_PUSH(fx->ctx, &u->old, old)) {
            fx->rate.data[id] = old;
            return MKT_ENOMEM;
        }
    }
    return MKT_OK;
}

static int load_rows(mkt_rfm_fx *fx, mkt__csv *r, struct undo *u)
{
    static const struct mkt__field_spec spec[2] = {{"currency", 1}, {"rate_to_base", 1}};
    int m[2];
    int rc = mkt__csv_next(r);
    if (rc == 0)
        return mkt__error_at(fx->ctx, MKT_EPARSE, r->name, 1, 0, NULL, "empty file: no header");
    if (rc < 0 || (rc = mkt__map_header(r, spec, 2, m)))
        return rc;
    while ((rc = mkt__csv_next(r)) == 1)
        if ((rc = load_record(fx, r, m, u)))
            return rc;
    return rc;
}

MKT_EXPORT int mkt_rfm_fx_load(mkt_rfm_fx *fx, const char *path)
{
    if (!fx || !path)
        return fx ? mkt__error(fx->ctx, MKT_EINVAL, "mkt_rfm_fx_load: NULL argument")
                  : MKT_EINVAL;
    mkt__csv *r;
    int rc = mkt__open_for_load(&r, fx->ctx, path, ',', NULL, NULL);
    if (rc)
        return rc;
    struct undo u = {mkt__intern_count(&fx->codes), MKT__VEC_EMPTY};
    rc = load_rows(fx, r, &u);
    mkt__csv_free(r);
    if (rc) { /* all-or-nothing: put replaced rates back, forget new codes */
        for (size_t k = 0; k < u.old.len; k += 2)
            fx->rate.data[u.old.data[k]] = u.old.data[k + 1];
        mkt__intern_truncate(&fx->codes, u.codes);
        fx->rate.len = u.codes;
    }
    MKT__VEC_FREE(fx->ctx, &u.old);
    return rc;
}

/* ---- conversion -------------------------------------------------------------------------- */

int mkt__fx_round(mkt__i128 v, int64_t *out)
{
    const mkt__i128 scale = MKT__FX_SCALE, half = MKT__FX_SCALE / 2;
    mkt__i128 q = v / scale, rem = v % scale; /* truncated toward zero */
    mkt__i128 mag = rem < 0 ? -rem : rem;
    if (mag > half || (mag == half && (q & 1)))
        q += v < 0 ? -1 : 1;
    if (q > INT64_MAX || q < INT64_MIN)
        return MKT_ERANGE;
    *out = (int64_t)q;
    return MKT_OK;
}

MKT_EXPORT int mkt_rfm_fx_convert(const mkt_rfm_fx *fx, const char *currency, int64_t amount,
                                  int64_t *out)
{
    if (!fx || !currency || !out)
        return fx ? mkt__error(fx->ctx, MKT_EINVAL, "mkt_rfm_fx_convert: NULL argument")
                  : MKT_EINVAL;
    int64_t rate = mkt__fx_rate(fx, currency, strlen(currency));
    if (rate == 0)
        return mkt__error(fx->ctx, MKT_ENOTFOUND, "mkt_rfm_fx_convert: no rate for '%.20s'",
                          currency);
    if (mkt__fx_round((mkt__i128)amount * rate, out))
        return mkt__error(fx->ctx, MKT_ERANGE, "mkt_rfm_fx_convert: %lld %s converts to more "
                                               "than int64 holds", (long long)amount, currency);
    return MKT_OK;
}
