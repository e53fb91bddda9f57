// Delivery over real HTTP: signatures, headers, retries, Retry-After, timeouts, redirects.

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { bigBody, closedPort, gate, startServer } from "./_server.ts";
import { oneWebhook } from "./_webhooks.ts";

const SECRET = "delivery-test-secret";

/** The connector of these tests: see oneWebhook(). */
const connector = (url: string, extra: Record<string, unknown> = {}) =>
  oneWebhook(url, SECRET, extra);

const measure = {
  params: { metrics: ["throughput"] },
  results: [{ connector: "prom", value: { readings: [] } }],
};

Deno.test("trigger() POSTs the exact contract: body, headers and an independent HMAC", async () => {
  await using server = startServer();
  const { webhooks } = connector(server.url, {
    headers: [{ name: "X-Team", value: "perf" }, { name: "Authorization", value: "Bearer t" }],
  });
  const before = Date.now();
  const [outcome] = await webhooks.trigger("after:measure", measure);
  await webhooks.close();

  const [request] = server.requests;
  assert.ok(request);
  assert.equal(request.method, "POST");
  assert.equal(request.path, "/hook");
  const h = request.headers;
  assert.equal(h.get("content-type"), "application/vnd.opsani.servo-webhooks+json");
  assert.equal(h.get("x-servo-event"), "after:measure");
  assert.match(
    h.get("x-servo-delivery") ?? "",
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  assert.equal(h.get("user-agent"), "servo-webhooks/0.1.0");
  assert.equal(h.get("x-team"), "perf");
  assert.equal(h.get("authorization"), "Bearer t");
  const expected = createHmac("sha1", SECRET).update(request.body).digest("hex");
  assert.equal(h.get("x-servo-signature"), expected);

  const body = JSON.parse(request.text);
  assert.deepEqual(Object.keys(body), ["event", "created_at", "params", "results"]);
  assert.equal(body.event, "after:measure");
  assert.match(body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Date.parse(body.created_at) >= before - 1000);
  assert.deepEqual(body.params, {
    metrics: ["throughput"],
    control: { duration: "0", delay: "0", warmup: "0" },
  });
  assert.deepEqual(body.results, [{ connector: "prom", value: { readings: [], annotations: {} } }]);
  assert.equal(request.text, JSON.stringify(body), "compact JSON");

  assert.deepEqual(
    { ...outcome, duration_ms: 0 },
    {
      webhook: "hook",
      event: "after:measure",
      delivery: h.get("x-servo-delivery"),
      attempts: 1,
      ok: true,
      status: 204,
      duration_ms: 0,
    },
  );
});

Deno.test("trigger() counts any 2xx as delivered", async () => {
  for (const status of [200, 201, 202, 204, 208, 299]) {
    await using server = startServer(() => new Response(null, { status }));
    const { webhooks } = connector(server.url);
    const [outcome] = await webhooks.trigger("after:measure", measure);
    assert.equal(outcome?.ok, true, `status ${status}`);
    assert.equal(outcome?.status, status);
    assert.equal(server.requests.length, 1);
  }
});

Deno.test("trigger() retries 503 with the same delivery id and body, then succeeds", async () => {
  await using server = startServer((r) =>
    new Response(r.n <= 2 ? "busy" : null, { status: r.n <= 2 ? 503 : 204 })
  );
  const { webhooks, retries } = connector(server.url);
  const [outcome] = await webhooks.trigger("after:measure", measure);
  assert.equal(outcome?.ok, true);
  assert.equal(outcome?.attempts, 3);
  assert.equal(server.requests.length, 3);
  const ids = new Set(server.requests.map((r) => r.headers.get("x-servo-delivery")));
  assert.equal(ids.size, 1);
  assert.deepEqual(ids, new Set([outcome?.delivery]));
  assert.equal(new Set(server.requests.map((r) => r.text)).size, 1);
  assert.deepEqual(retries.map((r) => r.error), [
    "HTTP 503 Service Unavailable: busy",
    "HTTP 503 Service Unavailable: busy",
  ]);
});

Deno.test("trigger() retries 408, 429 and 5xx but never other 4xx", async () => {
  for (const status of [408, 429, 500, 502, 504]) {
    await using server = startServer(() => new Response(null, { status }));
    const { webhooks } = connector(server.url);
    const [outcome] = await webhooks.trigger("after:measure", measure);
    assert.equal(outcome?.attempts, 3, `status ${status}`);
    assert.equal(server.requests.length, 3);
    assert.equal(outcome?.ok, false);
    assert.match(
      outcome?.error ?? "",
      new RegExp(`^HTTP ${status}.*\\(gave up after 3 attempts\\)$`),
    );
  }
  for (const status of [400, 401, 403, 404, 409, 410, 422]) {
    await using server = startServer(() => new Response(null, { status }));
    const { webhooks } = connector(server.url);
    const [outcome] = await webhooks.trigger("after:measure", measure);
    assert.equal(outcome?.attempts, 1, `status ${status}`);
    assert.equal(server.requests.length, 1);
    assert.equal(outcome?.status, status);
    assert.equal(outcome?.ok, false);
  }
});

Deno.test("trigger() stops at max_tries and reports the last status", async () => {
  await using server = startServer(() => new Response("down", { status: 500 }));
  const { webhooks } = connector(server.url, { backoff: { max_tries: 4, delay: "1ms" } });
  const [outcome] = await webhooks.trigger("after:measure", measure);
  assert.equal(server.requests.length, 4);
  assert.equal(outcome?.attempts, 4);
  assert.equal(outcome?.status, 500);
  assert.equal(outcome?.error, "HTTP 500 Internal Server Error: down (gave up after 4 attempts)");
});

Deno.test("trigger() makes one attempt when backoff is false", async () => {
  await using server = startServer(() => new Response(null, { status: 503 }));
  const { webhooks } = connector(server.url, { backoff: false });
  const [outcome] = await webhooks.trigger("after:measure", measure);
  assert.equal(server.requests.length, 1);
  assert.equal(outcome?.attempts, 1);
  assert.equal(outcome?.error, "HTTP 503 Service Unavailable");
});

Deno.test("trigger() waits for Retry-After given in seconds", async () => {
  await using server = startServer((r) =>
    r.n === 1
      ? new Response(null, { status: 429, headers: { "retry-after": "1" } })
      : new Response(null, { status: 204 })
  );
  const { webhooks } = connector(server.url);
  const [outcome] = await webhooks.trigger("after:measure", measure);
  assert.equal(outcome?.ok, true);
  assert.equal(outcome?.attempts, 2);
  const [first, second] = server.requests;
  const waited = (second?.at ?? 0) - (first?.at ?? 0);
  assert.ok(waited >= 950 && waited < 3000, `waited ${waited} ms`);
});

Deno.test("trigger() waits for Retry-After given as an HTTP date", async () => {
  let asked = 0;
  await using server = startServer((r) => {
    if (r.n > 1) return new Response(null, { status: 204 });
    // The next whole second at least one second away: HTTP dates have second resolution.
    asked = (Math.floor(Date.now() / 1000) + 2) * 1000;
    return new Response(null, {
      status: 429,
      headers: { "retry-after": new Date(asked).toUTCString() },
    });
  });
  const { webhooks } = connector(server.url);
  const [outcome] = await webhooks.trigger("after:measure", measure);
  assert.equal(outcome?.ok, true);
  assert.equal(server.requests.length, 2);
  assert.ok(Date.now() >= asked - 20, "the second attempt came before the date asked");
});

Deno.test("trigger() gives up when Retry-After is beyond max_time", async () => {
  await using server = startServer(() =>
    new Response(null, { status: 503, headers: { "retry-after": "120" } })
  );
  const { webhooks } = connector(server.url);
  const started = performance.now();
  const [outcome] = await webhooks.trigger("after:measure", measure);
  assert.ok(performance.now() - started < 1000);
  assert.equal(server.requests.length, 1);
  assert.equal(
    outcome?.error,
    "HTTP 503 Service Unavailable (Retry-After 2m is beyond max_time)",
  );
});

Deno.test("trigger() times out an attempt that hangs, and retries it", async () => {
  const release = gate();
  await using server = startServer(async (r) => {
    if (r.n < 3) await release.promise;
    return new Response(null, { status: 204 });
  });
  const { webhooks } = connector(server.url, { timeout: "50ms" });
  const started = performance.now();
  const [outcome] = await webhooks.trigger("after:measure", measure);
  const took = performance.now() - started;
  release.open();
  assert.equal(outcome?.ok, true);
  assert.equal(outcome?.attempts, 3);
  assert.ok(took >= 100 && took < 1500, `took ${took} ms`);
});

Deno.test("trigger() reports a timeout when every attempt hangs", async () => {
  const release = gate();
  await using server = startServer(async () => {
    await release.promise;
    return new Response(null, { status: 204 });
  });
  const { webhooks } = connector(server.url, { timeout: "30ms", backoff: false });
  const [outcome] = await webhooks.trigger("after:measure", measure);
  release.open();
  assert.equal(outcome?.ok, false);
  assert.equal(outcome?.attempts, 1);
  assert.equal(outcome?.error, "timed out after 30ms");
  assert.equal(outcome?.status, undefined);
});

Deno.test("trigger() times out a response body that drips slower than the timeout", async () => {
  let timer: ReturnType<typeof setInterval> | undefined;
  await using server = startServer(() => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        timer = setInterval(() => controller.enqueue(new Uint8Array([0x7b])), 20);
      },
      cancel() {
        clearInterval(timer);
      },
    });
    return new Response(body, { status: 200 });
  });
  const { webhooks } = connector(server.url, { timeout: "100ms", backoff: false });
  const [outcome] = await webhooks.trigger("after:measure", measure);
  clearInterval(timer);
  assert.equal(outcome?.ok, false);
  assert.equal(outcome?.error, "timed out after 100ms");
});

Deno.test("trigger() reads at most 64 KiB of a response body", async () => {
  const big = bigBody(10 * 1024 * 1024);
  await using server = startServer(() => new Response(big.body, { status: 500 }));
  const { webhooks } = connector(server.url, { backoff: false });
  const [outcome] = await webhooks.trigger("after:measure", measure);
  assert.equal(outcome?.status, 500);
  assert.match(outcome?.error ?? "", /^HTTP 500 Internal Server Error: a{120}…$/);
  assert.ok(big.pulled() < 2 * 1024 * 1024, `the server produced ${big.pulled()} bytes`);
  await server.close();
  assert.ok(big.cancelled() || big.pulled() < 10 * 1024 * 1024);
});

Deno.test("trigger() never follows redirects", async () => {
  await using elsewhere = startServer();
  for (const status of [301, 302, 303, 307, 308]) {
    await using server = startServer(() =>
      new Response(null, { status, headers: { location: elsewhere.url } })
    );
    const { webhooks } = connector(server.url);
    const [outcome] = await webhooks.trigger("after:measure", measure);
    assert.equal(outcome?.attempts, 1, `status ${status}`);
    assert.equal(outcome?.status, status);
    assert.equal(outcome?.ok, false);
    assert.match(
      outcome?.error ?? "",
      /redirects are not followed \(Location: http:\/\/127\.0\.0\.1:\d+\/hook\)$/,
    );
  }
  assert.equal(elsewhere.requests.length, 0);
});

Deno.test("trigger() retries connection errors, then reports them", async () => {
  const port = await closedPort();
  const { webhooks } = connector(`http://127.0.0.1:${port}/hook`);
  const [outcome] = await webhooks.trigger("after:measure", measure);
  assert.equal(outcome?.attempts, 3);
  assert.equal(outcome?.ok, false);
  assert.equal(outcome?.status, undefined);
  assert.match(outcome?.error ?? "", /^network error: .*\(gave up after 3 attempts\)$/);
});

Deno.test("trigger() stops retrying when max_time runs out", async () => {
  await using server = startServer(() => new Response(null, { status: 503 }));
  const { webhooks } = connector(server.url, {
    backoff: { max_tries: 100, max_time: "200ms", delay: "40ms", max_delay: "40ms" },
  });
  const started = performance.now();
  const [outcome] = await webhooks.trigger("after:measure", measure);
  const took = performance.now() - started;
  assert.ok(took < 1000, `took ${took} ms`);
  assert.ok(server.requests.length >= 2 && server.requests.length < 100);
  assert.equal(outcome?.attempts, server.requests.length);
  assert.match(
    outcome?.error ?? "",
    /^HTTP 503 Service Unavailable \(gave up: max_time reached\)$/,
  );
});

Deno.test("trigger() imports a webhook's WebCrypto keys once, and only for large bodies", async () => {
  await using server = startServer();
  const { webhooks } = connector(server.url);
  const subtle = crypto.subtle as SubtleCrypto & { importKey: SubtleCrypto["importKey"] };
  const original = subtle.importKey;
  let imports = 0;
  Object.defineProperty(subtle, "importKey", {
    configurable: true,
    value: (...args: Parameters<SubtleCrypto["importKey"]>) => {
      imports++;
      return (original as (...a: unknown[]) => Promise<CryptoKey>).apply(subtle, args);
    },
  });
  // Over 6 KiB, bodies are signed by WebCrypto; under, in JS (see lib/hmac.ts).
  const large = { params: { metrics: Array.from({ length: 600 }, (_, i) => `metric_${i}`) } };
  try {
    for (let i = 0; i < 3; i++) await webhooks.trigger("after:measure", measure);
    assert.equal(imports, 0, "small bodies need no WebCrypto key in Deno");
    for (let i = 0; i < 5; i++) await webhooks.trigger("after:measure", large);
  } finally {
    delete (subtle as { importKey?: unknown }).importKey;
  }
  assert.equal(subtle.importKey, original);
  assert.equal(server.requests.length, 8);
  assert.ok(server.requests.slice(3).every((r) => r.body.length > 6 * 1024));
  assert.equal(
    imports,
    2,
    "one HMAC-SHA1 key for X-Servo-Signature, one HMAC-SHA256 key for webhook-signature",
  );
  for (const request of server.requests) {
    assert.equal(
      request.headers.get("x-servo-signature"),
      createHmac("sha1", SECRET).update(request.body).digest("hex"),
    );
  }
});
