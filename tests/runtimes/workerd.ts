// The bundled module in workerd, Cloudflare's runtime: a Servo with webhooks cancels a before
// event and delivers an after event to a local receiver, which verifies both signatures. The
// worker may reach 127.0.0.1 and nothing else. Run by `deno task test:workerd`, which installs
// workerd from npm first.

import assert from "node:assert/strict";
import { closedPort } from "../_server.ts";
import { validateConfig, WebhooksConnector } from "../../mod.ts";
import { assertScenario, bundle, HERE, receiver, ROOT, SECRET } from "./_runtime.ts";

const WORKERD = `${ROOT}.tools/workerd/node_modules/.bin/workerd`;

/** The worker: GET /?receiver=<URL>&secret=<secret> runs the scenario and answers its result. */
const WORKER = `import * as mod from "./mod.mjs";
import { scenario } from "./scenario.mjs";

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const result = await scenario(mod, url.searchParams.get("receiver"), url.searchParams.get("secret"));
    return Response.json(result);
  },
};
`;

function config(port: number): string {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # Loopback only: the receiver of this test, nothing else.
    (name = "loopback", network = (allow = ["127.0.0.1/32"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "mod.mjs", esModule = embed "mod.mjs"),
    (name = "scenario.mjs", esModule = embed "scenario.mjs"),
  ],
  compatibilityDate = "2026-01-01",
  globalOutbound = "loopback",
);
`;
}

/** The config that serves examples/cloudflare_worker.ts, with no outbound network at all. */
function responderConfig(port: number): string {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "nowhere", network = (allow = [])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "responder.mjs")],
  bindings = [(name = "WEBHOOK_SECRET", text = "${SECRET}")],
  compatibilityDate = "2026-01-01",
  globalOutbound = "nowhere",
);
`;
}

/** Starts workerd on a config; stop it with the returned function. */
function serve(dir: string, file: string): { stop: () => Promise<void> } {
  const child = new Deno.Command(WORKERD, {
    args: ["serve", `${dir}/${file}`],
    cwd: dir,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  return {
    async stop() {
      child.kill("SIGTERM");
      await child.stderr.cancel();
      await child.status;
    },
  };
}

/** Fetches until the server answers, for up to 10 s while workerd starts. */
async function fetchWhenUp(url: string): Promise<Response> {
  for (let i = 0;; i++) {
    try {
      return await fetch(url);
    } catch (error) {
      if (i >= 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

Deno.test("the bundled module runs in workerd: cancel, deliver, both signatures verified", async () => {
  const dir = await Deno.makeTempDir({ prefix: "servo-webhooks-workerd-" });
  const { server, checked } = receiver();
  await using _ = server;
  let workerd: { stop: () => Promise<void> } | undefined;
  try {
    await bundle(dir);
    await Deno.copyFile(`${HERE}scenario.mjs`, `${dir}/scenario.mjs`);
    await Deno.writeTextFile(`${dir}/worker.mjs`, WORKER);
    const port = await closedPort();
    await Deno.writeTextFile(`${dir}/config.capnp`, config(port));
    workerd = serve(dir, "config.capnp");
    const base = server.url.replace(/\/hook$/, "");
    const query = new URLSearchParams({ receiver: base, secret: SECRET });
    const response = await fetchWhenUp(`http://127.0.0.1:${port}/?${query}`);
    const result = await response.json();
    assertScenario(result, checked);
  } finally {
    await workerd?.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("examples/cloudflare_worker.ts, bundled, answers webhooks in workerd", async () => {
  const dir = await Deno.makeTempDir({ prefix: "servo-webhooks-worker-" });
  let workerd: { stop: () => Promise<void> } | undefined;
  try {
    const built = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--platform",
        "browser",
        "--quiet",
        "-o",
        `${dir}/responder.mjs`,
        `${ROOT}examples/cloudflare_worker.ts`,
      ],
      cwd: ROOT,
    }).output();
    assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
    const port = await closedPort();
    await Deno.writeTextFile(`${dir}/config.capnp`, responderConfig(port));
    workerd = serve(dir, "config.capnp");
    const url = `http://127.0.0.1:${port}/`;
    await (await fetchWhenUp(url)).body?.cancel(); // up (and 401: no signature)
    const connector = new WebhooksConnector(validateConfig({
      webhooks: [{
        name: "worker",
        events: ["before:adjust", "after:measure"],
        url,
        secret: SECRET,
        backoff: false,
      }],
    }));
    const hour = new Date().getUTCHours();
    const [before] = await connector.trigger("before:adjust", { params: { adjustments: [] } });
    const [after] = await connector.trigger("after:measure", {});
    const [wrong] = await connector.trigger("after:measure", {}, {
      url,
      secret: "wrong",
      backoff: false,
    });
    await connector.close();
    assert.equal(before?.ok, true);
    assert.equal(
      before?.cancel_reason,
      hour >= 3 ? "adjustments are only permitted between 00:00 and 03:00 UTC" : undefined,
    );
    assert.deepEqual([after?.ok, after?.status], [true, 204]);
    assert.deepEqual([wrong?.ok, wrong?.status], [false, 401]);
  } finally {
    await workerd?.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
