import { useEffect, useId, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDateTime, formatRate } from '../../lib/format';
import { useThemeVersion } from '../../lib/use-theme-change';

/**
 * A time-series line chart (uPlot: small, fast, canvas; styles from its CSS file and the CSSOM,
 * so the CSP's `style-src 'self'` holds). Colours come from the CSS tokens (`--chart-1…4`) as
 * resolved by the browser, and follow the theme. The legend shows the latest values, or the
 * values under the pointer; the plot is one image whose name summarises the data.
 */

export interface ChartSeries {
  label: string;
  /** Colour token 1–4 (styles/charts.css). */
  tone: 1 | 2 | 3 | 4;
}

export interface TimeSeriesChartProps {
  title: string;
  series: readonly ChartSeries[];
  /** Times in seconds since the epoch, then one array of values per series (null: no value). */
  data: readonly [readonly number[], ...(readonly (number | null)[])[]];
  format?: (value: number) => string;
  height?: number;
  /** Shown over an empty plot. */
  emptyText?: string;
  /** The time axis from..to (seconds), e.g. the last hour, however little data there is yet. */
  timeRange?: readonly [number, number];
  /** Counts (connections, messages per minute): whole-number ticks only. */
  integers?: boolean;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** 24-hour time ticks (`14:05`, seconds when ticks are under a minute apart), the date where it changes. */
function timeTicks(_u: uPlot, ticks: number[]): string[] {
  const withSeconds = ticks.length > 1 && ticks[1]! - ticks[0]! < 60;
  return ticks.map((t, i) => {
    const d = new Date(t * 1000);
    const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}${withSeconds ? `:${pad2(d.getSeconds())}` : ''}`;
    const prev = i > 0 ? new Date(ticks[i - 1]! * 1000) : null;
    return !prev || prev.getDate() !== d.getDate() ? `${time}\n${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}` : time;
  });
}

/** 1, 2, 5, 10, 20, 50, … up to 5e12: tick steps for whole numbers. */
const INTEGER_INCREMENTS = Array.from({ length: 13 }, (_, k) => [1, 2, 5].map((m) => m * 10 ** k)).flat();

function withAlpha(color: string, alpha: number): string {
  const m = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
  return m ? `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${alpha})` : color;
}

const lastValue = (values: readonly (number | null)[] | undefined): number | null => {
  if (!values) return null;
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i]!;
  return null;
};

const peak = (values: readonly (number | null)[] | undefined): number | null =>
  values?.reduce<number | null>((m, v) => (v === null || v === undefined ? m : m === null || v > m ? v : m), null) ?? null;

export function TimeSeriesChart({ title, series, data, format = formatRate, height = 180, emptyText = 'No data yet', timeRange, integers = false }: TimeSeriesChartProps) {
  const titleId = useId();
  const plotRef = useRef<HTMLDivElement>(null);
  const swatchRefs = useRef<Array<HTMLSpanElement | null>>([]);
  const chartRef = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  const formatRef = useRef(format);
  const seriesRef = useRef(series);
  const timeRangeRef = useRef(timeRange);
  const integersRef = useRef(integers);
  const [hover, setHover] = useState<number | null>(null);
  const theme = useThemeVersion();
  const seriesKey = series.map((s) => `${s.label}:${s.tone}`).join('|');

  useEffect(() => {
    dataRef.current = data;
    formatRef.current = format;
    seriesRef.current = series;
    timeRangeRef.current = timeRange;
    integersRef.current = integers;
  });

  // Create the chart (again when the theme or the series change); size follows the container.
  useEffect(() => {
    const el = plotRef.current;
    if (!el) return;
    const style = getComputedStyle(el);
    const axis = style.color;
    const grid = style.borderTopColor;
    const colors = swatchRefs.current.map((s) => (s ? getComputedStyle(s).backgroundColor : axis));
    const axisOptions = { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif' };
    const chart = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        scales: {
          x: { time: true, range: (_u, min, max) => (timeRangeRef.current ? [timeRangeRef.current[0], timeRangeRef.current[1]] : [min, max]) },
          y: { range: (_u, _min, max) => [0, max > 0 ? (integersRef.current ? Math.max(1, Math.ceil(max * 1.15)) : max * 1.15) : 1] },
        },
        axes: [
          { ...axisOptions, values: timeTicks },
          {
            ...axisOptions,
            size: 56,
            ...(integersRef.current ? { incrs: INTEGER_INCREMENTS } : {}),
            values: (_u, ticks) => ticks.map((t) => formatRef.current(t)),
          },
        ],
        series: [
          {},
          ...seriesRef.current.map((s, i) => ({
            label: s.label,
            stroke: colors[i],
            // One series is filled; several stay lines, so none hides another.
            fill: seriesRef.current.length === 1 ? withAlpha(colors[i] ?? axis, 0.1) : undefined,
            width: 1.5,
            points: { show: false },
          })),
        ],
        hooks: { setCursor: [(u) => setHover(u.cursor.idx ?? null)] },
      },
      dataRef.current as uPlot.AlignedData,
      el,
    );
    chartRef.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
  }, [theme, height, seriesKey]);

  useEffect(() => {
    chartRef.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const times = data[0];
  const index = hover !== null && hover < times.length ? hover : null;
  const at = index !== null ? times[index] : times[times.length - 1];
  const summary = `${title}: ${series
    .map((s, i) => {
      const latest = lastValue(data[i + 1]);
      const max = peak(data[i + 1]);
      return `${s.label} ${latest === null ? 'no data' : `now ${format(latest)}, peak ${format(max ?? 0)}`}`;
    })
    .join('; ')}`;

  return (
    <figure className="chart" aria-labelledby={titleId}>
      <figcaption className="chart-head">
        <span id={titleId} className="chart-title">{title}</span>
        <span className="chart-legend">
          {series.map((s, i) => {
            const values = data[i + 1];
            const value = index !== null ? (values?.[index] ?? null) : lastValue(values);
            return (
              <span key={s.label} className="chart-legend-item">
                <span className={`chart-swatch chart-tone-${s.tone}`} ref={(node) => { swatchRefs.current[i] = node; }} aria-hidden="true" />
                {s.label} <strong className="chart-value">{value === null ? '—' : format(value)}</strong>
              </span>
            );
          })}
          {at !== undefined && <time className="chart-time muted" dateTime={new Date(at * 1000).toISOString()}>{index !== null ? formatDateTime(new Date(at * 1000).toISOString()) : 'latest'}</time>}
        </span>
      </figcaption>
      <div className="chart-body">
        <div className="chart-plot" ref={plotRef} role="img" aria-label={summary} />
        {times.length === 0 && <span className="chart-empty" aria-hidden="true">{emptyText}</span>}
      </div>
    </figure>
  );
}
