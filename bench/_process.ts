// Starts bench/_receiver.ts as a separate process and waits until it listens.

/** A receiver process. */
export interface Receiver {
  url: string;
  stats(): Promise<Record<string, number>>;
  release(): Promise<void>;
  hold(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the receiver with the given flags. */
export async function startReceiver(flags: string[]): Promise<Receiver> {
  const script = new URL("./_receiver.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--config",
      new URL("../deno.json", import.meta.url).pathname,
      script,
      ...flags,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let port: string | undefined;
  while (port === undefined) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the receiver stopped before it listened");
    text += value;
    port = /listening on (\d+)/.exec(text)?.[1];
  }
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/hook`,
    async stats() {
      return await (await fetch(`${base}/stats`)).json();
    },
    async release() {
      await (await fetch(`${base}/release`, { method: "POST" })).body?.cancel();
    },
    async hold() {
      await (await fetch(`${base}/hold`, { method: "POST" })).body?.cancel();
    },
    async stop() {
      child.kill("SIGTERM");
      await reader.cancel();
      await child.status;
    },
  };
}
