import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A time series line (uPlot), x in seconds; drawn again when the data changes. */
export function LineChart({ x, y, label, height = 260 }: { x: number[]; y: Array<number | null>; label: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // Canvas text cannot use CSS's currentColor: the theme's text colour, read from the page.
    const ink = getComputedStyle(el).color || '#555';
    const plot = new uPlot({
      width: Math.max(300, el.clientWidth), height,
      legend: { show: true },
      scales: { x: { time: true } },
      axes: [{ stroke: ink, grid: { show: false } }, { stroke: ink, size: 60, grid: { stroke: 'rgba(128,128,128,0.2)' } }],
      series: [{}, { label, stroke: '#2563eb', width: 2, spanGaps: false, points: { show: x.length < 60 } }],
    }, [x, y] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, y, label, height]);
  return <div ref={box} aria-hidden="true" />;
}
