// This module is browser compatible.
// Finds where each path of a YAML document is written, so that config problems can name a
// line and a column: `webhooks[0].events[1]` → the offset of that item (or of its key).

import { type Event, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE } from "js-yaml";

interface Frame {
  path: string;
  kind: "mapping" | "sequence";
  index: number; // items seen in a sequence; scalars seen in a mapping (keys and values)
  key?: string;
  keyAt?: number;
}

/**
 * Maps each path of a YAML document to the offset where it is written.
 *
 * @param text The YAML text; it must parse.
 * @returns Offsets by path.
 */
export function locatePaths(text: string): Map<string, number> {
  const at = new Map<string, number>();
  const stack: Frame[] = [];
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return at;
  }
  /** The path of the next node inside the top frame, and where it starts. */
  const place = (start: number): string | undefined => {
    const top = stack[stack.length - 1];
    if (top === undefined) return "";
    if (top.kind === "sequence") {
      const path = `${top.path}[${top.index++}]`;
      if (start >= 0) at.set(path, start); // an empty item has no place: its parent stands in
      return path;
    }
    top.index++;
    if (top.index % 2 === 1) return undefined; // a key: named when its value comes
    const path = top.path === "" ? top.key ?? "?" : `${top.path}.${top.key ?? "?"}`;
    const where = top.keyAt ?? start;
    if (where >= 0) at.set(path, where);
    return path;
  };
  for (const event of events) {
    if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) {
      const path = place(event.start) ?? "?";
      stack.push({
        path,
        kind: event.type === EVENT_ID.MAPPING ? "mapping" : "sequence",
        index: 0,
      });
    } else if (event.type === EVENT_ID.SCALAR || event.type === EVENT_ID.ALIAS) {
      const quoted = event.type === EVENT_ID.SCALAR &&
        (event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED);
      const start = event.type === EVENT_ID.SCALAR
        ? event.valueStart - (quoted ? 1 : 0) // a quoted scalar starts at its quote
        : event.anchorStart;
      const top = stack[stack.length - 1];
      if (top?.kind === "mapping" && top.index % 2 === 0) {
        top.key = event.type === EVENT_ID.SCALAR ? getScalarValue(text, event) : "?";
        top.keyAt = start;
      }
      place(start);
    } else if (event.type === EVENT_ID.POP) {
      stack.pop();
    }
  }
  return at;
}

/**
 * Makes a function that turns offsets into 1-based lines and columns, finding lines by binary
 * search so that placing many problems stays fast.
 *
 * @param text The text.
 * @returns The function; offsets outside the text are clamped into it.
 */
export function lineAndColumn(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  // YAML's line breaks: CR LF, CR or LF, as js-yaml counts them in its own errors.
  for (const match of text.matchAll(/\r\n|\r|\n/g)) starts.push(match.index + match[0].length);
  return (offset) => {
    const at = Math.min(Math.max(offset, 0), text.length);
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] as number) <= at) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: at - (starts[low] as number) + 1 };
  };
}
