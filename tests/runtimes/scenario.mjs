// The scenario run in each runtime (Node, workerd) against the bundled module: a Servo with
// webhooks dispatches before:adjust (the test's receiver cancels it) and after:measure
// (delivered), then closes. Plain JavaScript, so every runtime loads it as it is.

/**
 * @param {Record<string, any>} mod The bundled module.
 * @param {string} receiver The receiver's base URL.
 * @param {string} secret The webhooks' secret.
 */
export async function scenario(mod, receiver, secret) {
  const outcomes = [];
  const webhooks = new mod.WebhooksConnector(
    mod.parseConfig(`webhooks:
  - name: approve
    events: before:adjust
    url: ${receiver}/approve
    secret: ${secret}
    backoff: false
  - name: store
    events: after:measure
    url: ${receiver}/store
    secret: ${secret}
    backoff: false
`),
    { onDelivery: (outcome) => outcomes.push(outcome) },
  );
  const servo = new mod.Servo();
  webhooks.attach(servo);
  servo.addConnector("runtime").on(mod.servoEvents.measure, () => ({ readings: [] }));
  let cancelled = null;
  try {
    await servo.dispatch(mod.servoEvents.adjust, {
      adjustments: [{ component_name: "web", setting_name: "cpu", value: 2 }],
    });
  } catch (error) {
    cancelled = error instanceof mod.EventCancelledError ? error.reason : `unexpected: ${error}`;
  }
  const results = await servo.dispatch(mod.servoEvents.measure, { metrics: ["throughput"] });
  await webhooks.close();
  return {
    cancelled,
    results,
    outcomes: outcomes.map(({ webhook, event, ok, status, error }) => ({
      webhook,
      event,
      ok,
      status,
      error,
    })),
  };
}
