/* SPDX-License-Identifier: MIT */
/*
 * The offer codes of `mkt journey simulate`: the promo format and secret the engine issues
 * codes with (--promo-secret-file and --promo-* options, else a random secret per run), and
 * the `offer=ID:CODE` detail of an outbox send line, read back from the message's
 * context_json (what the engine really sent, not a recomputation).
 */
#include <stdio.h>
#include <string.h>

#include "cmd-promo.h"
#include "journey-sim.h"
#include "outfile.h"

/* Copy the JSON string value of member @name of the engine's context_json into @out (at most
 * @size - 1 bytes, escapes undone for \" and \\); 0 when absent. The first match is the
 * engine's own member: an earlier value holding the text has its quotes escaped. */
static int json_member(const char *json, const char *name, char *out, size_t size)
{
    char key[32];
    snprintf(key, sizeof key, "\"%s\":\"", name);
    const char *p = strstr(json, key);
    if (!p)
        return 0;
    size_t n = 0;
    for (p += strlen(key); *p && *p != '"' && n + 1 < size; p++)
        out[n++] = *p == '\\' && p[1] ? *++p : *p;
    out[n] = '\0';
    return 1;
}

void sim_offer_detail(FILE *out, const mkt_message *m)
{
    char offer[256], code[MKT_PROMO_MAX_DISPLAY + 1];
    if (m->context_json && json_member(m->context_json, "offer_id", offer, sizeof offer) &&
        json_member(m->context_json, "offer_code", code, sizeof code)) {
        char detail[sizeof offer + sizeof code + 8];
        snprintf(detail, sizeof detail, "offer=%s:%s", offer, code);
        csv_field(out, detail, strlen(detail));
    }
}

static int has_offers(const mkt_journey *j)
{
    for (uint32_t i = 0; i < mkt_journey_node_count(j); i++) {
        mkt_journey_node_def nd = MKT_JOURNEY_NODE_DEF_INIT;
        if (mkt_journey_node_get(j, i, &nd) == MKT_OK && nd.type == MKT_JOURNEY_ACTION &&
            nd.kind == MKT_JOURNEY_SEND && nd.offer)
            return 1;
    }
    return 0;
}

/* The format and secret of the offer codes that sends issue, into @eo (secret in @secret of
 * @cap bytes): --promo-secret-file, else a random secret for this run (said on stderr, as
 * the codes then differ from run to run). Only for journeys with offers. */
int sim_promo_setup(mkt_ctx *ctx, const mkt_journey *j, const sim_options *o, int *reported,
                    mkt_promo_format **fmt, char *secret, size_t cap,
                    mkt_journey_engine_options *eo)
{
    size_t len = 32; /* 256 bits */
    if (!has_offers(j))
        return MKT_OK;
    if (o->promo_secret_file) {
        if (promo_read_secret(o->promo_secret_file, secret, cap, &len) != MKT_EXIT_OK) {
            *reported = 1;
            return MKT_EINVAL;
        }
    } else {
        int rc = mkt_ctx_random(ctx, secret, len);
        if (rc != MKT_OK)
            return rc;
        fputs("mkt: journey simulate: no --promo-secret-file: offer codes are random per run\n",
              stderr);
    }
    int rc = mkt_promo_format_new(fmt, ctx, &o->promo);
    eo->promo_format = *fmt;
    eo->promo_secret = secret;
    eo->promo_secret_len = len;
    return rc;
}
