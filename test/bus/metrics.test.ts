/** MetricsRegistry: own registry, tandem_ prefix, plugin prefixes, collect gauges, conflicts. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetricsRegistry } from "../../core/src/metrics/metrics-registry.js";

test("core and plugin metrics render in Prometheus text with their prefixes", { timeout: 180_000 }, async () => {
  const m = new MetricsRegistry();
  m.core.counter({ name: "calls_total", help: "calls", labelNames: ["result"] }).inc({ result: "ok" }, 2);
  const plugin = m.forPlugin("cucm-presence");
  plugin.gauge({ name: "subscriptions", help: "active subscriptions", collect: () => 3 });
  plugin.gauge({ name: "by_state", help: "by state", labelNames: ["state"], collect: () => [{ labels: { state: "active" }, value: 4 }] });
  plugin.histogram({ name: "notify_seconds", help: "latency", buckets: [0.1, 1] }).observe(0.5);
  const text = await m.render();
  assert.match(text, /^tandem_calls_total\{result="ok"\} 2$/m);
  assert.match(text, /^tandem_cucm_presence_subscriptions 3$/m);
  assert.match(text, /^tandem_cucm_presence_by_state\{state="active"\} 4$/m);
  assert.match(text, /^tandem_cucm_presence_notify_seconds_bucket\{le="1"\} 1$/m);
  assert.match(text, /^tandem_process_cpu_user_seconds_total /m, "default process metrics with the prefix");
  assert.match(m.contentType, /text\/plain/);
});

test("the same metric declared twice is the same metric; another kind or a bad name is a coded error", { timeout: 180_000 }, async () => {
  const m = new MetricsRegistry({ defaultMetrics: false });
  const a = m.core.counter({ name: "x_total", help: "x" });
  const b = m.core.counter({ name: "x_total", help: "x" });
  a.inc();
  b.inc();
  assert.match(await m.render(), /^tandem_x_total 2$/m);
  assert.throws(() => m.core.gauge({ name: "x_total", help: "x" }), { code: "TANDEM_ERR_METRICS_CONFLICT" });
  assert.throws(() => m.core.counter({ name: "bad-name", help: "x" }), { code: "TANDEM_ERR_METRICS_NAME" });
  const other = new MetricsRegistry({ defaultMetrics: false });
  other.core.counter({ name: "x_total", help: "x" });
  assert.doesNotMatch(await other.render(), /tandem_x_total 2/, "each registry is its own");
});
