// Cancelling an event from a before webhook: the cancel response, its content type, malformed
// bodies, the 1 KiB reason cap and the 64 KiB body cap, and cancels to after webhooks.

import assert from "node:assert/strict";
import { EventCancelledError, servoEvents } from "../mod.ts";
import { startServer } from "./_server.ts";
import { adjust, cancelWith, setup } from "./_connector.ts";

Deno.test("WebhooksConnector cancels the event when a before webhook answers with a cancel", async () => {
  await using server = startServer(() =>
    cancelWith(
      JSON.stringify({ reason: "Adjustments are only permitted between midnight and 3am" }),
    )
  );
  const { connector, servo, ran, outcomes } = setup([{ events: "before:adjust", url: server.url }]);
  const error = await servo.dispatch(servoEvents.adjust, adjust).catch((e) => e);
  assert.ok(error instanceof EventCancelledError);
  assert.equal(error.reason, "Adjustments are only permitted between midnight and 3am");
  assert.equal(error.webhook, "hook-0");
  assert.equal(error.connector, "webhooks");
  assert.equal(error.event, "adjust");
  assert.deepEqual(ran, []);
  assert.equal(outcomes[0]?.cancel_reason, error.reason);
  assert.equal(outcomes[0]?.ok, true);
  assert.equal(outcomes[0]?.attempts, 1);
  await connector.close();
});

Deno.test("WebhooksConnector ignores letter case and parameters of the cancel content type", async () => {
  await using server = startServer(() =>
    cancelWith(
      '{"reason":"frozen"}',
      "Application/VND.Opsani.Servo.Errors.CancelEventError+JSON; charset=utf-8",
    )
  );
  const { connector, servo } = setup([{ events: "before:adjust", url: server.url }]);
  const error = await servo.dispatch(servoEvents.adjust, adjust).catch((e) => e);
  assert.ok(error instanceof EventCancelledError);
  assert.equal(error.reason, "frozen");
  await connector.close();
});

Deno.test("WebhooksConnector still cancels on a malformed cancel body, and says so", async () => {
  const cases: [string, string][] = [
    ["not json", "the webhook cancelled the event with a malformed response: the body is not JSON"],
    ["", "the webhook cancelled the event with a malformed response: the body is not JSON"],
    ['["reason"]', 'the webhook cancelled the event with a malformed response: no "reason" string'],
    [
      '{"reason": 42}',
      'the webhook cancelled the event with a malformed response: no "reason" string',
    ],
    ["{}", 'the webhook cancelled the event with a malformed response: no "reason" string'],
    ['"text"', 'the webhook cancelled the event with a malformed response: no "reason" string'],
  ];
  for (const [body, reason] of cases) {
    await using server = startServer(() => cancelWith(body));
    const { connector, servo, ran } = setup([{ events: "before:adjust", url: server.url }]);
    const error = await servo.dispatch(servoEvents.adjust, adjust).catch((e) => e);
    assert.ok(error instanceof EventCancelledError, `body ${JSON.stringify(body)}`);
    assert.equal(error.reason, reason);
    assert.deepEqual(ran, []);
    await connector.close();
  }
});

Deno.test("WebhooksConnector caps a cancel reason at 1 KiB", async () => {
  await using server = startServer(() =>
    cancelWith(JSON.stringify({ reason: "é".repeat(10_000) }))
  );
  const { connector, servo } = setup([{ events: "before:adjust", url: server.url }]);
  const error = await servo.dispatch(servoEvents.adjust, adjust).catch((e) => e);
  assert.ok(error instanceof EventCancelledError);
  assert.equal(error.reason, "é".repeat(510) + "…");
  assert.ok(new TextEncoder().encode(error.reason).length <= 1024);
  await connector.close();
});

Deno.test("WebhooksConnector cancels with a malformed reason when the cancel body passes 64 KiB", async () => {
  await using server = startServer(() =>
    cancelWith(JSON.stringify({ reason: "x".repeat(1024 * 1024) }))
  );
  const { connector, servo } = setup([{ events: "before:adjust", url: server.url }]);
  const error = await servo.dispatch(servoEvents.adjust, adjust).catch((e) => e);
  assert.ok(error instanceof EventCancelledError);
  assert.equal(
    error.reason,
    "the webhook cancelled the event with a malformed response: the body is larger than 64 KiB",
  );
  await connector.close();
});

Deno.test("WebhooksConnector ignores a cancel response to an after webhook", async () => {
  await using server = startServer(() => cancelWith('{"reason":"too late"}'));
  const { connector, servo, outcomes } = setup([{ events: "after:adjust", url: server.url }]);
  await servo.dispatch(servoEvents.adjust, adjust);
  await connector.close();
  assert.equal(outcomes[0]?.ok, true);
  assert.equal(outcomes[0]?.cancel_reason, undefined);
});
