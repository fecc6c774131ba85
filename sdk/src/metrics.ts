/**
 * Metrics exposed in Prometheus text format at `/api/v1/metrics`. Names get the prefix `tandem_`
 * and, for plugins, the plugin id (`tandem_presence_…`).
 */

/** Label values by label name. */
export type Labels = Record<string, string | number>;

export interface Counter {
  inc(labels?: Labels, value?: number): void;
}

export interface Gauge {
  set(value: number, labels?: Labels): void;
  inc(labels?: Labels, value?: number): void;
  dec(labels?: Labels, value?: number): void;
}

export interface Histogram {
  observe(value: number, labels?: Labels): void;
}

/** Declaration of a metric. `name` is the part after the prefix. */
export interface MetricSpec {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

export interface Metrics {
  counter(spec: MetricSpec): Counter;
  gauge(spec: MetricSpec & { collect?: () => number | Array<{ labels: Labels; value: number }> }): Gauge;
  histogram(spec: MetricSpec & { buckets?: readonly number[] }): Histogram;
}
