// Shape records for charts: per suite, the size parameter on the x axis (the numeric parameter
// with the most distinct values) and one series per contender and remaining parameters.
import type { BenchRecord } from "../harness/record.js";

export interface Series {
  label: string;
  points: { x: number; y: number }[];
}

export interface SuiteChart {
  suite: string;
  xParam: string;
  series: Series[];
}

export function chartsOf(records: BenchRecord[]): SuiteChart[] {
  const bySuite = new Map<string, BenchRecord[]>();
  for (const r of records) bySuite.set(r.suite, [...(bySuite.get(r.suite) ?? []), r]);
  const charts: SuiteChart[] = [];
  for (const [suite, recs] of bySuite) {
    const numeric = Object.keys(recs[0].params).filter((k) => recs.every((r) => typeof r.params[k] === "number"));
    if (numeric.length === 0) continue;
    const distinct = (k: string) => new Set(recs.map((r) => r.params[k])).size;
    const xParam = numeric.reduce((best, k) => (distinct(k) > distinct(best) ? k : best), numeric[0]);
    const series = new Map<string, Series>();
    for (const r of recs) {
      const rest = Object.entries(r.params)
        .filter(([k]) => k !== xParam)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ");
      const label = rest ? `${r.contender} (${rest})` : r.contender;
      const s = series.get(label) ?? { label, points: [] };
      s.points.push({ x: r.params[xParam] as number, y: r.median_ns });
      series.set(label, s);
    }
    for (const s of series.values()) s.points.sort((a, b) => a.x - b.x);
    charts.push({ suite, xParam, series: [...series.values()] });
  }
  return charts;
}
