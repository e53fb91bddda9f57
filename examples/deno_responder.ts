/**
 * A webhook responder for Deno: it approves measurements and cancels adjustments outside a
 * maintenance window (00:00 to 03:00 UTC). Point `before:adjust` and `after:measure` webhooks
 * at it.
 *
 *   WEBHOOK_SECRET=s3cr3t deno run --allow-net=127.0.0.1 --allow-env=WEBHOOK_SECRET examples/deno_responder.ts
 *
 * @module
 */

import { cancel, verifyRequest, WebhookVerificationError } from "@servo/webhooks";

/** Whether adjustments may run at `now`: from 00:00 to 03:00 UTC. */
export function inWindow(now: Date): boolean {
  return now.getUTCHours() < 3;
}

/** Makes the request handler; `clock` is for tests. */
export function responder(secret: string, clock: () => Date = () => new Date()) {
  return async (request: Request): Promise<Response> => {
    let body;
    try {
      body = await verifyRequest(request, secret);
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        return new Response(error.message, { status: 401 });
      }
      throw error;
    }
    if (body.event === "before:adjust" && !inWindow(clock())) {
      return cancel("adjustments are only permitted between 00:00 and 03:00 UTC");
    }
    // after:measure and anything else: approved. Store body.results here.
    return new Response(null, { status: 204 });
  };
}

if (import.meta.main) {
  const secret = Deno.env.get("WEBHOOK_SECRET");
  if (!secret) throw new Error("set WEBHOOK_SECRET to the webhooks' secret");
  Deno.serve({ hostname: "127.0.0.1", port: 8080 }, responder(secret));
}
