import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Histogram as HistogramData } from '../../api/types';
import { formatCount, formatLocal } from '../../utils/time';
import { seriesColour, seriesLabel, stackHistogram } from './utils/histogramData';

/**
 * Matching lines over time as stacked bars (a thin wrapper over uPlot). Dragging across it
 * selects a range to zoom into; the legend gives each series' count in words.
 */
export function Histogram({ data, onZoom, height = 140 }: { data: HistogramData; onZoom: (fromMs: number, toMs: number) => void; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const stacked = useMemo(() => stackHistogram(data), [data]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // Canvas text cannot use CSS's currentColor: the theme's text colour, read from the page.
    const ink = getComputedStyle(el).color || '#555';
    const bars = uPlot.paths.bars!({ size: [0.9, 40], align: 1 });
    const step = stacked.x.length > 1 ? stacked.x[1] - stacked.x[0] : 60;
    const drawn = [...stacked.series].reverse(); // tallest first, so the lower parts paint over it
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
      // Each bar starts at its bucket's time (align 1), so the range ends one bucket after the
      // last start: the newest bucket, where fresh lines land, is drawn whole.
      scales: {
        x: { time: true, range: (_u, min, max) => [min, max + step] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.05)] },
      },
      axes: [
        { stroke: ink, grid: { show: false }, ticks: { show: false } },
        { stroke: ink, size: 50, grid: { stroke: 'rgba(128,128,128,0.2)' }, ticks: { show: false } },
      ],
      series: [
        {},
        ...drawn.map((s) => {
          const colour = seriesColour(s.key, stacked.series.indexOf(s));
          return { label: seriesLabel(s.key), fill: colour, stroke: colour, width: 0, paths: bars, points: { show: false } };
        }),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            const a = u.posToVal(u.select.left, 'x') * 1000;
            const b = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom.current(a, b);
          },
        ],
      },
    };
    const plot = new uPlot(opts, [stacked.x, ...drawn.map((s) => s.top)] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [stacked, height]);

  const first = stacked.x[0];
  const last = stacked.x[stacked.x.length - 1];
  const summary = stacked.x.length
    ? `${formatCount(stacked.total)} matching lines from ${formatLocal(first * 1000)} to ${formatLocal(last * 1000)}, in buckets of ${data.interval}`
    : 'No lines in this range';
  return (
    <figure className="histogram" aria-label={`Histogram: ${summary}`}>
      <div ref={box} className="histogram-plot" aria-hidden="true" />
      <figcaption>
        <span className="hist-total" data-testid="histogram-total">{formatCount(stacked.total)} lines</span>
        <ul className="legend" aria-label="Series">
          {stacked.series.map((s, i) => (
            <li key={s.key}>
              <span className="swatch" data-colour={seriesColour(s.key, i)} ref={(e) => { if (e) e.style.background = seriesColour(s.key, i); }} aria-hidden="true" />
              {seriesLabel(s.key)} <span className="muted">{formatCount(s.total)}</span>
            </li>
          ))}
        </ul>
        <span className="muted small">Drag across the chart to zoom in.</span>
      </figcaption>
    </figure>
  );
}
