/* SPDX-License-Identifier: MIT */
/*
 * Time zones from the system's IANA database: a per-owner cache of parsed TZif files
 * (RFC 8536). Versions 2 and later carry a second, 64-bit copy of the data; we read it and
 * skip the 32-bit one, which cannot reach past 2038. The POSIX TZ footer (tz-posix.c)
 * answers for instants after the last transition. Leap-second records ("right/" zones) are
 * skipped: mkt_time counts no leap seconds.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tz-private.h"
#include "util.h"

#define TZ_DEFAULT_DIR "/usr/share/zoneinfo"
#define TZ_MAX_FILE (1u << 20) /* real files are < 4 KiB; this bounds a hostile one */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chars;
};

static void read_counts(const unsigned char *h, struct tzif_counts *c)
{
    c->isut = be32(h + 20);
    c->isstd = be32(h + 24);
    c->leap = be32(h + 28);
    c->time = be32(h + 32);
    c->type = be32(h + 36);
    c->chars = be32(h + 40);
}

/* Size of a data block with @tsize-byte times; 0 when the counts are absurd. */
static size_t block_size(const struct tzif_counts *c, size_t tsize)
{
    if (c->time > 100000 || c->type == 0 || c->type > 256 || c->leap > 100000 ||
        c->chars > 100000 || c->isstd > 256 || c->isut > 256)
        return 0;
    return (size_t)c->time * (tsize + 1) + (size_t)c->type * 6 + c->chars +
           (size_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

static int bad(mkt_ctx *ctx, const char *name, const char *why)
{
    return mkt__error(ctx, MKT_EPARSE, "time zone '%s': not a valid TZif file: %s", name, why);
}

/* Fill @z from the data block at @p (counts @c, @tsize-byte times). */
static int load_block(mkt_ctx *ctx, mkt__tz *z, const unsigned char *p,
                      const struct tzif_counts *c, size_t tsize)
{
    z->ntrans = c->time;
    z->ntypes = c->type;
    z->trans = mkt__calloc(ctx, c->time ? c->time : 1, sizeof *z->trans);
    z->trans_type = mkt__calloc(ctx, c->time ? c->time : 1, 1);
    z->type_off = mkt__calloc(ctx, c->type, sizeof *z->type_off);
    if (!z->trans || !z->trans_type || !z->type_off)
        return mkt__oom(ctx);
    for (uint32_t i = 0; i < c->time; i++) {
        z->trans[i] = tsize == 8 ? be64(p + 8 * i) : (int32_t)be32(p + 4 * i);
        if (i > 0 && z->trans[i] <= z->trans[i - 1])
            return bad(ctx, z->name, "transition times are not ascending");
    }
    p += (size_t)c->time * tsize;
    for (uint32_t i = 0; i < c->time; i++) {
        if (p[i] >= c->type)
            return bad(ctx, z->name, "a transition names an undefined local time type");
        z->trans_type[i] = p[i];
    }
    p += c->time;
    for (uint32_t i = 0; i < c->type; i++) {
        int32_t off = (int32_t)be32(p + 6 * i);
        if (off <= -25 * 3600 || off >= 26 * 3600)
            return bad(ctx, z->name, "a UTC offset is out of range");
        z->type_off[i] = off;
    }
    return MKT_OK;
}

int mkt__tz_parse(mkt_ctx *ctx, const char *name, const unsigned char *data, size_t len,
                  mkt__tz **out)
{
    *out = NULL;
    if (len < 44 || memcmp(data, "TZif", 4) != 0)
        return bad(ctx, name, "no TZif header");
    struct tzif_counts c;
    read_counts(data, &c);
    size_t v1 = block_size(&c, 4);
    if (v1 == 0 || 44 + v1 > len)
        return bad(ctx, name, "the version 1 data is truncated or its counts are absurd");
    const unsigned char *block = data + 44;
    size_t tsize = 4, end = 44 + v1;
    if (data[4] >= '2') {
        const unsigned char *h2 = data + 44 + v1;
        if (len - end < 44 || memcmp(h2, "TZif", 4) != 0)
            return bad(ctx, name, "the 64-bit header is missing");
        read_counts(h2, &c);
        size_t v2 = block_size(&c, 8);
        if (v2 == 0 || v2 > len - end - 44)
            return bad(ctx, name, "the 64-bit data is truncated or its counts are absurd");
        block = h2 + 44;
        tsize = 8;
        end += 44 + v2;
    }
    mkt__tz *z = mkt__calloc(ctx, 1, sizeof *z);
    if (z == NULL || (z->name = mkt__strdup(ctx, name)) == NULL) {
        mkt__free(ctx, z);
        return mkt__oom(ctx);
    }
    int rc = load_block(ctx, z, block, &c, tsize);
    if (rc == MKT_OK && tsize == 8 && end < len) {
        /* Footer: "\n" TZ-string "\n"; an empty string means "no rule". */
        const char *f = (const char *)data + end;
        const char *nl = len - end > 1 ? memchr(f + 1, '\n', len - end - 1) : NULL;
        if (f[0] != '\n' || nl == NULL)
            rc = bad(ctx, name, "the footer is not a newline-enclosed TZ string");
        else if (nl > f + 1) {
            z->has_footer = 1;
            if (mkt__tz_parse_posix(f + 1, (size_t)(nl - f - 1), &z->footer) != MKT_OK)
                rc = bad(ctx, name, "the footer TZ string is not understood");
        }
    }
    if (rc) {
        mkt__tz_free(ctx, z);
        return rc;
    }
    *out = z;
    return MKT_OK;
}

void mkt__tz_free(mkt_ctx *ctx, mkt__tz *z)
{
    if (z == NULL)
        return;
    mkt__free(ctx, z->name);
    mkt__free(ctx, z->trans);
    mkt__free(ctx, z->trans_type);
    mkt__free(ctx, z->type_off);
    mkt__free(ctx, z);
}

/* Zone names are relative paths of [A-Za-z0-9._+-] parts: no "..", no leading '/'. */
static int valid_zone_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 255 || name[0] == '/' || name[n - 1] == '/')
        return 0;
    for (const char *p = name; *p; p++) {
        char ch = *p;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                 (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '+' ||
                 ch == '/' || ch == '.';
        if (!ok || (ch == '.' && (p == name || p[-1] == '/')) || (ch == '/' && p[1] == '/'))
            return 0;
    }
    return 1;
}

static int read_file(mkt__tz_cache *c, const char *name, unsigned char **data, size_t *len)
{
    mkt__buf path;
    mkt__buf_init(&path, c->ctx);
    if (mkt__buf_appendf(&path, "%s/%s", c->dir, name) != MKT_OK) {
        mkt__buf_free(&path);
        return mkt__oom(c->ctx);
    }
    FILE *f = fopen(path.data, "rb");
    int rc = MKT_OK;
    if (f == NULL) {
        rc = errno == ENOENT || errno == ENOTDIR
                 ? mkt__error(c->ctx, MKT_ENOTFOUND, "unknown time zone '%s' (no file %s)",
                              name, path.data)
                 : mkt__error(c->ctx, MKT_EIO, "time zone '%s': cannot open %s: %s", name,
                              path.data, strerror(errno));
        mkt__buf_free(&path);
        return rc;
    }
    unsigned char *buf = mkt__malloc(c->ctx, TZ_MAX_FILE);
    size_t got = buf ? fread(buf, 1, TZ_MAX_FILE, f) : 0;
    if (buf == NULL)
        rc = mkt__oom(c->ctx);
    else if (ferror(f))
        rc = mkt__error(c->ctx, MKT_EIO, "time zone '%s': cannot read %s (a directory?)",
                        name, path.data);
    else if (got == TZ_MAX_FILE)
        rc = mkt__error(c->ctx, MKT_EPARSE, "time zone '%s': %s is too large", name,
                        path.data);
    fclose(f);
    mkt__buf_free(&path);
    if (rc) {
        mkt__free(c->ctx, buf);
        return rc;
    }
    *data = buf;
    *len = got;
    return MKT_OK;
}

int mkt__tz_cache_init(mkt__tz_cache *c, mkt_ctx *ctx, const char *dir)
{
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    c->dir = mkt__strdup(ctx, dir ? dir : TZ_DEFAULT_DIR);
    return c->dir ? MKT_OK : mkt__oom(ctx);
}

void mkt__tz_cache_free(mkt__tz_cache *c)
{
    for (uint32_t i = 0; i < c->count; i++)
        mkt__tz_free(c->ctx, c->zones[i]);
    mkt__free(c->ctx, c->zones);
    mkt__free(c->ctx, c->dir);
    memset(c, 0, sizeof *c);
}

static int remember(mkt__tz_cache *c, mkt__tz *z)
{
    if (c->count == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 8;
        mkt__tz **zones = mkt__reallocarray(c->ctx, c->zones, cap, sizeof *zones);
        if (zones == NULL)
            return mkt__oom(c->ctx);
        c->zones = zones;
        c->cap = cap;
    }
    c->last = c->count;
    c->zones[c->count++] = z;
    return MKT_OK;
}

int mkt__tz_get(mkt__tz_cache *c, const char *name, const mkt__tz **out)
{
    if (c->count && strcmp(c->zones[c->last]->name, name) == 0) {
        *out = c->zones[c->last];
        return MKT_OK;
    }
    for (uint32_t i = 0; i < c->count; i++) {
        if (strcmp(c->zones[i]->name, name) == 0) {
            c->last = i;
            *out = c->zones[i];
            return MKT_OK;
        }
    }
    if (!valid_zone_name(name))
        return mkt__error(c->ctx, MKT_EINVAL, "'%s' is not a time zone name", name);
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = read_file(c, name, &data, &len);
    if (rc)
        return rc;
    mkt__tz *z;
    rc = mkt__tz_parse(c->ctx, name, data, len, &z);
    mkt__free(c->ctx, data);
    if (rc == MKT_OK && (rc = remember(c, z)) != MKT_OK)
        mkt__tz_free(c->ctx, z);
    if (rc == MKT_OK)
        *out = z;
    return rc;
}
