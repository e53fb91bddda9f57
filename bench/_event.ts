// The event of the benchmarks: an after:measure of about 1.6 KB, its params and one result.

/** 14 readings, as a Prometheus connector might return them. */
export const readings = Array.from({ length: 14 }, (_, i) => ({
  metric: { name: `metric_${i}`, unit: "rpm" as const },
  time: "2026-01-01T00:00:00Z",
  value: 1000 + i,
}));
/** The measure's params. */
export const params = { metrics: readings.map((r) => r.metric.name), control: { duration: "5m" } };
/** The measure's result. */
export const result = { readings, annotations: { source: "bench" } };
