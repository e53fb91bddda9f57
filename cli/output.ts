// Terminal output for the CLI: plain tables, colour only on a terminal, errors without traces.

/** Whether to colour stdout: a terminal, and NO_COLOR not set. */
export function useColor(stream: { isTerminal(): boolean } = Deno.stdout): boolean {
  return !Deno.noColor && stream.isTerminal();
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

/** Wraps text in an ANSI colour when `on`. */
export function paint(text: string, color: keyof typeof CODES, on: boolean): string {
  return on ? `\x1b[${CODES[color]}m${text}\x1b[0m` : text;
}

/**
 * A plain table as servox prints lists: upper-case headers, no borders, columns padded with
 * two spaces, the last column not padded.
 */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** A user error: printed as one line (and the usage, for usage errors), exit code 2. */
export class UsageError extends Error {
  /** Whether to print the usage after the message. */
  readonly showUsage: boolean;

  constructor(message: string, showUsage = true) {
    super(message);
    this.name = "UsageError";
    this.showUsage = showUsage;
  }
}

/** Writes a line to stdout. */
export function out(line = ""): void {
  console.log(line);
}

/** Writes a line to stderr. */
export function err(line = ""): void {
  console.error(line);
}

/** A compact one-line JSON Schema summary: `{readings, annotations}`, `Metric[]`-like shapes. */
export function summarize(schema: unknown, depth = 0): string {
  if (typeof schema !== "object" || schema === null) return "any";
  const s = schema as Record<string, unknown>;
  if (depth > 1 && s.type === "object") return "{…}";
  const options = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(options)) {
    return [...new Set(options.map((o) => summarize(o, depth)))].join(" | ");
  }
  switch (s.type) {
    case "object": {
      const required = new Set(Array.isArray(s.required) ? s.required : []);
      const keys = Object.keys((s.properties ?? {}) as object);
      if (keys.length === 0) return "{}";
      return `{${keys.map((k) => (required.has(k) ? k : `${k}?`)).join(", ")}}`;
    }
    case "array":
      return `${summarize(s.items, depth + 1)}[]`;
    case undefined:
      return "any";
    default:
      return Array.isArray(s.type) ? s.type.join(" | ") : String(s.type);
  }
}
