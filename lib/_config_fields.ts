// This module is browser compatible.
// Checks of the fields of one webhook, each adding `path: message` issues. Messages never
// contain a secret or a header value.

import type { EventRegistry } from "./event.ts";
import { parseEventContext } from "./event_context.ts";
import { Secret } from "./secret.ts";
import { standardKeyBytes } from "./standard.ts";
import {
  type BackoffConfig,
  type CircuitBreakerConfig,
  type ConfigOptions,
  DEFAULT_BACKOFF,
  DEFAULT_CIRCUIT_BREAKER,
  type SignatureScheme,
} from "./config_types.ts";
import {
  describe,
  durations,
  isMapping,
  type Issues,
  orderly,
  suggest,
  unknownKeys,
  wholeNumber,
} from "./_config_common.ts";

const MAX_TRIES = 100;
const BACKOFF_KEYS = ["max_tries", "max_time", "delay", "max_delay"];
const BREAKER_KEYS = ["failures", "cool_down", "max_cool_down"];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS = new Set([
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "content-type",
  "content-length",
  "host",
  "user-agent",
  "connection",
  "transfer-encoding",
]);
const ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const LOOKS_LIKE_ENV_REF = /^\$\{.*\}$/s;
/** C0 and C1 controls and line/paragraph separators: never in a name or a secret. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/** Whether text holds a control character. */
export function hasControl(text: string): boolean {
  return CONTROL.test(text);
}

function fromEnv(
  text: string,
  path: string,
  issues: Issues,
  options: ConfigOptions,
): string | undefined {
  const ref = ENV_REF.exec(text);
  if (ref === null) {
    if (!LOOKS_LIKE_ENV_REF.test(text)) return text;
    issues.push({
      path,
      message:
        "looks like an environment variable reference but is not one: write ${NAME}, a letter or _ then letters, digits or _",
    });
    return undefined;
  }
  const name = ref[1] as string;
  if (options.env === undefined) {
    issues.push({
      path,
      message: `refers to environment variable ${name}, but no environment was given to read it`,
    });
    return undefined;
  }
  const value = options.env(name);
  if (value === undefined || value === "") {
    issues.push({ path, message: `environment variable ${name} is not set` });
    return undefined;
  }
  return value;
}

export function events(
  value: unknown,
  path: string,
  issues: Issues,
  registry: EventRegistry,
): string[] {
  if (value === undefined || value === null) {
    issues.push({ path, message: 'required: the events to send, such as "after:measure"' });
    return [];
  }
  if (value === "") {
    issues.push({ path, message: 'must not be empty: name an event, such as "after:measure"' });
    return [];
  }
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list)) {
    issues.push({ path, message: `must be an event or a list of events, not ${describe(value)}` });
    return [];
  }
  if (list.length === 0) {
    issues.push({ path, message: 'must list at least one event, such as "after:measure"' });
    return [];
  }
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) { // a plain loop: forEach would skip holes
    const item: unknown = list[i];
    const at = typeof value === "string" ? path : `${path}[${i}]`;
    if (typeof item !== "string") {
      issues.push({
        path: at,
        message: `must be a string such as "after:measure", not ${describe(item)}`,
      });
      continue;
    }
    const message = eventProblem(item, registry);
    if (message !== undefined) issues.push({ path: at, message });
    else if (out.includes(item)) issues.push({ path: at, message: `"${item}" is listed twice` });
    else out.push(item);
  }
  return out;
}

function eventProblem(text: string, registry: EventRegistry): string | undefined {
  const context = parseEventContext(text, registry);
  if (context?.preposition === "before" || context?.preposition === "after") return undefined;
  const names = registry.names();
  if (context !== undefined) {
    return `"${text}" is an on event, which webhooks cannot use: write "before:${context.event}" or "after:${context.event}"`;
  }
  const colon = text.indexOf(":");
  if (colon < 0) {
    return `unknown event "${text}": write "before:<event>" or "after:<event>"${
      suggest(text, names)
    }`;
  }
  const prefix = text.slice(0, colon);
  const name = text.slice(colon + 1);
  if (!["before", "on", "after"].includes(prefix)) {
    return `unknown preposition "${prefix}" in "${text}": use "before:" or "after:"`;
  }
  if (name === "") {
    return `"${text}" names no event: write "${prefix}:<event>", such as "${prefix}:measure"`;
  }
  return `unknown event "${name}"${suggest(name, names)}`;
}

export function url(value: unknown, path: string, issues: Issues): string | undefined {
  if (typeof value !== "string" || value === "") {
    issues.push({
      path,
      message: value === undefined || value === null || value === ""
        ? "required: the http or https URL to POST to"
        : `must be an http or https URL, not ${describe(value)}`,
    });
    return undefined;
  }
  if (!/^https?:\/\//i.test(value)) {
    issues.push({
      path,
      message: /^[a-z][a-z0-9+.-]*:/i.test(value) && !/^https?:/i.test(value)
        ? `scheme "${
          value.slice(0, value.indexOf(":") + 1).toLowerCase()
        }" is not allowed: use http or https`
        : "must be an absolute http or https URL",
    });
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    issues.push({ path, message: "must be an absolute http or https URL" });
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    issues.push({ path, message: `scheme "${parsed.protocol}" is not allowed: use http or https` });
    return undefined;
  }
  if (parsed.username !== "" || parsed.password !== "") {
    issues.push({
      path,
      message: "must not contain a user name or password: send credentials in headers",
    });
    return undefined;
  }
  return parsed.href;
}

export function secret(
  value: unknown,
  path: string,
  issues: Issues,
  options: ConfigOptions,
): Secret | undefined {
  if (value instanceof Secret) {
    if (value.reveal() !== "") return value;
  } else if (typeof value === "string") {
    const text = fromEnv(value, path, issues, options);
    if (text === undefined) return undefined;
    if (text.trim() !== "" && hasControl(text)) {
      issues.push({
        path,
        message: "must not contain control characters (a trailing newline, perhaps)",
      });
      return undefined;
    }
    if (text.startsWith("whsec_") && standardKeyBytes(text) === undefined) {
      issues.push({
        path,
        message: "starts with whsec_, so the rest must be base64 (a Standard Webhooks secret)",
      });
      return undefined;
    }
    if (text.trim() !== "") return new Secret(text);
  } else if (value === undefined || value === null) {
    issues.push({ path, message: "required: the key of the HMAC signature" });
    return undefined;
  } else {
    issues.push({ path, message: `must be a string (quote it in YAML), not ${describe(value)}` });
    return undefined;
  }
  issues.push({ path, message: "must not be empty" });
  return undefined;
}

/** One secret or a list of them (for rotation): the first signs X-Servo-Signature. */
export function secrets(
  value: unknown,
  path: string,
  issues: Issues,
  options: ConfigOptions,
): Secret[] {
  if (!Array.isArray(value)) {
    const one = secret(value, path, issues, options);
    return one === undefined ? [] : [one];
  }
  if (value.length === 0) {
    issues.push({ path, message: "must list at least one secret" });
    return [];
  }
  const out: Secret[] = [];
  for (let i = 0; i < value.length; i++) {
    const one = secret(value[i], `${path}[${i}]`, issues, options);
    if (one === undefined) continue;
    if (out.some((s) => s.reveal() === one.reveal())) {
      issues.push({ path: `${path}[${i}]`, message: "is listed twice" });
    } else out.push(one);
  }
  return out;
}

/** The signature schemes to send: `servo`, `standard`, or both. */
export function signatures(value: unknown, path: string, issues: Issues): SignatureScheme[] {
  if (value === undefined || value === null) return ["servo", "standard"];
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    issues.push({
      path,
      message: 'must list servo, standard or both, such as "[servo, standard]"',
    });
    return ["servo", "standard"];
  }
  const out: SignatureScheme[] = [];
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    const at = typeof value === "string" ? path : `${path}[${i}]`;
    if (item !== "servo" && item !== "standard") {
      issues.push({ path: at, message: 'must be "servo" or "standard"' });
    } else if (out.includes(item)) issues.push({ path: at, message: `"${item}" is listed twice` });
    else out.push(item);
  }
  return out;
}

export function headers(
  value: unknown,
  path: string,
  issues: Issues,
  options: ConfigOptions,
): Record<string, string> {
  if (value === undefined || value === null) return {};
  const entries: [string, unknown, string][] = [];
  if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => {
      const at = `${path}[${i}]`;
      if (!isMapping(item)) {
        issues.push({
          path: at,
          message: `must be a mapping with name and value, not ${describe(item)}`,
        });
        return;
      }
      unknownKeys(item, ["name", "value"], at, issues);
      if (typeof item.name !== "string") {
        issues.push({ path: `${at}.name`, message: "required: the header's name" });
        return;
      }
      entries.push([item.name, item.value, `${at}.value`]);
    });
  } else if (isMapping(value)) {
    for (const [key, item] of Object.entries(value)) entries.push([key, item, `${path}.${key}`]);
  } else {
    issues.push({
      path,
      message: `must be a mapping or a list of {name, value}, not ${describe(value)}`,
    });
    return {};
  }
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, raw, at] of entries) {
    const namePath = at.endsWith(".value") ? at.slice(0, -".value".length) + ".name" : at;
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) {
      issues.push({ path: namePath, message: `"${name}" is not a valid header name` });
    } else if (RESERVED_HEADERS.has(lower) || lower.startsWith("x-servo-")) {
      issues.push({
        path: namePath,
        message: `header "${name}" is set by servo-webhooks and cannot be configured`,
      });
    } else if (seen.has(lower)) {
      issues.push({ path: namePath, message: `header "${name}" is given twice` });
    } else if (raw === undefined || raw === null) {
      issues.push({ path: at, message: "required: the header's value" });
    } else if (typeof raw !== "string") {
      issues.push({
        path: at,
        message: `must be a string (quote it in YAML), not ${describe(raw)}`,
      });
    } else {
      const text = fromEnv(raw, at, issues, options);
      if (text !== undefined && /[\r\n\0]/.test(text)) {
        issues.push({ path: at, message: "must not contain CR, LF or NUL characters" });
      } else if (text !== undefined) out[name] = text;
    }
    seen.add(lower);
  }
  return out;
}

export function backoff(value: unknown, path: string, issues: Issues): BackoffConfig | false {
  if (value === false) return false;
  if (value === undefined || value === null || value === true) return { ...DEFAULT_BACKOFF };
  if (!isMapping(value)) {
    issues.push({
      path,
      message: `must be false or a mapping of max_tries and max_time, not ${describe(value)}`,
    });
    return { ...DEFAULT_BACKOFF };
  }
  unknownKeys(value, BACKOFF_KEYS, path, issues);
  const out = { ...DEFAULT_BACKOFF };
  if (value.max_tries !== undefined && value.max_tries !== null) {
    out.max_tries =
      wholeNumber(value.max_tries, `${path}.max_tries`, issues, { min: 1, max: MAX_TRIES }) ??
        out.max_tries;
  }
  durations(value, out, ["max_time", "delay", "max_delay"], path, issues, ["delay", "max_delay"]);
  orderly(out, "delay", "max_delay", path, issues);
  return out;
}

/** Reads the duration fields `keys` of a mapping into `out`; only `zeroOk` ones may be 0. */
export function circuitBreaker(
  value: unknown,
  path: string,
  issues: Issues,
): CircuitBreakerConfig | false {
  if (value === false) return false;
  const out = { ...DEFAULT_CIRCUIT_BREAKER };
  if (value === undefined || value === null || value === true) return out;
  if (!isMapping(value)) {
    issues.push({
      path,
      message: `must be false or a mapping of failures and cool_down, not ${describe(value)}`,
    });
    return out;
  }
  unknownKeys(value, BREAKER_KEYS, path, issues);
  if (value.failures !== undefined && value.failures !== null) {
    out.failures = wholeNumber(value.failures, `${path}.failures`, issues, { min: 1, max: 1000 }) ??
      out.failures;
  }
  durations(value, out, ["cool_down", "max_cool_down"], path, issues, []);
  orderly(out, "cool_down", "max_cool_down", path, issues);
  return out;
}
