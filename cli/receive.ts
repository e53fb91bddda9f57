// `receive`: a local webhook responder that verifies signatures, for trying webhooks out.

import { cancel as cancelEvent, verifyRequest, WebhookVerificationError } from "../mod.ts";
import { type Context, intFlag, secretFlag } from "./context.ts";
import { out, paint, UsageError } from "./output.ts";

/** A short summary of a request body: its params and results. */
function summary(body: Record<string, unknown>): string {
  const parts: string[] = [];
  const params = body.params;
  if (typeof params === "object" && params !== null) {
    const keys = Object.keys(params);
    parts.push(`params: ${keys.length === 0 ? "none" : keys.join(", ")}`);
  }
  if (Array.isArray(body.results)) {
    const from = [...new Set(body.results.map((r) => (r as { connector?: unknown }).connector))];
    parts.push(
      `results: ${body.results.length}${from.length === 0 ? "" : ` from ${from.join(", ")}`}`,
    );
  }
  return parts.join("; ");
}

/** `receive`: listens on 127.0.0.1 until Ctrl-C or SIGTERM. */
export async function receive(ctx: Context): Promise<number> {
  const secret = secretFlag(ctx.flags);
  if (secret === undefined) {
    throw new UsageError("receive needs --secret (or SERVO_WEBHOOK_SECRET) to verify signatures");
  }
  const port = intFlag(ctx.flags, "port", 0, 65535) ?? 8080;
  const fail = intFlag(ctx.flags, "fail", 0, 1000) ?? 0;
  const status = intFlag(ctx.flags, "status", 200, 599);
  const cancel = typeof ctx.flags.cancel === "string" ? ctx.flags.cancel : undefined;
  const attempts = new Map<string, number>();
  let received = 0;
  const color = ctx.color;

  const controller = new AbortController();
  const stop = () => controller.abort();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, stop);

  const handler = async (request: Request): Promise<Response> => {
    const event = request.headers.get("x-servo-event") ?? "?";
    const delivery = request.headers.get("x-servo-delivery") ?? "?";
    received++;
    let parsed: Record<string, unknown>;
    try {
      parsed = await verifyRequest(request, secret) as unknown as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      out(`${paint("rejected", "red", color)} ${event} ${delivery}: ${error.message} -> 401`);
      return new Response(`${error.message}\n`, { status: 401 });
    }
    const n = (attempts.get(delivery) ?? 0) + 1;
    attempts.set(delivery, n);
    const line = `${event} ${delivery} signature ok${n > 1 ? ` attempt ${n}` : ""}  ${
      summary(parsed)
    }`;
    if (status !== undefined) {
      out(`${line} -> ${status}`);
      return new Response(null, { status });
    }
    if (n <= fail) {
      out(`${line} -> 503 (failing ${n} of ${fail})`);
      return new Response("failing on purpose\n", { status: 503 });
    }
    if (cancel !== undefined && event.startsWith("before:")) {
      out(`${line} -> ${paint(`cancel: ${cancel}`, "yellow", color)}`);
      return cancelEvent(cancel);
    }
    out(`${line} -> ${paint("204", "green", color)}`);
    return new Response(null, { status: 204 });
  };

  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    signal: controller.signal,
    onListen: ({ port }) => out(`listening on http://127.0.0.1:${port}/ (Ctrl-C to stop)`),
  }, handler);
  await server.finished;
  for (const signal of signals) Deno.removeSignalListener(signal, stop);
  out(`stopped: ${received} request${received === 1 ? "" : "s"} received`);
  return 0;
}
