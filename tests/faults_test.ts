// Fault injection over real loopback sockets: resets, silent closes, garbage, DNS and connect
// failures, huge bodies both ways, malformed Retry-After, odd 1xx/2xx answers, and a body
// that never comes. No fetch is stubbed: every fault comes from a real server on 127.0.0.1.

import assert from "node:assert/strict";
import * as z from "zod";
import {
  CANCEL_CONTENT_TYPE,
  defineEvent,
  type DeliveryOutcome,
  EventCancelledError,
  EventRegistry,
  type RetryInfo,
  Servo,
  servoEvents,
  type TriggerPayload,
  type WebhooksConnector,
} from "../mod.ts";
import { bigBody, closedPort, gate, startServer } from "./_server.ts";
import { oneWebhook } from "./_webhooks.ts";

const SECRET = "faults-test-secret";
const TOKEN = "abc";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Every outcome, retry and error text of this file, checked for leaks by each test. */
const seen: { outcomes: DeliveryOutcome[]; retries: RetryInfo[]; texts: string[] } = {
  outcomes: [],
  retries: [],
  texts: [],
};

/** Fails when anything seen so far holds the secret or the query token. */
function assertNoLeak(): void {
  const texts = [
    ...seen.outcomes.map((o) => JSON.stringify({ ...o, delivery: "" })),
    ...seen.retries.map((r) => JSON.stringify({ ...r, delivery: "" })),
    ...seen.texts,
  ];
  for (const text of texts) {
    assert.ok(!text.includes(SECRET), `the secret leaked: ${text}`);
    assert.ok(!text.includes("token="), `the query leaked: ${text}`);
    assert.ok(!text.includes(TOKEN), `the query's token leaked: ${text}`);
  }
}

/** A connector with one webhook to `url`: 2 tries 5 ms apart, 2 s per attempt. */
const connector = (url: string, extra: Record<string, unknown> = {}, registry?: EventRegistry) =>
  oneWebhook(
    url,
    SECRET,
    { backoff: { max_tries: 2, max_time: "5s", delay: "5ms", max_delay: "20ms" }, ...extra },
    registry === undefined ? { also: seen } : { registry, also: seen },
  );

const measure = {
  params: { metrics: ["throughput"] },
  results: [{ connector: "prom", value: { readings: [] } }],
};

/** Reads one HTTP/1.1 request whole: its head, then Content-Length bytes of body. */
async function readRequest(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  let head = "";
  let received = 0;
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) return;
    received += n;
    if (!head.includes("\r\n\r\n")) head += decoder.decode(buffer.subarray(0, n));
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) continue;
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (received - (end + 4) >= length) return;
  }
}

/**
 * A raw TCP server on 127.0.0.1: on each connection it reads the request, writes
 * `reply(n)` (nothing when null, for the n-th connection) and closes the connection.
 */
function rawServer(reply: (n: number) => string | null) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  let connections = 0;
  const served = (async () => {
    for await (const conn of listener) {
      const n = ++connections;
      try {
        await readRequest(conn);
        const bytes = encoder.encode(reply(n) ?? "");
        for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
      } finally {
        conn.close();
      }
    }
  })();
  return {
    url: `http://127.0.0.1:${port}/hook`,
    get connections() {
      return connections;
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      await served;
    },
  };
}

/** Triggers one event (after:measure by default), closes the connector, and times it. */
async function timed(
  webhooks: WebhooksConnector,
  event = "after:measure",
  payload: TriggerPayload = measure,
) {
  const started = performance.now();
  const [outcome] = await webhooks.trigger(event, payload);
  const took = performance.now() - started;
  await webhooks.close();
  assert.ok(outcome);
  assert.ok(took < 2000, `took ${took} ms`);
  return { outcome, took };
}

const PARTIAL = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial";

Deno.test("a connection closed mid-response body is a network error, and is retried", async () => {
  await using server = rawServer(() => PARTIAL);
  const { webhooks, retries } = connector(`${server.url}?token=${TOKEN}`);
  const { outcome } = await timed(webhooks);
  assert.equal(server.connections, 2);
  assert.deepEqual({ ...outcome, delivery: "", duration_ms: 0 }, {
    webhook: "hook",
    event: "after:measure",
    delivery: "",
    attempts: 2,
    ok: false,
    error: "network error: error reading a body from connection (gave up after 2 attempts)",
    duration_ms: 0,
  });
  assert.deepEqual(retries.map((r) => r.error), [
    "network error: error reading a body from connection",
  ]);
  assertNoLeak();
});

Deno.test("a delivery whose first response is cut short succeeds on the second attempt", async () => {
  await using server = rawServer((n) =>
    n === 1 ? PARTIAL : "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
  );
  const { webhooks, retries } = connector(`${server.url}?token=${TOKEN}`);
  const { outcome } = await timed(webhooks);
  assert.equal(server.connections, 2);
  assert.equal(outcome.ok, true);
  assert.equal(outcome.status, 204);
  assert.equal(outcome.attempts, 2);
  assert.equal(outcome.error, undefined);
  assert.equal(retries.length, 1);
  assertNoLeak();
});

Deno.test("a close without an answer, or garbage instead of HTTP, is a network error, retried", async () => {
  const faults: [string | null, RegExp][] = [
    [
      null,
      /^network error: .*connection closed before message completed \(gave up after 2 attempts\)$/,
    ],
    [
      "hello\r\n\r\n",
      /^network error: .*invalid HTTP version parsed \(gave up after 2 attempts\)$/,
    ],
  ];
  for (const [answer, error] of faults) {
    await using server = rawServer(() => answer);
    const { webhooks } = connector(`${server.url}?token=${TOKEN}`);
    const { outcome } = await timed(webhooks);
    assert.equal(server.connections, 2);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.attempts, 2);
    assert.equal(outcome.status, undefined);
    assert.match(outcome.error ?? "", error);
  }
  assertNoLeak();
});

Deno.test("a host that does not resolve is a DNS error, retried up to max_tries, without the URL", async () => {
  const { webhooks, retries } = connector(
    `http://servo-webhooks-test.invalid/hook?token=${TOKEN}`,
    {
      backoff: { max_tries: 3, max_time: "5s", delay: "5ms", max_delay: "20ms" },
    },
  );
  const { outcome } = await timed(webhooks);
  assert.equal(outcome.ok, false);
  assert.equal(outcome.attempts, 3);
  assert.equal(outcome.status, undefined);
  assert.match(
    outcome.error ?? "",
    /^network error: .*dns error: .+ \(gave up after 3 attempts\)$/,
  );
  assert.equal(retries.length, 2);
  for (const text of [outcome.error ?? "", ...retries.map((r) => r.error)]) {
    assert.ok(!text.includes("servo-webhooks-test.invalid"), text);
    assert.ok(!text.includes("/hook"), text);
  }
  assertNoLeak();
});

Deno.test("a refused connection is retried, and its error holds neither the URL nor its query", async () => {
  const port = await closedPort();
  const { webhooks, retries } = connector(`http://127.0.0.1:${port}/hook?token=${TOKEN}`);
  const { outcome } = await timed(webhooks);
  assert.equal(outcome.ok, false);
  assert.equal(outcome.attempts, 2);
  assert.match(
    outcome.error ?? "",
    /^network error: .*connection refused.* \(gave up after 2 attempts\)$/i,
  );
  for (const text of [outcome.error ?? "", ...retries.map((r) => r.error)]) {
    assert.ok(!text.includes(`:${port}`), text);
    assert.ok(!text.includes("/hook"), text);
  }
  assertNoLeak();
});

Deno.test("a 10 MB response to an after webhook is delivered without reading it all", async () => {
  const big = bigBody(10 * 1024 * 1024);
  await using server = startServer(() => new Response(big.body, { status: 200 }));
  const { webhooks } = connector(server.url);
  const rss = Deno.memoryUsage().rss;
  const { outcome } = await timed(webhooks);
  await server.close();
  const grew = Deno.memoryUsage().rss - rss;
  assert.equal(outcome.ok, true);
  assert.equal(outcome.status, 200);
  assert.equal(outcome.attempts, 1);
  assert.ok(big.pulled() < 2 * 1024 * 1024, `the server produced ${big.pulled()} bytes`);
  assert.ok(grew < 32 * 1024 * 1024, `rss grew by ${grew} bytes`);
  assertNoLeak();
});

Deno.test("a receiver that answers 204 before reading a 2 MB request body: delivered", async () => {
  const registry = new EventRegistry();
  defineEvent("faults.big", {
    params: z.object({ blob: z.string() }),
    result: z.null(),
  }, { registry });
  const lengths: number[] = [];
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (raw) => {
    lengths.push(Number(raw.headers.get("content-length"))); // the body is never read
    return new Response(null, { status: 204 });
  });
  const { webhooks } = connector(
    `http://127.0.0.1:${server.addr.port}/hook?token=${TOKEN}`,
    { events: "after:faults.big" },
    registry,
  );
  const { outcome } = await timed(webhooks, "after:faults.big", {
    params: { blob: "x".repeat(2_000_000) },
    results: [],
  });
  assert.equal(lengths.length, 1);
  assert.ok((lengths[0] ?? 0) > 2_000_000, `content-length ${lengths[0]}`);
  assert.deepEqual({ ...outcome, delivery: "", duration_ms: 0 }, {
    webhook: "hook",
    event: "after:faults.big",
    delivery: "",
    attempts: 1,
    ok: true,
    status: 204,
    duration_ms: 0,
  });
  assertNoLeak();
});

Deno.test("429 and 503 with a malformed Retry-After fall back to the backoff", async () => {
  for (const status of [429, 503]) {
    for (const retryAfter of ["soon", "-5", "1.5"]) {
      const label = `${status} with Retry-After: ${retryAfter}`;
      await using server = startServer((r) =>
        r.n === 1
          ? new Response(null, { status, headers: { "retry-after": retryAfter } })
          : new Response(null, { status: 204 })
      );
      const { webhooks, retries } = connector(`${server.url}?token=${TOKEN}`);
      const { outcome } = await timed(webhooks);
      assert.equal(outcome.ok, true, label);
      assert.equal(outcome.attempts, 2, label);
      assert.equal(server.requests.length, 2, label);
      const [wait] = retries;
      assert.ok(wait, label);
      assert.match(wait.error, new RegExp(`^HTTP ${status} `), label);
      assert.ok(wait.wait_ms >= 0 && wait.wait_ms <= 5, `${label}: waited ${wait.wait_ms} ms`);
      const gap = (server.requests[1]?.at ?? Infinity) - (server.requests[0]?.at ?? 0);
      assert.ok(gap < 500, `${label}: retried after ${gap} ms`);
    }
  }
  assertNoLeak();
});

Deno.test("Retry-After: 0 retries at once, ahead of a long backoff", async () => {
  for (const status of [429, 503]) {
    await using server = startServer((r) =>
      r.n === 1
        ? new Response(null, { status, headers: { "retry-after": "0" } })
        : new Response(null, { status: 204 })
    );
    const { webhooks, retries } = connector(server.url, {
      backoff: { max_tries: 2, max_time: "10s", delay: "5s", max_delay: "5s" },
    });
    const { outcome } = await timed(webhooks);
    assert.equal(outcome.ok, true);
    assert.equal(outcome.attempts, 2);
    assert.deepEqual(retries.map((r) => r.wait_ms), [0]);
    const gap = (server.requests[1]?.at ?? Infinity) - (server.requests[0]?.at ?? 0);
    assert.ok(gap < 500, `retried after ${gap} ms`);
  }
  assertNoLeak();
});

Deno.test("body-less 2xx answers (204, 205) are delivered", async () => {
  for (const status of [204, 205]) {
    await using server = startServer(() => new Response(null, { status }));
    const { webhooks } = connector(server.url);
    const { outcome } = await timed(webhooks);
    assert.equal(outcome.ok, true, `status ${status}`);
    assert.equal(outcome.status, status);
    assert.equal(outcome.attempts, 1);
    assert.equal(server.requests.length, 1);
  }
  assertNoLeak();
});

Deno.test("an informational 1xx before the final answer is skipped", async () => {
  const answers: [string, number][] = [
    ["HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n", 204],
    ["HTTP/1.1 100 Continue\r\n\r\n", 200],
  ];
  for (const [informational, status] of answers) {
    await using server = rawServer(() =>
      `${informational}HTTP/1.1 ${status} Fine\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`
    );
    const { webhooks } = connector(`${server.url}?token=${TOKEN}`);
    const { outcome } = await timed(webhooks);
    assert.equal(server.connections, 1);
    assert.equal(outcome.ok, true);
    assert.equal(outcome.status, status);
    assert.equal(outcome.attempts, 1);
  }
  assertNoLeak();
});

Deno.test("a 2xx with the cancel content type on a triggered after webhook is just delivered", async () => {
  await using server = startServer(() =>
    new Response('{"reason":"too late"}', {
      status: 200,
      headers: { "content-type": CANCEL_CONTENT_TYPE },
    })
  );
  const { webhooks } = connector(server.url);
  const { outcome } = await timed(webhooks);
  assert.equal(outcome.ok, true);
  assert.equal(outcome.status, 200);
  assert.equal(outcome.attempts, 1);
  assert.equal(outcome.cancel_reason, undefined);
  assertNoLeak();
});

Deno.test("a before webhook whose body never comes after the headers times out and cancels", async () => {
  const release = gate();
  await using server = startServer(() =>
    new Response(
      new ReadableStream<Uint8Array>({
        async pull(controller) {
          await release.promise;
          controller.close();
        },
      }),
      { status: 200, headers: { "content-type": "application/json" } },
    )
  );
  const { webhooks, outcomes } = connector(`${server.url}?token=${TOKEN}`, {
    timeout: "100ms",
    backoff: false,
    failure_policy: "cancel",
  });
  const servo = new Servo();
  webhooks.attach(servo);
  const ran: string[] = [];
  servo.addConnector("k8s").on(servoEvents.adjust, () => {
    ran.push("on");
    return { components: [] };
  });
  const started = performance.now();
  const error = await servo.dispatch(servoEvents.adjust, { adjustments: [] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  const took = performance.now() - started;
  release.open();
  await webhooks.close();
  assert.ok(took >= 90 && took < 2000, `took ${took} ms`);
  assert.ok(error instanceof EventCancelledError, `rejected with ${error}`);
  assert.equal(
    error.reason,
    'webhook "hook" could not be delivered (failure_policy: cancel): timed out after 100ms',
  );
  assert.equal(error.webhook, "hook");
  assert.deepEqual(ran, []);
  assert.equal(server.requests.length, 1);
  assert.equal(outcomes.length, 1);
  assert.equal(outcomes[0]?.ok, false);
  assert.equal(outcomes[0]?.attempts, 1);
  assert.equal(outcomes[0]?.status, undefined);
  assert.equal(outcomes[0]?.error, "timed out after 100ms");
  seen.texts.push(String(error), error.message, error.reason, JSON.stringify(error));
  assertNoLeak();
});
