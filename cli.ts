/**
 * The servo-webhooks command line: list, events, schema, trigger, generate, validate and
 * receive. Run it with `deno run -A cli.ts <command>` (or `deno task cli <command>`).
 *
 * @example Checking a config and triggering a webhook
 * ```sh
 * deno run -A cli.ts validate
 * deno run -A cli.ts trigger after:measure
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ConfigError, VERSION } from "./mod.ts";
import { events, generate, list, schema, validate } from "./cli/commands.ts";
import type { Context, Flags } from "./cli/context.ts";
import { err, out, UsageError, useColor } from "./cli/output.ts";
import { receive } from "./cli/receive.ts";
import { trigger } from "./cli/trigger.ts";

type Option = { type: "string" | "boolean"; short?: string };

const GLOBAL: Record<string, Option> = {
  "config-file": { type: "string", short: "c" },
  json: { type: "boolean" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
};

interface Command {
  run: (ctx: Context) => number | Promise<number>;
  /** How many arguments it takes: at least the first, at most the second. */
  args: [number, number];
  options: Record<string, Option>;
  usage: string;
  help: string;
}

const COMMANDS: Record<string, Command> = {
  list: {
    run: list,
    args: [0, 0],
    options: {},
    usage: "list [--json]",
    help: `List the configured webhooks: NAME EVENTS URL BACKOFF TIMEOUT. Secrets are never shown,
and a URL's query is shown as ?…

Examples:
  deno run -A cli.ts list
  deno run -A cli.ts -c prod.yaml list --json`,
  },
  events: {
    run: events,
    args: [0, 0],
    options: {},
    usage: "events [--json]",
    help: `List the events webhooks can subscribe to (as before:<event> or after:<event>), with a
summary of their params and result.

Examples:
  deno run -A cli.ts events
  deno run -A cli.ts events --json`,
  },
  schema: {
    run: schema,
    args: [1, 1],
    options: {},
    usage: "schema EVENT [--json]",
    help: `Print the Content-Type and the JSON Schema (draft 2020-12) of an event's request body.
With --json, print only the schema, to pipe into other tools.

Examples:
  deno run -A cli.ts schema after:measure
  deno run -A cli.ts schema before:adjust --json > before-adjust.schema.json`,
  },
  trigger: {
    run: trigger,
    args: [1, 2],
    options: { data: { type: "string" }, secret: { type: "string" } },
    usage: "trigger EVENT [NAME|URL] [--data FILE|-] [--secret SECRET] [--json]",
    help: `Send an event's webhook now: to every configured webhook subscribed to EVENT, to the one
named NAME, or to URL (signed with --secret or $SERVO_WEBHOOK_SECRET). The payload is
--data FILE (or - for stdin), a JSON object with params and, for after events, results;
without --data a realistic sample is sent. Prints one line per delivery; waits between
retries are reported on stderr. Exit code 0 when every delivery succeeded (a cancel counts
as success), 1 when one failed.

Examples:
  deno run -A cli.ts trigger after:measure
  deno run -A cli.ts trigger before:adjust approve-adjustments
  echo '{"params":{}}' | deno run -A cli.ts trigger before:describe http://127.0.0.1:8080/ --secret s3cr3t --data -`,
  },
  generate: {
    run: generate,
    args: [0, 0],
    options: { output: { type: "string", short: "o" }, force: { type: "boolean" } },
    usage: "generate [--output FILE] [--force]",
    help: `Print a starting configuration with a freshly random secret, or write it to FILE (which
must not exist, unless --force is given).

Examples:
  deno run -A cli.ts generate
  deno run -A cli.ts generate --output servo.yaml`,
  },
  validate: {
    run: validate,
    args: [0, 0],
    options: {},
    usage: "validate [--json]",
    help: `Check the config file: prints "valid: N webhooks in FILE", or every problem as
"path: message (line L, column C)" and exits with 2.

Examples:
  deno run -A cli.ts validate
  deno run -A cli.ts -c prod.yaml validate`,
  },
  receive: {
    run: receive,
    args: [0, 0],
    options: {
      port: { type: "string", short: "p" },
      secret: { type: "string" },
      cancel: { type: "string" },
      fail: { type: "string" },
      status: { type: "string" },
    },
    usage: "receive [--port PORT] --secret SECRET [--cancel REASON] [--fail N] [--status CODE]",
    help: `Run a local webhook responder on 127.0.0.1 (port 8080 by default, 0 for any free port).
It verifies X-Servo-Signature (401 when it does not match), prints each delivery and answers
204. --cancel REASON cancels before: events; --fail N answers the first N requests of each
delivery with 503, to watch retries; --status CODE answers every request with CODE.
Stops on Ctrl-C or SIGTERM.

Examples:
  deno run -A cli.ts receive --port 8080 --secret s3cr3t
  deno run -A cli.ts receive --secret s3cr3t --cancel "adjustments are frozen" --fail 2`,
  },
};

const USAGE = `servo-webhooks ${VERSION}: send servo events as signed HTTP webhooks

Usage: deno run -A cli.ts [--config-file FILE] <command> [options]

Commands:
${Object.entries(COMMANDS).map(([, c]) => `  ${c.usage}`).join("\n")}

Options:
  -c, --config-file FILE  the config file (default servo.yaml, or $SERVO_CONFIG_FILE)
      --json              print JSON
  -v, --verbose           more detail on errors
  -h, --help              this help; "<command> --help" for a command's
      --version           print the version

Exit codes: 0 success, 1 a delivery failed, 2 usage or config error.

Examples:
  deno run -A cli.ts generate --output servo.yaml
  deno run -A cli.ts validate
  deno run -A cli.ts receive --port 8080 --secret s3cr3t
  deno run -A cli.ts trigger after:measure`;

/**
 * Runs the CLI with the given arguments.
 *
 * @param args The arguments, without the program name.
 * @returns The exit code.
 */
export async function main(args: string[]): Promise<number> {
  let verbose = args.includes("--verbose") || args.includes("-v");
  let name: string | undefined;
  try {
    const all: Record<string, Option> = { ...GLOBAL };
    for (const command of Object.values(COMMANDS)) Object.assign(all, command.options);
    const { values, positionals } = parseArgs({
      args,
      options: all,
      allowPositionals: true,
      strict: true,
    });
    const flags = values as Flags;
    verbose = flags.verbose === true;
    name = positionals[0];
    if (flags.version === true) {
      out(VERSION);
      return 0;
    }
    if (name === undefined) {
      if (flags.help === true) {
        out(USAGE);
        return 0;
      }
      throw new UsageError("no command given");
    }
    const command = COMMANDS[name];
    if (command === undefined) throw new UsageError(`unknown command '${name}'`);
    if (flags.help === true) {
      out(`Usage: deno run -A cli.ts [--config-file FILE] ${command.usage}\n\n${command.help}`);
      return 0;
    }
    const given = positionals.length - 1;
    if (given < command.args[0]) {
      throw new UsageError(`${name} needs ${command.usage.split(" ")[1]?.replace(/^\[|\]$/g, "")}`);
    }
    if (given > command.args[1]) {
      throw new UsageError(`unexpected argument '${positionals[command.args[1] + 1]}'`);
    }
    for (const key of Object.keys(flags)) {
      if (!(key in GLOBAL) && !(key in command.options)) {
        throw new UsageError(`unknown option '--${key}' for ${name}`);
      }
    }
    return await command.run({
      args: positionals.slice(1),
      flags,
      json: flags.json === true,
      color: useColor(),
    });
  } catch (error) {
    return report(error, name, verbose);
  }
}

function report(error: unknown, command: string | undefined, verbose: boolean): number {
  if (error instanceof UsageError) {
    err(`error: ${error.message}`);
    if (error.showUsage) {
      const usage = command === undefined ? undefined : COMMANDS[command]?.usage;
      err(usage === undefined ? `\n${USAGE}` : `usage: deno run -A cli.ts ${usage}`);
    }
    return 2;
  }
  if (error instanceof ConfigError) {
    err(`error: ${error.message}`);
    return 2;
  }
  const code = (error as { code?: unknown })?.code;
  if (error instanceof TypeError && typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
    const option = /'([^']+)'/.exec(error.message)?.[1];
    err(
      code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option !== undefined
        ? `error: unknown option '${option}'`
        : `error: ${error.message.split(". ")[0]}`,
    );
    err(`\n${USAGE}`);
    return 2;
  }
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    err(`error: ${error.message}`);
    err(
      "hint: run it as 'deno run -A cli.ts …' (or 'deno task cli …'), which grants what it needs",
    );
    return 2;
  }
  if (error instanceof Deno.errors.AddrInUse) {
    err("error: that port is in use: choose another with --port (0 picks a free one)");
    return 2;
  }
  err(`error: ${error instanceof Error ? error.message : String(error)}`);
  if (verbose && error instanceof Error && error.stack !== undefined) err(error.stack);
  return 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
