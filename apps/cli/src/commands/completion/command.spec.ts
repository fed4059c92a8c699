import { spawnSync } from 'node:child_process';
import { setup } from '../../testing/harness';

async function script(shell: string): Promise<string> {
  const t = setup();
  expect(await t.run('completion', shell)).toBe(0);
  return t.stdout.text;
}

/** What bash itself completes for a command line, with the generated script loaded. */
function complete(source: string, words: string[]): string[] {
  const program = `${source}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _millrace; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', program], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('millrace completion', () => {
  it('bash completes commands, subcommands and options', async () => {
    const bash = await script('bash');
    expect(complete(bash, ['millrace', 'se'])).toEqual(['search']);
    expect(complete(bash, ['millrace', 'keys', ''])).toEqual(expect.arrayContaining(['list', 'get', 'create', 'delete', 'rotate']));
    expect(complete(bash, ['millrace', '--profile', 'x', 'graph', 'h'])).toEqual(['histogram']);
    expect(complete(bash, ['millrace', 'tail', '--j'])).toEqual(['--json']);
    expect(complete(bash, ['millrace', 'export', '--for'])).toEqual(['--format', '--force']);
  });

  it('zsh and fish scripts cover the same tree', async () => {
    const zsh = await script('zsh');
    expect(zsh).toContain('#compdef millrace');
    expect(zsh).toContain(`"/graph") subs=('histogram:event counts over time, drawn as bars in the terminal'`);
    const fish = await script('fish');
    expect(fish).toContain(`complete -c millrace -n 'test (__millrace_path) = "/keys"' -f -a 'rotate'`);
    expect(fish).toContain(`complete -c millrace -n 'test (__millrace_path) = "/tail"' -l json`);
  });

  it('an unknown shell is a usage error', async () => {
    const t = setup();
    expect(await t.run('completion', 'tcsh')).toBe(2);
  });
});
