// lib/ and mod.ts must run in Deno, Node 20, browsers and edge runtimes: web-standard globals
// and ES2023 only. `deno task check:portable` type-checks them without the Deno namespace;
// this test catches what a type-check cannot.

import assert from "node:assert/strict";

const MARKER = "// This module is browser compatible.";

const FORBIDDEN: [RegExp, string][] = [
  [/(^|[^"'\w.])Deno\./, "the Deno namespace"],
  [/\bfrom\s+["']node:|\bimport\(\s*["']node:|\brequire\(/, "a node: import or require"],
  [/(^|[^\w.])process\./, "process"],
  [/\bBuffer\b/, "Buffer"],
  [/\b(await\s+)?using\s+[A-Za-z_$]/, "using declarations (Node 20 cannot parse them)"],
  [/\bPromise\.withResolvers\b/, "Promise.withResolvers (not in Node 20)"],
  [/\bArray\.fromAsync\b/, "Array.fromAsync (not in Node 20)"],
  [
    /(?<!\bz)\.(union|intersection|difference|symmetricDifference|isSubsetOf|isSupersetOf|isDisjointFrom)\(/,
    "Set methods (not in Node 20)",
  ],
];

/** Drops comments, so that documentation examples may mention anything. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'])\/\/.*$/gm, "$1");
}

async function sources(): Promise<string[]> {
  const files = ["mod.ts"];
  for await (const entry of Deno.readDir(new URL("../lib/", import.meta.url))) {
    if (entry.isFile && entry.name.endsWith(".ts")) files.push(`lib/${entry.name}`);
  }
  return files.sort();
}

Deno.test("lib/ and mod.ts use only web-standard APIs and ES2023", async () => {
  const files = await sources();
  assert.ok(files.length > 10);
  const problems: string[] = [];
  for (const file of files) {
    const text = code(await Deno.readTextFile(new URL(`../${file}`, import.meta.url)));
    text.split("\n").forEach((line, i) => {
      for (const [pattern, what] of FORBIDDEN) {
        if (pattern.test(line)) problems.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(problems, []);
});

Deno.test("lib/ imports only relative modules, zod and js-yaml", async () => {
  const problems: string[] = [];
  for (const file of await sources()) {
    const text = code(await Deno.readTextFile(new URL(`../${file}`, import.meta.url)));
    for (
      const [, specifier] of text.matchAll(/\bfrom\s+["']([^"']+)["']|\bimport\s+["']([^"']+)["']/g)
    ) {
      if (specifier !== undefined && !/^(\.\.?\/|zod$|js-yaml$)/.test(specifier)) {
        problems.push(`${file}: ${specifier}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("every file in lib/ is marked browser compatible", async () => {
  const unmarked: string[] = [];
  for (const file of (await sources()).filter((f) => f.startsWith("lib/"))) {
    const text = await Deno.readTextFile(new URL(`../${file}`, import.meta.url));
    if (!text.startsWith(MARKER)) unmarked.push(file);
  }
  assert.deepEqual(unmarked, []);
});

Deno.test("the portability check would catch a Deno call in lib/", () => {
  const caught = FORBIDDEN.filter(([pattern]) =>
    [
      'const x = Deno.env.get("X");',
      'import p from "node:process";',
      "await using s = x;",
      "process.env.X",
    ]
      .some((line) => pattern.test(code(line)))
  );
  assert.equal(caught.length, 4);
  assert.equal(FORBIDDEN.some(([p]) => p.test(code('Symbol.for("Deno.customInspect")'))), false);
});

Deno.test("deno.portable.json repeats the import map of deno.json", async () => {
  const read = async (name: string) =>
    JSON.parse(await Deno.readTextFile(new URL(`../${name}`, import.meta.url))).imports;
  assert.deepEqual(await read("deno.portable.json"), await read("deno.json"));
});
