// WebhooksConnector on a Servo over real HTTP: before webhooks block and can cancel, after
// webhooks are delivered in the background and drained on close.

import assert from "node:assert/strict";
import {
  ConfigError,
  ConnectorClosedError,
  EventCancelledError,
  EventRegistry,
  Servo,
  servoEvents,
  validateConfig,
  WebhooksConnector,
} from "../mod.ts";
import { gate, startServer } from "./_server.ts";

import { adjust, cancelWith, SECRET, setup } from "./_connector.ts";

Deno.test("WebhooksConnector sends before webhooks with the params and waits for them", async () => {
  const release = gate();
  await using server = startServer(async () => {
    await release.promise;
    return new Response(null, { status: 204 });
  });
  const { connector, servo, ran, outcomes } = setup([{ events: "before:adjust", url: server.url }]);
  const dispatched = servo.dispatch(servoEvents.adjust, adjust);
  await server.waitFor(1);
  assert.deepEqual(ran, [], "on handlers ran before the before webhook answered");
  release.open();
  await dispatched;
  assert.deepEqual(ran, ["on", "after"]);
  const body = JSON.parse(server.requests[0]?.text ?? "");
  assert.deepEqual(Object.keys(body), ["event", "created_at", "params"]);
  assert.equal(body.event, "before:adjust");
  assert.deepEqual(body.params, {
    adjustments: [{ component_name: "web", setting_name: "cpu", value: 0.5 }],
    control: { duration: "0", delay: "0", warmup: "0" },
  });
  assert.equal(outcomes[0]?.ok, true);
  await connector.close();
});

Deno.test("WebhooksConnector lets the event go on when a before webhook fails (failure_policy ignore)", async () => {
  await using server = startServer(() => new Response("oops", { status: 500 }));
  const { connector, servo, ran, outcomes } = setup([{ events: "before:adjust", url: server.url }]);
  const results = await servo.dispatch(servoEvents.adjust, adjust);
  assert.equal(results.length, 1);
  assert.deepEqual(ran, ["on", "after"]);
  assert.equal(server.requests.length, 2);
  assert.equal(outcomes[0]?.ok, false);
  assert.equal(
    outcomes[0]?.error,
    "HTTP 500 Internal Server Error: oops (gave up after 2 attempts)",
  );
  await connector.close();
});

Deno.test("WebhooksConnector cancels the event when a before webhook fails (failure_policy cancel)", async () => {
  await using server = startServer(() => new Response(null, { status: 503 }));
  const { connector, servo, ran } = setup([
    { events: "before:adjust", url: server.url, failure_policy: "cancel" },
  ]);
  const error = await servo.dispatch(servoEvents.adjust, adjust).catch((e) => e);
  assert.ok(error instanceof EventCancelledError);
  assert.equal(
    error.reason,
    'webhook "hook-0" could not be delivered (failure_policy: cancel): HTTP 503 Service Unavailable (gave up after 2 attempts)',
  );
  assert.equal(error.webhook, "hook-0");
  assert.deepEqual(ran, []);
  await connector.close();
});

Deno.test("WebhooksConnector delivers before webhooks of one event concurrently; the first cancel in order wins", async () => {
  const both = gate();
  let arrived = 0;
  const answer = (reason: string) => async () => {
    if (++arrived === 2) both.open();
    await both.promise; // deadlocks (and times out) unless both requests are in flight at once
    return cancelWith(JSON.stringify({ reason }));
  };
  await using first = startServer(answer("first"));
  await using second = startServer(answer("second"));
  const { connector, servo } = setup([
    { events: "before:adjust", url: first.url, timeout: "1s", backoff: false },
    { events: "before:adjust", url: second.url, timeout: "1s", backoff: false },
  ]);
  const error = await servo.dispatch(servoEvents.adjust, adjust).catch((e) => e);
  assert.ok(error instanceof EventCancelledError);
  assert.equal(error.reason, "first");
  assert.equal(error.webhook, "hook-0");
  await connector.close();
});

Deno.test("WebhooksConnector delivers after webhooks in the background, with the results", async () => {
  const release = gate();
  await using server = startServer(async () => {
    await release.promise;
    return new Response(null, { status: 204 });
  });
  const { connector, servo, outcomes } = setup([{ events: "after:measure", url: server.url }]);
  const results = await servo.dispatch(servoEvents.measure, { metrics: ["latency"] });
  assert.deepEqual(results, [{ connector: "k8s", value: { readings: [], annotations: {} } }]);
  await server.waitFor(1);
  assert.equal(connector.pending, 1, "dispatch waited for the after webhook");
  assert.equal(outcomes.length, 0);
  release.open();
  await connector.close();
  assert.equal(connector.pending, 0);
  assert.equal(outcomes.length, 1);
  assert.equal(outcomes[0]?.ok, true);
  const body = JSON.parse(server.requests[0]?.text ?? "");
  assert.equal(body.event, "after:measure");
  assert.deepEqual(body.params.metrics, ["latency"]);
  assert.deepEqual(body.results, [{ connector: "k8s", value: { readings: [], annotations: {} } }]);
});

Deno.test("WebhooksConnector never lets an after webhook failure touch the event", async () => {
  await using server = startServer(() => new Response(null, { status: 500 }));
  const { connector, servo, outcomes } = setup([{ events: "after:adjust", url: server.url }]);
  const results = await servo.dispatch(servoEvents.adjust, adjust);
  assert.equal(results.length, 1);
  await connector.close();
  assert.equal(outcomes[0]?.ok, false);
  assert.equal(outcomes[0]?.attempts, 2);
});

Deno.test("close() waits for every pending delivery, retries included", async () => {
  const seen = new Set<string | null>();
  await using server = startServer((r) => {
    const id = r.headers.get("x-servo-delivery");
    const first = !seen.has(id);
    seen.add(id);
    return new Response(null, { status: first ? 503 : 204 });
  });
  const { connector, servo, outcomes } = setup([
    { events: "after:measure", url: server.url },
    { events: "after:measure", url: server.url },
  ]);
  for (let i = 0; i < 5; i++) await servo.dispatch(servoEvents.measure, {});
  await connector.close();
  assert.equal(connector.pending, 0);
  assert.equal(outcomes.length, 10);
  assert.equal(new Set(outcomes.map((o) => o.delivery)).size, 10);
  assert.ok(outcomes.every((o) => o.ok && o.attempts === 2));
  assert.equal(server.requests.length, 20);
});

Deno.test("close() with a deadline aborts what is left, each with an outcome", async () => {
  const release = gate();
  await using server = startServer(async () => {
    await release.promise;
    return new Response(null, { status: 204 });
  });
  const { connector, servo, outcomes } = setup([{
    events: "after:measure",
    url: server.url,
    timeout: "5s",
  }]);
  await servo.dispatch(servoEvents.measure, {});
  await servo.dispatch(servoEvents.measure, {});
  await server.waitFor(2);
  const started = performance.now();
  await connector.close({ deadline: "50ms" });
  const took = performance.now() - started;
  release.open();
  assert.ok(took >= 45 && took < 1000, `close took ${took} ms`);
  assert.equal(outcomes.length, 2);
  for (const outcome of outcomes) {
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error, "aborted: the connector was closed before the delivery ended");
  }
});

Deno.test("close() refuses dispatch and trigger afterwards", async () => {
  await using server = startServer();
  const { connector, servo, ran } = setup([{
    events: ["before:adjust", "after:measure"],
    url: server.url,
  }]);
  await connector.close();
  await assert.rejects(servo.dispatch(servoEvents.adjust, adjust), ConnectorClosedError);
  assert.deepEqual(ran, []);
  await assert.rejects(servo.dispatch(servoEvents.measure, {}), ConnectorClosedError);
  await assert.rejects(connector.trigger("after:measure", {}), ConnectorClosedError);
  assert.equal(server.requests.length, 0);
});

Deno.test("attach() refuses a second attach and events the servo does not know", () => {
  const { connector, servo } = setup([{ events: "after:measure", url: "http://127.0.0.1:9/x" }]);
  assert.throws(() => connector.attach(servo), /already attached/);
  const other = new Servo({ registry: new EventRegistry([servoEvents.adjust]) });
  assert.throws(() => connector.attach(other), /does not know the event "after:measure"/);
});

Deno.test("trigger() sends to the named webhook, an ad-hoc URL, or every subscribed one", async () => {
  await using a = startServer();
  await using b = startServer();
  await using adHoc = startServer();
  const { connector } = setup([
    { events: "after:measure", url: a.url },
    { events: ["after:measure", "before:adjust"], url: b.url },
  ]);
  const all = await connector.trigger("after:measure", { results: [] });
  assert.deepEqual(all.map((o) => o.webhook), ["hook-0", "hook-1"]);
  const named = await connector.trigger("before:adjust", { params: adjust }, "hook-1");
  assert.deepEqual(named.map((o) => [o.webhook, o.ok]), [["hook-1", true]]);
  const [outcome] = await connector.trigger("after:measure", {}, {
    url: adHoc.url,
    secret: "ad-hoc",
  });
  assert.equal(outcome?.ok, true);
  assert.equal(outcome?.webhook, `${new URL(adHoc.url).origin}/hook`);
  assert.deepEqual([a.requests.length, b.requests.length, adHoc.requests.length], [1, 2, 1]);
  await assert.rejects(
    connector.trigger("after:measure", {}, "nope"),
    /no webhook has that name \(known: hook-0, hook-1\)/,
  );
  await assert.rejects(
    connector.trigger("after:measure", {}, { url: adHoc.url, secret: "" }),
    ConfigError,
  );
  await assert.rejects(
    connector.trigger("measure", {}),
    /expected before:<event> or after:<event>/,
  );
  await assert.rejects(
    connector.trigger("after:measure", { results: [{ connector: "x", value: { readings: 5 } }] }),
    /Invalid result from connector "x" of event "measure": readings: /,
  );
  await connector.close();
});

Deno.test("trigger() reports a before webhook's cancel in the outcome without throwing", async () => {
  await using server = startServer(() => cancelWith('{"reason":"not now"}'));
  const { connector } = setup([{ events: "before:adjust", url: server.url }]);
  const [outcome] = await connector.trigger("before:adjust", { params: adjust });
  assert.equal(outcome?.cancel_reason, "not now");
  await connector.close();
});

Deno.test("outcomes and errors never contain the secret", async () => {
  await using server = startServer((
    r,
  ) => (r.n === 1 ? new Response(null, { status: 500 }) : cancelWith("{}")));
  const { connector, servo, outcomes } = setup([
    { events: ["before:adjust", "after:measure"], url: server.url, failure_policy: "cancel" },
  ]);
  const error = await servo.dispatch(servoEvents.adjust, adjust).catch((e) => e);
  await servo.dispatch(servoEvents.measure, {});
  await connector.close();
  const seen = [
    JSON.stringify(outcomes),
    String(error),
    JSON.stringify(error),
    JSON.stringify(connector.config),
  ];
  for (const text of seen) assert.ok(!text.includes(SECRET), text);
  assert.equal(outcomes.length, 2);
});

Deno.test("WebhooksConnector survives onDelivery and onRetry callbacks that throw", async () => {
  await using server = startServer((r) => new Response(null, { status: r.n === 1 ? 503 : 204 }));
  const connector = new WebhooksConnector(
    validateConfig({
      webhooks: [{
        events: "after:measure",
        url: server.url,
        secret: SECRET,
        backoff: { delay: "5ms" },
      }],
    }),
    {
      onDelivery: () => {
        throw new Error("callback broke");
      },
      onRetry: () => {
        throw new Error("callback broke");
      },
    },
  );
  const servo = new Servo();
  connector.attach(servo);
  const logged: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args.join(" "));
  try {
    await servo.dispatch(servoEvents.measure, {});
    await connector.close();
  } finally {
    console.error = original;
  }
  assert.equal(server.requests.length, 2, "the retry still happened");
  assert.deepEqual(logged, [
    "servo-webhooks: the onRetry callback threw: Error: callback broke",
    "servo-webhooks: the onDelivery callback threw: Error: callback broke",
  ]);
});

Deno.test("WebhooksConnector encodes BigInt and Error values, and refuses cycles clearly", async () => {
  await using server = startServer();
  const { connector, servo, outcomes, ran } = setup([
    { events: ["before:adjust", "after:measure"], url: server.url },
  ]);
  // A BigInt and an Error inside free-form data are written as a string and {name, message}.
  const load = { users: 10n ** 20n, last: new TypeError("flaky") };
  await servo.dispatch(servoEvents.measure, { control: { load } });

  // A cycle cannot be written: an after event still stands, its deliveries say why.
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  const results = await servo.dispatch(servoEvents.measure, { control: { load: cycle } });
  assert.equal(results.length, 1);

  // A before event is refused before any on handler runs.
  await assert.rejects(
    servo.dispatch(servoEvents.adjust, { ...adjust, control: { userdata: cycle } }),
    (error) =>
      error instanceof TypeError &&
      error.message ===
        "Cannot encode the before:adjust webhook body as JSON: it contains a cycle (an object that contains itself)",
  );
  assert.deepEqual(ran, []);
  await connector.close();

  assert.equal(server.requests.length, 1);
  const body = JSON.parse(server.requests[0]?.text ?? "");
  assert.deepEqual(body.params.control.load, {
    users: "100000000000000000000",
    last: { name: "TypeError", message: "flaky" },
  });
  assert.equal(outcomes.length, 2);
  const [refused, delivered] = [outcomes.find((o) => !o.ok), outcomes.find((o) => o.ok)];
  assert.equal(delivered?.status, 204);
  assert.equal(refused?.attempts, 0);
  assert.equal(
    refused?.error,
    "Cannot encode the after:measure webhook body as JSON: it contains a cycle (an object that contains itself)",
  );
  assert.equal(connector.stats().failed, 1);
});
