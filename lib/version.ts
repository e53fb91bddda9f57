// This module is browser compatible.

/**
 * The version of this package, sent in the `User-Agent` header of every webhook request.
 *
 * @example The User-Agent of webhook requests
 * ```ts
 * import { VERSION } from "@servo/webhooks";
 *
 * const headers = { "User-Agent": `servo-webhooks/${VERSION}` };
 * console.log(headers); // as sent with every webhook request
 * ```
 */
export const VERSION = "0.1.0";
