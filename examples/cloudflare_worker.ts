/**
 * A webhook responder as a Cloudflare Worker: it approves measurements and cancels
 * adjustments outside a maintenance window (00:00 to 03:00 UTC). Set the `WEBHOOK_SECRET`
 * secret (`wrangler secret put WEBHOOK_SECRET`) and add the package with `npx jsr add
 * @servo/webhooks`.
 *
 * @module
 */

import { cancel, verifyRequest, WebhookVerificationError } from "@servo/webhooks";

interface Env {
  WEBHOOK_SECRET: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    let body;
    try {
      body = await verifyRequest(request, env.WEBHOOK_SECRET);
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        return new Response(error.message, { status: 401 });
      }
      throw error;
    }
    if (body.event === "before:adjust" && new Date().getUTCHours() >= 3) {
      return cancel("adjustments are only permitted between 00:00 and 03:00 UTC");
    }
    return new Response(null, { status: 204 });
  },
};
