// `trigger EVENT [NAME|URL]`: sends one event's webhook now and prints how each delivery ended.

import {
  type AdHocWebhook,
  type DeliveryOutcome,
  EventValidationError,
  type RetryInfo,
  samplePayload,
  type TriggerPayload,
  type WebhooksConfig,
  WebhooksConnector,
} from "../mod.ts";
import { configPath, type Context, loadConfig, secretFlag, webhookEvent } from "./context.ts";
import { err, out, paint, UsageError } from "./output.ts";

async function readData(source: string): Promise<TriggerPayload> {
  let text: string;
  try {
    text = source === "-"
      ? await new Response(Deno.stdin.readable).text()
      : await Deno.readTextFile(source);
  } catch (error) {
    throw new UsageError(`Cannot read --data '${source}': ${(error as Error).message}`, false);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--data ${source === "-" ? "from stdin" : `'${source}'`} is not JSON: ${
        (error as Error).message
      }`,
      false,
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(
      "--data must be a JSON object with params (and results, for an after event)",
      false,
    );
  }
  const { params, results, ...rest } = data as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new UsageError(`--data has unknown key '${unknown[0]}': use params and results`, false);
  }
  if (results !== undefined && !Array.isArray(results)) {
    throw new UsageError("--data results must be a list of {connector, value}", false);
  }
  return {
    params,
    ...(results === undefined ? {} : { results: results as TriggerPayload["results"] & [] }),
  };
}

function describe(outcome: DeliveryOutcome, color: boolean): string {
  const what = outcome.cancel_reason !== undefined
    ? paint(`cancelled: ${outcome.cancel_reason}`, "yellow", color)
    : outcome.ok
    ? paint("delivered", "green", color)
    : paint(`failed: ${outcome.error ?? "unknown error"}`, "red", color);
  const attempts = `${outcome.attempts} attempt${outcome.attempts === 1 ? "" : "s"}`;
  return `${outcome.webhook}  ${outcome.event}  ${outcome.status ?? "-"}  ${attempts}  ${
    Math.round(outcome.duration_ms)
  }ms  ${what}`;
}

/** `trigger`. */
export async function trigger(ctx: Context): Promise<number> {
  const [event, target] = ctx.args as [string, string | undefined];
  webhookEvent(event);
  const isUrl = target !== undefined && /^https?:\/\//i.test(target);
  let config: WebhooksConfig = { webhooks: [] };
  if (!isUrl || ctx.flags["config-file"] !== undefined) {
    config = await loadConfig(configPath(ctx.flags));
  }
  if (!isUrl && target === undefined && !config.webhooks.some((w) => w.events.includes(event))) {
    throw new UsageError(
      `no webhook in ${configPath(ctx.flags)} subscribes to ${event}: name one, or give a URL`,
      false,
    );
  }
  const payload = typeof ctx.flags.data === "string"
    ? await readData(ctx.flags.data)
    : samplePayload(event);
  let adHoc: AdHocWebhook | undefined;
  if (isUrl) {
    const secret = secretFlag(ctx.flags);
    if (secret === undefined) {
      throw new UsageError(
        "refusing to send unsigned: give --secret or set SERVO_WEBHOOK_SECRET",
        false,
      );
    }
    // Someone at a terminal is waiting: fewer, shorter retries than a configured webhook.
    adHoc = { url: target, secret, backoff: { max_tries: 3, max_time: "30s" } };
  }
  const connector = new WebhooksConnector(config, {
    onRetry: (info: RetryInfo) =>
      err(
        `waiting ${info.wait_ms}ms before attempt ${
          info.attempt + 1
        } of ${info.webhook}: ${info.error}`,
      ),
  });
  let outcomes: DeliveryOutcome[];
  try {
    outcomes = await connector.trigger(event, payload, adHoc ?? target);
  } catch (error) {
    if (error instanceof EventValidationError) throw new UsageError(error.message, false);
    if (error instanceof TypeError && /no webhook has that name/.test(error.message)) {
      throw new UsageError(error.message, false);
    }
    throw error;
  } finally {
    await connector.close();
  }
  if (ctx.json) out(JSON.stringify(outcomes, null, 2));
  else for (const outcome of outcomes) out(describe(outcome, ctx.color));
  return outcomes.every((o) => o.ok) ? 0 : 1;
}
