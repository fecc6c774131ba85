/** Plugin routes under /api/v1/plugins/<id>: auth, validation, error format, replies, WebSockets, late registration. */
import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import WebSocket from "ws";
import { defineError } from "@tandem/sdk";
import { auth, startHarness, TOKEN } from "./admin-support.js";

const NoSuchQueue = defineError("TANDEM_ERR_EXAMPLE_NO_QUEUE", "queue %s does not exist", { httpStatus: 404 });

test("plugin HTTP routes get the core's auth, validation and error format", { timeout: 180_000 }, async (t) => {
  const { admin } = startHarness(t);
  admin.addPluginRoute("example", {
    method: "POST",
    path: "/queues/:id",
    schema: {
      summary: "Add to a queue",
      params: { type: "object", properties: { id: { type: "string", pattern: "^q" } } },
      body: { type: "object", required: ["priority"], additionalProperties: false, properties: { priority: { type: "integer" } } },
      response: { 200: { type: "object", properties: { id: { type: "string" }, priority: { type: "integer" }, who: { type: "string" } } } },
    },
    handler: (req) => {
      const params = req.params as { id: string };
      if (params.id === "q404") throw NoSuchQueue(params.id);
      if (params.id === "qboom") throw new Error("plugin bug");
      return { id: params.id, priority: (req.body as { priority: number }).priority, who: req.principal };
    },
  });
  admin.addPluginRoute("example", { method: "GET", path: "/public", auth: "none", handler: () => ({ status: 202, body: { queued: true }, headers: { "x-plugin": "yes" } }) });

  const ok = await admin.inject({ method: "POST", url: "/api/v1/plugins/example/queues/q1", headers: auth, payload: { priority: 5 } });
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), { id: "q1", priority: 5, who: "ops" });
  const noAuth = await admin.inject({ method: "POST", url: "/api/v1/plugins/example/queues/q1", payload: { priority: 5 } });
  assert.equal(noAuth.statusCode, 401);
  const bad = await admin.inject({ method: "POST", url: "/api/v1/plugins/example/queues/q1", headers: auth, payload: { priority: "high" } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json<{ error: { details: Array<{ field: string }> } }>().error.details[0]?.field, "body.priority");
  const coded = await admin.inject({ method: "POST", url: "/api/v1/plugins/example/queues/q404", headers: auth, payload: { priority: 1 } });
  assert.equal(coded.statusCode, 404);
  assert.deepEqual(coded.json(), { error: { code: "TANDEM_ERR_EXAMPLE_NO_QUEUE", message: "queue q404 does not exist", details: [] } });
  const boom = await admin.inject({ method: "POST", url: "/api/v1/plugins/example/queues/qboom", headers: auth, payload: { priority: 1 } });
  assert.equal(boom.statusCode, 500);
  assert.equal(boom.json<{ error: { code: string; message: string } }>().error.code, "TANDEM_ERR_API_INTERNAL");
  assert.doesNotMatch(boom.body, /plugin bug/, "internal detail stays in the log");
  const open = await admin.inject({ method: "GET", url: "/api/v1/plugins/example/public" });
  assert.equal(open.statusCode, 202);
  assert.equal(open.headers["x-plugin"], "yes");
  assert.deepEqual(open.json(), { queued: true });
  const doc = (await admin.inject({ method: "GET", url: "/docs/json" })).json<{ paths: Record<string, unknown> }>();
  assert.ok(doc.paths["/api/v1/plugins/example/queues/{id}"], "plugin route in the OpenAPI document");

  assert.throws(() => admin.addPluginRoute("example", { method: "GET", path: "/late", handler: () => 1 }), {
    code: "TANDEM_ERR_API_ROUTES_CLOSED",
  });
});

test("bad plugin ids and paths are refused", { timeout: 180_000 }, (t) => {
  const { admin } = startHarness(t);
  assert.throws(() => admin.addPluginRoute("Bad_Id", { method: "GET", path: "/x", handler: () => 1 }), { code: "TANDEM_ERR_API_ROUTE_INVALID" });
  assert.throws(() => admin.addPluginRoute("ok", { method: "GET", path: "x", handler: () => 1 }), { code: "TANDEM_ERR_API_ROUTE_INVALID" });
});

test("plugin WebSockets: token checked on the upgrade, text frames both ways, close reported", { timeout: 180_000 }, async (t) => {
  const { admin } = startHarness(t);
  const closed: number[] = [];
  admin.addPluginWebSocket("example", {
    path: "/live",
    handler: (socket, req) => {
      socket.send(`hello ${req.principal ?? "?"}`);
      socket.onMessage((text) => {
        if (text === "throw") throw new Error("listener bug");
        socket.send(`echo ${text}`);
      });
      socket.onClose((code) => closed.push(code));
    },
  });
  const { port } = await admin.listen();
  const url = `ws://127.0.0.1:${port}/api/v1/plugins/example/live`;

  const denied = new WebSocket(url);
  denied.on("error", () => undefined);
  const [, res] = (await once(denied, "unexpected-response")) as [unknown, { statusCode: number; resume(): void }];
  assert.equal(res.statusCode, 401);
  res.resume();
  denied.terminate();

  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  t.after(() => ws.terminate());
  const messages: string[] = [];
  ws.on("message", (data: Buffer) => messages.push(data.toString()));
  await once(ws, "open");
  ws.send("ping");
  while (messages.length < 2) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(messages, ["hello ops", "echo ping"]);
  ws.send("throw");
  const [code] = (await once(ws, "close")) as [number];
  assert.equal(code, 1011, "a throwing listener closes the socket, not the process");
  while (closed.length === 0) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(closed, [1011]);
});
