// A webhook receiver for benchmarks, run as its own process: Deno.serve on 127.0.0.1, port 0.
// It verifies X-Servo-Signature, fails a share of requests at random (--fail-rate), and
// answers GET /stats with what it saw. It prints "listening on PORT" when ready.
//
//   deno run --allow-net=127.0.0.1 bench/_receiver.ts --secret S [--fail-rate 0.2] [--hold] [--plain]
//
// --plain answers 204 without verifying anything (the transport limit of throughput.ts).
// --hold holds every response until POST /release; POST /hold starts holding again.

import { parseArgs } from "node:util";
import { importSigningKey, verify } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    secret: { type: "string" },
    "fail-rate": { type: "string", default: "0" },
    hold: { type: "boolean", default: false },
    plain: { type: "boolean", default: false },
  },
});
const key = await importSigningKey(values.secret ?? "");
const failRate = Number(values["fail-rate"]);
const stats = { requests: 0, verified: 0, bad_signatures: 0, failed: 0, succeeded_twice: 0 };
const succeeded = new Set<string>();
const held: (() => void)[] = [];
let holding = values.hold;

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`listening on ${port}`),
}, async (request) => {
  const url = new URL(request.url);
  if (request.method === "GET" && url.pathname === "/stats") return Response.json(stats);
  if (request.method === "POST" && url.pathname === "/release") {
    holding = false;
    for (const release of held.splice(0)) release();
    return new Response(null, { status: 204 });
  }
  if (request.method === "POST" && url.pathname === "/hold") {
    holding = true;
    return new Response(null, { status: 204 });
  }
  const body = new Uint8Array(await request.arrayBuffer());
  stats.requests++;
  if (values.plain) return new Response(null, { status: 204 });
  if (holding) await new Promise<void>((resolve) => held.push(resolve));
  if (Math.random() < failRate) {
    stats.failed++;
    return new Response(null, { status: 503 });
  }
  if (!await verify(key, body, request.headers.get("x-servo-signature"))) {
    stats.bad_signatures++;
    return new Response(null, { status: 401 });
  }
  const id = request.headers.get("x-servo-delivery") ?? "";
  if (succeeded.has(id)) stats.succeeded_twice++;
  succeeded.add(id);
  stats.verified++;
  return new Response(null, { status: 204 });
});
