import * as Flags from '@oclif/core/flags'
import {mkdirSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {BaseCommand} from '../base-command.js'

const SCRIPT = `#!/bin/sh
# kubectl (1.26+) runs kubectl_complete-storage_init for \`kubectl storage-init <TAB>\`.
exec kubectl-storage_init __complete "$@"
`

export default class Completion extends BaseCommand<typeof Completion> {
  static override summary = 'Shell completion through kubectl: print or install kubectl_complete-storage_init'
  static override description =
    'kubectl 1.26 and later complete plugin arguments by running kubectl_complete-<plugin> from PATH. krew does not install that file, so this prints it, or with --install writes it (executable) into a directory on PATH, such as $KREW_ROOT/bin (default: ~/.krew/bin).'
  static override examples = [
    '<%= config.bin %> completion --install',
    '<%= config.bin %> completion > ~/bin/kubectl_complete-storage_init && chmod +x ~/bin/kubectl_complete-storage_init',
  ]
  static override flags = {
    install: Flags.boolean({description: 'Write the script into --dir'}),
    dir: Flags.string({description: 'Where --install writes it (default: $KREW_ROOT/bin, else ~/.krew/bin)'}),
  }

  async run(): Promise<void> {
    if (!this.flags.install) return this.print(SCRIPT)
    const dir = this.flags.dir ?? join(process.env.KREW_ROOT ?? join(homedir(), '.krew'), 'bin')
    mkdirSync(dir, {recursive: true})
    const file = join(dir, 'kubectl_complete-storage_init')
    writeFileSync(file, SCRIPT, {mode: 0o755})
    process.stderr.write(`wrote ${file}; kubectl storage-init <TAB> now completes (make sure ${dir} is on PATH)\n`)
  }
}
