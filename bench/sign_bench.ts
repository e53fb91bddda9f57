// Building one signed request: serialize the body and compute every signature we send
// (X-Servo-Signature and webhook-signature), for a 2 KB and a 64 KB body. References: WebCrypto
// with the key imported per call (a naive port), node:crypto createHmac (the fastest HMAC
// reachable from Deno), and the standardwebhooks library's signing.
//
//   deno bench bench/sign_bench.ts

import { createHmac } from "node:crypto";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { validateConfig } from "../mod.ts";
import { encodeBody, signRequest } from "../lib/request.ts";
import { prepareWebhook } from "../lib/webhook.ts";

const SECRET = "bench-secret-bench-secret";
const webhook = prepareWebhook(
  validateConfig({
    webhooks: [{ events: "after:measure", url: "http://127.0.0.1/", secret: SECRET }],
  })
    .webhooks[0]!,
);
const standardOnly = prepareWebhook(
  validateConfig({
    webhooks: [{
      events: "after:measure",
      url: "http://127.0.0.1/",
      secret: SECRET,
      signatures: ["standard"],
    }],
  }).webhooks[0]!,
);
const standard = new StandardWebhook(new TextEncoder().encode(SECRET), { format: "raw" });
const encoder = new TextEncoder();

/** An after:measure body of about `size` bytes. */
function body(size: number) {
  const readings = [];
  let text = "";
  for (let i = 0; JSON.stringify(readings).length < size - 300; i++) {
    readings.push({
      metric: { name: `m${i}`, unit: "rpm" },
      time: "2026-01-01T00:00:00Z",
      value: i * 1.5,
    });
  }
  text = JSON.stringify(readings);
  return {
    event: "after:measure",
    created_at: new Date().toISOString(),
    params: { metrics: null, control: { duration: "5m", delay: "0", warmup: "0" } },
    results: [{ connector: "prom", value: { readings: JSON.parse(text), annotations: {} } }],
  };
}

for (const [label, size] of [["2 KB", 2048], ["64 KB", 65536]] as const) {
  const payload = body(size);
  Deno.bench(`ours (${label})`, { group: label, baseline: true }, async () => {
    const request = await signRequest(webhook, "after:measure", encodeBody(payload), "id");
    await request.headersAt(1_800_000_000);
  });
  Deno.bench(`ours, webhook-signature only (${label})`, { group: label }, async () => {
    const request = await signRequest(standardOnly, "after:measure", encodeBody(payload), "id");
    await request.headersAt(1_800_000_000);
  });
  Deno.bench(`WebCrypto, key imported per call (${label})`, { group: label }, async () => {
    const bytes = encoder.encode(JSON.stringify(payload));
    const raw = encoder.encode(SECRET);
    const sha1 = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-1" }, false, [
      "sign",
    ]);
    const sha256 = await crypto.subtle.importKey(
      "raw",
      raw,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    await crypto.subtle.sign("HMAC", sha1, bytes);
    await crypto.subtle.sign(
      "HMAC",
      sha256,
      encoder.encode(`id.1800000000.${new TextDecoder().decode(bytes)}`),
    );
  });
  Deno.bench(`node:crypto createHmac (${label})`, { group: label }, () => {
    const bytes = encoder.encode(JSON.stringify(payload));
    createHmac("sha1", SECRET).update(bytes).digest("hex");
    createHmac("sha256", SECRET).update("id.1800000000.").update(bytes).digest("base64");
  });
  Deno.bench(`standardwebhooks sign, webhook-signature only (${label})`, { group: label }, () => {
    standard.sign("id", new Date(1_800_000_000_000), JSON.stringify(payload));
  });
}
