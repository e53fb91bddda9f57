// The real CLI (cli.ts) run as a subprocess: help and usage errors, generate, validate, list,
// events and schema, with their stdout, stderr and exit codes.

import assert from "node:assert/strict";
import { CONTENT_TYPE } from "../mod.ts";
import {
  assertError,
  assertOk,
  BASE_ENV,
  CLI,
  cli,
  COMMANDS,
  config,
  configDir,
  EVENTS,
  OTHER,
  SECRET,
  tempDir,
} from "./_cli.ts";

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

Deno.test("cli without permissions says which one and how to run it, exit 2", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", CLI, "list"],
    env: BASE_ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stderr);
  assert.equal(code, 2);
  assert.equal(new TextDecoder().decode(stdout), "");
  assert.match(text, /^error: Requires \w+ access to .*\nhint: run it as 'deno run -A cli\.ts …'/);
});
