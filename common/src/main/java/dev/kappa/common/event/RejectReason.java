package dev.kappa.common.event;

import java.util.Locale;

/** Why a record went to the dead-letter topic. The code is stable: dashboards and tests key on it. */
public enum RejectReason {
    NULL_VALUE,
    EMPTY_VALUE,
    TOO_LARGE,
    INVALID_UTF8,
    /** Text with an unpaired UTF-16 surrogate (a lone backslash-u-D800 escape): no Unicode string, no UTF-8 form. */
    INVALID_UNICODE,
    MALFORMED_JSON,
    NOT_AN_OBJECT,
    DUPLICATE_FIELD,
    TOO_DEEP,
    MISSING_FIELD,
    WRONG_TYPE,
    EMPTY_ID,
    ID_TOO_LONG,
    BAD_TIMESTAMP,
    TIMESTAMP_OUT_OF_RANGE,
    UNKNOWN_FIELD,
    /** Older than what dedup state still remembers: it can no longer be checked for being a duplicate. */
    TOO_LATE,
    /** A bug, not bad input: the record is parked instead of stopping the job on a poison pill. */
    INTERNAL_ERROR;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
