/**
 * Reading trunks and groups from the DN registry: URIs with the trunk's transport, targets through a trunk,
 * bad contacts and unknown members left out with coded problems, group resolution order, and a registry
 * change picked up while running.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DnInput, DnRecord, DnRegistry, DnType } from "@tandem/sdk";
import { createTestHost } from "@tandem/testing";
import trunkSelection from "@tandem/plugin-trunk-selection";
import { endpointUri, readDirectory, targetThrough } from "../../plugins/trunk-selection/src/trunk-directory.js";
import { withDefaults } from "../../plugins/trunk-selection/src/manifest.js";
import { select, trunkRows } from "./support/trunk-host.js";

/** Just enough of a registry for `readDirectory`. */
function registry(dns: DnInput[]): DnRegistry {
  const records: DnRecord[] = dns.map((d) => ({ number: d.number, type: d.type, options: d.options ?? {}, origin: "config", createdAt: "", updatedAt: "" }));
  return {
    list: (filter?: { type?: DnType | readonly DnType[] }) => records.filter((r) => filter?.type === undefined || r.type === filter.type),
    get: (n: string) => records.find((r) => r.number === n),
  } as unknown as DnRegistry;
}

describe("trunk directory", { timeout: 300_000 }, () => {
  it("builds endpoint URIs with the trunk's transport and targets through them", () => {
    assert.equal(endpointUri("sip:10.0.0.5:5060", "tcp"), "sip:10.0.0.5:5060;transport=tcp");
    assert.equal(endpointUri("<sip:cucm@10.0.0.5;transport=udp>", "tcp"), "sip:10.0.0.5;transport=udp");
    assert.equal(endpointUri("sips:pbx.example.com", undefined), "sips:pbx.example.com");
    assert.equal(endpointUri("http://x", undefined), undefined);
    assert.equal(endpointUri("sip:", undefined), undefined);
    assert.equal(targetThrough("sip:10.0.0.5:5060;transport=tcp", "1001"), "sip:1001@10.0.0.5:5060;transport=tcp");
    assert.equal(targetThrough("sip:10.0.0.5", "sip:+331234@elsewhere;user=phone"), "sip:+331234@10.0.0.5");
  });

  it("leaves out bad contacts and unknown members with coded problems; groups get defaults", () => {
    const config = withDefaults({ oosCheck: 5, oosForce: 15, holdDownSeconds: 20 });
    const dir = readDirectory(
      registry([
        { number: "T10", type: "Trunk", options: { contact: "sip:10.0.0.10", "oos-check": 2 } },
        { number: "T2", type: "Trunk", options: { contact: "not-a-uri", "contact-backup": ["sip:10.0.0.3"] } },
        { number: "T3", type: "Trunk", options: { contact: "bogus" } },
        { number: "G", type: "TrunkGroup", options: { trunks: ["T10", "T3", "nope"], strategy: "primary-backup" } },
      ]),
      config,
    );
    assert.deepEqual([...dir.trunks.keys()], ["T2", "T10"], "numeric order, T3 left out");
    assert.deepEqual(dir.trunks.get("T2")?.endpoints, ["sip:10.0.0.3"]);
    assert.equal(dir.trunks.get("T10")?.oosCheckMs, 2000);
    assert.equal(dir.trunks.get("T10")?.oosForceMs, 15_000);
    assert.deepEqual(dir.groups.get("G"), { number: "G", members: ["T10"], strategy: "primary-backup", holdDownMs: 20_000 });
    assert.deepEqual(dir.groups.get("*")?.members, ["T2", "T10"]);
    assert.deepEqual(dir.problems.map((p) => p.code), [
      "TANDEM_ERR_TRUNK_BAD_CONTACT",
      "TANDEM_ERR_TRUNK_BAD_CONTACT",
      "TANDEM_ERR_TRUNK_UNKNOWN_MEMBER",
      "TANDEM_ERR_TRUNK_UNKNOWN_MEMBER",
    ]);
  });

  it("a bad pattern and unknown group names fall through to the next rule, in the end every trunk", async (t) => {
    const host = await createTestHost({
      plugins: [trunkSelection],
      config: {
        plugins: {
          "trunk-selection": {
            enabled: true,
            oosCheck: 0,
            routes: [{ pattern: "(", group: "G" }, { pattern: "^9", group: "missing" }, { pattern: "^8", group: "G" }],
            defaultGroup: "also-missing",
          },
        },
      },
      dns: [
        { number: "A", type: "Trunk", options: { contact: "sip:127.0.0.1:5999" } },
        { number: "B", type: "Trunk", options: { contact: "sip:127.0.0.1:5998" } },
        { number: "G", type: "TrunkGroup", options: { trunks: ["B"] } },
        { number: "RP", type: "RoutingPoint", options: { "trunk-group": "nope" } },
      ],
    });
    t.after(() => host.close());
    assert.equal((await select(host, "800"))?.trunk, "B", "^8 rule");
    assert.equal((await select(host, "800", { routingPoint: "RP" }))?.trunk, "B", "unknown RP group falls to the rules");
    const rest = await Promise.all(["900", "100", "101"].map((d) => select(host, d)));
    assert.deepEqual(rest.map((c) => c?.trunk), ["A", "B", "A"], "unknown groups fall to every trunk, round-robin");
  });

  it("picks up Trunk DNs added and removed while running (no probing: oos-check 0)", async (t) => {
    const host = await createTestHost({
      plugins: [trunkSelection],
      config: { plugins: { "trunk-selection": { enabled: true, oosCheck: 0 } } },
      dns: [{ number: "A", type: "Trunk", options: { contact: "sip:127.0.0.1:5999" } }],
    });
    t.after(() => host.close());
    assert.equal((await select(host, "1"))?.trunk, "A");
    host.dns.upsert({ number: "B", type: "Trunk", options: { contact: "sip:127.0.0.1:5998" } });
    assert.deepEqual((await trunkRows(host)).map((r) => r.number), ["A", "B"]);
    host.dns.remove("A");
    assert.deepEqual(await select(host, "1"), { trunk: "B", target: "sip:1@127.0.0.1:5998" });
    const one = await host.inject({ method: "GET", url: "/api/v1/plugins/trunk-selection/trunks/A" });
    assert.equal(one.statusCode, 404);
    assert.match(one.body, /TANDEM_ERR_TRUNK_UNKNOWN/, one.body);
  });
});

describe("GET /api/v1/trunks (the operators' path, a root route of the plugin)", { timeout: 300_000 }, () => {
  it("serves the same trunk list as the plugin's own prefix, behind the admin token", async (t) => {
    const host = await createTestHost({
      plugins: [trunkSelection],
      config: { plugins: { "trunk-selection": { enabled: true, oosCheck: 0 } } },
      dns: [{ number: "A", type: "Trunk", options: { contact: "sip:127.0.0.1:5999" } }],
    });
    t.after(() => host.close());
    const root = await host.inject({ method: "GET", url: "/api/v1/trunks" });
    const own = await host.inject({ method: "GET", url: "/api/v1/plugins/trunk-selection/trunks" });
    assert.equal(root.statusCode, 200);
    const names = (body: string) => (JSON.parse(body) as { trunks: Array<{ number: string }> }).trunks.map((r) => r.number);
    assert.deepEqual(names(root.body), ["A"]);
    assert.deepEqual(names(root.body), names(own.body));
    assert.equal((await host.inject({ method: "GET", url: "/api/v1/trunks/A" })).statusCode, 200);
    const anonymous = await host.inject({ method: "GET", url: "/api/v1/trunks", headers: { authorization: "Bearer wrong" } });
    assert.equal(anonymous.statusCode, 401);
  });
});
