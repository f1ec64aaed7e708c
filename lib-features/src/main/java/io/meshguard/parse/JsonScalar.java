package io.meshguard.parse;

/** The kind of a scalar JSON value, as either reader of a line hands it to {@link AccessLogValues}. */
enum JsonScalar {
    STRING,
    /** A JSON number without fraction or exponent. */
    INTEGER,
    /** A JSON number with a fraction or an exponent. */
    DECIMAL,
    BOOLEAN,
    NULL
}
