import type { Command } from 'commander';
import type { Factory } from '../../factory';
import { registerHistogram } from './histogram/command';
import { registerStats } from './stats/command';
import { registerTop } from './top/command';

export function registerGraph(parent: Command, f: Factory): void {
  const group = parent.command('graph').description('graphs of stored events: histogram over time, top values, numeric statistics');
  registerHistogram(group, f);
  registerTop(group, f);
  registerStats(group, f);
}
