// What the runtime tests share: the bundle of mod.ts, and a receiver that checks both
// signatures of every request and cancels before:adjust.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { CANCEL_CONTENT_TYPE, verify, verifyRequest } from "../../mod.ts";
import { startServer, type TestServer } from "../_server.ts";

export const HERE = fileURLToPath(new URL(".", import.meta.url));
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SECRET = "runtime-secret";
export const REASON = "adjustments are frozen";

/** Bundles mod.ts into one ES module in `dir`; returns its path. */
export async function bundle(dir: string): Promise<string> {
  const out = `${dir}/mod.mjs`;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform", "browser", "--quiet", "-o", out, `${ROOT}mod.ts`],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`deno bundle failed: ${new TextDecoder().decode(stderr)}`);
  return out;
}

/** What the receiver checked of one request. */
export interface Checked {
  event: string | null;
  servo: boolean;
  standard: boolean;
}

/** A receiver that verifies X-Servo-Signature and webhook-signature of every request. */
export function receiver(): { server: TestServer; checked: Checked[] } {
  const checked: Checked[] = [];
  const server = startServer(async (r, raw) => {
    const event = r.headers.get("x-servo-event");
    const servo = await verify(SECRET, r.body, r.headers.get("x-servo-signature"));
    const copy = new Request(raw.url, { method: "POST", body: r.body, headers: r.headers });
    const standard = await verifyRequest(copy, SECRET, { schemes: ["standard"] }).then(
      () => true,
      () => false,
    );
    checked.push({ event, servo, standard });
    if (event === "before:adjust") {
      return new Response(JSON.stringify({ reason: REASON }), {
        status: 200,
        headers: { "content-type": CANCEL_CONTENT_TYPE },
      });
    }
    return new Response(null, { status: 204 });
  });
  return { server, checked };
}

/** Asserts the scenario's result, and that the receiver verified both signatures of both. */
export function assertScenario(
  result: { outcomes: Record<string, unknown>[] },
  checked: Checked[],
): void {
  for (const outcome of result.outcomes) delete outcome.error;
  assert.deepEqual(result, EXPECTED);
  assert.deepEqual(checked, [
    { event: "before:adjust", servo: true, standard: true },
    { event: "after:measure", servo: true, standard: true },
  ]);
}

/** The result the scenario must give in every runtime. */
export const EXPECTED = {
  cancelled: REASON,
  results: [{ connector: "runtime", value: { readings: [], annotations: {} } }],
  outcomes: [
    { webhook: "approve", event: "before:adjust", ok: true, status: 200 },
    { webhook: "store", event: "after:measure", ok: true, status: 204 },
  ],
};
