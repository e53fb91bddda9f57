// The example responders under examples/, answering real webhooks from a WebhooksConnector:
// the Deno one in this process, the Node one bundled and run by node. (The Cloudflare Worker
// runs in workerd: tests/runtimes/workerd.ts.)

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { validateConfig, WebhooksConnector } from "../mod.ts";
import { responder } from "../examples/deno_responder.ts";

const SECRET = "examples-secret";
const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CANCELLED = "adjustments are only permitted between 00:00 and 03:00 UTC";
const adjust = {
  params: { adjustments: [{ component_name: "web", setting_name: "cpu", value: 1 }] },
};

function emitter(url: string, secret = SECRET): WebhooksConnector {
  return new WebhooksConnector(validateConfig({
    webhooks: [{
      name: "responder",
      events: ["before:adjust", "after:measure"],
      url,
      secret,
      backoff: false,
    }],
  }));
}

type Ended = [string, number | undefined, string | undefined];

/** Triggers before:adjust and after:measure; returns how each ended. */
async function exchange(
  url: string,
  secret = SECRET,
): Promise<Ended[]> {
  const connector = emitter(url, secret);
  const outcomes = [
    ...await connector.trigger("before:adjust", adjust),
    ...await connector.trigger("after:measure", { results: [{ connector: "prom", value: {} }] }),
  ];
  await connector.close();
  return outcomes.map((o): Ended => [o.event, o.status, o.cancel_reason ?? o.error]);
}

Deno.test("examples/deno_responder.ts approves measure and cancels adjustments outside the window", async () => {
  for (
    const [time, before] of [["2026-01-01T05:00:00Z", CANCELLED], [
      "2026-01-01T01:30:00Z",
      undefined,
    ]] as const
  ) {
    const controller = new AbortController();
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen() {} },
      responder(SECRET, () => new Date(time)),
    );
    const url = `http://127.0.0.1:${server.addr.port}/`;
    try {
      assert.deepEqual(await exchange(url), [
        ["before:adjust", before === undefined ? 204 : 200, before],
        ["after:measure", 204, undefined],
      ]);
      const [, status, error] = (await exchange(url, "wrong secret"))[0] ?? [];
      assert.equal(status, 401);
      assert.match(error ?? "", /no signature matched/);
    } finally {
      controller.abort();
      await server.finished;
    }
  }
});

Deno.test("examples/node_responder.mjs, bundled, answers in Node", async () => {
  const dir = await Deno.makeTempDir({ prefix: "servo-webhooks-example-" });
  let child: Deno.ChildProcess | undefined;
  try {
    const bundle = `${dir}/node_responder.mjs`;
    const built = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "-o", bundle, `${ROOT}examples/node_responder.mjs`],
      cwd: ROOT,
    }).output();
    assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
    child = new Deno.Command("node", {
      args: [bundle],
      env: { WEBHOOK_SECRET: SECRET, PORT: "0", RESPONDER_HOUR: "5" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    let port: string | undefined;
    while (port === undefined) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`node stopped: ${text}`);
      text += value;
      port = /listening on (\d+)/.exec(text)?.[1];
    }
    await lines.cancel();
    assert.deepEqual(await exchange(`http://127.0.0.1:${port}/`), [
      ["before:adjust", 200, CANCELLED],
      ["after:measure", 204, undefined],
    ]);
  } finally {
    child?.kill("SIGTERM");
    await child?.stderr.cancel();
    await child?.status;
    await Deno.remove(dir, { recursive: true });
  }
});
