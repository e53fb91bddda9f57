// The quick start: runs the real CLI end to end on this machine. It starts `receive` on a free
// loopback port, writes a temporary config, triggers before:adjust (the receiver cancels it)
// and after:measure (delivered and verified), prints what happened, and cleans up.
//
//   deno task demo

const cli = new URL("../cli.ts", import.meta.url).pathname;
const deno = Deno.execPath();

function run(args: string[], env: Record<string, string> = {}): Deno.ChildProcess {
  return new Deno.Command(deno, {
    args: ["run", "-A", cli, ...args],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function show(title: string, args: string[]): Promise<number> {
  console.log(`\n$ cli.ts ${args.join(" ")}    # ${title}`);
  const { code, stdout, stderr } = await run(args).output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  console.log(text.trimEnd().replace(/^/gm, "  "));
  return code;
}

const secret = crypto.randomUUID();
const dir = await Deno.makeTempDir({ prefix: "servo-webhooks-demo-" });
const receiver = run([
  "receive",
  "--port",
  "0",
  "--secret",
  secret,
  "--cancel",
  "adjustments are frozen until 02:00",
]);
const lines = receiver.stdout.pipeThrough(new TextDecoderStream()).getReader();
let log = "";
let status = 1;
try {
  // The receiver prints "listening on http://127.0.0.1:PORT/" once it is ready.
  let port: string | undefined;
  while (port === undefined) {
    const { value, done } = await lines.read();
    if (done) throw new Error("the receiver stopped before it listened");
    log += value;
    port = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(log)?.[1];
  }
  const config = `${dir}/servo.yaml`;
  await Deno.writeTextFile(
    config,
    `webhooks:
  - name: approve-adjustments
    events: before:adjust
    url: http://127.0.0.1:${port}/approve
    secret: ${secret}
    failure_policy: cancel
  - name: store-measurements
    events: after:measure
    url: http://127.0.0.1:${port}/store
    secret: ${secret}
`,
  );
  console.log(`A receiver is listening on 127.0.0.1:${port}; the config is ${config}.`);
  const codes = [
    await show("the configured webhooks", ["-c", config, "list"]),
    await show("the receiver cancels it", ["-c", config, "trigger", "before:adjust"]),
    await show("delivered and verified", ["-c", config, "trigger", "after:measure"]),
  ];
  status = codes.every((c) => c === 0) ? 0 : 1;
} finally {
  receiver.kill("SIGTERM");
  for (;;) {
    const { value, done } = await lines.read();
    if (done) break;
    log += value;
  }
  await receiver.stderr.cancel();
  await receiver.status;
  await Deno.remove(dir, { recursive: true });
}
console.log("\nWhat the receiver saw (it verifies every X-Servo-Signature):");
console.log(log.trimEnd().replace(/^/gm, "  "));
console.log(status === 0 ? "\ndemo: ok" : "\ndemo: something failed, see above");
Deno.exit(status);
