/**
 * Prometheus metrics over prom-client with a registry of our own (never the global one, so several servers can
 * live in one process, e.g. in tests). Core metrics are `tandem_<name>`, plugin metrics `tandem_<plugin_id>_<name>`.
 */
import client from "prom-client";
import type { Counter, Gauge, Histogram, Labels, MetricSpec, Metrics } from "@tandem/sdk";
import { MetricsErrors } from "./errors.js";

const NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
type Kind = "counter" | "gauge" | "histogram";
type GaugeSpec = MetricSpec & { collect?: () => number | Array<{ labels: Labels; value: number }> };

export class MetricsRegistry {
  readonly registry = new client.Registry();
  readonly core: Metrics;
  private readonly made = new Map<string, { kind: Kind; metric: Counter | Gauge | Histogram }>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) client.collectDefaultMetrics({ register: this.registry, prefix: "tandem_" });
    this.core = this.scoped("tandem_");
  }

  /** Metrics of one plugin, prefixed `tandem_<id with _ for ->_`. */
  forPlugin(id: string): Metrics {
    return this.scoped(`tandem_${id.replace(/[^a-zA-Z0-9_]/g, "_")}_`);
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private scoped(prefix: string): Metrics {
    return {
      counter: (spec) => this.once(prefix, spec, "counter", (name) => wrapCounter(this.counter(name, spec))),
      gauge: (spec) => this.once(prefix, spec, "gauge", (name) => wrapGauge(this.gauge(name, spec))),
      histogram: (spec) => this.once(prefix, spec, "histogram", (name) => wrapHistogram(this.histogram(name, spec))),
    } as Metrics;
  }

  /** Declaring the same metric twice returns the first (plugins re-registering in tests); another kind is an error. */
  private once<T extends Counter | Gauge | Histogram>(prefix: string, spec: MetricSpec, kind: Kind, make: (name: string) => T): T {
    if (!NAME_RE.test(spec.name)) throw MetricsErrors.name(JSON.stringify(spec.name));
    const name = prefix + spec.name;
    const existing = this.made.get(name);
    if (existing) {
      if (existing.kind !== kind) throw MetricsErrors.conflict(name, existing.kind);
      return existing.metric as T;
    }
    const metric = make(name);
    this.made.set(name, { kind, metric });
    return metric;
  }

  private counter(name: string, spec: MetricSpec): client.Counter<string> {
    return new client.Counter({ name, help: spec.help, labelNames: [...(spec.labelNames ?? [])], registers: [this.registry] });
  }

  private gauge(name: string, spec: GaugeSpec): client.Gauge<string> {
    const { collect } = spec;
    return new client.Gauge({
      name,
      help: spec.help,
      labelNames: [...(spec.labelNames ?? [])],
      registers: [this.registry],
      ...(collect
        ? {
            collect(this: client.Gauge<string>) {
              const value = collect();
              if (typeof value === "number") this.set(value);
              else {
                this.reset();
                for (const v of value) this.set(v.labels, v.value);
              }
            },
          }
        : {}),
    });
  }

  private histogram(name: string, spec: MetricSpec & { buckets?: readonly number[] }): client.Histogram<string> {
    return new client.Histogram({
      name,
      help: spec.help,
      labelNames: [...(spec.labelNames ?? [])],
      registers: [this.registry],
      ...(spec.buckets ? { buckets: [...spec.buckets] } : {}),
    });
  }
}

function wrapCounter(c: client.Counter<string>): Counter {
  return { inc: (labels, value = 1) => (labels ? c.inc(labels, value) : c.inc(value)) };
}

function wrapGauge(g: client.Gauge<string>): Gauge {
  return {
    set: (value, labels) => (labels ? g.set(labels, value) : g.set(value)),
    inc: (labels, value = 1) => (labels ? g.inc(labels, value) : g.inc(value)),
    dec: (labels, value = 1) => (labels ? g.dec(labels, value) : g.dec(value)),
  };
}

function wrapHistogram(h: client.Histogram<string>): Histogram {
  return { observe: (value, labels) => (labels ? h.observe(labels, value) : h.observe(value)) };
}
