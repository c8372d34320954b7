/** A uPlot line chart of one measure over time, one line per series (a consumer). */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface TimeSeries {
  label: string;
  values: (number | null)[];
}

const COLORS = [
  '#1f5fbf',
  '#c2410c',
  '#15803d',
  '#7e22ce',
  '#b91c1c',
  '#0e7490',
  '#a16207',
  '#4b5563',
];

export function TimeSeriesChart({
  title,
  times,
  series,
  unit,
}: {
  title: string;
  /** Start of each point, ms since the epoch. */
  times: number[];
  series: TimeSeries[];
  unit: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 220,
        series: [
          {},
          ...series.map((s, index) => ({
            label: s.label,
            stroke: COLORS[index % COLORS.length],
            width: 2,
            points: { show: times.length < 30 },
            spanGaps: false,
          })),
        ],
        axes: [{}, { label: unit, size: 60 }],
        legend: { show: true },
      },
      [times.map((t) => t / 1000), ...series.map((s) => s.values)],
      element,
    );
    return () => chart.destroy();
  }, [times, series, unit]);
  return (
    <figure className="panel" aria-label={title}>
      <figcaption>
        <strong>{title}</strong>
      </figcaption>
      {series.length === 0 ? <p className="empty">No requests in this period.</p> : null}
      <div ref={container} />
    </figure>
  );
}
