// `twinzone completion bash`: a bash completion script for the commands, their
// sub-commands and options. Install: `twinzone completion bash > /etc/bash_completion.d/twinzone`
// (or `source <(twinzone completion bash)` in a shell).

const GLOBAL = ['--json', '--coordinator', '--verbose'];

/** Each command's words after it: sub-commands and options. */
export const COMPLETIONS: Record<string, { subcommands?: string[]; options: string[] }> = {
  status: { options: [] },
  hosts: { options: [] },
  plan: { subcommands: ['switchover', 'failover', 'migrate', 'fallback', 'dr-switchover', 'dr-failover'], options: ['--to', '--site', '--via-file'] },
  switchover: { options: ['--to', '--site'] },
  failover: { options: ['--to', '--site'] },
  migrate: { options: ['--to', '--via-file'] },
  fallback: { options: ['--to'] },
  dr: { subcommands: ['switchover', 'failover'], options: ['--site', '--to'] },
  site: { subcommands: ['failover', 'switchover'], options: ['--from', '--to', '--concurrency', '--continue-on-failure', '--reason'] },
  restart: { options: [] },
  freeze: { options: ['--all', '--reason'] },
  unfreeze: { options: ['--all'] },
  drill: { options: ['--site', '--name', '--keep', '--cleanup'] },
  'declare-disaster': { options: ['--site', '--reason'] },
  'confirm-down': { options: [] },
  deltas: { subcommands: ['accept'], options: ['--from', '--to', '--all'] },
  lease: { subcommands: ['show'], options: [] },
  history: { options: ['--limit'] },
  events: { options: ['--zone', '--who', '--after', '--limit'] },
  agent: { subcommands: ['run'], options: ['--config', '--log-pretty'] },
  coordinator: { subcommands: ['run'], options: ['--config', '--db', '--log-pretty'] },
  completion: { subcommands: ['bash'], options: [] },
  version: { options: [] },
  help: { options: [] },
};

/** Options whose value is a file name (bash completes paths there). */
const FILE_OPTIONS = ['--config', '--db', '--via-file'];

export const COMPLETION_SHELLS = ['bash'] as const;

export function bashCompletion(): string {
  const cases = Object.entries(COMPLETIONS)
    .map(([cmd, c]) => {
      const words = [...(c.subcommands ?? []), ...c.options, ...(['agent', 'coordinator', 'completion'].includes(cmd) ? [] : GLOBAL)];
      return `    ${cmd}) words="${words.join(' ')}" ;;`;
    })
    .join('\n');
  return `# bash completion for twinzone (twinzone completion bash)
_twinzone() {
  local cur prev words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
    ${FILE_OPTIONS.join('|')}) COMPREPLY=( $(compgen -f -- "$cur") ); return 0 ;;
  esac
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${Object.keys(COMPLETIONS).join(' ')}" -- "$cur") )
    return 0
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -o default -F _twinzone twinzone
`;
}
