/**
 * A three-party conference with real audio through the embedded media engine (the scenario is in
 * support/three-party-scenario.ts; three-party-janus.test.ts runs it through Janus): each party hears exactly the
 * other two, a deleted party leaves the other two talking, the last agent leaving ends the call.
 */
import { after, test } from "node:test";
import { killAllBaresip } from "../support/media/baresip-peer.js";
import { killAllSipp } from "../support/sipp.js";
import { threePartyScenario } from "./support/three-party-scenario.js";

after(() => {
  killAllBaresip();
  killAllSipp();
});

test("three parties hear each other through the room; a deleted party leaves the other two talking; nobody stays Busy", { timeout: 180_000 }, (t) => threePartyScenario(t));
