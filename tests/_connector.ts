// Shared by the connector tests: a servo with a WebhooksConnector whose webhooks are given,
// and a k8s connector that records which of its handlers ran.

import {
  CANCEL_CONTENT_TYPE,
  type DeliveryOutcome,
  Servo,
  servoEvents,
  validateConfig,
  WebhooksConnector,
} from "../mod.ts";

export const SECRET = "connector-test-secret";
export const adjust = { adjustments: [{ component_name: "web", setting_name: "cpu", value: 0.5 }] };

/** A servo with webhooks and a k8s connector; `ran` records its adjust handlers. */
export function setup(webhooks: Record<string, unknown>[]) {
  const outcomes: DeliveryOutcome[] = [];
  const connector = new WebhooksConnector(
    validateConfig({
      webhooks: webhooks.map((w, i) => ({
        name: `hook-${i}`,
        secret: SECRET,
        backoff: { max_tries: 2, max_time: "2s", delay: "5ms" },
        ...w,
      })),
    }),
    { onDelivery: (o) => outcomes.push(o) },
  );
  const servo = new Servo();
  connector.attach(servo);
  const ran: string[] = [];
  servo.addConnector("k8s")
    .on(servoEvents.adjust, () => {
      ran.push("on");
      return { components: [] };
    })
    .after(servoEvents.adjust, () => {
      ran.push("after");
    })
    .on(servoEvents.measure, () => ({ readings: [] }));
  return { connector, servo, outcomes, ran };
}

/** A 200 with the cancel content type. */
export function cancelWith(body: string, type = CANCEL_CONTENT_TYPE): Response {
  return new Response(body, { status: 200, headers: { "content-type": type } });
}
