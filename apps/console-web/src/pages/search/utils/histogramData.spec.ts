import { seriesColour, seriesLabel, stackHistogram } from './histogramData';

describe('stackHistogram', () => {
  it('stacks split series bottom-up and totals them', () => {
    const got = stackHistogram({
      interval: '1m', buckets: [60_000, 120_000], total: [5, 3],
      series: [{ key: 'error', counts: [1, 2] }, { key: 'info', counts: [4, 1] }],
    });
    expect(got.x).toEqual([60, 120]);
    expect(got.series.map((s) => s.top)).toEqual([[1, 2], [5, 3]]);
    expect(got.series.map((s) => s.total)).toEqual([3, 5]);
    expect(got.total).toBe(8);
  });

  it('draws the total as one series without a split', () => {
    const got = stackHistogram({ interval: '1m', buckets: [0], total: [7] });
    expect(got.series).toEqual([{ key: 'lines', counts: [7], top: [7], total: 7 }]);
  });

  it('colours levels by meaning and names "other"', () => {
    expect(seriesColour('ERROR', 3)).toBe('#dc2626');
    expect(seriesLabel('__other__')).toBe('other');
  });
});
