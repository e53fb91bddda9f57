// The bundled module in Node: a Servo with webhooks cancels a before event and delivers an
// after event to a local receiver, which verifies both signatures of each request.

import assert from "node:assert/strict";
import { assertScenario, bundle, HERE, receiver, SECRET } from "./runtimes/_runtime.ts";

Deno.test("the bundled module runs in Node: cancel, deliver, both signatures verified", async () => {
  const dir = await Deno.makeTempDir({ prefix: "servo-webhooks-node-" });
  try {
    const module = await bundle(dir);
    const { server, checked } = receiver();
    await using _ = server;
    const base = server.url.replace(/\/hook$/, "");
    const { code, stdout, stderr } = await new Deno.Command("node", {
      // Node 20 has no network permissions; the file system is limited to what it needs.
      args: [
        "--experimental-permission",
        `--allow-fs-read=${dir}/*`,
        `--allow-fs-read=${HERE}*`,
        "--no-warnings",
        `${HERE}node_run.mjs`,
        module,
        base,
        SECRET,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stdout);
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    const result = JSON.parse(text);
    assertScenario(result, checked);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
