import { Argument, type Command } from 'commander';
import type { Factory } from '../../factory';
import { examples } from '../shared/command';
import { bashScript, fishScript, zshScript } from './generate';

export function registerCompletion(parent: Command, f: Factory, root: Command): void {
  const command = parent
    .command('completion')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .description('print a shell completion script (commands, subcommands and options)');
  examples(command, [
    'source <(millrace completion bash)          # in ~/.bashrc',
    'source <(millrace completion zsh)           # in ~/.zshrc, after compinit',
    'millrace completion fish > ~/.config/fish/completions/millrace.fish',
  ]);
  command.action((shell: 'bash' | 'zsh' | 'fish') => {
    f.io.stdout.write(shell === 'bash' ? bashScript(root) : shell === 'zsh' ? zshScript(root) : fishScript(root));
  });
}
