// Memory per pending after-delivery: a receiver process holds every response, so deliveries
// pile up in the queue (10,000 and 100,000, within maxPending); the RSS growth per pending
// delivery is printed in KB, beyond the body each one keeps. Then three drain cycles: release,
// wait for the queue to empty, and compare the RSS with the baseline.
//
//   deno task bench:memory [--counts 10000,100000]

import { parseArgs } from "node:util";
import { Servo, servoEvents, validateConfig, WebhooksConnector } from "../mod.ts";
import { encodeBody } from "../lib/request.ts";
import { params, result } from "./_event.ts";
import { startReceiver } from "./_process.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { counts: { type: "string", default: "10000,100000" } },
});
const COUNTS = values.counts!.split(",").map(Number);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");

/** RSS and V8 heap in use after a full collection, in bytes. */
async function memory(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const { rss, heapUsed } = Deno.memoryUsage();
  return { rss, heap: heapUsed };
}

const receiver = await startReceiver(["--secret", "s", "--plain", "--hold"]);
const bodySize = encodeBody({
  event: "after:measure",
  created_at: new Date().toISOString(),
  params: servoEvents.measure.validateParams(params),
  results: [{ connector: "prometheus", value: servoEvents.measure.validateResult(result) }],
}).length;

const webhooks = new WebhooksConnector(
  validateConfig({
    webhooks: [{
      name: "memory",
      events: "after:measure",
      url: receiver.url,
      secret: "s",
      timeout: "10m",
      backoff: false,
      circuit_breaker: false,
    }],
  }),
  { maxPending: Math.max(...COUNTS) + 100 },
);
const servo = new Servo();
webhooks.attach(servo);
servo.addConnector("prometheus").on(servoEvents.measure, () => result);

async function drained(): Promise<void> {
  while (webhooks.pending > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

// Warm up every path, then take the baseline.
for (let i = 0; i < 2000; i++) await servo.dispatch(servoEvents.measure, params);
await receiver.release();
await drained();
const baseline = await memory();
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
console.log(`body ${bodySize} bytes; baseline RSS ${mb(baseline.rss)}, heap ${mb(baseline.heap)}`);

for (const count of COUNTS) {
  await receiver.hold();
  const before = await memory();
  for (let i = 0; i < count; i++) await servo.dispatch(servoEvents.measure, params);
  const pending = webhooks.pending;
  const after = await memory();
  const kb = (bytes: number) => bytes / pending / 1024;
  const body = bodySize / 1024;
  console.log(
    `${pending} pending: RSS +${mb(after.rss - before.rss)} = ${
      kb(after.rss - before.rss).toFixed(2)
    } KB each (${(kb(after.rss - before.rss) - body).toFixed(2)} beyond its body); heap +${
      kb(after.heap - before.heap).toFixed(2)
    } KB each (${(kb(after.heap - before.heap) - body).toFixed(2)} beyond its body)`,
  );
  await receiver.release();
  await drained();
}

for (let cycle = 1; cycle <= 3; cycle++) {
  await receiver.hold();
  for (let i = 0; i < COUNTS[0]!; i++) await servo.dispatch(servoEvents.measure, params);
  await receiver.release();
  await drained();
  const now = await memory();
  const change = (a: number, b: number) => `${a >= b ? "+" : ""}${((a / b - 1) * 100).toFixed(1)}%`;
  console.log(
    `after drain ${cycle}: RSS ${mb(now.rss)} (${change(now.rss, baseline.rss)}), heap ${
      mb(now.heap)
    } (${change(now.heap, baseline.heap)})`,
  );
}
await webhooks.close();
await receiver.stop();
