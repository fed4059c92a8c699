import type { Colors } from '../io/streams';

export interface Bar {
  label: string;
  /** One count per series (one series without a split). */
  values: number[];
}

const SHADES = ['█', '▓', '▒', '░', '▞', '▚'];

function palette(colors: Colors): Array<(s: string) => string> {
  return [colors.cyan, colors.yellow, colors.magenta, colors.green, colors.blue, colors.red];
}

/**
 * Horizontal bars, one line per bucket, scaled to the widest: `10:05  ████████▌  42`. Several
 * series stack in one bar, each in its own colour (or shade, without colours), with a legend.
 */
export function barChart(bars: Bar[], options: { width: number; colors: Colors; series?: string[] }): string {
  const totals = bars.map((b) => b.values.reduce((s, v) => s + v, 0));
  const max = Math.max(1, ...totals);
  const labelWidth = Math.max(0, ...bars.map((b) => b.label.length));
  const countWidth = String(Math.max(0, ...totals)).length;
  const room = Math.max(10, options.width - labelWidth - countWidth - 4);
  const paints = palette(options.colors);
  const colored = options.colors.isColorSupported;
  const lines = bars.map((bar, i) => {
    let drawn = '';
    let used = 0;
    bar.values.forEach((value, s) => {
      const end = Math.round(((used + value) / max) * room * 8);
      const start = Math.round((used / max) * room * 8);
      used += value;
      const eighths = end - start;
      if (eighths <= 0) return;
      const shade = colored || bar.values.length === 1 ? '█' : SHADES[s % SHADES.length];
      let part = shade.repeat(Math.floor(eighths / 8));
      if (bar.values.length === 1 && eighths % 8) part += ' ▏▎▍▌▋▊▉'[eighths % 8];
      drawn += paints[s % paints.length](part);
    });
    const visible = drawn.replace(/\x1b\[[0-9;]*m/g, '').length;
    return `${options.colors.dim(bar.label.padStart(labelWidth))}  ${drawn}${' '.repeat(Math.max(0, room - visible))}  ${String(totals[i]).padStart(countWidth)}`;
  });
  const legend = options.series && options.series.length > 1
    ? `\n${options.series.map((name, s) => `${paints[s % paints.length](colored ? '█' : SHADES[s % SHADES.length])} ${name}`).join('  ')}`
    : '';
  return `${lines.join('\n')}${legend}\n`;
}

/** Bucket labels: the time of day when all buckets fall on one UTC day, else date and time. */
export function bucketLabels(starts: number[], intervalMs: number): string[] {
  const iso = starts.map((t) => new Date(t).toISOString());
  const oneDay = iso.length > 0 && iso.every((s) => s.slice(0, 10) === iso[0].slice(0, 10));
  return iso.map((s) => {
    const time = intervalMs >= 86_400_000 ? s.slice(0, 10) : intervalMs >= 60_000 ? s.slice(11, 16) : s.slice(11, 19);
    return oneDay || intervalMs >= 86_400_000 ? time : `${s.slice(5, 10)} ${time}`;
  });
}
