/**
 * SSE resume on a listening server with a real HTTP client: the client disconnects mid-stream (also mid-frame)
 * while events keep coming, resumes with `?after=` and with `Last-Event-ID`, and must see every event exactly once.
 */
import assert from "node:assert/strict";
import { request, type ClientRequest, type IncomingMessage } from "node:http";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { TOKEN, startHarness } from "./admin-support.js";

interface Frame {
  id?: number;
  data?: string;
  comment?: string;
}

/** Opens the stream and calls `onFrame` for each complete frame; returns the request for aborting. */
function openStream(port: number, query: string, headers: Record<string, string>, onFrame: (f: Frame) => void): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: `/api/v1/events/stream${query}`, headers: { authorization: `Bearer ${TOKEN}`, ...headers } }, (res) => {
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          onFrame(parseFrame(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
      });
      res.on("error", () => undefined);
      resolve({ req, res });
    });
    req.on("error", (err) => (err.message.includes("aborted") || (err as { code?: string }).code === "ECONNRESET" ? undefined : reject(err)));
    req.end();
  });
}

function parseFrame(text: string): Frame {
  const frame: Frame = {};
  for (const line of text.split("\n")) {
    if (line.startsWith(":")) frame.comment = line.slice(1).trim();
    else if (line.startsWith("id: ")) frame.id = Number(line.slice(4));
    else if (line.startsWith("data: ")) frame.data = line.slice(6);
  }
  return frame;
}

test("a client that disconnects and resumes (after= and Last-Event-ID) gets every event exactly once", { timeout: 180_000 }, async (t) => {
  const { admin, core } = startHarness(t, { flushMs: 5 });
  const { port } = await admin.listen();
  for (let i = 0; i < 300; i++) core.bus.emit("EventUserEvent", { data: { i } }); // backlog, partly unflushed
  const total = 3_000;
  let stop = false;
  const producer = (async () => {
    while (!stop && core.bus.lastSeq() < total) {
      for (let i = 0; i < 25 && core.bus.lastSeq() < total; i++) core.bus.emit("EventUserEvent", { dn: "1001", data: { i } });
      await sleep(1);
    }
  })();
  t.after(() => {
    stop = true;
  });

  const seen: number[] = [];
  let lastId = 0;
  const onFrame = (f: Frame) => {
    if (f.id === undefined) return;
    assert.equal(JSON.parse(f.data ?? "{}").seq, f.id, "id is the event seq");
    seen.push(f.id);
    lastId = f.id;
  };
  // Three connections: from the start, resumed by ?after=, resumed by Last-Event-ID; each cut mid-stream.
  const resumes: Array<() => Promise<{ req: ClientRequest; res: IncomingMessage }>> = [
    () => openStream(port, "?after=0", {}, onFrame),
    () => openStream(port, `?after=${lastId}`, {}, onFrame),
    () => openStream(port, "?after=1", { "last-event-id": String(lastId) }, onFrame),
  ];
  for (const [i, open] of resumes.entries()) {
    const { req, res } = await open();
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-type"]), /^text\/event-stream/);
    const target = (i + 1) * 700;
    while (seen.length < target) await sleep(2);
    req.destroy(); // abrupt disconnect, possibly mid-frame: the partial frame is never counted
    await sleep(5);
  }
  const last = await openStream(port, "", { "last-event-id": String(lastId) }, onFrame);
  await producer;
  while (seen.length < total) await sleep(5);
  await sleep(30);
  last.req.destroy();

  assert.equal(seen.length, total, "no event lost or duplicated");
  assert.deepEqual(seen, Array.from({ length: total }, (_, i) => i + 1));
});

test("the stream starts with new events by default and sends heartbeat comments", { timeout: 180_000 }, async (t) => {
  const { admin, core } = startHarness(t, { sseHeartbeatMs: 30 });
  const { port } = await admin.listen();
  core.bus.emit("EventUserEvent");
  const frames: Frame[] = [];
  const { req } = await openStream(port, "", {}, (f) => frames.push(f));
  t.after(() => req.destroy());
  await sleep(20);
  core.bus.emit("EventRinging", { dn: "1001", connId: "c1" });
  while (!frames.some((f) => f.comment === "heartbeat") || !frames.some((f) => f.id)) await sleep(5);
  assert.deepEqual(frames.filter((f) => f.id).map((f) => f.id), [2], "seq 1 was before the connection");
  assert.equal(JSON.parse(frames.find((f) => f.id)?.data ?? "{}").name, "EventRinging");
  const unauth = await new Promise<number>((resolve) => {
    request({ host: "127.0.0.1", port, path: "/api/v1/events/stream" }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).end();
  });
  assert.equal(unauth, 401);
});

test("a cursor above the last seq (another database) is clamped, so no new event is skipped", { timeout: 180_000 }, async (t) => {
  const { admin, core } = startHarness(t);
  const { port } = await admin.listen();
  core.bus.emit("EventUserEvent");
  const ids: number[] = [];
  const { req } = await openStream(port, "?after=900", {}, (f) => f.id && ids.push(f.id));
  t.after(() => req.destroy());
  await sleep(20);
  core.bus.emit("EventUserEvent");
  while (ids.length === 0) await sleep(5);
  assert.deepEqual(ids, [2]);
});

test("closing the server ends open streams", { timeout: 180_000 }, async (t) => {
  const { admin } = startHarness(t);
  const { port } = await admin.listen();
  const { res } = await openStream(port, "", {}, () => undefined);
  const ended = new Promise((resolve) => res.on("close", resolve));
  await admin.close();
  await ended;
});

test("events held back while the database refused writes reach the stream once the retry commits them", { timeout: 180_000 }, async (t) => {
  const { admin, core } = startHarness(t, { flushMs: 5, sseHeartbeatMs: 100 });
  const { port } = await admin.listen();
  const ids: number[] = [];
  const { req } = await openStream(port, "?after=0", {}, (f) => f.id !== undefined && ids.push(f.id));
  t.after(() => req.destroy());
  core.db.exec("CREATE TEMP TRIGGER fail_insert BEFORE INSERT ON core__events BEGIN SELECT RAISE(ABORT, 'disk full'); END");
  for (let i = 0; i < 3; i++) core.bus.emit("EventUserEvent", { data: { i } });
  await sleep(150);
  assert.deepEqual(ids, [], "nothing uncommitted is streamed");
  core.db.exec("DROP TRIGGER fail_insert");
  const deadline = Date.now() + 8_000; // the retry backs off; no new event comes to wake the stream
  while (ids.length < 3 && Date.now() < deadline) await sleep(20);
  assert.deepEqual(ids, [1, 2, 3]);
});
