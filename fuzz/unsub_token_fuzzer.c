/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of the one-click unsubscribe token parser (mkt_unsub_verify). The input is a
 * token. Properties: verification never crashes and always gives a known status; a token that
 * verifies is exactly the token the library signs for its content (no second spelling of a
 * valid token exists); and the input bytes used as a customer id and topic round-trip through
 * a signed token when they are acceptable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libmarketing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond))                                                                         \
            abort();                                                                         \
    } while (0)

static const uint8_t SECRET[] = "fuzzing-secret-0123456789";

static int fixed_clock(mkt_time *out, void *u)
{
    (void)u;
    *out = 1700000000;
    return MKT_OK;
}

static void round_trip(mkt_ctx *ctx, const char *id)
{
    mkt_unsub_spec s;
    mkt_unsub_spec_init(&s);
    s.secret = SECRET;
    s.secret_len = sizeof SECRET - 1;
    s.customer_id = id;
    s.expires = 1800000000;
    char *tok = NULL;
    if (mkt_unsub_token(ctx, &s, &tok) != MKT_OK)
        return; /* not an acceptable id */
    mkt_unsub_result r;
    r.struct_size = sizeof r;
    CHECK(mkt_unsub_verify(ctx, SECRET, sizeof SECRET - 1, tok, 0, &r) == MKT_OK);
    CHECK(r.status == MKT_UNSUB_VALID && strcmp(r.customer_id, id) == 0);
    mkt_free(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2048)
        return 0;
    char *token = malloc(size + 1);
    CHECK(token != NULL);
    memcpy(token, data, size);
    token[size] = '\0';
    mkt_host h = MKT_HOST_INIT;
    h.now = fixed_clock;
    mkt_ctx *ctx = NULL;
    CHECK(mkt_ctx_new(&ctx, &h, NULL) == MKT_OK);
    mkt_unsub_result r;
    r.struct_size = sizeof r;
    CHECK(mkt_unsub_verify(ctx, SECRET, sizeof SECRET - 1, token, 0, &r) == MKT_OK);
    CHECK(r.status >= MKT_UNSUB_VALID && r.status <= MKT_UNSUB_EXPIRED);
    if (r.status == MKT_UNSUB_VALID) {
        mkt_unsub_spec s;
        mkt_unsub_spec_init(&s);
        s.secret = SECRET;
        s.secret_len = sizeof SECRET - 1;
        s.customer_id = r.customer_id;
        s.channel = r.channel;
        s.topic = r.topic[0] ? r.topic : NULL;
        s.expires = r.expires;
        char *again = NULL;
        CHECK(mkt_unsub_token(ctx, &s, &again) == MKT_OK);
        CHECK(strcmp(again, token) == 0);
        mkt_free(again);
    } else {
        CHECK(r.customer_id[0] == '\0');
    }
    if (size <= 256)
        round_trip(ctx, token);
    mkt_ctx_free(ctx);
    free(token);
    return 0;
}
