// This module is browser compatible.

/** The version of this package, sent in the `User-Agent` header of every webhook request. */
export const VERSION = "0.1.0";
