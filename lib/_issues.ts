// This module is browser compatible.
// Turns zod issues into `path: message` pairs, with paths written as `a.b[0].c`.

import type * as z from "zod";
import type { ValidationIssue } from "./errors.ts";

/**
 * Writes a path as `webhooks[0].events[1]`.
 *
 * @param path The path segments.
 * @returns The path as text; empty for the root.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) {
      out += out === "" ? key : `.${key}`;
    } else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** One zod issue as our own issue, with a message that does not echo the input. */
function convert(issue: z.core.$ZodIssue): ValidationIssue[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: formatPath([...issue.path, key]),
      message: "unknown field",
    }));
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // Report the branch that got furthest, rather than "invalid input".
    const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    return best.flatMap((inner) =>
      convert({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue)
    );
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length)) - issues.length / 1000;
}

/**
 * Converts zod issues to validation issues.
 *
 * @param issues The issues of a failed zod parse.
 * @returns One issue per problem.
 */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  return issues.flatMap(convert);
}
