# SPDX-License-Identifier: MIT
"""Loading libmarketing.so and the ctypes mirror of the public C structs and prototypes.

The library is found, in order, through:

1. ``LIBMARKETING_LIBRARY``: the full path of ``libmarketing.so``;
2. ``LIBMARKETING_BUILD_DIR``: a meson build tree (``<dir>/lib/libmarketing.so``);
3. ``ctypes.util.find_library("marketing")`` (the system's linker path);
4. ``pkg-config --variable=libdir libmarketing``.

Prototypes are bound lazily, on first use, so that a library built without one module still
serves the others; a missing symbol raises :class:`AttributeError` naming it.
"""

import ctypes
import ctypes.util
import os
import subprocess
import threading

c_int = ctypes.c_int
c_int32 = ctypes.c_int32
c_uint32 = ctypes.c_uint32
c_int64 = ctypes.c_int64
c_uint64 = ctypes.c_uint64
c_size_t = ctypes.c_size_t
c_double = ctypes.c_double
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
P = ctypes.POINTER

# ---- status codes (common.h; append-only in C, so safe to mirror) ------------------------
MKT_OK = 0
MKT_EINVAL = -1
MKT_ENOMEM = -2
MKT_ENOTFOUND = -3
MKT_EEXIST = -4
MKT_ECONFLICT = -5
MKT_ELIMIT = -6
MKT_EPARSE = -7
MKT_EIO = -8
MKT_EUSER = -9
MKT_ERANGE = -10
MKT_ETOOBIG = -11
MKT_ETYPE = -12
MKT_EUNSUPPORTED = -13
MKT_ESTATE = -14
MKT_EINTERNAL = -15

VERSION_ABSENT = 0
VERSION_ANY = 2**64 - 1
STORE_MAX_KEY = 1024
DATE_BUFSZ = 16
TIME_BUFSZ = 32
MONEY_BUFSZ = 32
NULL_DATE = -(2**31)
NULL_INT64 = -(2**63)
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)
UINT32_MAX = 2**32 - 1

# ---- callback types -----------------------------------------------------------------------
# Opaque pointers (mkt_store_reply *, buffers) travel as c_void_p so that a Python exception
# raised while converting arguments cannot happen inside a trampoline.
ALLOC_FN = ctypes.CFUNCTYPE(c_void_p, c_size_t, c_void_p)
REALLOC_FN = ctypes.CFUNCTYPE(c_void_p, c_void_p, c_size_t, c_void_p)
FREE_FN = ctypes.CFUNCTYPE(None, c_void_p, c_void_p)
NOW_FN = ctypes.CFUNCTYPE(c_int, P(c_int64), c_void_p)
LOG_FN = ctypes.CFUNCTYPE(None, c_int32, c_char_p, c_void_p)
RANDOM_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_size_t, c_void_p)
STORE_VISIT_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_size_t, c_void_p, c_size_t, c_uint64,
                                  c_void_p)
STORE_GET_FN = ctypes.CFUNCTYPE(c_int, c_char_p, c_void_p, c_size_t, c_void_p, c_void_p)
STORE_PUT_FN = ctypes.CFUNCTYPE(c_int, c_char_p, c_void_p, c_size_t, c_void_p, c_size_t,
                                c_uint64, P(c_uint64), c_void_p)
STORE_DEL_FN = ctypes.CFUNCTYPE(c_int, c_char_p, c_void_p, c_size_t, c_uint64, c_void_p)
STORE_INCR_FN = ctypes.CFUNCTYPE(c_int, c_char_p, c_void_p, c_size_t, c_int64, c_int64,
                                 P(c_int64), c_void_p)
STORE_SCAN_FN = ctypes.CFUNCTYPE(c_int, c_char_p, c_void_p, c_size_t, c_void_p, c_void_p,
                                 c_void_p)
STORE_DESTROY_FN = ctypes.CFUNCTYPE(None, c_void_p)
PROGRESS_FN = ctypes.CFUNCTYPE(c_int, c_uint64, c_uint64, c_uint64, c_void_p)


# ---- structs (field order and types exactly as in the headers) ----------------------------
class StoreOps(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("get", STORE_GET_FN),
        ("put", STORE_PUT_FN),
        ("del_", STORE_DEL_FN),
        ("incr", STORE_INCR_FN),
        ("scan", STORE_SCAN_FN),
        ("destroy", STORE_DESTROY_FN),
        ("user_data", c_void_p),
    ]


class Message(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("channel", c_int32),
        ("customer_id", c_char_p),
        ("recipient", c_char_p),
        ("subject", c_char_p),
        ("body", c_char_p),
        ("body_text", c_char_p),
        ("headers", c_char_p),
        ("campaign_id", c_char_p),
        ("variant_id", c_char_p),
        ("journey_id", c_char_p),
        ("idempotency_key", c_char_p),
        ("template_id", c_char_p),
        ("node_id", c_char_p),
        ("entry", c_uint32),
        ("step", c_uint32),
        ("context_json", c_char_p),
        ("at", c_int64),
    ]


class AuditRecord(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("ts", c_int64),
        ("actor", c_char_p),
        ("action", c_char_p),
        ("subject", c_char_p),
        ("detail", c_char_p),
    ]


SEND_FN = ctypes.CFUNCTYPE(c_int, P(Message), c_void_p)
AUDIT_FN = ctypes.CFUNCTYPE(c_int, P(AuditRecord), c_void_p)


class Host(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("alloc", ALLOC_FN),
        ("realloc", REALLOC_FN),
        ("free", FREE_FN),
        ("now", NOW_FN),
        ("log", LOG_FN),
        ("random", RANDOM_FN),
        ("send", SEND_FN),
        ("audit", AUDIT_FN),
        ("store", P(StoreOps)),
        ("user_data", c_void_p),
    ]


class CtxOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("log_level", c_int32),
        ("max_field_bytes", c_uint32),
        ("max_fields", c_uint32),
        ("max_errors", c_uint32),
    ]


class Error(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("code", c_int32),
        ("message", c_char_p),
        ("source", c_char_p),
        ("line", c_uint64),
        ("column", c_uint64),
        ("field", c_char_p),
    ]


class LoadOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("separator", c_int32),
        ("unknown_customer", c_int32),
        ("progress", PROGRESS_FN),
        ("progress_data", c_void_p),
        ("threads", c_int32),
        ("columns", P(c_char_p)),  # mkt_load_options_init writes these too
        ("ncolumns", c_size_t),
    ]


class ColumnInfo(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("name", c_char_p),
        ("type", c_int32),
        ("is_custom", c_int32),
        ("is_derived", c_int32),
        ("null_count", c_uint64),
    ]


class Booking(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("booking_id", c_char_p),
        ("customer_id", c_char_p),
        ("customer_row", c_uint64),
        ("booking_time", c_int64),
        ("departure_date", c_int32),
        ("origin", c_char_p),
        ("destination", c_char_p),
        ("route", c_char_p),
        ("trip_type", c_char_p),
        ("cabin_class", c_char_p),
        ("fare_class", c_char_p),
        ("channel", c_char_p),
        ("passengers", c_int32),
        ("status", c_int32),
        ("total_amount", c_int64),
        ("ancillary_amount", c_int64),
        ("currency", c_char_p),
    ]


class Event(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("event_id", c_char_p),
        ("customer_id", c_char_p),
        ("customer_row", c_uint64),
        ("ts", c_int64),
        ("type", c_char_p),
        ("campaign", c_char_p),
        ("channel", c_char_p),
        ("value", c_int64),
        ("properties", c_char_p),
    ]


class TableStats(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("customers", c_uint64),
        ("customers_with_bookings", c_uint64),
        ("bookings", c_uint64),
        ("bookings_cancelled", c_uint64),
        ("events", c_uint64),
        ("first_booking_date", c_int32),
        ("last_booking_date", c_int32),
        ("first_event_time", c_int64),
        ("last_event_time", c_int64),
        ("currencies", c_uint32),
    ]


class PathsOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("separator", c_int32),
        ("path_column", c_char_p),
        ("conversions_column", c_char_p),
        ("value_column", c_char_p),
        ("nulls_column", c_char_p),
        ("value_decimals", c_int32),
        ("round_values", c_int32),
        ("progress", PROGRESS_FN),
        ("progress_data", c_void_p),
    ]


class Path(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("journey_id", c_char_p),
        ("length", c_uint32),
        ("channels", P(c_uint32)),
        ("ts", P(c_int64)),
        ("campaigns", P(c_uint32)),
        ("conversions", c_int64),
        ("value", c_int64),
        ("nulls", c_int64),
    ]


# attribution.h
class AttrOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("model", c_int32),
        ("order", c_int32),
        ("half_life_days", c_double),
        ("weights", P(c_double)),
        ("weight_count", c_uint32),
        ("direct_channel", c_char_p),
        ("collapse_repeats", c_int32),
        ("shapley_max_exact", c_int32),
        ("per_touch", c_int32),
    ]


class AttrCredit(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("name", c_char_p),
        ("conversions_micro", c_int64),
        ("conversions", c_double),
        ("value", c_int64),
        ("exact_conversions", c_double),
        ("removal_effect", c_double),
    ]


class AttrTransition(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("from_state", c_uint32),
        ("to_state", c_uint32),
        ("count", c_int64),
        ("probability", c_double),
    ]


# segment.h
class RuleValue(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("kind", c_int32),
        ("text", c_void_p),  # not NUL-terminated for the caller: read with len
        ("len", c_size_t),
        ("integer", c_int64),
    ]


class RuleParseOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("source", c_char_p),
        ("first_line", c_uint32),
        ("max_length", c_uint32),
        ("max_depth", c_uint32),
        ("max_list", c_uint32),
    ]


# The resolved rule travels out as a void ** so a Python-side failure cannot happen while
# ctypes converts it.
SEGMENT_RESOLVER_FN = ctypes.CFUNCTYPE(c_int, c_char_p, P(c_void_p), c_void_p)


class SegmentOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("as_of", c_int32),
        ("case_insensitive", c_int32),
        ("regex_match_limit", c_uint32),
        ("regex_depth_limit", c_uint32),
        ("regex_jit", c_int32),
        ("resolver", SEGMENT_RESOLVER_FN),
        ("resolver_data", c_void_p),
        ("max_nodes", c_uint32),
    ]


# catalog.h
class SegmentDef(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("id", c_char_p),
        ("name", c_char_p),
        ("category", c_char_p),
        ("description", c_char_p),
        ("rule", c_char_p),
        ("unavailable", c_char_p),
        ("source", c_char_p),
        ("line", c_uint32),
    ]



# engine.h
class JourneyAction(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("kind", c_int32),
        ("customer_id", c_char_p),
        ("journey_id", c_char_p),
        ("node_id", c_char_p),
        ("node", c_uint32),
        ("entry", c_uint32),
        ("step", c_uint32),
        ("attribute", c_char_p),
        ("value", c_char_p),
        ("tag", c_char_p),
        ("event_type", c_char_p),
        ("at", c_int64),
        ("idempotency_key", c_char_p),
    ]


JOURNEY_ACTION_FN = ctypes.CFUNCTYPE(c_int, P(JourneyAction), c_void_p)


class JourneyEngineOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("consent", c_void_p),
        ("message_class", c_int32),
        ("max_attempts", c_uint32),
        ("retry_delay", c_int64),
        ("customers", c_void_p),
        ("timer_records", c_int32),
        ("action", JOURNEY_ACTION_FN),
        ("action_user", c_void_p),
        ("promo_format", c_void_p),
        ("promo_secret", c_void_p),
        ("promo_secret_len", c_size_t),
    ]


class JourneyNodeCounts(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("entered", c_uint64),
        ("exited", c_uint64),
        ("waiting", c_int64),
        ("converted", c_uint64),
        ("ended", c_uint64),
        ("sent", c_uint64),
        ("failed", c_uint64),
        ("deferred", c_uint64),
        ("retried", c_uint64),
        ("suppressed", c_uint64),
        ("suppressed_by_reason", c_uint64 * 32),
        ("no_field", c_uint64),
    ]


class JourneyEvent(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("customer_id", c_char_p),
        ("event_type", c_char_p),
        ("at", c_int64),
        ("property_names", P(c_char_p)),
        ("property_values", P(c_char_p)),
        ("nproperties", c_size_t),
    ]


class JourneyInstance(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("state", c_int32),
        ("node", c_uint32),
        ("entered_at", c_int64),
        ("wake_at", c_int64),
        ("entries", c_uint32),
        ("step", c_uint32),
    ]


# journey.h
class JourneyDef(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("id", c_char_p),
        ("name", c_char_p),
        ("description", c_char_p),
        ("reentry", c_int32),
        ("reentry_after", c_int64),
        ("reentry_max", c_uint32),
        ("max_duration", c_int64),
        ("zone_policy", c_int32),
        ("zone", c_char_p),
        ("source", c_char_p),
        ("line", c_uint32),
    ]


class JourneyNodeDef(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("type", c_int32),
        ("kind", c_int32),
        ("id", c_char_p),
        ("label", c_char_p),
        ("event", c_char_p),
        ("segment", c_char_p),
        ("rule", c_char_p),
        ("field", c_char_p),
        ("value", c_char_p),
        ("delay", c_int64),
        ("time_of_day", c_int32),
        ("yearly", c_int32),
        ("until_date", c_int32),
        ("channel", c_int32),
        ("template_id", c_char_p),
        ("subject", c_char_p),
        ("offer", c_char_p),
        ("experiment", c_char_p),
        ("context_keys", P(c_char_p)),
        ("context_values", P(c_char_p)),
        ("ncontext", c_size_t),
        ("line", c_uint32),
    ]


class JourneyEdgeDef(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("from_", c_uint32),
        ("to", c_uint32),
        ("port", c_int32),
        ("condition", c_int32),
        ("rule", c_char_p),
        ("segment", c_char_p),
        ("event", c_char_p),
        ("since", c_char_p),
        ("negate", c_int32),
        ("weight", c_double),
        ("variant", c_char_p),
        ("line", c_uint32),
    ]


class JourneyOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("segments", P(c_char_p)),
        ("nsegments", c_size_t),
        ("templates", P(c_char_p)),
        ("ntemplates", c_size_t),
        ("offers", P(c_char_p)),
        ("noffers", c_size_t),
        ("events", P(c_char_p)),
        ("nevents", c_size_t),
        ("catalog", c_void_p),
        ("schema", c_void_p),
        ("now", c_int64),
        ("max_nodes", c_uint32),
        ("max_depth", c_uint32),
        ("max_text", c_uint32),
        ("issues", c_void_p),
    ]


class JourneyIssue(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("check", c_int32),
        ("code", c_int32),
        ("node", c_char_p),
        ("source", c_char_p),
        ("line", c_uint32),
        ("column", c_uint32),
        ("message", c_char_p),
        ("hint", c_char_p),
    ]


# audience.h
class ExportOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("gzip", c_int32),
        ("gzip_level", c_int32),
    ]


# rfm.h, lifecycle.h
class RfmOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("as_of", c_int32),
        ("window_months", c_int32),
        ("scoring", c_int32),
        ("buckets", c_int32),
        ("recency_days", c_int32 * 4),
        ("frequency_min", c_int64 * 4),
        ("monetary_max", c_int64 * 4),
        ("segment_map", P(c_int32)),
        ("fx", c_void_p),
    ]


class RfmFacts(ctypes.Structure):
    _fields_ = [
        ("customer_id", c_void_p),  # bytes, not necessarily NUL-terminated
        ("id_len", c_size_t),
        ("recency", c_int32),
        ("frequency", c_int64),
        ("monetary", c_int64),
    ]


class RfmScore(ctypes.Structure):
    _fields_ = [("r", c_int32), ("f", c_int32), ("m", c_int32), ("code", c_int32),
                ("segment", c_int32)]


class RfmRow(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("customer_id", c_char_p),
        ("id_len", c_size_t),
        ("customer_row", c_uint64),
        ("recency", c_int32),
        ("frequency", c_int64),
        ("monetary", c_int64),
        ("r", c_int32),
        ("f", c_int32),
        ("m", c_int32),
        ("code", c_int32),
        ("segment", c_int32),
        ("monetary_percentile", c_double),
    ]


class RfmSummary(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("segment", c_int32),
        ("customers", c_uint64),
        ("share", c_double),
        ("avg_recency", c_double),
        ("avg_frequency", c_double),
        ("avg_monetary", c_double),
        ("total_monetary", c_int64),
    ]


class LifecycleFacts(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("first_date", c_int32),
        ("last_date", c_int32),
        ("count_90", c_int64),
        ("count_180", c_int64),
        ("last_before_90", c_int32),
        ("first_within_90", c_int32),
    ]


class LifecycleRow(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("customer_id", c_char_p),
        ("id_len", c_size_t),
        ("customer_row", c_uint64),
        ("stage", c_int32),
        ("first_date", c_int32),
        ("last_date", c_int32),
        ("count_90", c_int64),
        ("count_180", c_int64),
    ]


# abtest.h
class AbtestAssignOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("coverage", c_double),
        ("holdout", c_double),
        ("holdout_key", c_char_p),
        ("namespace_key", c_char_p),
        ("namespace_start", c_double),
        ("namespace_end", c_double),
    ]


class AbtestAssignment(ctypes.Structure):
    _fields_ = [("variant", c_int32), ("reason", c_int32), ("bucket", c_double)]


class AbtestStats(ctypes.Structure):
    _fields_ = [("n", c_uint64), ("sum", c_double), ("sum_squares", c_double)]


class AbtestOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("metric", c_int32),
        ("method", c_int32),
        ("effect", c_int32),
        ("sided", c_int32),
        ("correction", c_int32),
        ("prior_normal", c_int32),
        ("alpha", c_double),
        ("prior_mean", c_double),
        ("prior_variance", c_double),
        ("tuning", c_double),
        ("weights", P(c_double)),
        ("srm_threshold", c_double),
        ("target_n", c_uint64),
    ]


class AbtestResult(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("n", c_uint64),
        ("mean", c_double),
        ("variance", c_double),
        ("effect", c_double),
        ("se", c_double),
        ("ci_low", c_double),
        ("ci_high", c_double),
        ("statistic", c_double),
        ("df", c_double),
        ("p_value", c_double),
        ("p_adjusted", c_double),
        ("chance_to_win", c_double),
        ("chance_to_win_exact", c_double),
        ("risk_control", c_double),
        ("risk_treatment", c_double),
        ("significant", c_int32),
        ("warnings", c_int32),
    ]


class AbtestSummary(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("srm_p_value", c_double),
        ("srm", c_int32),
        ("decision", c_int32),
        ("winner", c_int32),
        ("warnings", c_int32),
    ]


class AbtestCupedStats(ctypes.Structure):
    _fields_ = [
        ("n", c_uint64),
        ("sum", c_double),
        ("sum_squares", c_double),
        ("x_sum", c_double),
        ("x_sum_squares", c_double),
        ("xy_sum", c_double),
    ]


class AbtestPlanOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("metric", c_int32),
        ("sided", c_int32),
        ("baseline", c_double),
        ("stddev", c_double),
        ("mde", c_double),
        ("alpha", c_double),
        ("power", c_double),
        ("variants", c_int32),
    ]


# promo.h
class PromoOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("charset", c_char_p),
        ("length", c_int32),
        ("prefix", c_char_p),
        ("suffix", c_char_p),
        ("pattern", c_char_p),
        ("check_char", c_int32),
    ]


class PromoEntropy(ctypes.Structure):
    _fields_ = [
        ("charset_size", c_int32),
        ("random_chars", c_int32),
        ("code_len", c_int32),
        ("display_len", c_int32),
        ("space", c_double),
        ("bits", c_double),
        ("guess_probability", c_double),
        ("max_batch", c_uint64),
    ]


class PromoCheckResult(ctypes.Structure):
    _fields_ = [("valid", c_int32), ("reason", c_int32), ("position", c_int32)]


# offer.h
class OfferBooking(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("customer_id", c_char_p),
        ("booking_id", c_char_p),
        ("route", c_char_p),
        ("fare_class", c_char_p),
        ("amount", c_int64),
        ("currency", c_char_p),
        ("booking_date", c_int32),
        ("travel_date", c_int32),
        ("customer", c_void_p),
        ("prior_discount", c_int64),
    ]


class OfferUsage(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("held", c_int64),
        ("redemptions", c_int64),
        ("discount_total", c_int64),
        ("average_discount", c_int64),
        ("budget_used", c_int64),
        ("customer_uses", c_int64),
    ]


# ---- consent.h -------------------------------------------------------------------------------
class ConsentChange(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("customer_id", c_char_p),
        ("channel", c_int32),
        ("status", c_int32),
        ("double_opt_in", c_int32),
        ("ts", c_int64),
        ("source", c_char_p),
        ("ip", c_char_p),
        ("proof_version", c_char_p),
        ("actor", c_char_p),
    ]


class DncEntry(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("customer_id", c_char_p),
        ("scope", c_int32),
        ("reason", c_int32),
        ("ts", c_int64),
        ("source", c_char_p),
        ("actor", c_char_p),
        ("note", c_char_p),
    ]


class Preferences(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("customer_id", c_char_p),
        ("channel", c_int32),
        ("promotional", c_int32),
        ("transactional", c_int32),
        ("daily_cap", c_int32),
        ("weekly_cap", c_int32),
        ("monthly_cap", c_int32),
        ("actor", c_char_p),
    ]


class Feedback(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("customer_id", c_char_p),
        ("channel", c_int32),
        ("kind", c_int32),
        ("ts", c_int64),
        ("source", c_char_p),
        ("soft_bounce_limit", c_int32),
    ]


class ConsentOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("zoneinfo_dir", c_char_p),
        ("default_zone", c_char_p),
        ("daily_cap", c_int32),
        ("weekly_cap", c_int32),
        ("monthly_cap", c_int32),
        ("quiet_channels", c_uint32),
        ("implied_consent_channels", c_uint32),
    ]


class QuietRule(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("region", c_char_p),
        ("start_minute", c_int32),
        ("end_minute", c_int32),
        ("days", c_uint32),
    ]


class ContactRequest(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("customer_id", c_char_p),
        ("channel", c_int32),
        ("message_class", c_int32),
        ("purpose", c_char_p),
        ("at", c_int64),
        ("time_zone", c_char_p),
        ("region", c_char_p),
        ("address", c_int32),
        ("flags", c_uint32),
        ("actor", c_char_p),
    ]


class ContactDecision(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("allow", c_int32),
        ("reasons", c_uint32),
        ("next_allowed", c_int64),
        ("at", c_int64),
    ]


# ---- privacy.h and the audit part of ctx.h ---------------------------------------------------
class AuditReport(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("intact", c_int32),
        ("problem", c_int32),
        ("records", c_uint64),
        ("first_bad", c_uint64),
        ("head_seq", c_uint64),
        ("head_hash", ctypes.c_uint8 * 32),
        ("message", ctypes.c_char * 160),
    ]


class EraseRequest(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("customer_id", c_char_p),
        ("email", c_char_p),
        ("phone", c_char_p),
        ("actor", c_char_p),
        ("ts", c_int64),
    ]


class UnsubSpec(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("secret", c_char_p),
        ("secret_len", c_size_t),
        ("customer_id", c_char_p),
        ("channel", c_int32),
        ("topic", c_char_p),
        ("expires", c_int64),
        ("url", c_char_p),
        ("mailto", c_char_p),
    ]


class UnsubResult(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("status", c_int32),
        ("channel", c_int32),
        ("expires", c_int64),
        ("applied", c_int32),
        ("customer_id", ctypes.c_char * 257),
        ("topic", ctypes.c_char * 65),
    ]


class SmsOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("brand", c_char_p),
        ("opt_out_reply", c_char_p),
        ("opt_in_reply", c_char_p),
        ("help_reply", c_char_p),
        ("actor", c_char_p),
    ]


# ---- prototypes: name -> (restype, argtypes) ------------------------------------------------
_PROTOTYPES = {
    # common.h
    "mkt_strerror": (c_char_p, [c_int]),
    "mkt_version": (c_char_p, []),
    "mkt_version_number": (c_int32, []),
    "mkt_free": (None, [c_void_p]),
    # values.h
    "mkt_date_from_ymd": (c_int, [P(c_int32), c_int32, c_int32, c_int32]),
    "mkt_date_to_ymd": (None, [c_int32, P(c_int32), P(c_int32), P(c_int32)]),
    "mkt_date_parse": (c_int, [P(c_int32), c_char_p, c_size_t]),
    "mkt_date_format": (c_int, [c_int32, c_char_p, c_size_t]),
    "mkt_date_add_months": (c_int, [P(c_int32), c_int32, c_int32]),
    "mkt_time_parse": (c_int, [P(c_int64), c_char_p, c_size_t]),
    "mkt_time_format": (c_int, [c_int64, c_char_p, c_size_t]),
    "mkt_time_to_date": (c_int32, [c_int64]),
    "mkt_money_parse": (c_int, [P(c_int64), c_char_p, c_size_t, c_int32]),
    "mkt_money_format": (c_int, [c_int64, c_int32, c_char_p, c_size_t]),
    # store.h
    "mkt_store_reply_set": (c_int, [c_void_p, c_char_p, c_size_t, c_uint64]),
    "mkt_store_get": (c_int, [c_void_p, c_char_p, c_char_p, c_size_t, P(c_void_p),
                              P(c_size_t), P(c_uint64)]),
    "mkt_store_put": (c_int, [c_void_p, c_char_p, c_char_p, c_size_t, c_char_p, c_size_t,
                              c_uint64, P(c_uint64)]),
    "mkt_store_delete": (c_int, [c_void_p, c_char_p, c_char_p, c_size_t, c_uint64]),
    "mkt_store_incr": (c_int, [c_void_p, c_char_p, c_char_p, c_size_t, c_int64, c_int64,
                               P(c_int64)]),
    "mkt_store_scan": (c_int, [c_void_p, c_char_p, c_char_p, c_size_t, STORE_VISIT_FN,
                               c_void_p]),
    # host.h
    "mkt_host_init": (c_int, [P(Host)]),
    # ctx.h
    "mkt_ctx_options_init": (c_int, [P(CtxOptions)]),
    "mkt_ctx_new": (c_int, [P(c_void_p), P(Host), P(CtxOptions)]),
    "mkt_ctx_free": (None, [c_void_p]),
    "mkt_ctx_last_error": (P(Error), [c_void_p]),
    "mkt_ctx_clear_error": (None, [c_void_p]),
    "mkt_ctx_now": (c_int, [c_void_p, P(c_int64)]),
    "mkt_ctx_random": (c_int, [c_void_p, c_void_p, c_size_t]),
    "mkt_ctx_audit": (c_int, [c_void_p, P(AuditRecord)]),
    # data.h: table
    "mkt_load_options_init": (c_int, [P(LoadOptions)]),
    "mkt_table_new": (c_int, [P(c_void_p), c_void_p]),
    "mkt_table_free": (None, [c_void_p]),
    "mkt_table_load_customers": (c_int, [c_void_p, c_char_p, P(LoadOptions)]),
    "mkt_table_load_bookings": (c_int, [c_void_p, c_char_p, P(LoadOptions)]),
    "mkt_table_load_events": (c_int, [c_void_p, c_char_p, P(LoadOptions)]),
    "mkt_table_fold_bookings": (c_int, [c_void_p, c_char_p, c_int32, P(c_char_p), c_size_t,
                                        P(LoadOptions)]),
    "mkt_table_customer_count": (c_uint64, [c_void_p]),
    "mkt_table_find": (c_int, [c_void_p, c_char_p, c_size_t, P(c_uint64)]),
    "mkt_table_customer_id": (c_char_p, [c_void_p, c_uint64]),
    "mkt_table_column_count": (c_uint32, [c_void_p]),
    "mkt_table_column_find": (c_int, [c_void_p, c_char_p, P(c_uint32)]),
    "mkt_table_column_info": (c_int, [c_void_p, c_uint32, P(ColumnInfo)]),
    "mkt_table_get_int": (c_int, [c_void_p, c_uint32, c_uint64, P(c_int64), P(c_int32)]),
    "mkt_table_get_number": (c_int, [c_void_p, c_uint32, c_uint64, P(c_double), P(c_int32)]),
    "mkt_table_get_string": (c_int, [c_void_p, c_uint32, c_uint64, P(c_void_p),
                                     P(c_size_t)]),
    "mkt_table_add_column": (c_int, [c_void_p, c_char_p, c_int32, P(c_uint32)]),
    "mkt_table_add_customer": (c_int, [c_void_p, c_char_p, c_size_t, P(c_uint64)]),
    "mkt_table_set_int": (c_int, [c_void_p, c_uint32, c_uint64, c_int64]),
    "mkt_table_set_number": (c_int, [c_void_p, c_uint32, c_uint64, c_double]),
    "mkt_table_set_string": (c_int, [c_void_p, c_uint32, c_uint64, c_char_p, c_size_t]),
    "mkt_table_set_null": (c_int, [c_void_p, c_uint32, c_uint64]),
    "mkt_table_add_booking": (c_int, [c_void_p, P(Booking)]),
    "mkt_table_booking_count": (c_uint64, [c_void_p]),
    "mkt_table_get_booking": (c_int, [c_void_p, c_uint64, P(Booking)]),
    "mkt_table_add_event": (c_int, [c_void_p, P(Event)]),
    "mkt_table_event_count": (c_uint64, [c_void_p]),
    "mkt_table_get_event": (c_int, [c_void_p, c_uint64, P(Event)]),
    "mkt_table_stats_get": (c_int, [c_void_p, P(TableStats)]),
    "mkt_table_currency": (c_int, [c_void_p, c_uint32, P(c_char_p), P(c_uint64),
                                   P(c_int64)]),
    "mkt_table_set_as_of": (c_int, [c_void_p, c_int32]),
    "mkt_table_as_of": (c_int, [c_void_p, P(c_int32)]),
    "mkt_table_get_list_count": (c_int, [c_void_p, c_uint32, c_uint64, P(c_uint32),
                                         P(c_int32)]),
    "mkt_table_get_list_item": (c_int, [c_void_p, c_uint32, c_uint64, c_uint32, P(c_void_p),
                                        P(c_size_t)]),
    # data.h: paths
    "mkt_paths_options_init": (c_int, [P(PathsOptions)]),
    "mkt_paths_new": (c_int, [P(c_void_p), c_void_p]),
    "mkt_paths_free": (None, [c_void_p]),
    "mkt_paths_load_paths": (c_int, [c_void_p, c_char_p, P(PathsOptions)]),
    "mkt_paths_load_touchpoints": (c_int, [c_void_p, c_char_p, P(PathsOptions)]),
    "mkt_paths_add": (c_int, [c_void_p, P(c_char_p), c_uint32, c_int64, c_int64, c_int64]),
    "mkt_paths_add_journey": (c_int, [c_void_p, c_char_p, P(c_char_p), P(c_int64),
                                      P(c_char_p), c_uint32, c_int32, c_int64]),
    "mkt_paths_count": (c_uint64, [c_void_p]),
    "mkt_paths_get": (c_int, [c_void_p, c_uint64, P(Path)]),
    "mkt_paths_channel_count": (c_uint32, [c_void_p]),
    "mkt_paths_channel_name": (c_char_p, [c_void_p, c_uint32]),
    "mkt_paths_campaign_count": (c_uint32, [c_void_p]),
    "mkt_paths_campaign_name": (c_char_p, [c_void_p, c_uint32]),
    # segment.h: rules
    "mkt_rule_parse_options_init": (c_int, [P(RuleParseOptions)]),
    "mkt_rule_parse": (c_int, [P(c_void_p), c_void_p, c_char_p, c_size_t,
                               P(RuleParseOptions)]),
    "mkt_rule_free": (None, [c_void_p]),
    "mkt_rule_format": (c_int, [c_void_p, c_void_p, P(c_void_p)]),
    "mkt_rule_equal": (c_int32, [c_void_p, c_void_p]),
    "mkt_rule_condition": (c_int, [P(c_void_p), c_void_p, c_char_p, c_int32, P(RuleValue),
                                   c_size_t, c_int32]),
    "mkt_rule_and": (c_int, [P(c_void_p), c_void_p, P(c_void_p), c_size_t]),
    "mkt_rule_or": (c_int, [P(c_void_p), c_void_p, P(c_void_p), c_size_t]),
    "mkt_rule_not": (c_int, [P(c_void_p), c_void_p, c_void_p]),
    "mkt_rule_segment_ref": (c_int, [P(c_void_p), c_void_p, c_char_p]),
    "mkt_rule_copy": (c_int, [P(c_void_p), c_void_p, c_void_p]),
    "mkt_rule_kind_get": (c_int32, [c_void_p]),
    "mkt_rule_child_count": (c_size_t, [c_void_p]),
    "mkt_rule_child": (c_void_p, [c_void_p, c_size_t]),
    "mkt_rule_field": (c_char_p, [c_void_p]),
    "mkt_rule_fields": (c_int, [c_void_p, c_void_p, SEGMENT_RESOLVER_FN, c_void_p,
                                P(P(c_char_p)), P(c_size_t)]),
    "mkt_rule_op_get": (c_int32, [c_void_p]),
    "mkt_rule_flags": (c_int32, [c_void_p]),
    "mkt_rule_value_count": (c_size_t, [c_void_p]),
    "mkt_rule_value_get": (c_int, [c_void_p, c_size_t, P(RuleValue)]),
    "mkt_rule_op_name": (c_char_p, [c_int32]),
    "mkt_rule_op_from_name": (c_int, [c_char_p, P(c_int32)]),
    # segment.h: compiled segments
    "mkt_segment_options_init": (c_int, [P(SegmentOptions)]),
    "mkt_segment_compile": (c_int, [P(c_void_p), c_void_p, c_void_p, c_void_p,
                                    P(SegmentOptions)]),
    "mkt_segment_free": (None, [c_void_p]),
    "mkt_segment_rule": (c_void_p, [c_void_p]),
    "mkt_segment_as_of": (c_int32, [c_void_p]),
    "mkt_segment_evaluate": (c_int, [c_void_p, c_void_p, c_void_p, P(c_void_p)]),
    "mkt_segment_match_row": (c_int, [c_void_p, c_void_p, c_void_p, c_uint64, P(c_int32)]),
    "mkt_segment_match": (c_int, [c_void_p, c_void_p, P(c_int32)]),
    "mkt_segment_explain": (c_int, [c_void_p, c_void_p, P(c_int32), P(c_void_p)]),
    "mkt_segment_explain_row": (c_int, [c_void_p, c_void_p, c_void_p, c_uint64, P(c_int32),
                                        P(c_void_p)]),
    # segment.h: records
    "mkt_record_new": (c_int, [P(c_void_p), c_void_p, c_void_p]),
    "mkt_record_free": (None, [c_void_p]),
    "mkt_record_clear": (None, [c_void_p]),
    "mkt_record_set_int": (c_int, [c_void_p, c_char_p, c_int64]),
    "mkt_record_set_number": (c_int, [c_void_p, c_char_p, c_double]),
    "mkt_record_set_string": (c_int, [c_void_p, c_char_p, c_char_p, c_size_t]),
    "mkt_record_set_list": (c_int, [c_void_p, c_char_p, P(c_char_p), P(c_size_t), c_size_t]),
    "mkt_record_set_null": (c_int, [c_void_p, c_char_p]),
    "mkt_record_load_row": (c_int, [c_void_p, c_void_p, c_uint64]),
    # segment.h: member sets
    "mkt_members_new": (c_int, [P(c_void_p), c_void_p, c_uint64]),
    "mkt_members_free": (None, [c_void_p]),
    "mkt_members_copy": (c_int, [P(c_void_p), c_void_p]),
    "mkt_members_rows": (c_uint64, [c_void_p]),
    "mkt_members_count": (c_uint64, [c_void_p]),
    "mkt_members_contains": (c_int32, [c_void_p, c_uint64]),
    "mkt_members_set": (c_int, [c_void_p, c_uint64, c_int32]),
    "mkt_members_next": (c_int, [c_void_p, c_uint64, P(c_uint64)]),
    "mkt_members_and": (c_int, [c_void_p, c_void_p]),
    "mkt_members_or": (c_int, [c_void_p, c_void_p]),
    "mkt_members_andnot": (c_int, [c_void_p, c_void_p]),
    "mkt_members_not": (c_int, [c_void_p]),
    # catalog.h
    "mkt_segment_def_init": (c_int, [P(SegmentDef)]),
    "mkt_catalog_new": (c_int, [P(c_void_p), c_void_p]),
    "mkt_catalog_builtin": (c_int, [P(c_void_p), c_void_p]),
    "mkt_catalog_free": (None, [c_void_p]),
    "mkt_catalog_add": (c_int, [c_void_p, P(SegmentDef)]),
    "mkt_catalog_load_xml_file": (c_int, [c_void_p, c_char_p]),
    "mkt_catalog_load_xml_memory": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p]),
    "mkt_catalog_xml_schema": (c_char_p, []),
    "mkt_catalog_count": (c_size_t, [c_void_p]),
    "mkt_catalog_get": (c_int, [c_void_p, c_size_t, P(SegmentDef)]),
    "mkt_catalog_find": (c_int, [c_void_p, c_char_p, P(c_size_t)]),
    "mkt_catalog_rule": (c_void_p, [c_void_p, c_size_t]),
    # Same shape as SEGMENT_RESOLVER_FN, so its address can be a segment resolver.
    "mkt_catalog_resolve": (c_int, [c_char_p, P(c_void_p), c_void_p]),
    "mkt_catalog_compile": (c_int, [P(c_void_p), c_void_p, c_void_p, c_char_p, c_void_p,
                                    P(SegmentOptions)]),
    # audience.h
    "mkt_audience_combine": (c_int, [P(c_void_p), c_void_p, P(c_void_p), c_size_t, c_int32,
                                     P(c_void_p), c_size_t]),
    "mkt_audience_evaluate": (c_int, [P(c_void_p), c_void_p, c_void_p, P(c_void_p), c_size_t,
                                      c_int32, P(c_void_p), c_size_t]),
    "mkt_members_sample": (c_int, [P(c_void_p), c_void_p, c_void_p, c_void_p, c_uint64,
                                   c_uint64]),
    "mkt_export_options_init": (c_int, [P(ExportOptions)]),
    "mkt_members_export_csv": (c_int, [c_void_p, c_void_p, c_void_p, c_char_p,
                                       P(ExportOptions)]),
    "mkt_members_export_csv_fd": (c_int, [c_void_p, c_void_p, c_void_p, c_int,
                                          P(ExportOptions)]),
    # rfm.h
    "mkt_rfm_options_init": (c_int, [P(RfmOptions)]),
    "mkt_rfm_score_facts": (c_int, [c_void_p, P(RfmFacts), c_size_t, P(RfmOptions),
                                    P(RfmScore)]),
    "mkt_rfm_compute": (c_int, [P(c_void_p), c_void_p, c_void_p, P(RfmOptions)]),
    "mkt_rfm_compute_file": (c_int, [P(c_void_p), c_void_p, c_char_p, P(RfmOptions),
                                     P(LoadOptions)]),
    "mkt_rfm_free": (None, [c_void_p]),
    "mkt_rfm_count": (c_uint64, [c_void_p]),
    "mkt_rfm_as_of": (c_int32, [c_void_p]),
    "mkt_rfm_get": (c_int, [c_void_p, c_uint64, P(RfmRow)]),
    "mkt_rfm_find": (c_int, [c_void_p, c_char_p, c_size_t, P(c_uint64)]),
    "mkt_rfm_summary_get": (c_int, [c_void_p, c_int32, P(RfmSummary)]),
    "mkt_rfm_segment_name": (c_char_p, [c_int32]),
    "mkt_rfm_segment_from_name": (c_int, [c_char_p, P(c_int32)]),
    "mkt_rfm_default_segment": (c_int, [c_int32, c_int32, c_int32, P(c_int32)]),
    "mkt_rfm_apply": (c_int, [c_void_p, c_void_p]),
    "mkt_rfm_fx_new": (c_int, [P(c_void_p), c_void_p]),
    "mkt_rfm_fx_free": (None, [c_void_p]),
    "mkt_rfm_fx_add": (c_int, [c_void_p, c_char_p, c_char_p]),
    "mkt_rfm_fx_load": (c_int, [c_void_p, c_char_p]),
    "mkt_rfm_fx_count": (c_uint32, [c_void_p]),
    "mkt_rfm_fx_convert": (c_int, [c_void_p, c_char_p, c_int64, P(c_int64)]),
    # lifecycle.h
    "mkt_lifecycle_facts_init": (c_int, [P(LifecycleFacts)]),
    "mkt_lifecycle_stage_of": (c_int, [P(LifecycleFacts), c_int32, P(c_int32)]),
    "mkt_lifecycle_stage_name": (c_char_p, [c_int32]),
    "mkt_lifecycle_compute": (c_int, [P(c_void_p), c_void_p, c_void_p, c_int32]),
    "mkt_lifecycle_compute_file": (c_int, [P(c_void_p), c_void_p, c_char_p, c_int32,
                                           P(LoadOptions)]),
    "mkt_lifecycle_free": (None, [c_void_p]),
    "mkt_lifecycle_count": (c_uint64, [c_void_p]),
    "mkt_lifecycle_as_of": (c_int32, [c_void_p]),
    "mkt_lifecycle_get": (c_int, [c_void_p, c_uint64, P(LifecycleRow)]),
    "mkt_lifecycle_stage_count": (c_int, [c_void_p, c_int32, P(c_uint64)]),
    "mkt_lifecycle_apply": (c_int, [c_void_p, c_void_p]),
    # abtest.h
    "mkt_abtest_bucket": (c_double, [c_char_p, c_size_t, c_char_p, c_size_t]),
    "mkt_abtest_assign_options_init": (c_int, [P(AbtestAssignOptions)]),
    "mkt_abtest_assign": (c_int, [c_void_p, c_char_p, c_char_p, c_size_t, P(c_double),
                                  c_size_t, P(AbtestAssignOptions), P(AbtestAssignment)]),
    "mkt_abtest_options_init": (c_int, [P(AbtestOptions)]),
    "mkt_abtest_results_init": (c_int, [P(AbtestResult), c_size_t]),
    "mkt_abtest_analyze": (c_int, [c_void_p, P(AbtestStats), c_size_t, P(AbtestOptions),
                                   P(AbtestResult), P(AbtestSummary)]),
    "mkt_abtest_srm": (c_int, [c_void_p, P(c_uint64), P(c_double), c_size_t, P(c_double)]),
    "mkt_abtest_adjust": (c_int, [c_void_p, P(c_double), c_size_t, c_int32, P(c_double)]),
    "mkt_abtest_beta_chance": (c_int, [c_void_p, c_uint64, c_uint64, c_uint64, c_uint64,
                                       P(c_double)]),
    "mkt_abtest_cuped": (c_int, [c_void_p, P(AbtestCupedStats), c_size_t, P(AbtestStats),
                                 P(c_double)]),
    "mkt_abtest_plan_options_init": (c_int, [P(AbtestPlanOptions)]),
    "mkt_abtest_sample_size": (c_int, [c_void_p, P(AbtestPlanOptions), P(c_uint64),
                                       P(c_double)]),
    "mkt_abtest_power": (c_int, [c_void_p, P(AbtestPlanOptions), c_uint64, P(c_double)]),
    # attribution.h
    "mkt_attr_options_init": (c_int, [P(AttrOptions)]),
    "mkt_attr_model_name": (c_char_p, [c_int32]),
    "mkt_attr_model_parse": (c_int, [c_char_p, P(c_int32)]),
    "mkt_attribute": (c_int, [P(c_void_p), c_void_p, P(AttrOptions)]),
    "mkt_attribute_many": (c_int, [P(c_void_p), P(c_int32), c_uint32, c_void_p,
                                   P(AttrOptions)]),
    "mkt_attribution_free": (None, [c_void_p]),
    "mkt_attribution_model": (c_int32, [c_void_p]),
    "mkt_attribution_totals": (c_int, [c_void_p, P(c_int64), P(c_int64)]),
    "mkt_attribution_channel_count": (c_uint32, [c_void_p]),
    "mkt_attribution_channel": (c_int, [c_void_p, c_uint32, P(AttrCredit)]),
    "mkt_attribution_campaign_count": (c_uint32, [c_void_p]),
    "mkt_attribution_campaign": (c_int, [c_void_p, c_uint32, P(AttrCredit)]),
    "mkt_attribution_touch": (c_int, [c_void_p, c_uint64, c_uint32, P(c_int64), P(c_int64)]),
    "mkt_attribution_conversion_probability": (c_double, [c_void_p]),
    "mkt_attribution_state_count": (c_uint32, [c_void_p]),
    "mkt_attribution_state_name": (c_char_p, [c_void_p, c_uint32]),
    "mkt_attribution_transition_count": (c_uint64, [c_void_p]),
    "mkt_attribution_transition": (c_int, [c_void_p, c_uint64, P(AttrTransition)]),
    "mkt_journey_def_init": (c_int, [P(JourneyDef)]),
    "mkt_journey_node_def_init": (c_int, [P(JourneyNodeDef)]),
    "mkt_journey_edge_def_init": (c_int, [P(JourneyEdgeDef)]),
    "mkt_journey_options_init": (c_int, [P(JourneyOptions)]),
    "mkt_journey_check_name": (c_char_p, [c_int32]),
    "mkt_journey_issues_new": (c_int, [P(c_void_p), c_void_p]),
    "mkt_journey_issues_free": (None, [c_void_p]),
    "mkt_journey_issues_count": (c_size_t, [c_void_p]),
    "mkt_journey_issues_get": (c_int, [c_void_p, c_size_t, P(JourneyIssue)]),
    "mkt_journey_builder_new": (c_int, [P(c_void_p), c_void_p, P(JourneyDef)]),
    "mkt_journey_builder_free": (None, [c_void_p]),
    "mkt_journey_builder_add_node": (c_int, [c_void_p, P(JourneyNodeDef), P(c_uint32)]),
    "mkt_journey_builder_connect": (c_int, [c_void_p, P(JourneyEdgeDef)]),
    "mkt_journey_builder_finish": (c_int, [c_void_p, P(JourneyOptions), P(c_void_p)]),
    "mkt_journey_load_xml_memory": (c_int, [P(c_void_p), c_void_p, c_char_p, c_size_t, c_char_p,
                                            P(JourneyOptions)]),
    "mkt_journey_load_xml_file": (c_int, [P(c_void_p), c_void_p, c_char_p, P(JourneyOptions)]),
    "mkt_journey_xml_schema": (c_char_p, []),
    "mkt_journey_free": (None, [c_void_p]),
    "mkt_journey_get": (c_int, [c_void_p, P(JourneyDef)]),
    "mkt_journey_node_count": (c_uint32, [c_void_p]),
    "mkt_journey_node_get": (c_int, [c_void_p, c_uint32, P(JourneyNodeDef)]),
    "mkt_journey_node_find": (c_int, [c_void_p, c_char_p, P(c_uint32)]),
    "mkt_journey_edge_count": (c_uint32, [c_void_p]),
    "mkt_journey_edge_get": (c_int, [c_void_p, c_uint32, P(JourneyEdgeDef)]),
    "mkt_journey_node_edges": (c_int, [c_void_p, c_uint32, P(c_uint32), P(c_uint32)]),
    "mkt_journey_format": (c_int, [c_void_p, c_void_p, P(c_void_p)]),
    "mkt_journey_engine_options_init": (c_int, [P(JourneyEngineOptions)]),
    "mkt_journey_engine_new": (c_int, [P(c_void_p), c_void_p, P(c_void_p), c_size_t,
                                       P(JourneyEngineOptions)]),
    "mkt_journey_engine_free": (None, [c_void_p]),
    "mkt_journey_engine_event": (c_int, [c_void_p, c_char_p, c_char_p, c_int64]),
    "mkt_journey_engine_flush": (c_int, [c_void_p]),
    "mkt_journey_event_init": (c_int, [P(JourneyEvent)]),
    "mkt_journey_engine_event_ex": (c_int, [c_void_p, P(JourneyEvent)]),
    "mkt_journey_engine_enter": (c_int, [c_void_p, c_char_p, c_char_p, c_int64, P(c_int32)]),
    "mkt_journey_engine_advance": (c_int, [c_void_p, c_int64, P(c_uint64)]),
    "mkt_journey_engine_enter_due": (c_int, [c_void_p, c_int64, P(c_uint64)]),
    "mkt_journey_engine_next_due": (c_int, [c_void_p, P(c_int64)]),
    "mkt_journey_engine_counts": (c_int, [c_void_p, c_char_p, c_uint32, P(JourneyNodeCounts)]),
    "mkt_journey_engine_edge_count": (c_int, [c_void_p, c_char_p, c_uint32, P(c_uint64)]),
    "mkt_journey_engine_instance": (c_int, [c_void_p, c_char_p, c_char_p, P(JourneyInstance)]),
    # promo.h
    "mkt_promo_normalize": (c_int, [c_void_p, c_char_p, c_char_p, c_size_t, P(c_size_t)]),
    "mkt_promo_options_init": (c_int, [P(PromoOptions)]),
    "mkt_promo_format_new": (c_int, [P(c_void_p), c_void_p, P(PromoOptions)]),
    "mkt_promo_format_free": (None, [c_void_p]),
    "mkt_promo_entropy_get": (c_int, [c_void_p, c_uint64, P(PromoEntropy)]),
    "mkt_promo_check": (c_int, [c_void_p, c_char_p, c_size_t, P(PromoCheckResult)]),
    "mkt_promo_reason_name": (c_char_p, [c_int32]),
    "mkt_promo_generate": (c_int, [c_void_p, c_void_p, c_uint64, c_char_p, P(c_void_p),
                                   P(c_size_t)]),
    "mkt_promo_derive": (c_int, [c_void_p, c_void_p, c_char_p, c_size_t, c_char_p, c_char_p,
                                 c_char_p, c_size_t, P(c_size_t)]),
    "mkt_promo_bind": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p]),
    "mkt_promo_lookup": (c_int, [c_void_p, c_char_p, P(c_void_p), P(c_void_p)]),
    # offer.h
    "mkt_offer_new": (c_int, [P(c_void_p), c_void_p, c_char_p]),
    "mkt_offer_free": (None, [c_void_p]),
    "mkt_offer_id": (c_char_p, [c_void_p]),
    "mkt_offer_set_discount": (c_int, [c_void_p, c_int32, c_int64, c_int64]),
    "mkt_offer_set_currency": (c_int, [c_void_p, c_char_p]),
    "mkt_offer_set_min_purchase": (c_int, [c_void_p, c_int64]),
    "mkt_offer_set_booking_window": (c_int, [c_void_p, c_int32, c_int32]),
    "mkt_offer_set_travel_window": (c_int, [c_void_p, c_int32, c_int32]),
    "mkt_offer_add_blackout": (c_int, [c_void_p, c_int32, c_int32]),
    "mkt_offer_add_route": (c_int, [c_void_p, c_char_p, c_int32]),
    "mkt_offer_add_fare_class": (c_int, [c_void_p, c_char_p, c_int32]),
    "mkt_offer_set_segment_rule": (c_int, [c_void_p, c_char_p]),
    "mkt_offer_set_customer": (c_int, [c_void_p, c_char_p]),
    "mkt_offer_set_limit": (c_int, [c_void_p, c_int32, c_int64]),
    "mkt_offer_set_stacking": (c_int, [c_void_p, c_int32, c_int32]),
    "mkt_offer_add_combinable": (c_int, [c_void_p, c_char_p]),
    "mkt_offer_set_reservation_ttl": (c_int, [c_void_p, c_int64]),
    "mkt_offer_add_code": (c_int, [c_void_p, c_char_p, c_char_p]),
    "mkt_offers_new": (c_int, [P(c_void_p), c_void_p]),
    "mkt_offers_free": (None, [c_void_p]),
    "mkt_offers_add": (c_int, [c_void_p, c_void_p]),
    "mkt_offers_load_xml_memory": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p]),
    "mkt_offers_load_xml_file": (c_int, [c_void_p, c_char_p]),
    "mkt_offers_compile": (c_int, [c_void_p, c_void_p]),
    "mkt_offers_count": (c_size_t, [c_void_p]),
    "mkt_offers_get": (c_void_p, [c_void_p, c_size_t]),
    "mkt_offer_booking_init": (c_int, [P(OfferBooking)]),
    "mkt_offer_result_new": (c_int, [P(c_void_p), c_void_p]),
    "mkt_offer_result_free": (None, [c_void_p]),
    "mkt_offer_result_valid": (c_int32, [c_void_p]),
    "mkt_offer_result_discount": (c_int64, [c_void_p]),
    "mkt_offer_result_code": (c_char_p, [c_void_p]),
    "mkt_offer_result_offer_id": (c_char_p, [c_void_p]),
    "mkt_offer_result_reason_count": (c_size_t, [c_void_p]),
    "mkt_offer_result_reason": (c_int32, [c_void_p, c_size_t]),
    "mkt_offer_result_reason_text": (c_char_p, [c_void_p, c_size_t]),
    "mkt_offer_currency_decimals": (c_int32, [c_char_p]),
    "mkt_offer_reason_name": (c_char_p, [c_int32]),
    "mkt_offers_validate": (c_int, [c_void_p, c_void_p, c_char_p, P(OfferBooking), c_void_p]),
    "mkt_offers_reserve": (c_int, [c_void_p, c_void_p, c_char_p, P(OfferBooking), c_void_p]),
    "mkt_offers_commit": (c_int, [c_void_p, c_void_p, c_char_p, c_char_p, c_char_p]),
    "mkt_offers_release": (c_int, [c_void_p, c_void_p, c_char_p, c_char_p, c_char_p]),
    "mkt_offers_sweep": (c_int, [c_void_p, P(c_uint64)]),
    "mkt_offer_usage_get": (c_int, [c_void_p, c_char_p, c_char_p, P(OfferUsage)]),
    "mkt_offer_usage_report": (c_int, [c_void_p, c_char_p, c_int32, P(c_void_p)]),
    "mkt_offer_stack_new": (c_int, [P(c_void_p), c_void_p]),
    "mkt_offer_stack_free": (None, [c_void_p]),
    "mkt_offers_stack": (c_int, [c_void_p, c_void_p, P(c_char_p), c_size_t, P(OfferBooking),
                                 c_void_p]),
    "mkt_offer_stack_total": (c_int64, [c_void_p]),
    "mkt_offer_stack_count": (c_size_t, [c_void_p]),
    "mkt_offer_stack_chosen": (c_int32, [c_void_p, c_size_t]),
    "mkt_offer_stack_order": (c_int32, [c_void_p, c_size_t]),
    "mkt_offer_stack_item": (c_void_p, [c_void_p, c_size_t]),
    # consent.h
    "mkt_contact_reason_name": (c_char_p, [c_int32]),
    "mkt_contact_reason_text": (c_char_p, [c_int32]),
    "mkt_consent_change_init": (c_int, [P(ConsentChange)]),
    "mkt_consent_set": (c_int, [c_void_p, P(ConsentChange)]),
    "mkt_consent_confirm": (c_int, [c_void_p, P(ConsentChange)]),
    "mkt_consent_get": (c_int, [c_void_p, c_char_p, c_int32, P(c_int32), P(c_int64)]),
    "mkt_consent_history": (c_int, [c_void_p, c_char_p, P(c_void_p)]),
    "mkt_dnc_entry_init": (c_int, [P(DncEntry)]),
    "mkt_dnc_add": (c_int, [c_void_p, P(DncEntry)]),
    "mkt_dnc_remove": (c_int, [c_void_p, P(DncEntry)]),
    "mkt_dnc_has": (c_int, [c_void_p, c_char_p, c_int32, c_int32, P(c_int32)]),
    "mkt_preferences_init": (c_int, [P(Preferences)]),
    "mkt_preferences_set": (c_int, [c_void_p, P(Preferences)]),
    "mkt_preferences_get": (c_int, [c_void_p, P(Preferences)]),
    "mkt_topic_set": (c_int, [c_void_p, c_char_p, c_char_p, c_int32, c_char_p]),
    "mkt_feedback_init": (c_int, [P(Feedback)]),
    "mkt_consent_feedback": (c_int, [c_void_p, P(Feedback), P(c_int32)]),
    "mkt_consent_import": (c_int, [c_void_p, c_char_p, P(c_uint64)]),
    "mkt_consent_options_init": (c_int, [P(ConsentOptions)]),
    "mkt_consent_new": (c_int, [P(c_void_p), c_void_p, P(ConsentOptions)]),
    "mkt_consent_free": (None, [c_void_p]),
    "mkt_consent_add_quiet_rule": (c_int, [c_void_p, P(QuietRule)]),
    "mkt_consent_load_quiet_rules": (c_int, [c_void_p, c_char_p]),
    "mkt_contact_request_init": (c_int, [P(ContactRequest)]),
    "mkt_consent_check": (c_int, [c_void_p, P(ContactRequest), P(ContactDecision)]),
    "mkt_consent_check_many": (c_int, [c_void_p, P(ContactRequest), c_size_t, P(ContactDecision),
                                       P(c_int32)]),
    # privacy.h and the audit part of ctx.h
    "mkt_audit_chain_hash": (c_int, [c_void_p, P(AuditRecord), c_uint64, c_char_p, c_char_p]),
    "mkt_audit_verify": (c_int, [c_void_p, P(AuditReport)]),
    "mkt_erase_request_init": (c_int, [P(EraseRequest)]),
    "mkt_privacy_erase": (c_int, [c_void_p, P(EraseRequest), P(c_void_p)]),
    "mkt_privacy_is_erased": (c_int, [c_void_p, c_int32, c_char_p, P(c_int32)]),
    "mkt_privacy_export": (c_int, [c_void_p, c_char_p, c_char_p, P(c_void_p)]),
    "mkt_unsub_spec_init": (c_int, [P(UnsubSpec)]),
    "mkt_unsub_token": (c_int, [c_void_p, P(UnsubSpec), P(c_void_p)]),
    "mkt_unsub_headers": (c_int, [c_void_p, P(UnsubSpec), P(c_void_p)]),
    "mkt_unsub_verify": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p, c_int64,
                                 P(UnsubResult)]),
    "mkt_unsub_apply": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p, c_char_p,
                                P(UnsubResult)]),
    "mkt_sms_keyword_parse": (c_int32, [c_char_p, c_size_t, P(c_int32), P(c_int32)]),
    "mkt_sms_options_init": (c_int, [P(SmsOptions)]),
    "mkt_sms_inbound": (c_int, [c_void_p, P(SmsOptions), c_char_p, c_char_p, P(c_int32),
                                P(c_void_p)]),
}

#: Every public C function this binding calls (the tests check that each one is reachable).
FUNCTIONS = tuple(sorted(_PROTOTYPES))


def _pkg_config_libdir():
    try:
        out = subprocess.run(["pkg-config", "--variable=libdir", "libmarketing"],
                             capture_output=True, text=True, check=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    libdir = out.stdout.strip()
    return libdir or None


def find_library():
    """Return the path (or soname) of libmarketing that :func:`load` would open."""
    path = os.environ.get("LIBMARKETING_LIBRARY")
    if path:
        return path
    build = os.environ.get("LIBMARKETING_BUILD_DIR")
    if build:
        return os.path.join(build, "lib", "libmarketing.so")
    name = ctypes.util.find_library("marketing")
    if name:
        return name
    libdir = _pkg_config_libdir()
    if libdir:
        for candidate in ("libmarketing.so", "libmarketing.so.0"):
            full = os.path.join(libdir, candidate)
            if os.path.exists(full):
                return full
    raise OSError("libmarketing not found: set LIBMARKETING_LIBRARY to the path of "
                  "libmarketing.so (see bindings/python/README.md)")


class _Lib:
    """The loaded library; attribute access binds a prototype on first use."""

    def __init__(self, path):
        self.path = path
        self.cdll = ctypes.CDLL(path)

    def __getattr__(self, name):
        proto = _PROTOTYPES.get(name)
        if proto is None:
            raise AttributeError(name)
        try:
            fn = getattr(self.cdll, name)
        except AttributeError:
            raise AttributeError(f"{self.path} does not export {name}") from None
        fn.restype, fn.argtypes = proto
        setattr(self, name, fn)  # later lookups skip __getattr__
        return fn


_lock = threading.Lock()
_lib = None


def lib():
    """The process-wide loaded library (loaded on first call)."""
    global _lib
    if _lib is None:
        with _lock:
            if _lib is None:
                _lib = _Lib(find_library())
    return _lib


def enc(text):
    """str or bytes to bytes (UTF-8)."""
    if isinstance(text, bytes):
        return text
    if isinstance(text, str):
        return text.encode("utf-8")
    raise TypeError(f"expected str or bytes, not {type(text).__name__}")


def enc_opt(text):
    return None if text is None else enc(text)


def dec(raw):
    return None if raw is None else raw.decode("utf-8")


def field(struct, name, default=None):
    """``struct.name`` if the library's struct_size covers it, else ``default``.

    Structs the library fills (errors, column info, bookings, messages) carry the size the
    library was compiled with; a field past it does not exist in that build.
    """
    desc = getattr(type(struct), name)
    if struct.struct_size >= desc.offset + desc.size:
        return getattr(struct, name)
    return default


def new_struct(cls):
    """A zeroed ``cls`` with struct_size set (the caller's size, as the headers require)."""
    s = cls()
    s.struct_size = ctypes.sizeof(cls)
    return s
