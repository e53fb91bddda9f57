// A WebhooksConnector with one webhook, for the delivery and fault tests.

import {
  type DeliveryOutcome,
  type EventRegistry,
  type RetryInfo,
  validateConfig,
  WebhooksConnector,
} from "../mod.ts";

/** What `oneWebhook` collects. */
export interface OneWebhook {
  webhooks: WebhooksConnector;
  outcomes: DeliveryOutcome[];
  retries: RetryInfo[];
}

/** Where else outcomes and retries go, and the events known. */
export interface OneWebhookOptions {
  registry?: EventRegistry;
  /** Also receives every outcome and retry, e.g. for checks over a whole file. */
  also?: { outcomes: DeliveryOutcome[]; retries: RetryInfo[] };
}

/**
 * A connector with one webhook named `hook` to `url`, subscribed to before:adjust and
 * after:measure: 2 s per attempt, 3 tries 10 ms apart unless `extra` says otherwise.
 */
export function oneWebhook(
  url: string,
  secret: string,
  extra: Record<string, unknown> = {},
  { registry, also }: OneWebhookOptions = {},
): OneWebhook {
  const outcomes: DeliveryOutcome[] = [];
  const retries: RetryInfo[] = [];
  const options = registry === undefined ? {} : { registry };
  const webhooks = new WebhooksConnector(
    validateConfig({
      webhooks: [{
        name: "hook",
        events: ["before:adjust", "after:measure"],
        url,
        secret,
        timeout: "2s",
        backoff: { max_tries: 3, max_time: "5s", delay: "10ms", max_delay: "20ms" },
        ...extra,
      }],
    }, options),
    {
      ...options,
      onDelivery: (o) => void [outcomes, also?.outcomes].forEach((list) => list?.push(o)),
      onRetry: (r) => void [retries, also?.retries].forEach((list) => list?.push(r)),
    },
  );
  return { webhooks, outcomes, retries };
}
