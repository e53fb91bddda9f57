// Helpers for the CLI tests: run the real cli.ts as a subprocess, write configs, check
// signatures and outputs. Every secret holds MARK, and no output may show it.

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { CONTENT_TYPE } from "../mod.ts";
import type { Received } from "./_server.ts";

export const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
/** Every secret of these tests holds MARK, and no output may show it. */
export const MARK = `sEcReT${crypto.randomUUID().replaceAll("-", "")}`;
export const SECRET = `${MARK}-one`;
export const OTHER = `${MARK}-two`;
/** The variables the CLI reads, empty (which it treats as unset) unless a test sets them. */
export const BASE_ENV = { NO_COLOR: "1", SERVO_CONFIG_FILE: "", SERVO_WEBHOOK_SECRET: "" };
export const COMMANDS = ["list", "events", "schema", "trigger", "generate", "validate", "receive"];
export const EVENTS =
  "attach detach startup shutdown metrics components check describe measure adjust"
    .split(" ").concat("promote");
export const DELIVERED = (name: string, event: string, attempts = "1 attempt") =>
  new RegExp(`^${esc(name)}  ${event}  204  ${attempts}  \\d+ms  delivered$`, "m");

/** Escapes text for a RegExp. */
export function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export type Run = { code: number; stdout: string; stderr: string };
export type RunOptions = { cwd?: string; env?: Record<string, string>; stdin?: string };

export function assertNoSecret(what: string, ...texts: string[]): void {
  for (const text of texts) assert.ok(!text.includes(MARK), `${what} shows a secret:\n${text}`);
}

/** Runs `deno run -A cli.ts ...args` to its end. */
export async function cli(args: string[], options: RunOptions = {}): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...BASE_ENV, ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  const run = { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
  assertNoSecret(`cli ${args.join(" ")}`, run.stdout, run.stderr);
  return run;
}

/** Asserts a run exited 0 with nothing on stderr; returns its stdout. */
export function assertOk(run: Run): string {
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  return run.stdout;
}

/** Asserts a run exited 2 (a usage or config error), nothing on stdout, and stderr matching. */
export function assertError(run: Run, stderr: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, stderr);
}

/** A temporary directory, removed on dispose. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "servo-webhooks-cli-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** A temporary directory holding `text` as servo.yaml. */
export async function configDir(
  text: string,
): Promise<{ path: string; file: string } & AsyncDisposable> {
  const dir = await tempDir();
  const file = `${dir.path}/servo.yaml`;
  await Deno.writeTextFile(file, text);
  return Object.assign(dir, { file });
}

/** A config of webhooks, each [name, events, url, secret, extra YAML (default backoff: false)]. */
export function config(...hooks: [string, string[], string, string, string?][]): string {
  return "webhooks:\n" +
    hooks.map(([name, events, url, secret, extra]) =>
      `  - name: ${name}\n    events: [${events.join(", ")}]\n    url: ${url}\n` +
      `    secret: "${secret}"\n    timeout: 2s\n    ${extra ?? "backoff: false"}\n`
    ).join("");
}

export function hmac(secret: string, body: Uint8Array | string): string {
  return createHmac("sha1", secret).update(body).digest("hex");
}

/** Checks a received request's headers, and its signature with an independent HMAC. */
export function assertSigned(request: Received, secret: string, event: string): void {
  assert.equal(request.method, "POST");
  assert.equal(request.headers.get("content-type"), CONTENT_TYPE);
  assert.equal(request.headers.get("x-servo-event"), event);
  assert.match(request.headers.get("x-servo-delivery") ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(request.headers.get("x-servo-signature"), hmac(secret, request.body));
  assert.equal(JSON.parse(request.text).event, event);
}

/** Checks a body against the schema `schema EVENT --json` prints, with ajv. */
export async function assertMatchesSchema(body: unknown, event: string): Promise<void> {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const validate = ajv.compile(JSON.parse(assertOk(await cli(["schema", event, "--json"]))));
  assert.ok(validate(body), `${event}: ${JSON.stringify(validate.errors)}`);
}

// --- receive helpers -----------------------------------------------------------------------------

/** Starts `receive --port 0 ...args` and waits for its "listening on" line. */
export async function receiver(args: string[], env: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "receive", "--port", "0", ...args],
    env: { ...BASE_ENV, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  let ended = false;
  const wake: (() => void)[] = [];
  const reading = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      log += chunk;
      for (const resolve of wake.splice(0)) resolve();
    }
    ended = true;
    for (const resolve of wake.splice(0)) resolve();
  })();
  const stderr = new Response(child.stderr).text();
  let stopped: Promise<Run> | undefined;
  /** Sends SIGTERM; resolves with the exit code and all output. */
  const stop = () =>
    stopped ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* it already ended */ }
      const { code } = await child.status;
      await reading;
      const run = { code, stdout: log, stderr: await stderr };
      assertNoSecret("cli receive", run.stdout, run.stderr);
      return run;
    })();
  /** Resolves with the first stdout line matching `^line$`, waiting for it as needed. */
  const waitFor = async (line: string) => {
    const pattern = new RegExp(`^${line}$`, "m");
    for (;;) {
      const match = pattern.exec(log);
      if (match !== null) return match;
      if (ended) throw new Error(`receive ended without ${pattern}:\n${log}\n${await stderr}`);
      await new Promise<void>((resolve) => wake.push(resolve));
    }
  };
  try {
    const [, port] = await waitFor("listening on http://127\\.0\\.0\\.1:(\\d+)/ .*");
    const url = `http://127.0.0.1:${port}/hook`;
    return { url, waitFor, stop, [Symbol.asyncDispose]: async () => void await stop() };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** POSTs a body signed with `secret`, as servo-webhooks does, and reads the whole answer. */
export async function post(
  url: string,
  event: string,
  secret: string,
  delivery = crypto.randomUUID(),
) {
  const body = JSON.stringify({ event, created_at: new Date().toISOString(), params: {} });
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": CONTENT_TYPE,
      "x-servo-event": event,
      "x-servo-delivery": delivery,
      "x-servo-signature": hmac(secret, body),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get("content-type"), text, delivery };
}
