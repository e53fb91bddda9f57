// A real local HTTP server for tests: Deno.serve on 127.0.0.1, port 0, recording every request.

/** One request as the server received it. */
export interface Received {
  /** 1-based order of arrival. */
  n: number;
  method: string;
  path: string;
  headers: Headers;
  /** The exact body bytes. */
  body: Uint8Array<ArrayBuffer>;
  /** The body as UTF-8 text. */
  text: string;
  /** `performance.now()` when it arrived. */
  at: number;
}

/** Answers one received request. */
export type Responder = (request: Received, raw: Request) => Response | Promise<Response>;

/** A running test server. */
export interface TestServer {
  url: string;
  port: number;
  requests: Received[];
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a server; `respond` answers each request after its body has been read. */
export function startServer(
  respond: Responder = () => new Response(null, { status: 204 }),
): TestServer {
  const controller = new AbortController();
  const requests: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: controller.signal,
    onListen() {},
  }, async (raw) => {
    const body = new Uint8Array(await raw.arrayBuffer());
    const received: Received = {
      n: requests.length + 1,
      method: raw.method,
      path: new URL(raw.url).pathname,
      headers: raw.headers,
      body,
      text: new TextDecoder().decode(body),
      at: performance.now(),
    };
    requests.push(received);
    for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    return await respond(received, raw);
  });
  const { port } = server.addr;
  const close = async () => {
    controller.abort();
    await server.finished;
  };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    waitFor(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A promise with its resolver, for holding a response until the test releases it. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  await Promise.resolve();
  return port;
}

/** A body of `total` bytes of "a", made in 16 KiB chunks as it is read. */
export function bigBody(total: number): {
  body: ReadableStream<Uint8Array>;
  /** How many bytes were made so far. */
  pulled(): number;
  /** Whether the reader let go before the end. */
  cancelled(): boolean;
} {
  const chunk = new Uint8Array(16 * 1024).fill(0x61);
  let pulled = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk.length;
      controller.enqueue(chunk);
      if (pulled >= total) controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { body, pulled: () => pulled, cancelled: () => cancelled };
}
