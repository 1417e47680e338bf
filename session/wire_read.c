/* WireRead: see wire_read.h. Plain functions over cJSON's parse tree; the two JSON dialects
 * used to carry their own copies of these. */
#include "session/wire_read.h"

#include <cjson/cJSON.h>

#define SAFE_INT_MAX 9007199254740992.0 /* 2^53 */
#define DELAY_CAP_MS (24.0 * 3600 * 1000)

const struct cJSON *wire_get(const struct cJSON *o, const char *key)
{
    return o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

const char *wire_get_str(const struct cJSON *o, const char *key)
{
    const cJSON *it = wire_get(o, key);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

int64_t wire_get_index(const struct cJSON *o, const char *key)
{
    const cJSON *it = wire_get(o, key);
    if (!cJSON_IsNumber(it))
        return -1;
    double d = it->valuedouble;
    if (!(d >= 0))
        return -1;
    return d >= SAFE_INT_MAX ? (int64_t)SAFE_INT_MAX : (int64_t)d;
}

uint64_t wire_get_count(const struct cJSON *o, const char *key)
{
    int64_t v = wire_get_index(o, key);
    return v < 0 ? 0 : (uint64_t)v;
}

static int64_t delay_from(double v, bool seconds)
{
    if (!(v >= 0))
        return -1;
    double ms = seconds ? v * 1000.0 : v;
    return ms >= DELAY_CAP_MS ? (int64_t)DELAY_CAP_MS : (int64_t)ms;
}

int64_t wire_delay_ms(const char *p, bool seconds)
{
    if (!p)
        return -1;
    while (*p == ' ')
        p++;
    double ip = 0, frac = 0, scale = 1;
    bool digits = false;
    for (; *p >= '0' && *p <= '9'; p++, digits = true)
        ip = ip < 1e12 ? ip * 10 + (*p - '0') : ip;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, digits = true)
            if (scale < 1e9)
                frac = frac * 10 + (*p - '0'), scale *= 10;
    while (*p == ' ' || *p == '\r' || *p == '\n')
        p++;
    if (!digits || *p)
        return -1;
    return delay_from(ip + frac / scale, seconds);
}

int64_t wire_json_delay_ms(const struct cJSON *it, bool seconds)
{
    if (cJSON_IsNumber(it))
        return delay_from(it->valuedouble, seconds);
    return cJSON_IsString(it) ? wire_delay_ms(it->valuestring, seconds) : -1;
}
