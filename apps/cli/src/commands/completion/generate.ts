import type { Command } from 'commander';

/** Every command of the tree, by path (`""`, `/keys`, `/keys/list`…), with what can follow it. */
export interface CommandNode {
  path: string;
  subcommands: Array<{ name: string; description: string }>;
  options: Array<{ long?: string; short?: string; description: string; takesValue: boolean }>;
}

export function commandTree(root: Command): CommandNode[] {
  const nodes: CommandNode[] = [];
  const walk = (command: Command, path: string, inherited: CommandNode['options']) => {
    const own = command.options.map((o) => ({ long: o.long, short: o.short, description: o.description, takesValue: o.required || o.optional }));
    const options = [...own, ...inherited, { long: '--help', short: '-h', description: 'show help', takesValue: false }];
    const subcommands = command.commands.flatMap((c) => [c.name(), ...c.aliases()].map((name) => ({ name, description: c.description() })));
    nodes.push({ path, subcommands, options });
    for (const sub of command.commands) {
      for (const name of [sub.name(), ...sub.aliases()]) walk(sub, `${path}/${name}`, path === '' ? own : inherited);
    }
  };
  walk(root, '', []);
  return nodes;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const flags = (node: CommandNode) => node.options.flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x)));

function pathPattern(nodes: CommandNode[]): string {
  return nodes.filter((n) => n.path !== '').map((n) => `"${n.path}"`).join('|');
}

export function bashScript(root: Command): string {
  const nodes = commandTree(root);
  const cases = nodes.map((n) => `    "${n.path}") subs=${quote(n.subcommands.map((s) => s.name).join(' '))}; opts=${quote(flags(n).join(' '))} ;;`).join('\n');
  return `# bash completion for millrace: add to ~/.bashrc
#   source <(millrace completion bash)
_millrace() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmdpath="" word i subs opts
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    case "$cmdpath/$word" in
      ${pathPattern(nodes)}) cmdpath="$cmdpath/$word" ;;
    esac
  done
  case "$cmdpath" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  fi
}
complete -o default -F _millrace millrace
`;
}

export function zshScript(root: Command): string {
  const nodes = commandTree(root);
  const describe = (name: string, text: string) => quote(`${name.replace(/:/g, '\\:')}:${text}`);
  const cases = nodes.map((n) => `    "${n.path}") subs=(${n.subcommands.map((s) => describe(s.name, s.description)).join(' ')}); opts=(${flags(n).map(quote).join(' ')}) ;;`).join('\n');
  return `#compdef millrace
# zsh completion for millrace: add to ~/.zshrc (after compinit)
#   source <(millrace completion zsh)
_millrace() {
  local cmdpath="" word i
  local -a subs opts
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    [[ "$word" == -* ]] && continue
    case "$cmdpath/$word" in
      ${pathPattern(nodes)}) cmdpath="$cmdpath/$word" ;;
    esac
  done
  case "$cmdpath" in
${cases}
  esac
  if [[ "\${words[CURRENT]}" == -* ]]; then
    compadd -- $opts
  elif (( \${#subs} )); then
    _describe 'command' subs
  else
    _files
  fi
}
compdef _millrace millrace
`;
}

export function fishScript(root: Command): string {
  const nodes = commandTree(root);
  const lines: string[] = [];
  for (const n of nodes) {
    const when = `'test (__millrace_path) = ${quote(n.path).replace(/'/g, '"')}'`;
    for (const s of n.subcommands) lines.push(`complete -c millrace -n ${when} -f -a ${quote(s.name)} -d ${quote(s.description)}`);
    for (const o of n.options) {
      const parts = [o.long ? `-l ${o.long.slice(2)}` : '', o.short ? `-s ${o.short.slice(1)}` : '', o.takesValue ? '-r' : ''].filter(Boolean).join(' ');
      lines.push(`complete -c millrace -n ${when} ${parts} -d ${quote(o.description)}`);
    }
  }
  return `# fish completion for millrace: save as ~/.config/fish/completions/millrace.fish
#   millrace completion fish > ~/.config/fish/completions/millrace.fish
set -g __millrace_paths ${nodes.filter((n) => n.path).map((n) => quote(n.path)).join(' ')}
function __millrace_path
  set -l p ""
  for t in (commandline -opc)[2..-1]
    string match -q -- '-*' $t; and continue
    contains -- "$p/$t" $__millrace_paths; and set p "$p/$t"
  end
  echo $p
end
complete -c millrace -f
${lines.join('\n')}
`;
}
