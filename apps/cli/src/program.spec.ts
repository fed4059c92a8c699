import type { Command } from 'commander';
import { createFactory } from './factory';
import { buildProgram } from './program';
import { setup } from './testing/harness';

function leaves(command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> {
  const here = [...path, command.name()];
  if (command.commands.length === 0) return [{ path: here, command }];
  return command.commands.flatMap((c) => leaves(c, here));
}

describe('the command tree', () => {
  const program = buildProgram(createFactory({ io: setup().factory.io }));

  it('every command says what it does', () => {
    expect(leaves(program).filter(({ command }) => !command.description()).map(({ path }) => path.join(' '))).toEqual([]);
  });

  it.each(leaves(program).filter(({ command }) => command.name() !== 'help').map(({ path }) => [path.slice(1).join(' ')]))('millrace %s --help shows examples and exits 0', async (line) => {
    const t = setup();
    expect(await t.run(...line.split(' '), '--help')).toBe(0);
    expect(t.stdout.text).toContain('Examples:');
    expect(t.stdout.text).toMatch(/\$ .*millrace /);
  });

  it('a group without its verb shows its help and exits 2', async () => {
    const t = setup();
    expect(await t.run('keys')).toBe(2);
    expect(t.stderr.text).toContain('Usage: millrace keys');
  });
});
