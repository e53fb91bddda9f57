// requestSchema() against real request bodies, checked by an independent validator (ajv).

import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import {
  CANCEL_CONTENT_TYPE,
  CONTENT_TYPE,
  type Description,
  type Measurement,
  requestSchema,
  Servo,
  servoEvents,
  validateConfig,
  WebhooksConnector,
} from "../mod.ts";
import { startServer } from "./_server.ts";

function validator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv;
}

Deno.test("CONTENT_TYPE and CANCEL_CONTENT_TYPE are the contract's", () => {
  assert.equal(CONTENT_TYPE, "application/vnd.opsani.servo-webhooks+json");
  assert.equal(CANCEL_CONTENT_TYPE, "application/vnd.opsani.servo.errors.CancelEventError+json");
});

Deno.test("requestSchema() validates the real bodies of every standard event", async () => {
  await using server = startServer();
  const contexts = Object.keys(servoEvents).flatMap((e) => [`before:${e}`, `after:${e}`]);
  const connector = new WebhooksConnector(
    validateConfig({ webhooks: [{ events: contexts, url: server.url, secret: "s" }] }),
  );
  const servo = new Servo();
  connector.attach(servo);
  const now = "2026-01-01T00:00:00Z";
  const description = {
    components: [{
      name: "web",
      settings: [
        { name: "cpu", type: "range", min: 0.25, max: 4, step: 0.25, value: 1, request: 250 },
        { name: "inst_type", type: "enum", values: ["m5.large", "m5.xlarge"], unit: "ec2" },
      ],
    }],
    metrics: [{ name: "throughput", unit: "rpm" }],
  } satisfies Description;
  servo.addConnector("demo")
    .on(servoEvents.metrics, () => [{ name: "latency", unit: "ms" }])
    .on(servoEvents.components, () => description.components)
    .on(servoEvents.check, () => [{ name: "reachable", success: true, tags: ["net"] }])
    .on(servoEvents.describe, () => description)
    .on(servoEvents.adjust, () => description)
    .on(servoEvents.measure, () => ({
      readings: [{
        metric: { name: "throughput", unit: "rpm" },
        data_points: [{ metric: { name: "throughput", unit: "rpm" }, time: now, value: 1 }],
      }],
      annotations: { note: "ok" },
    } satisfies Measurement));
  const params: Record<string, unknown> = {
    check: { matching: { name: ["reachable"] } },
    measure: { metrics: ["throughput"], control: { duration: "5m", warmup: "30s" } },
    adjust: { adjustments: [{ component_name: "web", setting_name: "cpu", value: 2 }] },
  };
  for (const name of Object.keys(servoEvents)) {
    await servo.dispatch(name, params[name]);
  }
  await connector.close();
  assert.equal(server.requests.length, 22);

  const ajv = validator();
  for (const request of server.requests) {
    const body = JSON.parse(request.text);
    const validate = ajv.compile(requestSchema(body.event));
    assert.ok(validate(body), `${body.event}: ${JSON.stringify(validate.errors)}`);
  }
});

Deno.test("requestSchema() rejects bodies that break the contract", () => {
  const ajv = validator();
  const validate = ajv.compile(requestSchema("after:measure"));
  const good = {
    event: "after:measure",
    created_at: "2026-01-01T00:00:00.000Z",
    params: { metrics: null, control: { duration: "0", delay: "0", warmup: "0" } },
    results: [{ connector: "c", value: { readings: [], annotations: {} } }],
  };
  assert.ok(validate(good), JSON.stringify(validate.errors));
  const bad: unknown[] = [
    { ...good, event: "after:adjust" },
    { ...good, created_at: "yesterday" },
    { ...good, results: undefined },
    { ...good, extra: 1 },
    {
      ...good,
      params: { ...good.params, control: { ...good.params.control, duration: "5 minutes" } },
    },
    { ...good, results: [{ connector: "c", value: { readings: "none" } }] },
  ];
  for (const body of bad) {
    assert.equal(validate(JSON.parse(JSON.stringify(body))), false, JSON.stringify(body));
  }
  const before = ajv.compile(requestSchema("before:measure"));
  const { results: _, ...beforeBody } = { ...good, event: "before:measure" };
  assert.ok(before(beforeBody), JSON.stringify(before.errors));
  assert.equal(before({ ...beforeBody, results: [] }), false);
});

Deno.test("requestSchema() names the content type and is draft 2020-12", () => {
  const schema = requestSchema("before:adjust");
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.equal(schema.title, "before:adjust webhook request");
  assert.match(String(schema.description), /application\/vnd\.opsani\.servo-webhooks\+json/);
  assert.deepEqual(schema.required, ["event", "created_at", "params"]);
});
