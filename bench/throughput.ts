// Throughput and latency against the two limits, measured in one run: a receiver process
// (Deno.serve on 127.0.0.1, answering 204) gets the same ~2 KB event
//   1. raw: fetch POSTs of a prebuilt body (the transport limit);
//   2. minimal signed: JSON.stringify + HMAC-SHA1 + fetch, with the HMAC we use (lib/hmac.ts:
//      pure JS for small bodies in Deno, because WebCrypto calls cost ~35 µs here), and for
//      reference with WebCrypto (key imported once) and node:crypto (the limit for this job);
//   3. ours: Servo.dispatch of after:measure through WebhooksConnector, counted as delivered;
//   4. before-event dispatch round trips (p50, p99) against minimal signed round trips;
// at concurrency 1, 16 and 64. The last line sums it up.
//
//   deno task bench:throughput [--count 4000]

import { createHmac } from "node:crypto";
import { parseArgs } from "node:util";
import { Servo, servoEvents, validateConfig, WebhooksConnector } from "../mod.ts";
import { hmacKey } from "../lib/hmac.ts";
import { params, result } from "./_event.ts";
import { startReceiver } from "./_process.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { count: { type: "string", default: "4000" }, rounds: { type: "string", default: "3" } },
});
const COUNT = Number(values.count);
const ROUNDS = Number(values.rounds);
const SECRET = "throughput-secret";
const CONCURRENCY = [1, 16, 64];
const encoder = new TextEncoder();

const receiver = await startReceiver(["--secret", SECRET, "--plain"]);
const URL_ = receiver.url;

const event = {
  event: "after:measure",
  created_at: new Date().toISOString(),
  params,
  results: [{ connector: "prometheus", value: result }],
};
const BODY = encoder.encode(JSON.stringify(event));

/** Runs `count` jobs with `concurrency` workers; returns jobs per second. */
async function rate(count: number, concurrency: number, job: () => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < count) await job();
  }));
  return count / ((performance.now() - started) / 1000);
}

async function post(body: Uint8Array<ArrayBuffer>, headers: Record<string, string>): Promise<void> {
  const response = await fetch(URL_, { method: "POST", body, headers });
  await response.body?.cancel();
  if (response.status !== 204) throw new Error(`status ${response.status}`);
}

const webKey = await crypto.subtle.importKey(
  "raw",
  encoder.encode(SECRET),
  { name: "HMAC", hash: "SHA-1" },
  false,
  ["sign"],
);
const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

const oursHmac = hmacKey("SHA-1", encoder.encode(SECRET));

const raw = () => post(BODY, { "content-type": "application/json" });
const minimalOurs = async () => {
  const body = encoder.encode(JSON.stringify({ ...event, created_at: new Date().toISOString() }));
  const signature = Array.from(await oursHmac.sign([body]), (b) => b.toString(16).padStart(2, "0"))
    .join("");
  await post(body, { "content-type": "application/json", "x-servo-signature": signature });
};
const minimalWebCrypto = async () => {
  const body = encoder.encode(JSON.stringify({ ...event, created_at: new Date().toISOString() }));
  const signature = hex(await crypto.subtle.sign("HMAC", webKey, body));
  await post(body, { "content-type": "application/json", "x-servo-signature": signature });
};
const minimalNode = async () => {
  const body = encoder.encode(JSON.stringify({ ...event, created_at: new Date().toISOString() }));
  const signature = createHmac("sha1", SECRET).update(body).digest("hex");
  await post(body, { "content-type": "application/json", "x-servo-signature": signature });
};

function connector(concurrency: number, signatures: string[], events: string) {
  let delivered = 0;
  let failed = 0;
  let room: (() => void) | undefined;
  const webhooks = new WebhooksConnector(
    validateConfig({
      webhooks: [{
        name: "bench",
        events,
        url: URL_,
        secret: SECRET,
        max_concurrency: concurrency,
        signatures,
        circuit_breaker: false,
        backoff: false,
      }],
    }),
    {
      maxPending: 1_000_000,
      onDelivery: (o) => {
        if (o.ok) delivered++;
        else failed++;
        room?.();
      },
    },
  );
  const servo = new Servo();
  webhooks.attach(servo);
  servo.addConnector("prometheus").on(servoEvents.measure, () => result);
  /** Resolves when a delivery ends. */
  const delivery = () => new Promise<void>((resolve) => (room = resolve));
  return { webhooks, servo, delivery, counts: () => ({ delivered, failed }) };
}

/**
 * Ours: `count` after:measure dispatches, delivered `concurrency` at a time. The producer
 * dispatches while fewer than twice `concurrency` deliveries are pending, so that the queue
 * never runs dry and never grows without bound, as a busy servo would.
 */
async function ours(count: number, concurrency: number, signatures: string[]): Promise<number> {
  const { webhooks, servo, delivery, counts } = connector(concurrency, signatures, "after:measure");
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await servo.dispatch(servoEvents.measure, params);
    while (webhooks.pending >= 2 * concurrency) await delivery();
  }
  await webhooks.close();
  const { delivered, failed } = counts();
  if (failed > 0) throw new Error(`${failed} deliveries failed`);
  return delivered / ((performance.now() - started) / 1000);
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

// Warm up every path once.
await rate(300, 16, raw);
await rate(300, 16, minimalOurs);
await rate(300, 16, minimalWebCrypto);
await rate(300, 16, minimalNode);
await ours(300, 16, ["servo", "standard"]);

const rows: Record<string, Record<number, number>> = {
  "raw fetch": {},
  "minimal signed (our HMAC)": {},
  "minimal signed (WebCrypto)": {},
  "minimal signed (node:crypto)": {},
  "ours, X-Servo-Signature only": {},
  "ours, both signatures (default)": {},
};
for (const c of CONCURRENCY) {
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(rows).map((k) => [k, []]),
  );
  // Interleave the rounds so that the machine's drift hits every path alike.
  for (let round = 0; round < ROUNDS; round++) {
    samples["raw fetch"]!.push(await rate(COUNT, c, raw));
    samples["minimal signed (our HMAC)"]!.push(await rate(COUNT, c, minimalOurs));
    samples["minimal signed (WebCrypto)"]!.push(await rate(COUNT, c, minimalWebCrypto));
    samples["minimal signed (node:crypto)"]!.push(await rate(COUNT, c, minimalNode));
    samples["ours, X-Servo-Signature only"]!.push(await ours(COUNT, c, ["servo"]));
    samples["ours, both signatures (default)"]!.push(await ours(COUNT, c, ["servo", "standard"]));
  }
  for (const [name, xs] of Object.entries(samples)) rows[name]![c] = median(xs);
}

// Before events: sequential round trips, the three kinds taken in turn so that the machine's
// drift hits them alike.
const before = connector(1, ["servo", "standard"], "before:measure");
const beforeServo = connector(1, ["servo"], "before:measure");
const roundTrips = { minimal: [] as number[], ours: [] as number[], oursServo: [] as number[] };
const calls: [number[], () => Promise<unknown>][] = [
  [roundTrips.minimal, minimalOurs],
  [roundTrips.ours, () => before.servo.dispatch(servoEvents.measure, params)],
  [roundTrips.oursServo, () => beforeServo.servo.dispatch(servoEvents.measure, params)],
];
for (let i = 0; i < Math.min(COUNT, 3000) + 300; i++) {
  for (const [samples, call] of calls) {
    const started = performance.now();
    await call();
    if (i >= 300) samples.push(performance.now() - started); // the first 300 warm up
  }
}
const [minimalRt, oursRt, oursServoRt] = [roundTrips.minimal, roundTrips.ours, roundTrips.oursServo]
  .map((xs) => xs.sort((a, b) => a - b)) as [number[], number[], number[]];
await before.webhooks.close();
await beforeServo.webhooks.close();
await receiver.stop();

const fmt = (x: number) => x.toFixed(0).padStart(7);
console.log(
  `body ${BODY.length} bytes; ${COUNT} requests a run, median of ${ROUNDS} runs; ${navigator.hardwareConcurrency} cores; Deno ${Deno.version.deno}`,
);
console.log("");
console.log(`${"requests/s".padEnd(34)}${CONCURRENCY.map((c) => `c=${c}`.padStart(9)).join("")}`);
for (const [name, byC] of Object.entries(rows)) {
  console.log(`${name.padEnd(34)}${CONCURRENCY.map((c) => fmt(byC[c] ?? 0).padStart(9)).join("")}`);
}
console.log("");
const ms = (x: number) => `${x.toFixed(3)} ms`.padStart(11);
const line = (name: string, xs: number[]) =>
  console.log(`${name.padEnd(34)}${ms(pct(xs, 0.5))}${ms(pct(xs, 0.99))}`);
console.log(`${"before round trip, c=1".padEnd(34)}${"p50".padStart(11)}${"p99".padStart(11)}`);
line("minimal signed (our HMAC)", minimalRt);
line("ours, X-Servo-Signature only", oursServoRt);
line("ours, both signatures (default)", oursRt);
console.log("");
const ratio = (a: number, b: number) => `x${(a / b).toFixed(2)}`;
const change = (a: number, b: number) => `${a >= b ? "+" : ""}${((a / b - 1) * 100).toFixed(1)}%`;
const ours64 = rows["ours, both signatures (default)"]![64]!;
const minimal = rows["minimal signed (our HMAC)"]!;
console.log(
  `ours at c=16: ${
    ratio(rows["ours, both signatures (default)"]![16]!, minimal[16]!)
  } of minimal signed (X-Servo-Signature only: ${
    ratio(rows["ours, X-Servo-Signature only"]![16]!, minimal[16]!)
  }); at c=64 X-Servo-Signature only: ${
    ratio(rows["ours, X-Servo-Signature only"]![64]!, minimal[64]!)
  }; before p99 ${change(pct(oursRt, 0.99), pct(minimalRt, 0.99))}`,
);
console.log(
  `throughput ${ratio(ours64, minimal[64]!)} of minimal signed at c=64 (${
    ratio(ours64, rows["raw fetch"]![64]!)
  } of raw); before p50 ${change(pct(oursRt, 0.5), pct(minimalRt, 0.5))} over minimal signed`,
);
