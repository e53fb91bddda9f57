// The real CLI (cli.ts) run as a subprocess against real loopback servers: stdout, stderr and
// exit codes of every command and every error.

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { CANCEL_CONTENT_TYPE, CONTENT_TYPE } from "../mod.ts";
import { type Received, startServer } from "./_server.ts";

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
/** Every secret of these tests holds MARK, and no output may show it. */
const MARK = `sEcReT${crypto.randomUUID().replaceAll("-", "")}`;
const SECRET = `${MARK}-one`;
const OTHER = `${MARK}-two`;
/** The variables the CLI reads, empty (which it treats as unset) unless a test sets them. */
const BASE_ENV = { NO_COLOR: "1", SERVO_CONFIG_FILE: "", SERVO_WEBHOOK_SECRET: "" };
const COMMANDS = ["list", "events", "schema", "trigger", "generate", "validate", "receive"];
const EVENTS = "attach detach startup shutdown metrics components check describe measure adjust"
  .split(" ").concat("promote");
const DELIVERED = (name: string, event: string, attempts = "1 attempt") =>
  new RegExp(`^${esc(name)}  ${event}  204  ${attempts}  \\d+ms  delivered$`, "m");

/** Escapes text for a RegExp. */
function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

type Run = { code: number; stdout: string; stderr: string };
type RunOptions = { cwd?: string; env?: Record<string, string>; stdin?: string };

function assertNoSecret(what: string, ...texts: string[]): void {
  for (const text of texts) assert.ok(!text.includes(MARK), `${what} shows a secret:\n${text}`);
}

/** Runs `deno run -A cli.ts ...args` to its end. */
async function cli(args: string[], options: RunOptions = {}): Promise<Run> {
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
function assertOk(run: Run): string {
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  return run.stdout;
}

/** Asserts a run exited 2 (a usage or config error), nothing on stdout, and stderr matching. */
function assertError(run: Run, stderr: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, stderr);
}

/** A temporary directory, removed on dispose. */
async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "servo-webhooks-cli-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** A temporary directory holding `text` as servo.yaml. */
async function configDir(text: string): Promise<{ path: string; file: string } & AsyncDisposable> {
  const dir = await tempDir();
  const file = `${dir.path}/servo.yaml`;
  await Deno.writeTextFile(file, text);
  return Object.assign(dir, { file });
}

/** A config of webhooks, each [name, events, url, secret, extra YAML (default backoff: false)]. */
function config(...hooks: [string, string[], string, string, string?][]): string {
  return "webhooks:\n" +
    hooks.map(([name, events, url, secret, extra]) =>
      `  - name: ${name}\n    events: [${events.join(", ")}]\n    url: ${url}\n` +
      `    secret: "${secret}"\n    timeout: 2s\n    ${extra ?? "backoff: false"}\n`
    ).join("");
}

function hmac(secret: string, body: Uint8Array | string): string {
  return createHmac("sha1", secret).update(body).digest("hex");
}

/** Checks a received request's headers, and its signature with an independent HMAC. */
function assertSigned(request: Received, secret: string, event: string): void {
  assert.equal(request.method, "POST");
  assert.equal(request.headers.get("content-type"), CONTENT_TYPE);
  assert.equal(request.headers.get("x-servo-event"), event);
  assert.match(request.headers.get("x-servo-delivery") ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(request.headers.get("x-servo-signature"), hmac(secret, request.body));
  assert.equal(JSON.parse(request.text).event, event);
}

/** Checks a body against the schema `schema EVENT --json` prints, with ajv. */
async function assertMatchesSchema(body: unknown, event: string): Promise<void> {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const validate = ajv.compile(JSON.parse(assertOk(await cli(["schema", event, "--json"]))));
  assert.ok(validate(body), `${event}: ${JSON.stringify(validate.errors)}`);
}

// --- help, version, usage errors ---------------------------------------------------------

Deno.test("cli --help, --version and every command's --help", async () => {
  const [help, version, ...commands] = await Promise.all([
    cli(["--help"]),
    cli(["--version"]),
    ...COMMANDS.map((c) => cli([c, "--help"])),
  ]);
  const usage = assertOk(help);
  assert.match(usage, /^Usage: deno run -A cli\.ts /m);
  for (const command of COMMANDS) assert.match(usage, new RegExp(`^  ${command}\\b`, "m"));
  assert.match(assertOk(version), /^\d+\.\d+\.\d+\S*\n$/);
  assert.ok(usage.includes(version.stdout.trim()));
  assert.match(usage, /\n\nExamples:\n {2}deno run -A cli\.ts /);
  commands.forEach((run, i) => {
    const text = assertOk(run);
    assert.match(text, new RegExp(`^Usage: deno run -A cli\\.ts .*${COMMANDS[i]}`));
    assert.match(text, /\n\nExamples:\n {2}deno run -A cli\.ts /);
  });
});

Deno.test("cli usage errors exit 2 with a one-line error and the usage", async () => {
  const [none, unknown, flag, other, port, extra, missing] = await Promise.all([
    cli([]),
    cli(["frobnicate"]),
    cli(["list", "--nope"]),
    cli(["list", "--port", "1"]),
    cli(["receive", "--port", "http", "--secret", SECRET]),
    cli(["validate", "prod.yaml"]),
    cli(["schema"]),
  ]);
  assertError(none, /^error: no command given\n\nservo-webhooks .*\n\nUsage: [^]*\nCommands:/);
  assertError(unknown, /^error: unknown command 'frobnicate'\n\nservo-webhooks [^]*Usage: /);
  assertError(flag, /^error: unknown option '--nope'\n\nservo-webhooks [^]*Usage: /);
  assertError(other, /^error: unknown option '--port' for list\nusage: .* list \[--json\]\n$/);
  assertError(port, /^error: --port must be a whole number from 0 to 65535\n/);
  assertError(extra, /^error: unexpected argument 'prod\.yaml'\nusage: .* validate \[--json\]\n$/);
  assertError(missing, /^error: schema needs EVENT\nusage: .* schema EVENT \[--json\]\n$/);
});

// --- generate, validate ------------------------------------------------------------------

Deno.test("cli generate prints a config with a fresh secret that validates", async () => {
  await using dir = await tempDir();
  const [one, two] = (await Promise.all([cli(["generate"]), cli(["generate"])])).map(assertOk);
  const secretOf = (text: string) => /^ {4}secret: (\S{20,})$/m.exec(text ?? "")?.[1];
  assert.ok(secretOf(one!) !== undefined, one);
  assert.notEqual(secretOf(one!), secretOf(two!));
  await Deno.writeTextFile(`${dir.path}/servo.yaml`, one!);
  assert.equal(
    assertOk(await cli(["validate"], { cwd: dir.path })),
    "valid: 1 webhook in servo.yaml\n",
  );
});

Deno.test("cli generate --output writes 0600, refuses to overwrite unless --force", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/new.yaml`;
  const posix = Deno.build.os !== "windows";
  const mode = async () => (await Deno.stat(file)).mode! & 0o777;
  assert.equal(assertOk(await cli(["generate", "--output", file])), `Generated ${file}\n`);
  const text = await Deno.readTextFile(file);
  if (posix) assert.equal(await mode(), 0o600);
  assertOk(await cli(["-c", file, "validate"]));

  const again = await cli(["generate", "-o", file]);
  assertError(again, /^error: '.*new\.yaml' already exists: use --force to overwrite it\n$/);
  assert.equal(await Deno.readTextFile(file), text);

  if (posix) await Deno.chmod(file, 0o644);
  assertOk(await cli(["generate", "--output", file, "--force"]));
  const replaced = await Deno.readTextFile(file);
  assert.notEqual(replaced, text);
  assert.match(replaced, /^webhooks:$/m);
  if (posix) assert.equal(await mode(), 0o600);
});

const TWO = config(
  ["a", ["after:measure"], "http://127.0.0.1:9/a", SECRET],
  ["b", ["before:adjust"], "http://127.0.0.1:9/b", OTHER],
);

Deno.test("cli validate: servo.yaml, -c FILE, SERVO_CONFIG_FILE, a missing file", async () => {
  await using dir = await configDir(TWO);
  await Deno.writeTextFile(`${dir.path}/other.yaml`, TWO);
  const cwd = dir.path;
  const [here, flag, env, both, missing, missingEnv] = await Promise.all([
    cli(["validate"], { cwd }),
    cli(["-c", "other.yaml", "validate"], { cwd }),
    cli(["validate"], { cwd, env: { SERVO_CONFIG_FILE: "other.yaml" } }),
    cli(["--config-file", "other.yaml", "validate"], { cwd, env: { SERVO_CONFIG_FILE: "x.yaml" } }),
    cli(["validate", "-c", "x"], { cwd }),
    cli(["validate"], { cwd, env: { SERVO_CONFIG_FILE: "x.yaml" } }),
  ]);
  assert.equal(assertOk(here), "valid: 2 webhooks in servo.yaml\n");
  for (const run of [flag, env, both]) {
    assert.equal(assertOk(run), "valid: 2 webhooks in other.yaml\n");
  }
  assertError(missing, /^error: Config file 'x' does not exist[^\n]*\n$/);
  assertError(missingEnv, /^error: Config file 'x\.yaml' does not exist[^\n]*\n$/);
});

Deno.test("cli validate prints every problem with its line and column, exit 2", async () => {
  await using dir = await configDir(`webhooks:
  - name: store
    events: [after:mesure]
    url: ftp://example.com/x
    secret: "${SECRET}"
    backof: {max_tries: 3}
    timeout: -1
`);
  const run = await cli(["validate"], { cwd: dir.path });
  assertError(run, /^invalid: servo\.yaml has 4 problems\n/);
  const lines = run.stderr.trimEnd().split("\n").slice(1);
  const problems = lines.map((line) => /^(\S+): (.+) \(line (\d+), column (\d+)\)$/.exec(line));
  assert.ok(problems.every((p) => p !== null), run.stderr);
  const found = problems.map((p) => [p![1], Number(p![3]), Number(p![4])] as const);
  assert.deepEqual(found.map(([path, line]) => [path, line]), [
    ["webhooks[0].events[0]", 3],
    ["webhooks[0].url", 4],
    ["webhooks[0].backof", 6],
    ["webhooks[0].timeout", 7],
  ]);
  assert.match(lines[0]!, /mesure.*did you mean "measure"/);

  const json = await cli(["validate", "--json"], { cwd: dir.path });
  assert.equal(json.code, 2);
  assert.equal(json.stderr, "");
  const report = JSON.parse(json.stdout);
  assert.equal(report.valid, false);
  assert.equal(report.file, "servo.yaml");
  type Problem = { path: string; line: number; column: number };
  assert.deepEqual(report.problems.map((p: Problem) => [p.path, p.line, p.column]), found);

  await Deno.writeTextFile(dir.file, TWO);
  const valid = JSON.parse(assertOk(await cli(["validate", "--json"], { cwd: dir.path })));
  assert.deepEqual(valid, { valid: true, file: "servo.yaml", webhooks: 2, problems: [] });

  await Deno.writeTextFile(dir.file, "webhooks:\n  - name: [a\n   b: c\n");
  const syntax = await cli(["validate"], { cwd: dir.path });
  assertError(
    syntax,
    /^invalid: servo\.yaml has 1 problem\ninvalid YAML: .+ \(line 3, column \d+\)\n$/,
  );
});

// --- list, events, schema ----------------------------------------------------------------

Deno.test("cli list shows webhooks without secrets, header values or URL queries", async () => {
  const extra = "backoff: {max_tries: 3, max_time: 30s}\n    headers: {x-api-key: hdrvalue}";
  await using dir = await configDir(config(
    ["store", ["after:measure", "before:adjust"], "http://127.0.0.1:9/s?token=tok3n", SECRET],
    ["approve", ["before:adjust"], "http://127.0.0.1:9/a", OTHER, extra],
  ));
  const [header, ...rows] = assertOk(await cli(["list"], { cwd: dir.path })).trimEnd().split("\n");
  assert.match(header!, /^NAME +EVENTS +URL +BACKOFF +TIMEOUT$/);
  assert.deepEqual(rows.map((row) => row.split(/ {2,}/)), [
    ["store", "after:measure, before:adjust", "http://127.0.0.1:9/s?…", "off", "2s"],
    ["approve", "before:adjust", "http://127.0.0.1:9/a", "3 tries in 30s", "2s"],
  ]);

  const json = assertOk(await cli(["list", "--json"], { cwd: dir.path }));
  const hooks = JSON.parse(json);
  assert.deepEqual(hooks.map((h: { name: string }) => h.name), ["store", "approve"]);
  assert.equal(hooks[0].url, "http://127.0.0.1:9/s?…");
  assert.deepEqual(hooks[1].headers, ["x-api-key"]);
  for (const hook of hooks) assert.ok(!("secret" in hook));
  for (const hidden of ["tok3n", "hdrvalue"]) {
    assert.ok(!json.includes(hidden) && !rows.join().includes(hidden));
  }
});

Deno.test("cli events lists the 11 servo events, as a table and as JSON", async () => {
  const runs = await Promise.all([cli(["events"]), cli(["events", "--json"])]);
  const [table, json] = runs.map(assertOk);
  const [header, ...rows] = table!.trimEnd().split("\n");
  assert.match(header!, /^EVENT +WEBHOOKS +PARAMS +RESULT$/);
  assert.deepEqual(rows.map((r) => r.split(/ +/)[0]), EVENTS);
  assert.deepEqual(rows[8]!.split(/ {2,}/), [
    "measure",
    "before:measure, after:measure",
    "{metrics, control}",
    "{readings, annotations}",
  ]);
  const parsed = JSON.parse(json!);
  assert.deepEqual(parsed.map((e: { event: string }) => e.event), EVENTS);
  assert.deepEqual(parsed[9].webhooks, ["before:adjust", "after:adjust"]);
});

Deno.test("cli schema prints the Content-Type and the JSON Schema; unknown events exit 2", async () => {
  const [text, json, typo, bare] = await Promise.all([
    cli(["schema", "after:measure"]),
    cli(["schema", "after:measure", "--json"]),
    cli(["schema", "after:mesure"]),
    cli(["schema", "measure"]),
  ]);
  const [first, blank, ...rest] = assertOk(text).split("\n");
  assert.equal(first, "Content-Type: application/vnd.opsani.servo-webhooks+json");
  assert.equal(first, `Content-Type: ${CONTENT_TYPE}`);
  assert.equal(blank, "");
  const schema = JSON.parse(rest.join("\n"));
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.deepEqual(JSON.parse(assertOk(json)), schema);
  assertError(typo, /^error: unknown event 'after:mesure': use one of /);
  for (const name of EVENTS) assert.ok(typo.stderr.includes(`before:${name}, after:${name}`));
  assertError(
    bare,
    /^error: 'measure' is an on event, which webhooks cannot use: write before:measure or after:measure\n$/,
  );
  assert.match(String(schema.description), /^The body of an after:measure webhook request/);
});

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

// --- receive -----------------------------------------------------------------------------

/** Starts `receive --port 0 ...args` and waits for its "listening on" line. */
async function receiver(args: string[], env: Record<string, string> = {}) {
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
async function post(url: string, event: string, secret: string, delivery = crypto.randomUUID()) {
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
