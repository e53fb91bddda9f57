// The real CLI (cli.ts) run as a subprocess against real loopback servers: trigger and
// receive, with their stdout, stderr and exit codes.

import assert from "node:assert/strict";
import { CANCEL_CONTENT_TYPE } from "../mod.ts";
import { startServer } from "./_server.ts";
import {
  assertError,
  assertMatchesSchema,
  assertOk,
  assertSigned,
  cli,
  config,
  configDir,
  DELIVERED,
  OTHER,
  post,
  receiver,
  SECRET,
  tempDir,
} from "./_cli.ts";

// --- trigger -----------------------------------------------------------------------------

Deno.test("cli trigger sends signed sample payloads to every subscribed webhook", async () => {
  await using server = startServer();
  const base = `http://127.0.0.1:${server.port}`;
  await using dir = await configDir(config(
    ["a", ["after:measure"], `${base}/a`, SECRET],
    ["b", ["after:measure", "before:adjust"], `${base}/b`, OTHER],
    ["c", ["before:adjust"], `${base}/c`, SECRET],
  ));
  const lines = assertOk(await cli(["trigger", "after:measure"], { cwd: dir.path })).trimEnd()
    .split("\n").sort();
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, DELIVERED("a", "after:measure"));
  assert.match(lines[1]!, DELIVERED("b", "after:measure"));
  assert.deepEqual(server.requests.map((r) => r.path).sort(), ["/a", "/b"]);
  for (const request of server.requests) {
    assertSigned(request, request.path === "/a" ? SECRET : OTHER, "after:measure");
    const body = JSON.parse(request.text);
    assert.ok(body.results.length >= 1, request.text);
    await assertMatchesSchema(body, "after:measure");
  }
  const [one, two] = server.requests.map((r) => r.headers.get("x-servo-delivery"));
  assert.notEqual(one, two);

  // Only the webhook named, with a before sample.
  const named = assertOk(await cli(["trigger", "before:adjust", "c"], { cwd: dir.path }));
  assert.match(named, DELIVERED("c", "before:adjust"));
  assert.deepEqual(server.requests.map((r) => r.path).slice(2), ["/c"]);
  assertSigned(server.requests[2]!, SECRET, "before:adjust");
  await assertMatchesSchema(JSON.parse(server.requests[2]!.text), "before:adjust");
});

Deno.test("cli trigger to a URL: --secret, SERVO_WEBHOOK_SECRET, never unsigned", async () => {
  await using server = startServer();
  await using dir = await tempDir(); // no servo.yaml: a URL needs none
  const cwd = dir.path;
  const flag = await cli(["trigger", "before:describe", server.url, "--secret", SECRET], { cwd });
  assert.match(assertOk(flag), DELIVERED(server.url, "before:describe"));
  const env = await cli(["trigger", "after:describe", server.url], {
    cwd,
    env: { SERVO_WEBHOOK_SECRET: OTHER },
  });
  assert.match(assertOk(env), DELIVERED(server.url, "after:describe"));
  assert.equal(server.requests.length, 2);
  assertSigned(server.requests[0]!, SECRET, "before:describe");
  assertSigned(server.requests[1]!, OTHER, "after:describe");

  const unsigned = await cli(["trigger", "after:describe", server.url], { cwd });
  assertError(
    unsigned,
    /^error: refusing to send unsigned: give --secret or set SERVO_WEBHOOK_SECRET\n$/,
  );
  assert.equal(server.requests.length, 2);
});

Deno.test("cli trigger --data FILE and --data - (stdin), params and results checked", async () => {
  await using server = startServer();
  await using dir = await tempDir();
  const send = ["trigger", "after:measure", server.url, "--secret", SECRET, "--data"];
  await Deno.writeTextFile(
    `${dir.path}/data.json`,
    JSON.stringify({
      params: { metrics: ["throughput"], control: { duration: "1m" } },
      results: [{ connector: "prom", value: { readings: [] } }],
    }),
  );
  assertOk(await cli([...send, "data.json"], { cwd: dir.path }));
  const sent = JSON.parse(server.requests[0]!.text);
  assert.deepEqual(sent.params.metrics, ["throughput"]);
  assert.deepEqual(sent.results.map((r: { connector: string }) => r.connector), ["prom"]);
  assertSigned(server.requests[0]!, SECRET, "after:measure");

  const stdin = await cli(["trigger", "before:describe", server.url, "--data", "-"], {
    env: { SERVO_WEBHOOK_SECRET: SECRET },
    stdin: '{"params": {}}',
  });
  assert.match(assertOk(stdin), DELIVERED(server.url, "before:describe"));
  assertSigned(server.requests[1]!, SECRET, "before:describe");
  await assertMatchesSchema(JSON.parse(server.requests[1]!.text), "before:describe");

  const bad = await Promise.all([
    '{"params": {"metrics": "throughput"}}',
    '{"params": {"control": {"duration": "soon"}}}',
    '{"params": {}, "results": [{"connector": "prom", "value": {"readings": "x"}}]}',
    "not json",
  ].map((stdin) => cli([...send, "-"], { stdin })));
  assertError(bad[0]!, /^error: Invalid params of event "measure": metrics: [^\n]+\n$/);
  assertError(bad[1]!, /^error: Invalid params of event "measure": control\.duration: /);
  assertError(bad[2]!, /^error: Invalid result from connector "prom" .*: readings: /);
  assertError(bad[3]!, /^error: --data from stdin is not JSON/);
  const missing = await cli([...send, "no.json"], { cwd: dir.path });
  assertError(missing, /^error: Cannot read --data 'no\.json'/);
  assert.equal(server.requests.length, 2);
});

Deno.test("cli trigger: a failing receiver exits 1, a retried one ends delivered", async () => {
  await using failing = startServer(() => new Response("boom", { status: 500 }));
  await using flaky = startServer((r) => new Response(null, { status: r.n === 1 ? 503 : 204 }));
  await using dir = await configDir(config(
    ["down", ["after:measure"], failing.url, SECRET],
    ["flaky", ["after:adjust"], flaky.url, SECRET, "backoff: {max_tries: 3, delay: 10ms}"],
  ));
  const fail = await cli(["trigger", "after:measure"], { cwd: dir.path });
  assert.equal(fail.code, 1);
  assert.equal(fail.stderr, "");
  assert.match(
    fail.stdout,
    /^down {2}after:measure {2}500 {2}1 attempt {2}\d+ms {2}failed: HTTP 500\b.*boom\n$/,
  );
  assert.equal(failing.requests.length, 1);

  const retried = await cli(["trigger", "after:adjust"], { cwd: dir.path });
  assert.equal(retried.code, 0, retried.stderr);
  assert.match(retried.stdout, DELIVERED("flaky", "after:adjust", "2 attempts"));
  assert.match(retried.stderr, /^waiting \d+ms before attempt 2 of flaky: HTTP 503\b.*\n$/);
  assert.equal(flaky.requests.length, 2);
  const [one, two] = flaky.requests;
  assert.equal(one!.headers.get("x-servo-delivery"), two!.headers.get("x-servo-delivery"));
  assert.deepEqual(one!.body, two!.body);
});

Deno.test("cli trigger: a cancel is a success, --json prints the outcomes", async () => {
  await using server = startServer(() =>
    new Response(JSON.stringify({ reason: "frozen until 02:00" }), {
      headers: { "content-type": CANCEL_CONTENT_TYPE },
    })
  );
  await using dir = await configDir(config(["gate", ["before:adjust"], server.url, SECRET]));
  const text = assertOk(await cli(["trigger", "before:adjust"], { cwd: dir.path }));
  assert.match(
    text,
    /^gate {2}before:adjust {2}200 {2}1 attempt {2}\d+ms {2}cancelled: frozen until 02:00\n$/,
  );

  const json = await cli(["trigger", "before:adjust", "gate", "--json"], { cwd: dir.path });
  const outcomes = JSON.parse(assertOk(json));
  assert.equal(typeof outcomes[0]?.duration_ms, "number");
  assert.deepEqual(outcomes, [{
    webhook: "gate",
    event: "before:adjust",
    delivery: server.requests[1]!.headers.get("x-servo-delivery"),
    attempts: 1,
    ok: true,
    status: 200,
    cancel_reason: "frozen until 02:00",
    duration_ms: outcomes[0].duration_ms,
  }]);
});

Deno.test("cli trigger errors: unknown name, no subscriber, bad event, ${NAME} secrets", async () => {
  await using server = startServer();
  const unset = `SERVO_CLI_TEST_UNSET_${crypto.randomUUID().replaceAll("-", "_")}`;
  await using dir = await configDir(
    config(["store", ["after:measure"], server.url, "${SERVO_CLI_TEST_SECRET}"]),
  );
  await Deno.writeTextFile(
    `${dir.path}/unset.yaml`,
    config(["store", ["after:measure"], server.url, `\${${unset}}`]),
  );
  const options = { cwd: dir.path, env: { SERVO_CLI_TEST_SECRET: SECRET } };
  const [name, nobody, bare, typo, fromEnv, notSet] = await Promise.all([
    cli(["trigger", "after:measure", "nope"], options),
    cli(["trigger", "after:promote"], options),
    cli(["trigger", "measure"], options),
    cli(["trigger", "after:mesure"], options),
    cli(["trigger", "after:measure"], options),
    cli(["-c", "unset.yaml", "trigger", "after:measure"], { cwd: dir.path }),
  ]);
  assertError(name, /^error: .*"nope": no webhook has that name \(known: store\)\n$/);
  assertError(nobody, /^error: no webhook in servo\.yaml subscribes to after:promote[^\n]*\n$/);
  assertError(bare, /^error: 'measure' is an on event, which webhooks cannot use[^\n]*\n$/);
  assertError(typo, /^error: unknown event 'after:mesure': use one of before:attach, /);
  assertError(
    notSet,
    new RegExp(`^error: .*webhooks\\[0\\]\\.secret: environment variable ${unset} is not set`),
  );
  assert.match(assertOk(fromEnv), DELIVERED("store", "after:measure"));
  assert.equal(server.requests.length, 1);
  assertSigned(server.requests[0]!, SECRET, "after:measure");
});

Deno.test("cli receive verifies signatures and stops cleanly on SIGTERM", async () => {
  await using r = await receiver(["--secret", SECRET]);
  const good = await post(r.url, "after:measure", SECRET);
  assert.deepEqual([good.status, good.text], [204, ""]);
  await r.waitFor(`after:measure ${good.delivery} signature ok  params: none -> 204`);
  const bad = await post(r.url, "after:measure", OTHER);
  assert.equal(bad.status, 401);
  await r.waitFor(`rejected after:measure ${bad.delivery}: .* -> 401`);
  const { code, stdout, stderr } = await r.stop();
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  assert.match(stdout, /\nstopped: 2 requests received\n$/);
});

Deno.test("cli receive --cancel cancels before events only", async () => {
  await using r = await receiver(["--secret", SECRET, "--cancel", "frozen until 02:00"]);
  const before = await post(r.url, "before:adjust", SECRET);
  assert.equal(before.status, 200);
  assert.equal(before.type, "application/vnd.opsani.servo.errors.CancelEventError+json");
  assert.equal(before.type, CANCEL_CONTENT_TYPE);
  assert.deepEqual(JSON.parse(before.text), { reason: "frozen until 02:00" });
  const after = await post(r.url, "after:adjust", SECRET);
  assert.equal(after.status, 204);
  await r.waitFor(`before:adjust ${before.delivery} signature ok.* -> cancel: frozen until 02:00`);
  await r.waitFor(`after:adjust ${after.delivery} signature ok.* -> 204`);
  assert.equal((await r.stop()).code, 0);
});

Deno.test("cli receive --fail 2 fails each delivery twice; --status answers with it", async () => {
  await using failing = await receiver(["--secret", SECRET, "--fail", "2"]);
  const id = crypto.randomUUID();
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    statuses.push((await post(failing.url, "after:measure", SECRET, id)).status);
  }
  assert.deepEqual(statuses, [503, 503, 204]);
  assert.equal((await post(failing.url, "after:measure", SECRET)).status, 503);
  await failing.waitFor(
    `after:measure ${id} signature ok attempt 2 .* -> 503 \\(failing 2 of 2\\)`,
  );
  await failing.waitFor(`after:measure ${id} signature ok attempt 3 .* -> 204`);

  // The secret from the environment, and every request answered with --status.
  await using teapot = await receiver(["--status", "418"], { SERVO_WEBHOOK_SECRET: OTHER });
  const answer = await post(teapot.url, "before:check", OTHER);
  assert.equal(answer.status, 418);
  assert.equal((await post(teapot.url, "before:check", SECRET)).status, 401);
  await teapot.waitFor(`before:check ${answer.delivery} signature ok.* -> 418`);
  assert.equal((await teapot.stop()).code, 0);
  assert.equal((await failing.stop()).code, 0);
});

Deno.test("cli receive without a secret exits 2", async () => {
  const run = await cli(["receive", "--port", "0"]);
  assertError(run, /^error: receive needs --secret .*\nusage: deno run -A cli\.ts receive /);
});

Deno.test("cli trigger to cli receive, end to end", async () => {
  await using r = await receiver(["--secret", SECRET, "--cancel", "not now"]);
  await using dir = await configDir(config(
    ["approve", ["before:adjust"], r.url, SECRET],
    ["store", ["after:measure"], r.url, SECRET],
  ));
  const [cancel, store] = await Promise.all([
    cli(["trigger", "before:adjust"], { cwd: dir.path }),
    cli(["trigger", "after:measure", "--json"], { cwd: dir.path }),
  ]);
  assert.match(assertOk(cancel), /^approve {2}before:adjust {2}200 .* cancelled: not now\n$/);
  const [outcome] = JSON.parse(assertOk(store));
  await r.waitFor(
    `after:measure ${outcome.delivery} signature ok  params: metrics, control; results: 1 from sample -> 204`,
  );
  const { stdout } = await r.stop();
  assert.match(stdout, /^before:adjust \S+ signature ok .* -> cancel: not now$/m);
  assert.ok(!stdout.includes("rejected"));
});
