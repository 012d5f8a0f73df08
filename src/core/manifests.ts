/**
 * Files a user gives instead of the cluster (`-f FILE`, `-` for standard input): read once, parsed as YAML or JSON
 * documents (Lists flattened), and what the plugin takes from them: KServe's configuration (the inferenceservice-config
 * ConfigMap, ClusterStorageContainers, the controller's Deployment for its release, or Helm values) and models
 * (InferenceServices, LLMInferenceServices). Shared by `validate -f` and `get -f`.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {parseAllDocuments} from 'yaml'

import {CliError} from '../errors.js'
import {CONFIGMAP, KEY} from '../kube/kserve.js'
import {renderValues} from '../domain/helm-values.js'
import {controllerVersion, parseRelease, type Release} from '../domain/release.js'

/** A file's text (`-`: standard input; a directory: its .yaml, .yml and .json files, as kubectl -f reads one), or one clear line. */
export function readInput(filename: string): {text: string; file: string} {
  try {
    if (filename !== '-' && statSync(filename).isDirectory()) {
      const files = readdirSync(filename)
        .filter(f => /\.(ya?ml|json)$/.test(f))
        .sort()
      // documents, never one bare JSON object (validate takes a file that starts with { as the storageInitializer JSON)
      return {text: files.map(f => `---\n${readFileSync(join(filename, f), 'utf8')}`).join('\n'), file: filename}
    }
    return {
      text: filename === '-' ? readFileSync(0, 'utf8') : readFileSync(filename, 'utf8'),
      file: filename === '-' ? '<stdin>' : filename,
    }
  } catch (e) {
    throw new CliError(
      'NotFound',
      `cannot read ${filename}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    )
  }
}

/** The objects of a YAML or JSON file, Lists flattened; a file that is neither is one clear line. */
export function parseDocs(input: string, file: string): any[] {
  let docs: any[]
  try {
    docs = parseAllDocuments(input).map(d => {
      if (d.errors.length) throw d.errors[0]
      return d.toJS()
    })
  } catch (e) {
    const why = (e as Error).message.split('\n')[0]
    // the yaml library's guard against a billion-laughs document: say what it is, not that the file is not YAML
    if (/alias count/i.test(why))
      throw new CliError('Invalid', `${file} is refused: its YAML aliases expand beyond any real manifest (an alias bomb): ${why}`)
    throw new CliError('Invalid', `${file} is neither YAML nor JSON: ${why}`)
  }
  return docs
    .filter(d => d && typeof d === 'object')
    .flatMap(d => ((d.kind === 'List' || String(d.kind).endsWith('List')) && Array.isArray(d.items) ? d.items : [d]))
}

/** KServe's configuration in a set of documents. */
export interface FileConfig {
  /** undefined: no ConfigMap (nor values); null: the ConfigMap has no storageInitializer key */
  text: string | null | undefined
  storageContainers: any[]
  release?: Release
  format: 'manifests' | 'ConfigMap' | 'Helm values'
  /** where the storageInitializer is, for paths */
  path: string
  /** Helm values the chart does not render */
  helmIgnored?: string[]
  /** the ConfigMap object (its other keys: deploy, credentials), when the file has one */
  configMap?: any
}

/** The configuration the documents hold, or undefined when they hold none. */
export function configIn(docs: any[], file: string, releaseFlag?: string): FileConfig | undefined {
  let release = releaseFlag ? parseRelease(releaseFlag) : undefined
  const cm = docs.find(d => d.kind === 'ConfigMap' && d.metadata?.name === CONFIGMAP)
  const storageContainers = docs.filter(d => d.kind === 'ClusterStorageContainer')
  const dep = docs.find(d => d.kind === 'Deployment' && d.metadata?.name === 'kserve-controller-manager')
  release ??= parseRelease(controllerVersion(dep).version ?? undefined)
  const values = docs.find(d => !d.kind && d.kserve && typeof d.kserve === 'object')
  const path = `configmap/${CONFIGMAP}`
  if (cm)
    return {
      text: cm.data?.[KEY] ?? null,
      storageContainers,
      release,
      format: storageContainers.length ? 'manifests' : 'ConfigMap',
      path,
      configMap: cm,
    }
  if (values) {
    const h = renderValues(values, release)
    return {
      text: h.text,
      storageContainers,
      release: release ?? h.release,
      format: 'Helm values',
      path: `${file}:kserve.storage`,
      helmIgnored: h.ignored,
    }
  }
  if (storageContainers.length) return {text: undefined, storageContainers, release, format: 'manifests', path}
  return undefined
}

/** The models in a set of documents: InferenceServices and LLMInferenceServices of serving.kserve.io. */
export function modelsIn(docs: any[]): {kind: 'InferenceService' | 'LLMInferenceService'; object: any}[] {
  return docs
    .filter(
      d =>
        (d.kind === 'InferenceService' || d.kind === 'LLMInferenceService') && String(d.apiVersion ?? '').startsWith('serving.kserve.io/'),
    )
    .map(d => ({kind: d.kind, object: d}))
}
