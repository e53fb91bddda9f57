// The CLI's read-only commands: list, events, schema, validate, and generate.

import {
  ConfigError,
  CONTENT_TYPE,
  eventRegistry,
  parseConfig,
  requestSchema,
  type WebhookConfig,
} from "../mod.ts";
import { configPath, type Context, loadConfig, readConfigText, webhookEvent } from "./context.ts";
import { out, summarize, table, UsageError } from "./output.ts";

/** The URL without its query, which may carry a token. */
function shownUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}${parsed.search === "" ? "" : "?…"}`;
}

function backoffText(webhook: WebhookConfig): string {
  const b = webhook.backoff;
  return b === false ? "off" : `${b.max_tries} tries in ${b.max_time}`;
}

/** The webhook as JSON, without its secret or header values. */
function webhookJson(webhook: WebhookConfig): Record<string, unknown> {
  return {
    name: webhook.name ?? null,
    description: webhook.description ?? null,
    events: webhook.events,
    url: shownUrl(webhook.url),
    headers: Object.keys(webhook.headers),
    backoff: webhook.backoff,
    timeout: webhook.timeout,
    failure_policy: webhook.failure_policy,
  };
}

/** `list`: the configured webhooks, never their secrets. */
export async function list(ctx: Context): Promise<number> {
  const config = await loadConfig(configPath(ctx.flags));
  if (ctx.json) {
    out(JSON.stringify(config.webhooks.map(webhookJson), null, 2));
    return 0;
  }
  out(table(
    ["NAME", "EVENTS", "URL", "BACKOFF", "TIMEOUT"],
    config.webhooks.map((w) => [
      w.name ?? "-",
      w.events.join(", "),
      shownUrl(w.url),
      backoffText(w),
      w.timeout,
    ]),
  ));
  return 0;
}

/** `events`: the events webhooks can subscribe to. */
export function events(ctx: Context): number {
  const rows = eventRegistry.list().map((event) => ({
    event: event.name,
    webhooks: [`before:${event.name}`, `after:${event.name}`],
    params: summarize(event.jsonSchema("params")),
    result: summarize(event.jsonSchema("result")),
    description: event.description,
  }));
  if (ctx.json) {
    out(JSON.stringify(rows, null, 2));
    return 0;
  }
  out(table(
    ["EVENT", "WEBHOOKS", "PARAMS", "RESULT"],
    rows.map((r) => [r.event, r.webhooks.join(", "), r.params, r.result]),
  ));
  return 0;
}

/** `schema EVENT`: the Content-Type and JSON Schema of a request body. */
export function schema(ctx: Context): number {
  const document = requestSchema(webhookEvent(ctx.args[0] as string));
  if (!ctx.json) out(`Content-Type: ${CONTENT_TYPE}\n`);
  out(JSON.stringify(document, null, 2));
  return 0;
}

/** `validate`: checks the config file. */
export async function validate(ctx: Context): Promise<number> {
  const path = configPath(ctx.flags);
  const text = await readConfigText(path);
  try {
    const config = parseConfig(text, { env: (name) => Deno.env.get(name) });
    const n = config.webhooks.length;
    if (ctx.json) out(JSON.stringify({ valid: true, file: path, webhooks: n, problems: [] }));
    else out(`valid: ${n} webhook${n === 1 ? "" : "s"} in ${path}`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (ctx.json) {
      out(JSON.stringify({ valid: false, file: path, problems: error.issues }, null, 2));
    } else {
      console.error(
        `invalid: ${path} has ${error.issues.length} problem${
          error.issues.length === 1 ? "" : "s"
        }`,
      );
      for (const issue of error.issues) {
        const where = issue.line === undefined
          ? ""
          : ` (line ${issue.line}, column ${issue.column})`;
        console.error(`${issue.path === "" ? "" : `${issue.path}: `}${issue.message}${where}`);
      }
    }
    return 2;
  }
}

/** A fresh random secret: 32 bytes as base64url. */
function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

/** The starting configuration that `generate` writes. */
export function starterConfig(secret: string): string {
  return `# servo-webhooks: each webhook POSTs servo events as signed JSON.
# Check it with: deno run -A cli.ts validate
webhooks:
  - name: my-webhook
    description: Listens for after:measure events and stores the readings
    events:
      - after:measure
    # example.com accepts nothing: point this at your responder.
    url: https://example.com/webhooks
    # Random, made for this file. Receivers verify X-Servo-Signature with it.
    # Write \${NAME} to read it from the environment instead.
    secret: ${secret}
    headers:
      - name: x-team
        value: performance
    backoff:
      max_tries: 12
      max_time: 3m
    timeout: 10s
    failure_policy: ignore
`;
}

/** `generate`: prints or writes a starting configuration with a fresh secret. */
export async function generate(ctx: Context): Promise<number> {
  const text = starterConfig(randomSecret());
  const output = ctx.flags.output;
  if (typeof output !== "string") {
    out(text.trimEnd());
    return 0;
  }
  try {
    await Deno.writeTextFile(output, text, { createNew: ctx.flags.force !== true, mode: 0o600 });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) {
      throw new UsageError(`'${output}' already exists: use --force to overwrite it`, false);
    }
    throw new UsageError(`Cannot write '${output}': ${(error as Error).message}`, false);
  }
  out(`Generated ${output}`);
  return 0;
}
