/** kubectl's global flags, error handling and output for every command. */
import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type * as Interfaces from '@oclif/core/interfaces'

import {CliError, isCliError} from './errors.js'
import {escapeTerminal} from './render/terminal.js'
import {mark} from './trace.js'
import {takePrefetch} from './prefetch.js'
import {kubectlUsageError} from './usage-error.js'
import {PlanError} from './domain/plans/plan-error.js'
import type {KubeClient} from './kube/client.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    kubeconfig: Flags.string({
      description: 'Path to the kubeconfig file to use (default: KUBECONFIG, then ~/.kube/config)',
      helpGroup: 'GLOBAL',
    }),
    context: Flags.string({description: 'The name of the kubeconfig context to use', helpGroup: 'GLOBAL'}),
    namespace: Flags.string({
      char: 'n',
      description: "Namespace of the InferenceServices (default: the context's namespace)",
      helpGroup: 'GLOBAL',
    }),
    'kserve-namespace': Flags.string({
      description: "Namespace of KServe's inferenceservice-config (default: found: kserve, kubeflow, then a cluster-wide search)",
      helpGroup: 'GLOBAL',
    }),
    'request-timeout': Flags.string({
      description: 'How long to wait for one server request (0: no limit; 30, 5s, 1m)',
      default: '0',
      helpGroup: 'GLOBAL',
    }),
    // kubectl's connection flags: they override the kubeconfig as kubectl's do
    server: Flags.string({char: 's', description: 'The address and port of the Kubernetes API server', helpGroup: 'GLOBAL'}),
    cluster: Flags.string({description: 'The name of the kubeconfig cluster to use', helpGroup: 'GLOBAL'}),
    user: Flags.string({description: 'The name of the kubeconfig user to use', helpGroup: 'GLOBAL'}),
    token: Flags.string({description: 'Bearer token for authentication to the API server', helpGroup: 'GLOBAL'}),
    as: Flags.string({description: 'Username to impersonate for the operation (a user or a service account)', helpGroup: 'GLOBAL'}),
    'as-group': Flags.string({
      description: 'Group to impersonate for the operation (repeat for several)',
      multiple: true,
      helpGroup: 'GLOBAL',
    }),
    'as-uid': Flags.string({description: 'UID to impersonate for the operation', helpGroup: 'GLOBAL'}),
    'certificate-authority': Flags.string({description: 'Path to a cert file for the certificate authority', helpGroup: 'GLOBAL'}),
    'client-certificate': Flags.string({description: 'Path to a client certificate file for TLS', helpGroup: 'GLOBAL'}),
    'client-key': Flags.string({description: 'Path to a client key file for TLS', helpGroup: 'GLOBAL'}),
    'insecure-skip-tls-verify': Flags.boolean({
      description: "If true, the server's certificate will not be checked for validity (insecure)",
      helpGroup: 'GLOBAL',
    }),
    'tls-server-name': Flags.string({description: 'Server name to use for server certificate validation', helpGroup: 'GLOBAL'}),
    'chunk-size': Flags.integer({
      description: 'Read lists in chunks of this many items, as kubectl does (0: in one response)',
      default: 500,
      min: 0,
      helpGroup: 'GLOBAL',
    }),
    v: Flags.integer({char: 'v', description: 'Log level: 6 and above log every request, as --debug', min: 0, helpGroup: 'GLOBAL'}),
    debug: Flags.boolean({description: 'Log requests and show stack traces on errors', helpGroup: 'GLOBAL'}),
  }

  protected flags!: BaseFlags<T>
  private clients: KubeClient[] = []

  public override async init(): Promise<void> {
    await super.init()
    const {flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    mark(`${this.id} parsed`)
  }

  /** A client for the selected context; closed when the command ends. */
  protected async connect(): Promise<{client: KubeClient; namespace: string}> {
    const {connect} = await import('./kube/connect.js')
    const debug = this.flags.debug || (this.flags.v ?? 0) >= 6 ? (line: string) => this.printErr(`debug: ${line}\n`) : undefined
    const c = connect(this.flags, debug)
    mark('connected')
    this.clients.push(c.client)
    return c
  }

  /** get's reads, started while the plugin loaded, when this command line's flags make the same ones (prefetch.ts). */
  protected prefetched(): {client: KubeClient; namespace: string} | undefined {
    const taken = takePrefetch(this.flags as Record<string, unknown>)
    if (taken) this.clients.push(taken.client)
    return taken
  }

  /** Everything a command prints goes through here or printErr: cluster data never reaches a terminal raw. */
  protected print(text: string): void {
    process.stdout.write(escapeTerminal(text))
  }

  protected printErr(text: string): void {
    process.stderr.write(escapeTerminal(text))
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<void> {
    // handled here: oclif would otherwise warn "[UnparsedCommand] Command get did not parse its arguments" after a
    // usage error whenever NODE_ENV is development or test
    this.parsed = true
    if (this.flags?.debug && err.stack) this.printErr(`${err.stack}\n`)
    // a planner's refusal (the domain knows no CLI): the same one line
    if (err instanceof PlanError) err = new CliError(err.kind, err.message, {hint: err.hint})
    if (isCliError(err)) {
      this.printErr(`${err.oneLine()}\n`)
      process.exitCode = err.exitCode
      return
    }
    if (err.oclif?.exit === 0) return
    // flag parsing and other oclif errors: kubectl's usage-error shape and words, exit 1
    if (err.oclif !== undefined) {
      const flags = {...(this.ctor as typeof BaseCommand).baseFlags, ...this.ctor.flags}
      this.printErr(
        `error: ${kubectlUsageError(err, {argv: this.argv, flags})}\nSee 'kubectl storage-init ${(this.id ?? '').replace(/:/g, ' ')} -h' for help and examples\n`,
      )
      process.exitCode = 1
      return
    }
    this.printErr(`error: ${err.message}${this.flags?.debug ? '' : ' (run with --debug for details)'}\n`)
    process.exitCode = 1
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    for (const c of this.clients) c.close()
    await super.finally(err)
  }
}
