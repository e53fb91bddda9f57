import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { importSigningKey, Secret, sign, verify } from "../mod.ts";

const encoder = new TextEncoder();

Deno.test("sign() matches the fact sheet's byte-exact servox examples", async () => {
  const metrics =
    '{"event": "after:metrics", "created_at": "2021-04-10T11:56:38.123456", "results": [{"connector": "webhook_event", "value": [{"name": "throughput", "unit": "rpm"}, {"name": "error_rate", "unit": "%"}]}]}';
  assert.equal(await sign("w00t", metrics), "96ba9a56e49b3e378c3ef9f19d6898d585fad222");
  const measure =
    '{"event": "before:measure", "created_at": "2021-04-10T11:56:38.123456", "results": null}';
  assert.equal(await sign("testing", measure), "92123af2033d358af47e37c069c87469f9c8a81d");
});

Deno.test("sign() equals an independent HMAC-SHA1 over UTF-8 bytes", async () => {
  const body = '{"event":"after:measure","note":"ünïcødé ✓"}';
  const secret = "super secret authentication code";
  const expected = createHmac("sha1", secret).update(encoder.encode(body)).digest("hex");
  assert.equal(await sign(secret, body), expected);
  assert.equal(await sign(secret, encoder.encode(body)), expected);
  assert.equal(await sign(new Secret(secret), body), expected);
  assert.equal(await sign(await importSigningKey(secret), body), expected);
});

Deno.test("verify() accepts the right signature and rejects others", async () => {
  const body = encoder.encode('{"event":"before:adjust"}');
  const good = await sign("k", body);
  assert.equal(await verify("k", body, good), true);
  assert.equal(await verify("k", body, good.toUpperCase()), true);
  assert.equal(await verify("other", body, good), false);
  assert.equal(await verify("k", encoder.encode('{"event":"before:adjusT"}'), good), false);
});

Deno.test("verify() rejects missing and malformed signature headers", async () => {
  const body = "{}";
  const good = await sign("k", body);
  for (
    const bad of [
      null,
      undefined,
      "",
      "sha1=" + good,
      good.slice(2),
      good + "00",
      "zz" + good.slice(2),
      ` ${good}`,
    ]
  ) {
    assert.equal(await verify("k", body, bad), false, `accepted ${JSON.stringify(bad)}`);
  }
});
