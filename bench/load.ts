// Load and loss: N after-event dispatches to a receiver (its own process) that fails 20% of
// requests at random. Checks that every accepted delivery ends in exactly one outcome, that
// delivered + failed + dropped == accepted, that no delivery succeeds twice, and that the
// receiver verified exactly as many bodies as were delivered. Prints throughput and peak RSS.
//
//   deno task bench:load            (20,000 dispatches)
//   deno task bench:load --count 500

import { parseArgs } from "node:util";
import {
  type DeliveryOutcome,
  Servo,
  servoEvents,
  validateConfig,
  WebhooksConnector,
} from "../mod.ts";
import { startReceiver } from "./_process.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    count: { type: "string", default: "20000" },
    "fail-rate": { type: "string", default: "0.2" },
  },
});
const count = Number(values.count);
const secret = crypto.randomUUID();
const receiver = await startReceiver([
  "--secret",
  secret,
  "--fail-rate",
  values["fail-rate"] ?? "0.2",
]);

const outcomes = new Map<string, number>();
let ended = 0;
const connector = new WebhooksConnector(
  validateConfig({
    webhooks: [{
      name: "load",
      events: "after:measure",
      url: receiver.url,
      secret,
      max_concurrency: 64,
      backoff: { max_tries: 3, delay: "2ms", max_delay: "20ms" },
      circuit_breaker: false,
    }],
  }),
  {
    onDelivery: (o: DeliveryOutcome) => {
      outcomes.set(o.delivery, (outcomes.get(o.delivery) ?? 0) + 1);
      ended++;
    },
  },
);
const servo = new Servo();
connector.attach(servo);
servo.addConnector("prometheus").on(servoEvents.measure, () => ({
  readings: [{
    metric: { name: "throughput", unit: "rpm" },
    time: new Date().toISOString(),
    value: 1250,
  }],
}));

let peak = Deno.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 20);
const baseline = Deno.memoryUsage().rss;
const started = performance.now();
for (let i = 0; i < count; i++) {
  await servo.dispatch(servoEvents.measure, { metrics: ["throughput"] });
  // Let deliveries run between bursts, as a servo's dispatches are spread over time.
  if (i % 256 === 255) await new Promise((resolve) => setTimeout(resolve, 0));
}
const dispatched = performance.now() - started;
await connector.close();
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peak = Math.max(peak, Deno.memoryUsage().rss);

const stats = connector.stats();
const seen = await receiver.stats();
await receiver.stop();

const problems: string[] = [];
const twice = [...outcomes.values()].filter((n) => n !== 1).length;
if (twice > 0) problems.push(`${twice} deliveries ended in more than one outcome`);
if (ended !== stats.accepted) problems.push(`${ended} outcomes for ${stats.accepted} accepted`);
if (stats.delivered + stats.failed + stats.dropped !== stats.accepted) {
  problems.push("delivered + failed + dropped != accepted");
}
if (stats.accepted !== count) problems.push(`${stats.accepted} accepted of ${count} dispatched`);
if ((seen.succeeded_twice ?? 0) > 0) {
  problems.push(`${seen.succeeded_twice} deliveries succeeded twice`);
}
if (seen.verified !== stats.delivered) {
  problems.push(`the receiver verified ${seen.verified} bodies, ${stats.delivered} were delivered`);
}
if ((seen.bad_signatures ?? 0) > 0) problems.push(`${seen.bad_signatures} bad signatures`);

const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
console.log(`dispatches        ${count} (dispatch loop ${dispatched.toFixed(0)} ms)`);
console.log(
  `outcomes          accepted ${stats.accepted}, delivered ${stats.delivered}, failed ${stats.failed}, dropped ${stats.dropped}, retried ${stats.retried}`,
);
console.log(
  `receiver          ${seen.requests} requests, ${seen.failed} failed on purpose, ${seen.verified} verified`,
);
console.log(
  `throughput        ${(stats.delivered / seconds).toFixed(0)} delivered/s, ${
    (count / seconds).toFixed(0)
  } dispatches/s over ${seconds.toFixed(2)} s`,
);
console.log(`memory            rss ${mb(baseline)} MB before, peak ${mb(peak)} MB`);
console.log(problems.length === 0 ? "load: ok" : `load: FAILED: ${problems.join("; ")}`);
Deno.exit(problems.length === 0 ? 0 : 1);
