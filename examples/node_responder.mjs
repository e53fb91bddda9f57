// A webhook responder for Node's http module: it approves measurements and cancels
// adjustments outside a maintenance window (00:00 to 03:00 UTC).
//
//   npx jsr add @servo/webhooks
//   WEBHOOK_SECRET=s3cr3t PORT=8080 node examples/node_responder.mjs
//
// verifyRequest() takes a web Request, which Node (18 and later) has built in.

import http from "node:http";
import { cancel, verifyRequest, WebhookVerificationError } from "@servo/webhooks";

const secret = process.env.WEBHOOK_SECRET;
if (!secret) throw new Error("set WEBHOOK_SECRET to the webhooks' secret");
// For tests: a fixed hour instead of the clock.
const hour = () => Number(process.env.RESPONDER_HOUR ?? new Date().getUTCHours());

const server = http.createServer(async (incoming, outgoing) => {
  const chunks = [];
  for await (const chunk of incoming) chunks.push(chunk);
  const request = new Request(`http://${incoming.headers.host}${incoming.url}`, {
    method: incoming.method,
    headers: Object.entries(incoming.headers).flatMap((
      [k, v],
    ) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
    body: Buffer.concat(chunks),
  });
  let response;
  try {
    const body = await verifyRequest(request, secret);
    response = body.event === "before:adjust" && hour() >= 3
      ? cancel("adjustments are only permitted between 00:00 and 03:00 UTC")
      : new Response(null, { status: 204 });
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    response = new Response(error.message, { status: 401 });
  }
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  outgoing.end(Buffer.from(await response.arrayBuffer()));
});

server.listen(Number(process.env.PORT ?? 8080), "127.0.0.1", () => {
  console.log(`listening on ${server.address().port}`);
});
process.on("SIGTERM", () => server.close());
