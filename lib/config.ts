// This module is browser compatible.

import { load, YAMLException } from "js-yaml";
import { ConfigError, type ConfigIssue } from "./errors.ts";
import { eventRegistry } from "./event.ts";
import {
  type ConfigOptions,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_TIMEOUT,
  type WebhookConfig,
  type WebhooksConfig,
} from "./config_types.ts";
import {
  backoff,
  circuitBreaker,
  events,
  hasControl,
  headers,
  secrets,
  signatures,
  url,
} from "./_config_fields.ts";
import {
  describe,
  duration,
  isMapping,
  type Issues,
  unknownKeys,
  wholeNumber,
} from "./_config_common.ts";
import { lineAndColumn, locatePaths } from "./_yaml_locate.ts";
import "./servo_events.ts"; // fills the default registry

const WEBHOOK_KEYS = [
  "name",
  "description",
  "events",
  "url",
  "secret",
  "signatures",
  "headers",
  "backoff",
  "timeout",
  "failure_policy",
  "max_concurrency",
  "circuit_breaker",
];

function webhook(
  value: unknown,
  path: string,
  issues: Issues,
  options: ConfigOptions,
): WebhookConfig | undefined {
  if (!isMapping(value)) {
    issues.push({
      path,
      message: `must be a mapping with events, url and secret, not ${describe(value)}`,
    });
    return undefined;
  }
  unknownKeys(value, WEBHOOK_KEYS, path, issues);
  const out: WebhookConfig = {
    events: events(value.events, `${path}.events`, issues, options.registry ?? eventRegistry),
    url: url(value.url, `${path}.url`, issues) ?? "",
    secret: secrets(value.secret, `${path}.secret`, issues, options),
    signatures: signatures(value.signatures, `${path}.signatures`, issues),
    headers: headers(value.headers, `${path}.headers`, issues, options),
    backoff: backoff(value.backoff, `${path}.backoff`, issues),
    timeout: value.timeout === undefined || value.timeout === null
      ? DEFAULT_TIMEOUT
      : duration(value.timeout, `${path}.timeout`, issues, { zero: false }) ?? DEFAULT_TIMEOUT,
    failure_policy: "ignore",
    max_concurrency: value.max_concurrency === undefined || value.max_concurrency === null
      ? DEFAULT_MAX_CONCURRENCY
      : wholeNumber(value.max_concurrency, `${path}.max_concurrency`, issues, {
        min: 1,
        max: 1000,
      }) ??
        DEFAULT_MAX_CONCURRENCY,
    circuit_breaker: circuitBreaker(value.circuit_breaker, `${path}.circuit_breaker`, issues),
  };
  for (const key of ["name", "description"] as const) {
    const text = value[key];
    if (text === undefined || text === null) continue;
    if (typeof text !== "string") {
      issues.push({ path: `${path}.${key}`, message: `must be a string, not ${describe(text)}` });
    } else if (
      key === "name" && (text.trim() === "" || text.length > 128 || hasControl(text))
    ) {
      issues.push({ path: `${path}.name`, message: "must be 1 to 128 printable characters" });
    } else out[key] = text;
  }
  const policy = value.failure_policy;
  if (policy === "ignore" || policy === "cancel") out.failure_policy = policy;
  else if (policy !== undefined && policy !== null) {
    issues.push({ path: `${path}.failure_policy`, message: 'must be "ignore" or "cancel"' });
  }
  return out;
}

/**
 * Validates a webhooks configuration given as data: a mapping with a `webhooks:` list, as
 * read from a servo config file (other top-level keys are left alone). Durations may be
 * servo duration strings or numbers of seconds; headers a mapping or a list of
 * `{name, value}`. Returns the typed configuration with defaults filled in.
 *
 * @example Validating data
 * ```ts
 * import { validateConfig } from "@servo/webhooks";
 *
 * const config = validateConfig({
 *   webhooks: [{ events: "after:measure", url: "https://example.com/hook", secret: "s3cr3t" }],
 * });
 * console.log(config.webhooks[0]?.backoff); // { max_tries: 12, max_time: "3m", delay: "1s", max_delay: "1m" }
 * ```
 *
 * @param value The configuration.
 * @param options The known events, and how to read `${NAME}` references.
 * @returns The validated configuration.
 * @throws {ConfigError} Listing every problem as `path: message`.
 */
export function validateConfig(value: unknown, options: ConfigOptions = {}): WebhooksConfig {
  const issues: Issues = [];
  if (!isMapping(value)) {
    throw new ConfigError([{
      path: "",
      message: `the configuration must be a mapping with a webhooks: list, not ${describe(value)}`,
    }]);
  }
  const list = value.webhooks;
  const webhooks: WebhookConfig[] = [];
  if (list === undefined) {
    issues.push({ path: "webhooks", message: "required: a list of webhooks" });
  } else if (list !== null && !Array.isArray(list)) {
    issues.push({ path: "webhooks", message: `must be a list of webhooks, not ${describe(list)}` });
  } else {
    const names = new Map<string, number>();
    (list ?? []).forEach((item: unknown, i) => {
      const config = webhook(item, `webhooks[${i}]`, issues, options);
      if (config === undefined) return;
      if (config.name !== undefined) {
        const first = names.get(config.name);
        if (first === undefined) names.set(config.name, i);
        else {
          issues.push({
            path: `webhooks[${i}].name`,
            message: `duplicate name "${config.name}": webhooks[${first}] has it too`,
          });
        }
      }
      webhooks.push(config);
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { webhooks };
}

/**
 * Parses and validates a webhooks configuration written in YAML: a servo config file whose
 * `webhooks:` key lists the webhooks. See {@linkcode validateConfig}.
 *
 * @example Parsing YAML
 * ```ts
 * import { parseConfig } from "@servo/webhooks";
 *
 * const config = parseConfig(`
 * webhooks:
 *   - name: store-measurements
 *     events: [after:measure]
 *     url: https://example.com/hooks
 *     secret: s3cr3t
 *     backoff: { max_tries: 3, max_time: 30s }
 * `);
 * console.log(config.webhooks[0]?.name); // "store-measurements"
 * ```
 *
 * @param text The YAML text.
 * @param options The known events, and how to read `${NAME}` references.
 * @returns The validated configuration.
 * @throws {ConfigError} Listing every problem as `path: message`, with the line and column of
 * a YAML syntax error.
 */
export function parseConfig(text: string, options: ConfigOptions = {}): WebhooksConfig {
  let document: unknown;
  try {
    document = text.trim() === "" ? {} : load(text, { maxAliases: 100 }) ?? {};
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const issue: ConfigIssue = error.mark === undefined
      ? { path: "", message: `invalid YAML: ${yamlReason(error.reason)}` }
      : {
        path: "",
        message: `invalid YAML: ${yamlReason(error.reason)}`,
        line: error.mark.line + 1,
        column: error.mark.column + 1,
      };
    throw new ConfigError([issue]);
  }
  try {
    return validateConfig(document, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(withPositions(text, error.issues));
  }
}

/** Adds the line and column of each issue's path, or of its nearest written parent. */
function withPositions(text: string, issues: readonly ConfigIssue[]): ConfigIssue[] {
  const at = locatePaths(text);
  const place = lineAndColumn(text);
  const placed = issues.map((issue) => {
    let path = issue.path;
    while (path !== "" && !at.has(path)) path = parent(path);
    const offset = at.get(path);
    return offset === undefined || path === "" ? issue : { ...issue, ...place(offset) };
  });
  // Document order: by position, the unplaced ones (whole-document problems) first.
  const key = (issue: ConfigIssue) => (issue.line ?? 0) * 1e6 + (issue.column ?? 0);
  return placed.sort((a, b) => key(a) - key(b));
}

/** `a.b[0]` → `a.b` → `a` → ``. */
function parent(path: string): string {
  const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
  return cut < 0 ? "" : path.slice(0, cut);
}

/**
 * js-yaml's reason for a syntax error, without the names of tags and aliases: an unquoted
 * secret that starts with `!` or `*` is read as one, and must not reach the message.
 */
function yamlReason(reason: string): string {
  return reason
    .replace(/!<[^>]*>|!\S*/g, "(a tag)")
    .replace(/alias "[^"]*"/g, "alias (quote values that start with *)");
}
