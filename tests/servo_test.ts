// The Servo event bus: params validation, before/on/after ordering and concurrency,
// cancellation, result validation, per-instance handlers, and connector-defined events.

import assert from "node:assert/strict";
import * as z from "zod";
import {
  defineEvent,
  EventCancelledError,
  EventRegistry,
  type EventResult,
  EventValidationError,
  type HandlerContext,
  Servo,
  servoEvents,
} from "../mod.ts";

/** A promise opened from outside. */
function gate() {
  const { promise, resolve } = Promise.withResolvers<void>();
  return { promise, open: () => resolve() };
}

/**
 * Runs `body` with a promise that rejects if the body has not finished after a while, so that
 * handlers waiting on each other fail the test instead of hanging when run one by one.
 */
async function guarded<T>(body: (deadlock: Promise<never>) => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadlock = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error("deadlock: handlers did not run concurrently")),
      2000,
    );
  });
  deadlock.catch(() => {});
  try {
    return await body(deadlock);
  } finally {
    clearTimeout(timer);
  }
}

const MEASURE_DEFAULTS = {
  metrics: null,
  control: { duration: "0", delay: "0", warmup: "0" },
};

Deno.test("Servo.dispatch() validates params and names the bad field, without calling handlers", async () => {
  const servo = new Servo();
  const calls: string[] = [];
  servo.addConnector("a")
    .before(servoEvents.measure, () => void calls.push("before"))
    .on(servoEvents.measure, () => (calls.push("on"), {}))
    .after(servoEvents.measure, () => void calls.push("after"));
  await assert.rejects(
    // @ts-expect-error: a duration is a string such as "5m"
    servo.dispatch(servoEvents.measure, { control: { duration: { minutes: 5 } } }),
    (error) => {
      assert.ok(error instanceof EventValidationError);
      assert.deepEqual(error.issues.map((i) => i.path), ["control.duration"]);
      assert.match(error.message, /measure/);
      assert.match(error.message, /control\.duration/);
      return true;
    },
  );
  for (const duration of ["5 minutes", "5x", "", "PT5M", "5M", "-1s", "5m30"]) {
    await assert.rejects(
      servo.dispatch(servoEvents.measure, { control: { duration } }),
      (error) =>
        error instanceof EventValidationError &&
        error.message ===
          'Invalid params of event "measure": control.duration: expected a duration such as "500ms", "5s", "3m" or "1h30m"',
      `duration ${JSON.stringify(duration)}`,
    );
  }
  await assert.rejects(
    // @ts-expect-error: metrics is a list of names
    servo.dispatch(servoEvents.measure, { metrics: "throughput" }),
    (error) => error instanceof EventValidationError && error.issues[0]?.path === "metrics",
  );
  await assert.rejects(
    // @ts-expect-error: adjust needs adjustments
    servo.dispatch(servoEvents.adjust, {}),
    (error) => error instanceof EventValidationError && error.issues[0]?.path === "adjustments",
  );
  assert.deepEqual(calls, []);
});

Deno.test("Servo.dispatch() of an unknown event name is a TypeError listing the known events", async () => {
  const servo = new Servo();
  await assert.rejects(servo.dispatch("mesure"), (error) => {
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /mesure/);
    for (const name of Object.keys(servoEvents)) assert.ok(error.message.includes(name), name);
    return true;
  });
  assert.throws(() => servo.addConnector("a").on("nope", () => null), TypeError);
});

Deno.test("Servo.dispatch() runs before handlers concurrently, with the validated params", async () => {
  const servo = new Servo();
  const aStarted = gate();
  const bStarted = gate();
  const seen: [unknown, HandlerContext][] = [];
  await guarded(async (deadlock) => {
    servo.addConnector("a").before(servoEvents.measure, async (params, context) => {
      seen.push([params, context]);
      aStarted.open();
      await Promise.race([bStarted.promise, deadlock]);
    });
    servo.addConnector("b").before(servoEvents.measure, async (params, context) => {
      seen.push([params, context]);
      bStarted.open();
      await Promise.race([aStarted.promise, deadlock]);
    });
    assert.deepEqual(await servo.dispatch(servoEvents.measure), []);
  });
  assert.deepEqual(seen, [
    [MEASURE_DEFAULTS, { event: "measure", connector: "a" }],
    [MEASURE_DEFAULTS, { event: "measure", connector: "b" }],
  ]);
});

Deno.test("Servo.dispatch() rejects with the before handler's EventCancelledError and runs nothing else", async () => {
  const servo = new Servo();
  const ran: string[] = [];
  const cancel = new EventCancelledError("adjustments are frozen");
  servo.addConnector("k8s")
    .on(servoEvents.adjust, () => (ran.push("on"), {}))
    .after(servoEvents.adjust, () => void ran.push("after"));
  servo.addConnector("guard").before(servoEvents.adjust, () => {
    throw cancel;
  });
  const params = { adjustments: [{ component_name: "web", setting_name: "cpu", value: 1 }] };
  await assert.rejects(servo.dispatch(servoEvents.adjust, params), (error) => {
    assert.equal(error, cancel);
    assert.equal(cancel.reason, "adjustments are frozen");
    assert.equal(cancel.connector, "guard");
    assert.equal(cancel.event, "adjust");
    return true;
  });
  assert.deepEqual(ran, []);
});

Deno.test("Servo.dispatch() reports the first cancelling connector in connector order", async () => {
  const servo = new Servo();
  const secondCancelled = gate();
  const first = new EventCancelledError("first");
  const second = new EventCancelledError("second");
  servo.addConnector("one").before(servoEvents.promote, async () => {
    await secondCancelled.promise; // cancels after "two" has
    throw first;
  });
  servo.addConnector("two").before(servoEvents.promote, () => {
    secondCancelled.open();
    throw second;
  });
  await assert.rejects(servo.dispatch(servoEvents.promote), (error) => {
    assert.equal(error, first);
    assert.equal(first.connector, "one");
    return true;
  });
});

Deno.test("Servo.dispatch() prefers a cancel to another before handler's plain error", async () => {
  const servo = new Servo();
  const boom = new Error("boom");
  const cancel = new EventCancelledError("no");
  servo.addConnector("broken").before(servoEvents.promote, () => {
    throw boom;
  });
  servo.addConnector("guard").before(servoEvents.promote, () => {
    throw cancel;
  });
  await assert.rejects(servo.dispatch(servoEvents.promote), (error) => error === cancel);
  assert.equal(cancel.connector, "guard");

  const plain = new Servo();
  const ran: string[] = [];
  plain.addConnector("broken").before(servoEvents.promote, () => {
    throw boom;
  }).on(servoEvents.promote, () => (ran.push("on"), null));
  await assert.rejects(plain.dispatch(servoEvents.promote), (error) => error === boom);
  assert.deepEqual(ran, []);
});

Deno.test("Servo.dispatch() runs on handlers concurrently across connectors", async () => {
  const servo = new Servo();
  const aStarted = gate();
  const bStarted = gate();
  const results = await guarded((deadlock) => {
    servo.addConnector("a").on(servoEvents.metrics, async () => {
      aStarted.open();
      await Promise.race([bStarted.promise, deadlock]);
      return [{ name: "a" }];
    });
    servo.addConnector("b").on(servoEvents.metrics, async () => {
      bStarted.open();
      await Promise.race([aStarted.promise, deadlock]);
      return [{ name: "b" }];
    });
    return servo.dispatch(servoEvents.metrics);
  });
  assert.deepEqual(results, [
    { connector: "a", value: [{ name: "a", unit: "" }] },
    { connector: "b", value: [{ name: "b", unit: "" }] },
  ]);
});

Deno.test("Servo.dispatch() runs one connector's on handlers in order and returns results in connector order", async () => {
  const servo = new Servo();
  const log: string[] = [];
  const bDone = gate();
  servo.addConnector("a")
    .on(servoEvents.metrics, async () => {
      log.push("a1 start");
      await bDone.promise; // finishes after b
      log.push("a1 end");
      return [{ name: "a1", unit: "rpm" }];
    })
    .on(servoEvents.metrics, () => {
      log.push("a2");
      return [];
    });
  servo.addConnector("idle").on(servoEvents.measure, () => ({}));
  servo.addConnector("b").on(servoEvents.metrics, () => {
    log.push("b");
    bDone.open();
    return [{ name: "b" }];
  });
  const results: EventResult<unknown>[] = await servo.dispatch(servoEvents.metrics);
  assert.deepEqual(log, ["a1 start", "b", "a1 end", "a2"]);
  assert.deepEqual(results, [
    { connector: "a", value: [{ name: "a1", unit: "rpm" }] },
    { connector: "a", value: [] },
    { connector: "b", value: [{ name: "b", unit: "" }] },
  ]);
});

Deno.test("Servo.dispatch() validates on results, filling defaults and naming connector and path", async () => {
  const servo = new Servo();
  servo.addConnector("prom").on(servoEvents.measure, () => ({}));
  assert.deepEqual(await servo.dispatch(servoEvents.measure), [
    { connector: "prom", value: { readings: [], annotations: {} } },
  ]);

  const bad = new Servo();
  const ran: string[] = [];
  bad.addConnector("good").on(servoEvents.metrics, () => [{ name: "ok" }]);
  // @ts-expect-error: a metric's name is a string
  bad.addConnector("broken").on(servoEvents.metrics, () => [{ name: "ok" }, { name: 7 }])
    .after(servoEvents.metrics, () => void ran.push("after"));
  await assert.rejects(bad.dispatch(servoEvents.metrics), (error) => {
    assert.ok(error instanceof EventValidationError);
    assert.match(error.message, /connector "broken"/);
    assert.match(error.message, /metrics/);
    assert.deepEqual(error.issues.map((i) => i.path), ["[1].name"]);
    return true;
  });
  assert.deepEqual(ran, []);
});

Deno.test("Servo.dispatch() turns undefined from an on handler of a null-result event into null", async () => {
  const servo = new Servo();
  // A handler of a null-result event may return nothing, in its type too.
  servo.addConnector("a").on(servoEvents.startup, () => {});
  servo.addConnector("b").on(servoEvents.startup, async () => {});
  servo.addConnector("c").on(servoEvents.startup, () => null);
  assert.deepEqual(await servo.dispatch(servoEvents.startup), [
    { connector: "a", value: null },
    { connector: "b", value: null },
    { connector: "c", value: null },
  ]);
});

Deno.test("Servo.dispatch() passes params and results to after handlers", async () => {
  const servo = new Servo();
  const seen: unknown[] = [];
  servo.addConnector("prom").on(servoEvents.measure, () => ({ annotations: { a: "1" } }));
  servo.addConnector("store").after(servoEvents.measure, (data, context) => {
    seen.push(data, context);
  });
  const results = await servo.dispatch(servoEvents.measure, { metrics: ["throughput"] });
  const value = { readings: [], annotations: { a: "1" } };
  assert.deepEqual(results, [{ connector: "prom", value }]);
  assert.deepEqual(seen, [
    {
      params: { ...MEASURE_DEFAULTS, metrics: ["throughput"] },
      results: [{ connector: "prom", value }],
    },
    { event: "measure", connector: "store" },
  ]);
});

Deno.test("Servo.dispatch() rejects on an on or after handler error; after handlers then do not run", async () => {
  const servo = new Servo();
  const ran: string[] = [];
  const boom = new Error("boom");
  servo.addConnector("a").on(servoEvents.promote, () => {
    throw boom;
  }).after(servoEvents.promote, () => void ran.push("after"));
  await assert.rejects(servo.dispatch(servoEvents.promote), (error) => error === boom);
  assert.deepEqual(ran, []);

  const late = new Servo();
  late.addConnector("a").after(servoEvents.promote, () => {
    throw boom;
  });
  await assert.rejects(late.dispatch(servoEvents.promote), (error) => error === boom);
});

Deno.test("Servo.dispatch() refuses a cancel from an on or after handler with a TypeError", async () => {
  for (const kind of ["on", "after"] as const) {
    const servo = new Servo();
    const cancel = new EventCancelledError("too late");
    const connector = servo.addConnector("a");
    const handler = () => {
      throw cancel;
    };
    if (kind === "on") connector.on(servoEvents.promote, handler);
    else connector.after(servoEvents.promote, handler);
    await assert.rejects(servo.dispatch(servoEvents.promote), (error) => {
      assert.ok(error instanceof TypeError);
      assert.ok(!(error instanceof EventCancelledError));
      assert.equal(error.message, `Cannot cancel an event from an ${kind} handler`);
      assert.equal(error.cause, cancel);
      return true;
    });
  }
});

Deno.test("Servo handlers belong to one instance and run once per registration", async () => {
  const one = new Servo();
  const two = new Servo();
  let calls = 0;
  one.addConnector("shared").on(servoEvents.promote, () => (calls++, null));
  two.addConnector("shared");
  assert.deepEqual(await two.dispatch(servoEvents.promote), []);
  assert.equal(calls, 0);
  assert.equal((await one.dispatch(servoEvents.promote)).length, 1);
  assert.equal((await one.dispatch(servoEvents.promote)).length, 1);
  assert.equal(calls, 2);
  new Servo().addConnector("shared").on(servoEvents.promote, () => (calls++, null));
  await one.dispatch(servoEvents.promote);
  assert.equal(calls, 3);
});

Deno.test("Servo.addConnector() refuses a taken or empty name and keeps connectors in order", () => {
  const servo = new Servo();
  assert.deepEqual(servo.connectors, []);
  servo.addConnector("prometheus");
  servo.addConnector("k8s");
  servo.addConnector("webhooks");
  assert.deepEqual(servo.connectors, ["prometheus", "k8s", "webhooks"]);
  assert.throws(() => servo.addConnector("k8s"), TypeError);
  assert.throws(() => servo.addConnector(""), TypeError);
  assert.deepEqual(servo.connectors, ["prometheus", "k8s", "webhooks"]);
});

Deno.test("Servo.dispatch() accepts an event name, from the default or a custom registry", async () => {
  const servo = new Servo();
  servo.addConnector("a").on("metrics", () => [{ name: "x", unit: "%" }]);
  assert.deepEqual(await servo.dispatch("metrics"), [
    { connector: "a", value: [{ name: "x", unit: "%" }] },
  ]);
  await assert.rejects(servo.dispatch("measure", { bogus: 1 }), EventValidationError);

  const registry = new EventRegistry();
  const ping = defineEvent("servo_test.ping", {
    params: z.object({ n: z.number().default(1) }),
    result: z.number(),
  }, { registry });
  const custom = new Servo({ registry });
  assert.equal(custom.registry, registry);
  custom.addConnector("a").on("servo_test.ping", (params) => (params as { n: number }).n + 1);
  assert.deepEqual(await custom.dispatch("servo_test.ping"), [{ connector: "a", value: 2 }]);
  assert.deepEqual(await custom.dispatch(ping, { n: 41 }), [{ connector: "a", value: 42 }]);
  await assert.rejects(custom.dispatch("measure"), TypeError);
  assert.equal(registry.get("servo_test.ping"), ping);
});

Deno.test("defineEvent() makes an event that works end to end and is typed", async () => {
  const registry = new EventRegistry();
  const deployed = defineEvent("servo_test.deployed", {
    params: z.object({ version: z.string(), canary: z.boolean().default(false) }),
    result: z.object({ replicas: z.number().int() }),
    description: "A new version was rolled out",
  }, { registry });
  assert.equal(deployed.name, "servo_test.deployed");
  assert.equal(deployed.description, "A new version was rolled out");
  assert.ok(registry.has("servo_test.deployed"));

  const servo = new Servo({ registry });
  const seen: unknown[] = [];
  servo.addConnector("k8s")
    .before(deployed, (params) => void seen.push(["before", params.version, params.canary]))
    .on(deployed, ({ version }) => ({ replicas: version.length }))
    .after(deployed, ({ results }) => void seen.push(["after", results[0]?.value.replicas]));
  const results = await servo.dispatch(deployed, { version: "1.2.0" });
  assert.deepEqual(results, [{ connector: "k8s", value: { replicas: 5 } }]);
  assert.deepEqual(seen, [["before", "1.2.0", false], ["after", 5]]);

  await assert.rejects(
    // @ts-expect-error: version is a string
    servo.dispatch(deployed, { version: 1 }),
    (error) => error instanceof EventValidationError && error.issues[0]?.path === "version",
  );
  // @ts-expect-error: an on handler returns { replicas: number }
  servo.addConnector("wrong").on(deployed, () => ({ replicas: "three" }));
  await assert.rejects(servo.dispatch(deployed, { version: "2" }), EventValidationError);
});

Deno.test("defineEvent() refuses duplicate and malformed names and non-zod schemas", () => {
  const registry = new EventRegistry();
  const schemas = { params: z.object({}), result: z.null() };
  defineEvent("servo_test.once", schemas, { registry });
  assert.throws(() => defineEvent("servo_test.once", schemas, { registry }), TypeError);
  assert.throws(() => defineEvent("measure", schemas), TypeError);
  for (const name of ["", "1st", "before:x", "has space", "-dash", "a".repeat(129)]) {
    assert.throws(() => defineEvent(name, schemas, { registry }), TypeError, name);
  }
  defineEvent("a".repeat(128), schemas, { registry });
  const notZod = { "~standard": { vendor: "valibot" } };
  assert.throws(
    () => defineEvent("servo_test.valibot", { params: notZod, result: z.null() }, { registry }),
    TypeError,
  );
  assert.throws(
    () => defineEvent("servo_test.valibot", { params: z.object({}), result: notZod }, { registry }),
    TypeError,
  );
  assert.equal(registry.has("servo_test.valibot"), false);
  assert.deepEqual(registry.names(), ["servo_test.once", "a".repeat(128)]);
});
