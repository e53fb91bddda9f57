// Standard Webhooks signatures: the spec's published vector, real requests from our emitter
// verified by the official standardwebhooks library and by svix (rotation included), the
// signature schemes a webhook sends, and verifyRequest() in every way it can fail.

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import {
  cancel,
  CANCEL_CONTENT_TYPE,
  servoEvents,
  validateConfig,
  verifyRequest,
  WebhooksConnector,
  WebhookVerificationError,
} from "../mod.ts";
import { hmacKey } from "../lib/hmac.ts";
import { signStandard, standardKeyBytes } from "../lib/standard.ts";
import { type Received, startServer } from "./_server.ts";

// The spec's test vector (libraries/javascript, "sign function works").
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const encoder = new TextEncoder();

function vectorRequest(headers: Record<string, string> = {}, payload = VECTOR.payload): Request {
  return new Request("http://127.0.0.1/hook", {
    method: "POST",
    body: payload,
    headers: {
      "webhook-id": VECTOR.id,
      "webhook-timestamp": String(VECTOR.timestamp),
      "webhook-signature": VECTOR.signature,
      ...headers,
    },
  });
}
const AT_VECTOR = { now: VECTOR.timestamp * 1000 };

Deno.test("signStandard() reproduces the Standard Webhooks test vector, in JS and in WebCrypto", async () => {
  const body = encoder.encode(VECTOR.payload);
  const bytes = standardKeyBytes(VECTOR.secret)!;
  for (const use of ["js", "webcrypto", "auto"] as const) {
    const key = hmacKey("SHA-256", bytes, use);
    assert.equal(
      await signStandard([key], VECTOR.id, VECTOR.timestamp, body),
      VECTOR.signature,
      use,
    );
  }
  // Without the prefix the secret is no longer base64 but its UTF-8 bytes: another signature.
  const raw = hmacKey("SHA-256", standardKeyBytes(VECTOR.secret.slice("whsec_".length))!);
  assert.notEqual(await signStandard([raw], VECTOR.id, VECTOR.timestamp, body), VECTOR.signature);
});

Deno.test("verifyRequest() matches the test vector's signature, alone and among others", async () => {
  // The vector's body is not a webhook request of ours, so a matching signature shows as
  // "bad_body", the check after the signature; a wrong one as "no_match" (see below).
  const multi = [
    "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
    "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
    VECTOR.signature,
    "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
  ].join(" ");
  for (const request of [vectorRequest(), vectorRequest({ "webhook-signature": multi })]) {
    for (const secret of [VECTOR.secret, [VECTOR.secret], ["other", VECTOR.secret]]) {
      await assert.rejects(
        verifyRequest(request.clone(), secret, AT_VECTOR),
        (e) => e instanceof WebhookVerificationError && e.reason === "bad_body",
      );
    }
  }
});

Deno.test("verifyRequest() says what failed", async () => {
  const cases: [Request, string, string, object?][] = [
    [
      vectorRequest({ "webhook-signature": "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=" }),
      "no_match",
      "no signature matched: wrong secret, or the body was changed",
    ],
    [
      vectorRequest({}, '{"test": 2432232315}'),
      "no_match",
      "no signature matched: wrong secret, or the body was changed",
    ],
    [
      vectorRequest({ "webhook-signature": "v1,dawfeoifkpqwoekfpqoekf" }),
      "bad_format",
      'webhook-signature has no "v1,<base64>" signature',
    ],
    [
      vectorRequest({ "webhook-signature": "v1," }),
      "bad_format",
      'webhook-signature has no "v1,<base64>" signature',
    ],
    [
      vectorRequest({ "webhook-timestamp": "hello" }),
      "bad_format",
      "webhook-timestamp is not Unix seconds",
    ],
    [
      vectorRequest(),
      "stale_timestamp",
      "webhook-timestamp is 301s old, more than the 300s allowed",
      { now: (VECTOR.timestamp + 301) * 1000 },
    ],
    [
      vectorRequest(),
      "stale_timestamp",
      "webhook-timestamp is 301s in the future, more than the 300s allowed",
      { now: (VECTOR.timestamp - 301) * 1000 },
    ],
    [
      vectorRequest(),
      "stale_timestamp",
      "webhook-timestamp is 11s old, more than the 10s allowed",
      { now: (VECTOR.timestamp + 11) * 1000, tolerance: 10 },
    ],
    [
      new Request("http://x/", {
        method: "POST",
        body: "{}",
        headers: { "webhook-signature": VECTOR.signature },
      }),
      "missing_header",
      "webhook-signature needs webhook-id and webhook-timestamp headers",
    ],
    [
      new Request("http://x/", { method: "POST", body: "{}" }),
      "missing_header",
      "no webhook-signature or X-Servo-Signature header",
    ],
    [
      new Request("http://x/", {
        method: "POST",
        body: "{}",
        headers: { "x-servo-signature": "abc" },
      }),
      "bad_format",
      "X-Servo-Signature is not 40 hex digits",
    ],
    [
      new Request("http://x/", {
        method: "POST",
        body: "{}",
        headers: { "x-servo-signature": "0".repeat(40) },
      }),
      "no_match",
      "no signature matched: wrong secret, or the body was changed",
    ],
    [vectorRequest(), "missing_header", "no X-Servo-Signature header", {
      ...AT_VECTOR,
      schemes: ["servo"],
    }],
  ];
  for (const [request, reason, message, options] of cases) {
    const error = await verifyRequest(request, VECTOR.secret, { ...AT_VECTOR, ...options }).catch((
      e,
    ) => e);
    assert.ok(error instanceof WebhookVerificationError, `${reason}: ${error}`);
    assert.equal(error.name, "WebhookVerificationError");
    assert.deepEqual([error.reason, error.message], [reason, message]);
    assert.equal(request.bodyUsed, true, "the body is read once, even when verification fails");
  }
});

/** A connector whose one webhook sends before:adjust and after:measure to `url`. */
function emitter(url: string, secret: string | string[], extra: Record<string, unknown> = {}) {
  return new WebhooksConnector(validateConfig({
    webhooks: [{
      name: "hook",
      events: ["before:adjust", "after:measure"],
      url,
      secret,
      backoff: false,
      ...extra,
    }],
  }));
}
const headersOf = (r: Received) => Object.fromEntries(r.headers);

Deno.test("standardwebhooks and svix verify real requests from the emitter", async () => {
  const secret = "whsec_" + btoa("a standard webhooks secret, 32 b");
  await using server = startServer();
  const connector = emitter(server.url, secret);
  await connector.trigger("after:measure", { results: [{ connector: "prom", value: {} }] });
  await connector.trigger("before:adjust", { params: { adjustments: [] } });
  await connector.close();
  assert.equal(server.requests.length, 2);
  for (const request of server.requests) {
    const expected = JSON.parse(request.text);
    assert.deepEqual(
      new StandardWebhook(secret).verify(request.text, headersOf(request)),
      expected,
    );
    // svix's verify() returns nothing: it throws when the signature does not match.
    assert.doesNotThrow(() => new SvixWebhook(secret).verify(request.text, headersOf(request)));
    const tampered = request.text.replace("measure", "mEasure").replace("adjust", "adjusT");
    assert.throws(
      () => new SvixWebhook(secret).verify(tampered, headersOf(request)),
      /No matching signature/,
    );
    assert.throws(
      () => new StandardWebhook(secret).verify(tampered, headersOf(request)),
      /No matching signature/,
    );
    assert.equal(request.headers.get("webhook-id"), request.headers.get("x-servo-delivery"));
    // X-Servo-Signature keeps the original meaning: the secret string's UTF-8 bytes.
    assert.equal(
      request.headers.get("x-servo-signature"),
      createHmac("sha1", secret).update(request.body).digest("hex"),
    );
  }
});

Deno.test("a plain secret signs with its UTF-8 bytes, which standardwebhooks reads in raw format", async () => {
  const secret = "plain sécret ✓";
  await using server = startServer();
  const connector = emitter(server.url, secret);
  await connector.trigger("after:measure", {});
  await connector.close();
  const [request] = server.requests;
  assert.ok(request);
  const raw = new StandardWebhook(encoder.encode(secret), { format: "raw" });
  assert.deepEqual(raw.verify(request.text, headersOf(request)), JSON.parse(request.text));
});

Deno.test("rotation: webhook-signature carries one v1 per secret, X-Servo-Signature the first", async () => {
  const [next, old] = ["whsec_" + btoa("the next secret of 24 bytes!"), "the old secret"];
  await using server = startServer();
  const connector = emitter(server.url, [next, old]);
  await connector.trigger("after:measure", {});
  await connector.close();
  const [request] = server.requests;
  assert.ok(request);
  const signatures = request.headers.get("webhook-signature")?.split(" ") ?? [];
  assert.equal(signatures.length, 2);
  assert.ok(signatures.every((s) => /^v1,[A-Za-z0-9+/]{43}=$/.test(s)));
  assert.ok(new StandardWebhook(next).verify(request.text, headersOf(request)));
  assert.ok(
    new StandardWebhook(encoder.encode(old), { format: "raw" }).verify(
      request.text,
      headersOf(request),
    ),
  );
  assert.doesNotThrow(() => new SvixWebhook(next).verify(request.text, headersOf(request)));
  assert.equal(
    request.headers.get("x-servo-signature"),
    createHmac("sha1", next).update(request.body).digest("hex"),
  );
  // A responder that already moved to the next secret, and one that still has the old.
  const asRequest = () =>
    new Request("http://x/", { method: "POST", body: request.body, headers: request.headers });
  assert.equal((await verifyRequest(asRequest(), next)).event, "after:measure");
  assert.equal((await verifyRequest(asRequest(), ["unrelated", old])).event, "after:measure");
});

Deno.test("signatures: [servo] or [standard] sends only that scheme", async () => {
  await using server = startServer();
  for (const signatures of [["servo"], ["standard"]]) {
    const connector = emitter(server.url, "s3cr3t", { signatures });
    await connector.trigger("after:measure", {});
    await connector.close();
  }
  const [servo, standard] = server.requests;
  assert.ok(servo?.headers.has("x-servo-signature"));
  assert.ok(!servo?.headers.has("webhook-signature") && !servo?.headers.has("webhook-id"));
  assert.ok(
    standard?.headers.has("webhook-signature") && standard?.headers.has("webhook-timestamp"),
  );
  assert.ok(!standard?.headers.has("x-servo-signature"));
  assert.ok(standard?.headers.has("x-servo-delivery"), "the delivery id is always sent");
});

Deno.test("each attempt is stamped with its own time and signed again; webhook-id stays", async () => {
  await using server = startServer((r) => new Response(null, { status: r.n < 3 ? 503 : 204 }));
  const connector = emitter(server.url, "s3cr3t", {
    backoff: { max_tries: 3, delay: "600ms", max_delay: "600ms" },
  });
  await connector.trigger("after:measure", {});
  await connector.close();
  const ids = new Set(server.requests.map((r) => r.headers.get("webhook-id")));
  assert.equal(ids.size, 1);
  for (const request of server.requests) {
    assert.ok(
      new StandardWebhook(encoder.encode("s3cr3t"), { format: "raw" }).verify(
        request.text,
        headersOf(request),
      ),
    );
  }
  const stamps = server.requests.map((r) => Number(r.headers.get("webhook-timestamp")));
  const seconds = server.requests.map((r) => Math.floor((performance.timeOrigin + r.at) / 1000));
  assert.deepEqual(stamps.map((s, i) => Math.abs(s - (seconds[i] ?? 0)) <= 1), [true, true, true]);
});

Deno.test("verifyRequest() checks the body against an expected event", async () => {
  await using server = startServer();
  const connector = emitter(server.url, "s3cr3t");
  await connector.trigger("after:measure", {
    params: { metrics: ["rps"] },
    results: [{ connector: "c", value: {} }],
  });
  await connector.close();
  const [sent] = server.requests;
  assert.ok(sent);
  const request = () =>
    new Request("http://x/", { method: "POST", body: sent.body, headers: sent.headers });
  const body = await verifyRequest(request(), "s3cr3t", { event: servoEvents.measure });
  assert.deepEqual(body.params.metrics, ["rps"]);
  assert.deepEqual(body.results?.[0]?.value, { readings: [], annotations: {} });
  await assert.rejects(
    verifyRequest(request(), "s3cr3t", { event: servoEvents.adjust }),
    (e) =>
      e instanceof WebhookVerificationError && e.reason === "bad_body" &&
      /not one of event "adjust"/.test(e.message),
  );
});

Deno.test("cancel() builds the response that cancels a before event", async () => {
  const response = cancel("outside the maintenance window");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), CANCEL_CONTENT_TYPE);
  assert.deepEqual(await response.json(), { reason: "outside the maintenance window" });
});
