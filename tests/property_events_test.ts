// Property-based tests (fast-check) of events: params throw nothing but EventValidationError,
// and values JSON cannot encode never break a dispatch midway.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type DeliveryOutcome,
  EventValidationError,
  Servo,
  servoEvents,
  validateConfig,
  WebhooksConnector,
} from "../mod.ts";
import { startServer } from "./_server.ts";
import { anything, check, durationText, run } from "./_property.ts";

const VALID_HOOK = { events: "after:measure", url: "https://example.com/hook", secret: "s3cr3t" };

// 5. Event params throw nothing but EventValidationError.

const record = fc.oneof(fc.dictionary(fc.string(), anything), anything);
// deno-fmt-ignore
const control = fc.record({
  duration: fc.oneof(durationText, anything), delay: durationText, warmup: durationText,
  settlement: fc.oneof(durationText, fc.constant(null)), load: record, userdata: record,
}, { requiredKeys: [] });

Deno.test("validateParams() of measure and adjust throws only EventValidationError", () => {
  // deno-fmt-ignore
  const params = fc.oneof(
    anything,
    control.map((c) => ({ control: c })),
    fc.record({ metrics: fc.oneof(fc.array(fc.string()), anything), control }, { requiredKeys: [] }),
    fc.record({ adjustments: fc.array(anything, { maxLength: 3 }), control: fc.oneof(control, anything) }, { requiredKeys: [] }),
  );
  check(params, 1000, (value) => {
    for (const event of [servoEvents.measure, servoEvents.adjust]) {
      try {
        event.validateParams(value);
      } catch (error) {
        if (!(error instanceof EventValidationError)) throw error;
        assert.ok(error.issues.length > 0);
        assert.ok(error.message.startsWith(`Invalid params of event "${event.name}"`));
      }
    }
  });
});

// 6. Values JSON cannot encode never break a dispatch midway.

type Dispatched = { error?: unknown; ran: boolean; outcomes: DeliveryOutcome[]; bodies: string[] };

/** Dispatches with one webhook for `context` to a local server and an on handler of `result`. */
// deno-fmt-ignore
async function dispatchWith(context: string, params: unknown, result: unknown): Promise<Dispatched> {
  await using server = startServer();
  const got: Dispatched = { ran: false, outcomes: [], bodies: [] };
  const config = validateConfig({ webhooks: [{ ...VALID_HOOK, events: context, url: server.url, backoff: false }] });
  const connector = new WebhooksConnector(config, { onDelivery: (o) => got.outcomes.push(o) });
  const servo = new Servo();
  connector.attach(servo);
  const event = context.split(":")[1] as string;
  servo.addConnector("probe").on(event, () => {
    got.ran = true;
    return result as never;
  });
  try {
    await servo.dispatch(event, params as never);
  } catch (error) {
    got.error = error;
  } finally {
    await connector.close({ deadline: 2000 });
  }
  got.bodies = server.requests.map((r) => r.text);
  return got;
}

/** A clear refusal before any on handler ran, or one outcome for the webhook. */
function assertClean(what: string, got: Dispatched): void {
  if (got.error !== undefined) {
    assert.ok(!got.ran, `${what}: dispatch threw ${got.error} after the on handlers ran`);
    assert.match(String(got.error), /encode|json|bigint|cycle|circular/i, `${what}: unclear error`);
    assert.equal(got.outcomes.length, 0, `${what}: outcomes`);
    return;
  }
  assert.equal(got.outcomes.length, 1, `${what}: ${got.outcomes.length} outcomes`);
  const [outcome] = got.outcomes;
  if (outcome?.ok) assert.doesNotThrow(() => JSON.parse(got.bodies[0] ?? ""), what);
  else assert.match(outcome?.error ?? "", /encode|json|cycle/i, `${what}: ${outcome?.error}`);
}

const cycle = (o: Record<string, unknown> = {}) => Object.assign(o, { self: o });
const UNENCODABLE: [string, () => unknown][] = [
  ["a function", () => () => 1],
  ["an Error", () => new Error("boom")],
  ["a symbol", () => Symbol("s")],
  ["a BigInt", () => 10n],
  ["a boxed BigInt", () => Object(10n)],
  ["a cycle", () => cycle()],
  ["a throwing toJSON", () => ({ toJSON: () => assert.fail("no JSON for you") })],
];

// deno-fmt-ignore
Deno.test("dispatch with values JSON cannot encode in control.load/userdata or in a result", async () => {
  for (const [name, make] of UNENCODABLE) {
    for (const context of ["before:measure", "after:measure"]) {
      for (const field of ["load", "userdata"]) {
        const got = await dispatchWith(context, { control: { [field]: { x: make() } } }, { readings: [] });
        assertClean(`${name} in control.${field} with a ${context} webhook`, got);
      }
    }
    // Range settings keep unknown keys, so a result can carry anything too.
    const setting = { name: "cpu", type: "range", min: 0, max: 1, step: 0.1, extra: make() };
    const got = await dispatchWith("after:adjust", { adjustments: [] }, { components: [{ name: "web", settings: [setting] }] });
    assertClean(`${name} in an adjust result`, got);
  }
});

Deno.test("dispatch with random values in control.load: refused early or delivered", async () => {
  const load = fc.dictionary(fc.string({ maxLength: 4 }), anything, { minKeys: 1, maxKeys: 3 });
  const context = fc.constantFrom("before:measure", "after:measure");
  const property = fc.asyncProperty(load, context, async (l, c) => {
    assertClean(`load ${fc.stringify(l)}`, await dispatchWith(c, { control: { load: l } }, {}));
  });
  await fc.assert(property, run(60));
});
