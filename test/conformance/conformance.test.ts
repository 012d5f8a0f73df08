/**
 * KServe conformance: KServe's own Go unit-test tables (ported as data in test/conformance/kserve, one file per upstream
 * test and tag; see its README) run against the emulation in src/domain/kserve, each Go call mapped to the TypeScript
 * function of the same name, at the file's tag and at every tag of its `sameBehaviourAtTags`.
 *
 * Whole results are compared (pod specs, init containers, volumes, Go's error text) wherever the case states them; where
 * an upstream test asserts a summary (counts, "contains"), so does the case. Quantities compare by canonical value.
 *
 * A case the emulation does not reproduce is listed, with the reason, in test/conformance/kserve/divergences/ (one file
 * per data file: `{"cases": {"<case name>": "<reason>", "<case name> @<run tag>": "<reason>"}}`). A listed case must STILL
 * differ: fixing the emulation fails this test until the baseline entry is removed (as TypeScript's Go port keeps
 * committed baseline diffs). A Go function without an exported counterpart is a divergence "not exported: ...".
 */
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {mergeContainer} from '../../src/domain/container-merge.js'
import {
  getStorageInitializerConfigs,
  resolveOciModelMode,
  type ConfigResult,
  type StorageInitializerConfig,
} from '../../src/domain/kserve/configmap.js'
import {supportedStorageURIPrefixList, validateStorageURI, type KServeState} from '../../src/domain/kserve/controller.js'
import * as injectorModule from '../../src/domain/kserve/injector.js'
import {commonStorageInitialization} from '../../src/domain/kserve/injector.js'
import * as llmModule from '../../src/domain/kserve/llmisvc.js'
import {emulateLlmInferenceService} from '../../src/domain/kserve/llmisvc.js'
import type {Outcome, Prediction} from '../../src/domain/kserve/outcome.js'
import {getStorageContainerSpec, isStorageUriSupported} from '../../src/domain/kserve/storage-container.js'
import * as storageModule from '../../src/domain/kserve/storage.js'
import {
  addDefaultHuggingFaceEnvVars,
  configureModelcarToContainer,
  findCommonParentPath,
  getVolumeNameFromPath,
  modelcarNames,
  parseOciScheme,
  parsePvcURI,
  type PodSpec,
} from '../../src/domain/kserve/storage.js'
import * as validationModule from '../../src/domain/kserve/validation.js'
import * as webhookModule from '../../src/domain/kserve/webhook.js'
import {mutatePod} from '../../src/domain/kserve/webhook.js'
import {canonicalQuantity} from '../../src/domain/quantity.js'
import {parseRelease, type Release} from '../../src/domain/release.js'
import {fromResource} from '../../src/domain/storage-containers.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const DIR = join(dirname(fileURLToPath(import.meta.url)), 'kserve')
const DIVERGENCES = join(DIR, 'divergences')

// ---------------------------------------------------------------------------------------------------------------------
// The tables, the tags each runs at, and the committed divergences

interface DataFile {
  /** <tag>/<go-file-stem>.<TestFunction>.json */
  path: string
  source: {repo: string; tag: string; file: string; test: string}
  sameBehaviourAtTags?: string[]
  notes?: string[]
  cases: any[]
  [k: string]: any
}

const files: DataFile[] = readdirSync(DIR, {withFileTypes: true})
  .filter(d => d.isDirectory() && d.name !== 'divergences')
  .flatMap(d =>
    readdirSync(join(DIR, d.name))
      .filter(f => f.endsWith('.json'))
      .map(f => `${d.name}/${f}`),
  )
  .sort()
  .map(p => ({path: p, ...JSON.parse(readFileSync(join(DIR, p), 'utf8'))}))

/** divergences/<tag>.<stem>.<Test>.json per data file <tag>/<stem>.<Test>.json */
const divergenceFiles = new Map<string, Record<string, string>>(
  readdirSync(DIVERGENCES)
    .filter(f => f.endsWith('.json') && f !== 'go-functions.json')
    .map(f => [f, JSON.parse(readFileSync(join(DIVERGENCES, f), 'utf8')).cases as Record<string, string>]),
)
const divergenceFileOf = (f: DataFile) => f.path.replace('/', '.')
/** Go functions named in src/domain/kserve `Go:` comments that no ported case exercises, with why */
const goFunctionGaps: Record<string, string> = JSON.parse(readFileSync(join(DIVERGENCES, 'go-functions.json'), 'utf8')).functions

interface Run {
  /** the tag the case runs at: the file's, or one of its sameBehaviourAtTags ('master' for master@<commit>) */
  tag: string
  /** undefined for master: the newest rules */
  release: Release | undefined
}

function runsOf(f: DataFile): Run[] {
  const tags = [f.source.tag, ...(f.sameBehaviourAtTags ?? [])].map(t => t.split(/[@ ]/)[0])
  return [...new Set(tags)].map(tag => ({tag, release: parseRelease(tag)}))
}

/** The committed reason a case does not conform at this run, if any: `<name> @<tag>` first, then `<name>` (every tag). */
function divergenceOf(f: DataFile, name: string, run: Run): string | undefined {
  const d = divergenceFiles.get(divergenceFileOf(f)) ?? {}
  return d[`${name} @${run.tag}`] ?? d[name]
}

type Row = [title: string, file: DataFile, kase: any, run: Run, divergence: string | undefined]

const title = (f: DataFile, name: string, run: Run, divergence?: string) =>
  `${f.source.file} ${f.source.test}@${f.source.tag}${run.tag !== f.source.tag ? ` (run at ${run.tag})` : ''}: ${name}${divergence ? ' [divergence]' : ''}`

/** every upstream test name a describe block below runs, and every case (`<path>\n<name>`) */
const handled = new Set<string>()
const ran = new Set<string>()

/** One row per case and run tag; `only`: which cases of those files (e.g. by `call`). */
function rows(tests: string[], only: (c: any) => boolean = () => true): Row[] {
  const out: Row[] = []
  for (const t of tests) handled.add(t)
  for (const f of files.filter(x => tests.includes(x.source.test)))
    for (const c of f.cases.filter(only))
      for (const run of runsOf(f)) {
        ran.add(`${f.path}\n${c.name}`)
        const d = divergenceOf(f, c.name, run)
        out.push([title(f, c.name, run, d), f, c, run, d])
      }
  return out
}
/** the Go functions each describe block exercises (for the `Go:` coverage test), with the number of its cases */
const covered = new Map<string, number>()
const covers = (names: string[], n: number) => names.forEach(x => covered.set(x, (covered.get(x) ?? 0) + n))

/**
 * Run the comparison; for a committed divergence, assert that it still differs: a failed expectation, or the
 * counterpart still not exported / not emulated (any other exception is a bug of this test, and fails).
 */
function conform(divergence: string | undefined, check: () => void): void {
  if (divergence === undefined) return check()
  expect(check).toThrow(/expect\(|^not exported: |^not emulated: /)
}

// ---------------------------------------------------------------------------------------------------------------------
// Shared fixtures and comparisons

const SOURCE_URI = 'internal.serving.kserve.io/storage-initializer-sourceuri'
const DENIED = /^admission webhook "[^"]*" denied the request: /

/** types.StorageInitializerConfig's zero value (every field this emulation knows, all releases). */
const ZERO: StorageInitializerConfig = {
  image: '',
  cpuRequest: '',
  cpuLimit: '',
  memoryRequest: '',
  memoryLimit: '',
  cpuModelcar: '',
  memoryModelcar: '',
  caBundleConfigMapName: '',
  caBundleVolumeMountPath: '',
  enableModelcar: false,
  enableDirectPvcVolumeMount: false,
  enableOciModelSupport: false,
  ociModelMode: '',
  ociInsecureRegistry: false,
}

/** The struct a Go test passes: omitted keys are zero values (the ConfigMap's JSON tags). */
const struct = (config: any): StorageInitializerConfig => ({...ZERO, ...(config ?? {})})

/**
 * The config as the webhook would hold it: the document decoded and checked as the release does. The injector tests
 * pass the struct directly (no parsing, no quantity check), so a config Go's test never parses (quantities missing)
 * is taken as that struct.
 */
function configOf(config: any, release: Release | undefined): ConfigResult {
  const parsed = getStorageInitializerConfigs(JSON.stringify(config ?? {}), release)
  return parsed.ok ? parsed : {ok: true, config: struct(config)}
}

/**
 * Kubernetes JSON for comparison: quantities canonical (what the API server stores: '1000m' is '1'), fields Go's
 * omitempty drops (undefined, empty lists, readOnly false) left out.
 */
function canon(v: any): any {
  if (Array.isArray(v)) return v.map(canon)
  if (v && typeof v === 'object') {
    const out: Record<string, any> = {}
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined || (Array.isArray(x) && x.length === 0) || (k === 'readOnly' && x === false)) continue
      out[k] =
        (k === 'limits' || k === 'requests') && x && typeof x === 'object'
          ? Object.fromEntries(Object.entries(x).map(([r, q]) => [r, canonicalQuantity(String(q)) ?? q]))
          : canon(x)
    }
    return out
  }
  return v
}
const sameQ = (a: unknown, b: unknown) => expect(canonicalQuantity(String(a))).toBe(canonicalQuantity(String(b)))

const names = (l: any[] | undefined) => (l ?? []).map(x => x.name)
const byName = (l: any[] | undefined, name: string) => (l ?? []).find(x => x.name === name)
const envContains = (container: any, want: any[]) => {
  expect(container).toBeDefined()
  for (const e of want) expect(canon(container.env ?? [])).toContainEqual(canon(e))
}

/** The refusal's KServe text, without the API server's admission wrapping. */
const refusalText = (o: Outcome) => o.refusal?.message.replace(DENIED, '')

function expectError(got: string | undefined, e: any) {
  expect(got).toBeDefined()
  if (e.exactError) expect(got).toBe(e.exactError)
  if (e.errorPrefix) expect(got!.slice(0, e.errorPrefix.length)).toBe(e.errorPrefix)
  for (const s of [e.errorContains ?? []].flat()) expect(got).toContain(s)
}
const expectsError = (e: any) =>
  Boolean(
    e.exactError ||
    e.errorPrefix ||
    e.errorContains ||
    (e.error && typeof e.error === 'object') ||
    e.error === true ||
    typeof e.error === 'string',
  )

/** What the tests need from a module that src does not export: the case then diverges ("not exported: ..."). */
function exported<T = (...a: any[]) => any>(module: object, name: string): T {
  const f = (module as Record<string, unknown>)[name]
  if (f === undefined) throw new Error(`not exported: ${name}`)
  return f as T
}

/** Check expectation keys the upstream assertion summarises; an unknown key fails (so a new one is never skipped). */
function assertKeys(e: Record<string, any>, checks: Record<string, (v: any) => void>) {
  for (const [k, v] of Object.entries(e)) {
    if (k.startsWith('_')) continue
    if (!(k in checks)) throw new Error(`no comparison for expectation key ${k}`)
    checks[k](v)
  }
}

// ---------------------------------------------------------------------------------------------------------------------

test('the ported tables are all here', () => {
  expect(files.length).toBe(76)
  expect(files.reduce((n, f) => n + f.cases.length, 0)).toBe(383)
})

// The pod the webhook mutates: what the Go test built, labelled so that mutatePod (Go's needMutate) mutates it.
function podOf(p: any) {
  return {
    namespace: p?.namespace ?? 'default',
    annotations: {...(p?.annotations ?? {})},
    labels: {'serving.kserve.io/inferenceservice': 'test-isvc', ...(p?.labels ?? {})},
    spec: {
      containers: structuredClone(p?.containers ?? []),
      initContainers: structuredClone(p?.initContainers ?? []),
      volumes: structuredClone(p?.volumes ?? []),
    } as PodSpec,
  }
}

/** The pod after the webhook: the outcome the test's uncached client gives (ClusterStorageContainers listed by name). */
function webhook(c: any, run: Run, config: ConfigResult = configOf(c.config, run.release)) {
  const cscs = (c.clusterStorageContainers ?? c.clusterStorageContainersInListOrder ?? []).map(fromResource)
  const outcomes = mutatePod({
    pod: podOf(c.pod),
    config,
    containers: cscs,
    crdInstalled: true,
    release: run.release,
    kserveNamespace: 'kserve',
  })
  expect(outcomes.length).toBeGreaterThan(0)
  const o = outcomes[0]
  // mutatePod's outcomes carry the mutated pod spec (containers, shareProcessNamespace) beside initContainers/volumes,
  // though Outcome does not declare it
  const spec: PodSpec = (o as any).spec
  expect(spec?.containers).toBeDefined()
  return {o, spec}
}

describe('InjectStorageInitializer (pkg/webhook/admission/pod) -> mutatePod: the whole pod spec', () => {
  const cases = [
    ...rows(
      [
        'TestStorageInitializerInjector',
        'TestCredentialInjection',
        'TestCustomSpecStorageUriInjection',
        'TestDirectVolumeMountForPvc',
        'TestStorageContainerCRDInjection',
        'TestStorageInitializerConfigmap',
        'TestStorageInitializerFailureCases',
        'TestTransformerCollocation',
        'TestLocalModelPVC',
      ],
      c => c.call === 'InjectStorageInitializer',
    ),
    ...rows(['(none: derived from KServe source code, NOT an upstream test)'], c => c.call === 'InjectStorageInitializer'),
  ]
  covers(
    [
      'InjectStorageInitializer',
      'CommonStorageInitialization',
      'GetStorageContainerSpec',
      'GetStorageContainerSpecByName',
      'CreateInitContainerWithConfig',
      'AddModelMount',
      'ParsePvcURI',
      'parsePvcURI',
      'GetStorageInitializerReadOnlyFlag',
      'AddDefaultHuggingFaceEnvVars',
      'AddEnvVars',
      'needCaBundleMount',
    ],
    cases.length,
  )
  test.each(cases)('%s', (_t, _f, c, run, divergence) =>
    conform(divergence, () => {
      const {o, spec} = webhook(c, run)
      const e = c.expected
      if (expectsError(e)) {
        expect(o.admitted).toBe(false)
        return expectError(refusalText(o), e)
      }
      expect(o.refusal).toBeUndefined()
      const init = o.initContainers
      assertKeys(e, {
        error: v => expect(v).toBeNull(),
        // upstream compares pod.Spec whole (kmp.SafeDiff): what the case omits is empty
        containers: () => expect(canon(spec.containers)).toEqual(canon(e.containers)),
        initContainers: () => undefined,
        volumes: () => undefined,
        kserveContainerStorageUriEnv: v =>
          expect(byName(byName(spec.containers, 'kserve-container')?.env, 'STORAGE_URI') ?? null).toEqual(v),
        initContainerArgs: v => expect(init[0]?.args).toEqual(v),
        initContainerImage: v => expect(init[0]?.image).toBe(v),
        initContainerName: v => expect(init[0]?.name).toBe(v),
      })
      if ('containers' in e || 'initContainers' in e || 'volumes' in e) {
        expect(canon(init)).toEqual(canon(e.initContainers ?? []))
        expect(canon(o.volumes)).toEqual(canon(e.volumes ?? []))
      }
    }),
  )
})

describe('InjectModelcar (pkg/webhook/admission/pod) -> mutatePod, as the webhook runs it', () => {
  // Go's tests call InjectModelcar directly; the webhook registers it only when ResolveOciModelMode(config) != ''
  // (mutator.go:141-143@v0.20.0) and runs InjectStorageInitializer first. With mode '' InjectModelcar takes its default
  // branch, modelcar: the same as the webhook with enableModelcar=true, which is what runs here for such configs. A
  // case the webhook cannot reproduce (a non-OCI URI InjectStorageInitializer would act on) has no exported
  // counterpart (webhook.ts keeps injectModelcar private) and is a divergence.
  const cases = [
    ...rows(['TestInjectModelcar', 'TestInjectModelcarOciNative']),
    ...rows(['(none: derived from KServe source code, NOT an upstream test)'], c => c.call.startsWith('InjectModelcar')),
  ]
  covers(
    [
      'InjectModelcar',
      'ConfigureModelcarToContainer',
      'CreateModelcarContainer',
      'CreateModelcarInitContainer',
      'ConfigureOciNativeToContainer',
      'GetParentDirectory',
      'getParentDirectory',
      'ResolveOciModelMode',
      'AddOrReplaceEnv',
    ],
    cases.length,
  )
  test.each(cases)('%s', (_t, _f, c, run, divergence) =>
    conform(divergence, () => {
      if (c.expected['v0.20.0']) return fetchAsModelcar(c, run)
      const uri = c.pod.annotations[SOURCE_URI]
      const oci = uri !== undefined && (uri.startsWith('oci://') || uri.startsWith('oci+'))
      if (uri !== undefined && !oci) {
        // Go calls InjectModelcar alone here: a URI that is not OCI leaves the pod as it was
        const spec: PodSpec = {
          containers: structuredClone(c.pod.containers ?? []),
          initContainers: structuredClone(c.pod.initContainers ?? []),
          volumes: [],
        }
        const before = structuredClone(spec)
        const inject = exported(webhookModule, 'injectModelcar')
        expect(inject(spec, uri, struct(c.config), run.release)).toBeUndefined()
        expect(spec).toEqual(before)
        return
      }
      const cfg = struct(c.config)
      const config = oci && resolveOciModelMode(cfg, run.release) === '' ? {...(c.config ?? {}), enableModelcar: true} : c.config
      const {o, spec} = webhook({...c, config}, run)
      expect(o.refusal).toBeUndefined()
      const kserve = byName(spec.containers, 'kserve-container')
      const modelcar = byName(spec.containers, 'modelcar')
      assertKeys(c.expected, {
        error: v => expect(v).toBeNull(),
        containerCount: v => expect(spec.containers).toHaveLength(v),
        volumes: v => expect(canon(o.volumes)).toEqual(canon(v)),
        containerNames: v => expect(names(spec.containers)).toEqual(v),
        initContainerNames: v => expect(names(o.initContainers)).toEqual(v),
        initContainerHasCpuMemLimitsAndRequests: () => {
          const r = o.initContainers[0]?.resources ?? {}
          for (const k of ['limits', 'requests']) for (const q of ['cpu', 'memory']) expect(r[k]?.[q]).toBeDefined()
        },
        initContainerArgsContain: v => expect((o.initContainers[0]?.args ?? []).join(' ')).toContain(v),
        kserveContainerEnvContains: v => envContains(kserve, v),
        volumeMountsPerContainer: v => spec.containers.forEach(x => expect([x.name, x.volumeMounts?.length]).toEqual([x.name, v])),
        shareProcessNamespace: v => expect(spec.shareProcessNamespace ?? false).toBe(v),
        modelcarResources: v => expect(canon(modelcar?.resources)).toEqual(canon(v)),
        modelcarSecurityContext: v => expect(modelcar?.securityContext ?? null).toEqual(v),
        modelcarRunAsUser: v => expect(modelcar?.securityContext?.runAsUser).toBe(v),
        kserveContainerRunAsUser: v => expect(kserve?.securityContext?.runAsUser).toBe(v),
        modelcarLimitsCpu: v => sameQ(modelcar?.resources?.limits?.cpu, v),
        modelcarRequestsMemory: v => sameQ(modelcar?.resources?.requests?.memory, v),
        imageVolumeReference: v => expect(o.volumes.find(x => x.image)?.image?.reference).toBe(v),
        kserveContainerMountReadOnly: v => {
          const vol = o.volumes.find(x => x.image)?.name
          expect(byName(kserve?.volumeMounts, vol)?.readOnly ?? false).toBe(v)
        },
        hasContainer: v => expect(names(spec.containers)).toContain(v),
      })
    }),
  )
})

/**
 * derived: ociModelMode 'fetch' is a modelcar at v0.20.0 (storage_initializer_injector.go:223-228@v0.20.0); on master a
 * storage-initializer from the ConfigMap downloads the image (oci_fetch.go). The case's config has no quantities, which
 * master's CreateInitContainerWithConfig would MustParse: master runs with the injector tests' fixture quantities.
 */
function fetchAsModelcar(c: any, run: Run) {
  const v020 = webhook(c, run)
  expect([names(v020.spec.containers), names(v020.o.initContainers)]).toEqual([['kserve-container', 'modelcar'], ['modelcar-init']])
  const fixture = {cpuRequest: '100m', cpuLimit: '1', memoryRequest: '200Mi', memoryLimit: '1Gi', ...c.config}
  const master = webhook({...c, config: fixture}, {tag: 'master', release: undefined})
  expect(names(master.spec.containers)).toEqual(['kserve-container'])
  expect(canon(master.o.initContainers)).toEqual(
    canon([
      {
        name: 'storage-initializer',
        image: 'kserve/storage-initializer:latest',
        args: ['oci://reg/img:1', '/mnt/models'],
        resources: {limits: {cpu: '1', memory: '1Gi'}, requests: {cpu: '100m', memory: '200Mi'}},
        terminationMessagePolicy: 'FallbackToLogsOnError',
        volumeMounts: [{name: 'mnt-models', mountPath: '/mnt/models'}],
      },
    ]),
  )
  expect(canon(master.o.volumes)).toEqual([{name: 'mnt-models', emptyDir: {}}])
}

describe('CommonStorageInitialization (pkg/webhook/admission/pod) -> commonStorageInitialization: the pod spec', () => {
  const cases = rows(
    [
      'TestCommonStorageInitialization',
      'TestCommonStorageInitializationErrorCases',
      'TestCommonStorageInitializationSkipsOciNativeURI',
      'TestCommonStorageInitializationWithCustomStorageContainer',
      'TestCommonStorageInitializationWithOciNativeURI',
      'TestCommonStorageInitializationWithOciURI',
      'TestStorageInitializerWithUserDefinedCABundleEnvVars',
      'TestStorageInitializerWithUserDefinedHFEnvVars',
    ],
    c => c.call === 'CommonStorageInitialization',
  )
  const derived = rows(['(none: derived from KServe source code, NOT an upstream test)'], c =>
    c.call.startsWith('utils.CreateInitContainerWithConfig'),
  )
  covers(
    [
      'CommonStorageInitialization',
      'FindCommonParentPath',
      'GetVolumeNameFromPath',
      'AddModelMount',
      'ParsePvcURI',
      'CreateInitContainerWithConfig',
      'ConfigureModelcarToContainer',
      'ConfigureOciNativeToContainer',
      'AddDefaultHuggingFaceEnvVars',
      'ParseOciScheme',
    ],
    cases.length + derived.length,
  )
  const run = (c: any, r: Run) => {
    const p = c.params
    const podSpec: PodSpec = {
      containers: structuredClone(c.pod.containers ?? []),
      initContainers: structuredClone(c.pod.initContainers ?? []),
      volumes: [],
    }
    const error = commonStorageInitialization({
      namespace: p.namespace ?? 'default',
      storageURIs: p.storageURIs,
      isReadOnly: p.isReadOnly ?? false,
      podSpec,
      config: struct(p.config),
      annotations: p.isvcAnnotations ?? {},
      storageContainerSpec: p.storageContainerSpec ? fromResource({metadata: {name: 'test'}, spec: p.storageContainerSpec}) : undefined,
      isLegacyURI: p.isLegacyURI,
      release: r.release,
      kserveNamespace: 'kserve',
    })
    return {error, podSpec}
  }
  test.each(cases)('%s', (_t, _f, c, r, divergence) =>
    conform(divergence, () => {
      const {error, podSpec} = run(c, r)
      const e = c.expected
      if (expectsError(e)) return expectError(error, e)
      expect(error).toBeUndefined()
      const kserve = byName(podSpec.containers, 'kserve-container')
      const si = byName(podSpec.initContainers, 'storage-initializer')
      assertKeys(e, {
        error: v => expect(v).toBeNull(),
        panics: v => expect(v).toBe(false),
        injected: v => {
          expect(v).toBe(false)
          expect(canon(podSpec)).toEqual(canon({containers: c.pod.containers, initContainers: c.pod.initContainers ?? [], volumes: []}))
        },
        initContainerInjected: v => expect(Boolean(si)).toBe(v),
        initContainer: v => {
          if (v === null) return expect(si).toBeUndefined()
          const got = byName(podSpec.initContainers, v.name)
          expect(got).toBeDefined()
          expect(canon({name: got.name, image: got.image, resources: got.resources})).toEqual(
            canon({name: v.name, image: v.image, resources: v.resources}),
          )
          for (const a of v.argsContain ?? []) expect(got.args).toContain(a)
          if (v.envContains) envContains(got, v.envContains)
        },
        initContainerCount: v => expect(podSpec.initContainers).toHaveLength(v),
        initContainers: v => expect(canon(podSpec.initContainers)).toEqual(canon(v)),
        initContainerNames: v => expect(names(podSpec.initContainers)).toEqual(v),
        initContainerEnvContains: v => envContains(si ?? podSpec.initContainers[0], v),
        volumeCount: v => expect(podSpec.volumes).toHaveLength(v),
        volumesNonEmpty: v => expect(podSpec.volumes.length > 0).toBe(v),
        kserveContainerMountPaths: v => expect((kserve?.volumeMounts ?? []).map((m: any) => m.mountPath)).toEqual(v),
        mountsReadOnly: v => (kserve?.volumeMounts ?? []).forEach((m: any) => expect(m.readOnly ?? false).toBe(v)),
        hasImageVolume: v => expect(podSpec.volumes.some(x => x.image)).toBe(v),
        imageVolumeReference: v => expect(podSpec.volumes.find(x => x.image)?.image?.reference).toBe(v),
        hasContainer: v =>
          v === null ? expect(names(podSpec.containers)).not.toContain('modelcar') : expect(names(podSpec.containers)).toContain(v),
        modelcarInjected: v => expect(names(podSpec.containers).includes('modelcar')).toBe(v),
        shareProcessNamespace: v => expect(podSpec.shareProcessNamespace ?? false).toBe(v),
        kserveContainerEnvContains: v => envContains(kserve, v),
        workerContainerEnvContains: v => envContains(byName(podSpec.containers, 'worker-container'), v),
        kserveContainerHasMounts: v => expect((kserve?.volumeMounts ?? []).length > 0).toBe(v),
        transformerContainerHasMounts: v =>
          expect((byName(podSpec.containers, 'transformer-container')?.volumeMounts ?? []).length > 0).toBe(v),
      })
    }),
  )
  // derived: the legacy path's init container from the ConfigMap, before credentials, merge and the HF defaults
  test.each(derived)('%s', (_t, _f, c, r, divergence) =>
    conform(divergence, () => {
      const {error, podSpec} = run(
        {
          params: {storageURIs: [{uri: c.storageUri, mountPath: '/mnt/models'}], isLegacyURI: true, isReadOnly: true, config: c.config},
          pod: {containers: [{name: 'kserve-container'}]},
        },
        r,
      )
      expect(error).toBeUndefined()
      const {env, ...before} = podSpec.initContainers[0]
      expect(env?.every((x: any) => x.name.startsWith('HF_'))).toBe(true)
      expect(canon(before)).toEqual(canon(c.expected.initContainerBeforeCredentialsAndMerge))
    }),
  )
})

describe('GetStorageContainerSpec / GetContainerSpecForStorageUri / ByName -> getStorageContainerSpec', () => {
  const cases = [
    ...rows(['TestGetStorageContainerSpec', 'TestExplicitStorageContainerName']),
    ...rows(['(none: derived from KServe source code, NOT an upstream test)'], c => c.call.startsWith('GetStorageContainerSpec')),
  ]
  covers(
    ['GetStorageContainerSpec', 'GetStorageContainerSpecByName', 'GetContainerSpecForStorageUri', 'IsStorageUriSupported'],
    cases.length,
  )
  test.each(cases)('%s', (_t, _f, c, run, divergence) =>
    conform(divergence, () => {
      const cscs = (c.clusterStorageContainers ?? c.clusterStorageContainersInListOrder ?? []).map(fromResource)
      // a Get error other than NotFound: the CRD missing is one the emulation can express
      const crdInstalled = !c.name.includes('Get error other than NotFound')
      const lookups = getStorageContainerSpec(c.storageUri, c.storageContainerName ?? undefined, cscs, {release: run.release, crdInstalled})
      // the test's uncached client lists by name, as the lookups are ordered: the first is what Go's test saw
      const first = lookups[0]
      const e = c.expected
      if (expectsError(e)) {
        expect(first.spec).toBeUndefined()
        return expectError(first.error, e)
      }
      expect(first.error).toBeUndefined()
      assertKeys(e, {
        error: v => expect(v).toBeNull(),
        container: v => (v === null ? expect(first.spec).toBeUndefined() : expect(canon(first.spec?.container)).toEqual(canon(v))),
        fromCSC: v => expect([first.candidate, Boolean(first.spec)]).toEqual([`clusterstoragecontainer/${v}`, true]),
        containerImage: v => expect(first.spec?.container.image).toBe(v),
        requestsMemory: v => sameQ(first.spec?.container.resources?.requests?.memory, v),
        spec: v => expect(first.spec ?? null).toEqual(v),
      })
    }),
  )
})

describe('StorageContainerSpec.IsStorageUriSupported (pkg/apis/serving/v1alpha1) -> isStorageUriSupported', () => {
  const cases = [
    ...rows(['TestStorageContainerSpec_IsStorageUriSupported']),
    ...rows(
      ['(none: derived from KServe source code, NOT an upstream test)'],
      c => c.call === 'StorageContainerSpec.IsStorageUriSupported',
    ),
  ]
  covers(['IsStorageUriSupported'], cases.length)
  test.each(cases)('%s', (_t, _f, c, run, divergence) =>
    conform(divergence, () => {
      const got = isStorageUriSupported(fromResource({metadata: {name: c.specName ?? 'spec'}, spec: c.spec}), c.storageUri, run.release)
      expect(got.supported).toBe(c.expected.supported)
      if (c.expected.errorContains) expect(got.error).toContain(c.expected.errorContains)
      else expect(got.error).toBeUndefined()
    }),
  )
})

describe('MergeContainerWithPatch (pkg/utils/container_merge.go) -> mergeContainer', () => {
  const get = (o: any, path: string) => path.split('.').reduce((x, k) => x?.[k], o)
  const cases = rows(['TestMergeContainerWithPatch', 'TestMergeContainerSpecs_EnvHandling', 'TestMergeStorageInitializerContainer'])
  covers(['MergeContainerWithPatch'], cases.length)
  test.each(cases)('%s', (_t, f, c, _run, divergence) =>
    conform(divergence, () => {
      let m = mergeContainer(c.base, c.overlay, {reconcileEnv: true})
      // mergeStorageInitForTest (workload_storage_internal_test.go:32-41@v0.20.0): the controller keeps name, args, command
      if (f.source.test === 'TestMergeStorageInitializerContainer') {
        m = {...m, name: c.base.name, args: c.base.args}
        if (c.base.command) m.command = c.base.command
        else delete m.command
      }
      const env = (m.env ?? []) as any[]
      for (const [k, v] of Object.entries(c.expected as Record<string, any>)) {
        if (k.startsWith('_') || (k === 'error' && v === null)) continue
        if (k === 'envLength') expect(env).toHaveLength(v)
        else if (k === 'noEntryHasBothValueAndValueFrom') expect(env.some(e => e.value !== undefined && e.valueFrom !== undefined)).toBe(!v)
        else if (k === 'envByName')
          for (const [name, want] of Object.entries(v as object)) {
            const got = byName(env, name)
            expect(typeof want === 'string' ? got?.value : got).toEqual(typeof want === 'string' ? want : {name, ...want})
          }
        else if (k === 'volumeMountPathByName')
          for (const [name, path] of Object.entries(v as object)) expect(byName(m.volumeMounts, name)?.mountPath).toBe(path)
        else if (k === 'resources') expect(canon(m.resources)).toMatchObject(canon(v))
        else if (k.includes('.')) expect(get(m, k)).toEqual(v)
        else expect(m[k]).toEqual(v)
      }
      // derived from the Go code (not asserted upstream): the whole container. List order there is [inferred] as
      // "base order, new patch items appended", which strategic merge does not do (it places patch-only items
      // first: apimachinery strategicpatch mergeSortedSlice), so lists merged by key compare as sets.
      if (c.expectedDerived) {
        const sorted = (x: any) => ({
          ...canon(x),
          ...(x.env ? {env: canon(x.env).sort(byKey('name'))} : {}),
          ...(x.volumeMounts ? {volumeMounts: canon(x.volumeMounts).sort(byKey('mountPath'))} : {}),
        })
        expect(sorted(m)).toEqual(sorted(c.expectedDerived))
      }
    }),
  )
})
const byKey = (k: string) => (a: any, b: any) => String(a[k]).localeCompare(String(b[k]))

describe('GetStorageInitializerConfigs (configmap.go; storage_initializer_injector.go before v0.16) -> getStorageInitializerConfigs', () => {
  const cases = rows(['TestGetStorageInitializerConfigs'])
  covers(['GetStorageInitializerConfigs', 'getStorageInitializerConfigs'], cases.length)
  test.each(cases)('%s', (_t, _f, c, run, divergence) =>
    conform(divergence, () => {
      const r = getStorageInitializerConfigs(c.configMapData.storageInitializer, run.release)
      const e = c.expected
      if (expectsError(e)) {
        expect(r.ok).toBe(false)
        if (!r.ok) expectError(r.message, e)
        return
      }
      expect(r.ok ? undefined : r.message).toBeUndefined()
      if (!r.ok) return
      assertKeys(e, {
        error: v => expect(v).toBeNull(),
        config: v => expect(r.config).toEqual(struct(v)),
        enableOciModelSupport: v => expect(r.config.enableOciModelSupport).toBe(v),
        enableModelcar: v => expect(r.config.enableModelcar).toBe(v),
        ociModelMode: v => expect(r.config.ociModelMode).toBe(v),
      })
    }),
  )
})

describe('ResolveOciModelMode (pkg/types/config.go) -> resolveOciModelMode', () => {
  const cases = rows(['TestResolveOciModelMode'])
  covers(['ResolveOciModelMode'], cases.length)
  test.each(cases)('%s', (_t, _f, c, run, divergence) =>
    conform(divergence, () => expect(resolveOciModelMode(struct(c.config), run.release)).toBe(c.expected)),
  )
})

describe('pkg/utils/storage.go helpers -> storage.ts', () => {
  const parse = rows(['TestParseOciScheme'])
  const parent = rows(['TestFindCommonParentPath'])
  const volume = rows(['TestGetVolumeNameFromPath'])
  const hf = rows(['TestAddDefaultHuggingFaceEnvVars'])
  const modelcar = rows(['TestModelcarNames'])
  const pvc = rows(['TestParsePvcURI'])
  covers(['ParseOciScheme'], parse.length)
  covers(['FindCommonParentPath'], parent.length)
  covers(['GetVolumeNameFromPath'], volume.length)
  covers(['AddDefaultHuggingFaceEnvVars', 'AddEnvVars'], hf.length)
  covers(['ModelcarNames'], modelcar.length)
  covers(['ParsePvcURI', 'parsePvcURI'], pvc.length)
  test.each(parse)('%s', (_t, _f, c, _r, d) =>
    conform(d, () => {
      const got = parseOciScheme(c.uri)
      expect({mode: got.mode, normalizedURI: got.normalized, isOci: got.isOci}).toEqual(c.expected)
    }),
  )
  test.each(parent)('%s', (_t, _f, c, _r, d) => conform(d, () => expect(findCommonParentPath(c.paths)).toBe(c.expected)))
  test.each(volume)('%s', (_t, _f, c, _r, d) => conform(d, () => expect(getVolumeNameFromPath(c.path)).toBe(c.expected)))
  test.each(hf)('%s', (_t, _f, c, _r, d) =>
    conform(d, () => {
      const container: any = {name: 'storage-initializer', env: structuredClone(c.initialEnv)}
      addDefaultHuggingFaceEnvVars(container)
      expect(container.env).toEqual(c.expectedEnv)
    }),
  )
  test.each(modelcar)('%s', (_t, _f, c, _r, d) =>
    conform(d, () => {
      const n = modelcarNames(c.ociIndex)
      expect({sidecarName: n.sidecar, initName: n.init, volumeName: n.volume}).toEqual(c.expected)
    }),
  )
  test.each(pvc)('%s', (_t, _f, c, _r, d) => conform(d, () => expect({...parsePvcURI(c.uri), error: null}).toEqual(c.expected)))
})

describe('ValidateOCIMountPaths / MaxOCISourcesPerPod (pkg/utils/storage.go) -> injector.ts (private)', () => {
  const cases = [...rows(['TestValidateOCIMountPaths']), ...rows(['TestMaxOCISourcesPerPod'])]
  covers(['ValidateOCIMountPaths', 'MaxOCISourcesPerPod'], cases.length)
  test.each(cases)('%s', (_t, f, c, _r, d) =>
    conform(d, () => {
      if (f.source.test === 'TestMaxOCISourcesPerPod') {
        expect(exported<number>(storageModule, 'maxOCISourcesPerPod')).toBe(c.expected.value)
        return
      }
      const validate = exported(injectorModule, 'validateOCIMountPaths')
      const err: string | undefined = validate(c.paths ?? [], c.mode)
      if (expectsError(c.expected)) expectError(err, {...c.expected, error: undefined})
      else expect(err).toBeUndefined()
    }),
  )
})

describe("ConfigureModelcarToContainer (pkg/utils/storage.go) and the LLM controller's attachOciModelArtifact -> configureModelcarToContainer", () => {
  const cases = rows(['TestConfigureModelcarToContainerMultipleOCI'])
  // attachOciModelArtifact (llmisvc/workload_storage.go@v0.18.0..v0.20.0) is ConfigureModelcarToContainer(..., 0)
  const llm = rows(['TestAttachOciModelArtifact_TargetContainer'])
  covers(
    [
      'ConfigureModelcarToContainer',
      'CreateModelcarContainer',
      'CreateModelcarInitContainer',
      'ModelcarNames',
      'GetParentDirectory',
      'getParentDirectory',
    ],
    cases.length + llm.length,
  )
  test.each(cases)('%s', (_t, _f, c, _r, d) =>
    conform(d, () => {
      const spec: PodSpec = {containers: structuredClone(c.pod.containers), initContainers: [], volumes: []}
      const cfg = struct(c.storageConfig)
      let error: string | undefined
      for (const s of c.steps) error ??= configureModelcarToContainer(s.modelUri, spec, s.targetContainerName, s.modelPath, cfg, s.ociIndex)
      const e = c.expected
      if (expectsError(e)) return expectError(error, e)
      expect(error).toBeUndefined()
      const kserve = byName(spec.containers, 'kserve-container')
      assertKeys(e, {
        error: v => expect(v).toBeNull(),
        containerNames: v => expect(names(spec.containers)).toEqual(v),
        containerNamesContain: v => v.forEach((n: string) => expect(names(spec.containers)).toContain(n)),
        containerCount: v => expect(spec.containers).toHaveLength(v),
        modelcarImages: v => Object.entries(v).forEach(([n, image]) => expect(byName(spec.containers, n)?.image).toBe(image)),
        initContainerNames: v => expect(names(spec.initContainers)).toEqual(v),
        initContainerCount: v => expect(spec.initContainers).toHaveLength(v),
        volumeNames: v => expect(names(spec.volumes)).toEqual(v),
        volumeCount: v => expect(spec.volumes).toHaveLength(v),
        shareProcessNamespace: v => expect(spec.shareProcessNamespace ?? false).toBe(v),
        kserveContainerMountNamesContain: v => v.forEach((n: string) => expect(names(kserve?.volumeMounts)).toContain(n)),
        kserveContainerMountCount: v => expect(kserve?.volumeMounts ?? []).toHaveLength(v),
        sidecarFirstMountName: v =>
          Object.entries(v).forEach(([n, m]) => expect(byName(spec.containers, n)?.volumeMounts?.[0]?.name).toBe(m)),
        derivedExactError: () => undefined,
        // derived from the Go code, not asserted upstream: whole objects
        derived: v => {
          if (v.volumes) expect(canon(spec.volumes)).toEqual(canon(v.volumes))
          if (v.kserveContainer) expect(canon(kserve)).toEqual(canon(v.kserveContainer))
          if (v.kserveContainerVolumeMounts) expect(canon(kserve?.volumeMounts)).toEqual(canon(v.kserveContainerVolumeMounts))
          if (v.sidecars) expect(canon(spec.containers.filter(x => x.name.startsWith('modelcar')))).toEqual(canon(v.sidecars))
        },
      })
    }),
  )
  test.each(llm)('%s', (_t, _f, c, _r, d) =>
    conform(d, () => {
      const i = c.input
      const spec: PodSpec = {containers: structuredClone(i.podSpec.containers), initContainers: [], volumes: []}
      expect(configureModelcarToContainer(i.modelUri, spec, i.containerName, i.modelPath, struct(c.config), 0)).toBeUndefined()
      for (const want of c.expected.containers) {
        const got = byName(spec.containers, want.name)
        for (const m of want.volumeMounts ?? []) expect(canon(got?.volumeMounts)).toContainEqual(canon(m))
        if (want.args) expect(got?.args).toEqual(want.args)
      }
      const w = c.expectedDerived
      expect(
        canon({
          containers: spec.containers,
          initContainers: spec.initContainers,
          volumes: spec.volumes,
          shareProcessNamespace: spec.shareProcessNamespace,
        }),
      ).toEqual(
        canon({
          containers: w.containers,
          initContainers: w.initContainers,
          volumes: w.volumes,
          shareProcessNamespace: w.shareProcessNamespace,
        }),
      )
    }),
  )
})

// ---------------------------------------------------------------------------------------------------------------------
// The controllers

/** The release's SupportedStorageURIPrefixList, from the ported files that state it (per run tag). */
const prefixLists = new Map<string, string[]>()
for (const f of files.filter(x => x.supportedStorageURIPrefixList))
  for (const r of runsOf(f)) prefixLists.set(r.tag, f.supportedStorageURIPrefixList)

/** UnsupportedStorageURIFormatError (pkg/apis/serving/v1beta1/component.go): 'is not supported.' before v0.14.0 */
const unsupportedUriError = (list: string[], uri: string, r: Release | undefined) =>
  `storageUri, must be one of: [${list.join(', ')}] or match https://{}.blob.core.windows.net/{}/{} or be an absolute or relative local path. StorageUri [${uri}] is not supported${r && r.major === 0 && r.minor < 14 ? '.' : ''}`

describe('ValidateStorageURI (pkg/controller/v1beta1/inferenceservice/utils) -> validateStorageURI', () => {
  const cases = rows([
    'TestValidateStorageURIForDefaultStorageInitializer',
    'TestValidateStorageURIForCustomPrefix',
    'TestValidateStorageURIForDefaultStorageInitializerCRD',
  ])
  covers(['ValidateStorageURI', 'SupportedStorageURIPrefixList'], cases.length)
  test.each(cases)('%s', (_t, _f, c, run, divergence) =>
    conform(divergence, () => {
      const state: KServeState = {
        release: run.release,
        kserveNamespace: 'kserve',
        config: {ok: true, config: ZERO},
        containers: (c.clusterStorageContainers ?? []).map(fromResource),
        crdInstalled: true,
      }
      const results = validateStorageURI(c.storageUri, state)
      expect(results.length).toBeGreaterThan(0)
      const e = c.expected
      if (!expectsError(e)) return expect(results.map(x => x.error)).toEqual(results.map(() => undefined))
      const list = prefixLists.get(run.tag)
      expect(list).toBeDefined()
      for (const x of results) expectError(x.error, {...e, exactError: unsupportedUriError(list!, c.storageUri, run.release)})
    }),
  )
  test.each([...prefixLists].map(([tag, list]) => [tag, list] as const))('SupportedStorageURIPrefixList (utils.go) at %s', (tag, list) =>
    expect(supportedStorageURIPrefixList(parseRelease(tag))).toEqual(list),
  )
})

describe('validateStorageURISpec / validateMultipleStorageURIsSpec (InferenceService validating webhook)', () => {
  const cases = rows(['TestValidateStorageUri', 'TestValidateStorageUriSpec'])
  covers(['validateStorageURISpec', 'validateMultipleStorageURIsSpec'], cases.length)
  test.each(cases)('%s', (_t, _f, c, _r, d) =>
    conform(d, () => {
      const validate = exported(validationModule, c.call)
      const err: string | undefined = validate(c.storageUris ?? c.storageUri)
      if (expectsError(c.expected)) expectError(err, typeof c.expected.error === 'string' ? {exactError: c.expected.error} : c.expected)
      else expect(err).toBeUndefined()
    }),
  )
})

/** podSpecs 'Deployment/<name>-kserve-prefill:spec.template.spec' -> the emulation's component for that template */
function componentOf(path: string, name: string): string {
  const [obj, field] = path.split(':')
  const workload = obj.split('/')[1].slice(name.length)
  const prefill = workload.endsWith('-prefill')
  if (obj.startsWith('Deployment/')) return prefill ? 'prefill' : 'workload'
  const role = field.includes('leaderTemplate') ? 'leader' : 'worker'
  return prefill ? `prefill-${role}` : role
}

/** Gomega's subset checks as the data describes them: listed fields only, lists contained; `whole` compares items whole. */
function containsItem(list: any[], want: any, whole: boolean) {
  const strip = (v: any) => (v?.configMap?.defaultMode === 420 ? {...v, configMap: {name: v.configMap.name}} : v) // API defaulting
  if (whole) return expect(canon(list)).toContainEqual(canon(strip(want)))
  expect(list.some(x => partial(x, want))).toBe(true)
}
function partial(got: any, want: any): boolean {
  if (want === '<any>') return got !== undefined
  if (Array.isArray(want)) return Array.isArray(got) && want.every(w => got.some(g => partial(g, w)))
  if (want && typeof want === 'object') return got && typeof got === 'object' && Object.entries(want).every(([k, v]) => partial(got[k], v))
  return canonicalQuantity(String(got)) !== undefined && typeof want === 'string' && canonicalQuantity(want) !== undefined
    ? canonicalQuantity(String(got)) === canonicalQuantity(want)
    : got === want
}

describe('LLMInferenceService controller storage (llmisvc controller_workload_storage_int_test.go) -> emulateLlmInferenceService', () => {
  // one row per check of a case; a Prediction carries init containers and volumes only, so the checks on regular
  // containers (main's mounts, modelcar sidecars) and shareProcessNamespace are not compared here
  const cases: Row[] = []
  for (const [, f, c, run] of rows(['TestLLMInferenceServiceController/LLMInferenceService Controller - Storage configuration']))
    c.expected.checks.forEach((check: any, i: number) => {
      const name = `${c.context}: ${c.name} [${i}:${check.helper}]`
      const d = divergenceOf(f, name, run)
      cases.push([title(f, name, run, d), f, {...c, check}, run, d])
    })
  covers(
    [
      'attachModelArtifacts',
      'attachStorageInitializer',
      'attachHfModelArtifact',
      'attachS3ModelArtifact',
      'ApplyConfidentialContainerConfig',
    ],
    cases.length,
  )
  test.each(cases)('%s', (_t, _f, c, run, divergence) =>
    conform(divergence, () => {
      const state: KServeState = {
        release: run.release,
        kserveNamespace: 'kserve',
        config: getStorageInitializerConfigs(JSON.stringify(c.config), run.release),
        containers: [],
        crdInstalled: true,
      }
      const predictions = emulateLlmInferenceService(c.llmisvc, state)
      const check = c.check
      const whole = ['validatePodSpecVolumes', 'validatePodSpecEnvVars', 'validatePodSpecVolumeMounts'].includes(check.helper)
      for (const path of check.podSpecs) {
        const p: Prediction | undefined = predictions.find(x => x.component === componentOf(path, c.llmisvc.metadata.name))
        expect([path, Boolean(p), p?.refusal?.message]).toEqual([path, true, undefined])
        for (const v of check.volumes ?? []) containsItem(p!.volumes, v, whole)
        for (const n of check.volumeNames ?? []) expect(names(p!.volumes)).toContain(n)
        for (const want of check.initContainers ?? []) {
          const got = byName(p!.initContainers, want.name)
          expect([path, want.name, Boolean(got)]).toEqual([path, want.name, true])
          for (const [k, v] of Object.entries(want)) {
            if (k === 'name') continue
            if (k === 'args') (v as string[]).forEach(a => expect(got.args).toContain(a))
            else if (k === 'env' || k === 'volumeMounts') (v as any[]).forEach(x => containsItem(got[k] ?? [], x, whole))
            else expect(partial(got[k], v)).toBe(true)
          }
        }
        for (const n of check.absent?.initContainers ?? []) expect(names(p!.initContainers)).not.toContain(n)
        for (const n of check.absent?.volumes ?? []) expect(names(p!.volumes)).not.toContain(n)
      }
    }),
  )
})

describe('LLM controller helpers (llmisvc workload_storage.go) -> emulateLlmInferenceService for the main container', () => {
  // Go's tests call the reconciler's unexported helpers with a target container and model path. llmisvc.ts emulates
  // the main container at /mnt/models only: those cases run through emulateLlmInferenceService (init containers and
  // volumes compared); the scheduler's tokenizer container is not emulated (divergence).
  const cases = rows([
    'TestAttachPVCModelArtifact_TargetContainer',
    'TestAttachStorageInitializer_TargetContainer',
    'TestAttachStorageInitializerConfidential',
  ])
  const strip = rows(['TestExtractAndStripStorageInitializer'])
  covers(['extractAndStripStorageInitializer'], strip.length)
  covers(['attachStorageInitializer', 'attachModelArtifacts', 'attachS3ModelArtifact'], cases.length)
  test.each(cases)('%s', (_t, _f, c, run, d) =>
    conform(d, () => {
      const i = c.input
      if (i.containerName === 'tokenizer') throw new Error('not emulated: the scheduler tokenizer container')
      const llm = {
        metadata: {name: 'llm', namespace: 'default'},
        spec: {
          ...(c.llmisvc?.spec ?? {}),
          model: {...(c.llmisvc?.spec?.model ?? {}), uri: i.modelUri},
          template: {containers: [{name: 'main'}]},
        },
      }
      const state: KServeState = {
        release: run.release,
        kserveNamespace: 'kserve',
        config: c.config ? getStorageInitializerConfigs(JSON.stringify(c.config), run.release) : {ok: true, config: ZERO},
        containers: [],
        crdInstalled: true,
      }
      const curr: PodSpec | undefined = i.curr ? {containers: [], volumes: [], initContainers: [], ...i.curr} : undefined
      const [p] = emulateLlmInferenceService(llm, state, new Map([['llm-kserve', curr]]))
      expect(p.refusal).toBeUndefined()
      const e = c.expected
      for (const want of e.initContainers ?? []) {
        const got = byName(p.initContainers, want.name)
        expect(got).toBeDefined()
        if (want['args[1]']) expect(got.args[1]).toBe(want['args[1]'])
        if (want.image) expect(got.image).toBe(want.image)
        for (const env of want.env ?? []) expect(byName(got.env, env.name)?.value).toBe(env.value)
      }
      if (Array.isArray(e.initContainers) && e.initContainers.length === 0) expect(p.initContainers).toEqual([])
      for (const [n, absent] of Object.entries(e.absentEnv ?? {}))
        for (const a of absent as string[]) expect(names(byName(p.initContainers, n)?.env)).not.toContain(a)
      if (c.expectedDerived?.volumes) expect(canon(p.volumes)).toEqual(canon(c.expectedDerived.volumes))
    }),
  )
  test.each(strip)('%s', (_t, _f, c, _r, d) =>
    conform(d, () => {
      const extract = exported(llmModule, 'extractAndStripStorageInitializer')
      const spec = structuredClone(c.input.podSpec)
      const got = extract(spec)
      expect(got?.image ?? null).toEqual(c.expected.returned?.image ?? null)
    }),
  )
})

// ---------------------------------------------------------------------------------------------------------------------
// Completeness

test('every ported case is run by a describe block above', () => {
  expect(files.map(f => f.source.test).filter(t => !handled.has(t))).toEqual([])
  expect(files.flatMap(f => f.cases.map(c => `${f.path}: ${c.name}`)).filter(k => !ran.has(k.replace(': ', '\n')))).toEqual([])
})

test('every committed divergence names a ported case and a tag it runs at', () => {
  const known = new Set<string>()
  for (const f of files)
    for (const c of f.cases)
      for (const r of runsOf(f)) {
        const base = [c.name, ...(c.expected?.checks ?? []).map((k: any, i: number) => `${c.context}: ${c.name} [${i}:${k.helper}]`)]
        for (const n of base) known.add(`${divergenceFileOf(f)}\n${n}`).add(`${divergenceFileOf(f)}\n${n} @${r.tag}`)
      }
  const stale = [...divergenceFiles].flatMap(([file, cases]) =>
    Object.keys(cases)
      .filter(k => !known.has(`${file}\n${k}`))
      .map(k => `${file}: ${k}`),
  )
  expect(stale).toEqual([])
})

/**
 * Identifiers in src/domain/kserve `Go:` comments that are not Go functions: types, fields, kinds, words. A Go name is
 * a CamelCase identifier (`ParsePvcURI`, `attachModelArtifacts`; `pkg.Name` and `Type.Method` give the last part);
 * one-word names (`Handle`, `mutate`) cannot be told from prose and are not checked.
 */
const NOT_FUNCTIONS = new Set([
  'ConfigMap',
  'StorageInitializerConfig',
  'StorageContainerSpec',
  'InferenceService',
  'LLMInferenceService',
  'ClusterStorageContainer',
  'ClusterStorageContainers',
  'LeaderWorkerSet',
  'StorageUris',
  'storageUris',
  'IsLegacyURI',
  'enableModelcar',
  'podSpec',
  'notEmulated',
  'namespaceSelector',
  'imagePullSecret',
  'storageUri',
])

test('every Go function named in a `Go:` comment of src/domain/kserve has a conformance case or a divergence naming it', () => {
  const dir = join(ROOT, 'src', 'domain', 'kserve')
  const goNames = new Set<string>()
  for (const file of readdirSync(dir).filter(f => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8')
    const comments = [...text.matchAll(/\/\*\*?([\s\S]*?)\*\//g), ...text.matchAll(/\/\/(.*)$/gm)].map(m =>
      m[1].replace(/^\s*\*\s?/gm, ' '),
    )
    for (const comment of comments) {
      const at = comment.indexOf('Go:')
      if (at < 0) continue
      const words = comment
        .slice(at + 3)
        .replace(/[\w./-]+\.go(:[\d,-]+)?/g, ' ') // file names
        .replace(/@[\w.]+/g, ' ') // tags
        .replace(/`[^`]*`/g, ' ')
      for (const m of words.matchAll(/(?<![\w/-])(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)(?![\w/-])/g))
        if (/[a-z]/.test(m[1]) && /.[A-Z]/.test(m[1]) && !NOT_FUNCTIONS.has(m[1])) goNames.add(m[1])
    }
  }
  const reasons = [...divergenceFiles.values()].flatMap(d => Object.entries(d).flat())
  const missing = [...goNames].filter(n => !(covered.get(n) ?? 0) && !goFunctionGaps[n] && !reasons.some(r => r.includes(n)))
  expect(missing).toEqual([])
  // the gaps list stays true: a function a case exercises (or no comment names) leaves it
  const stale = Object.keys(goFunctionGaps).filter(n => (covered.get(n) ?? 0) > 0 || !goNames.has(n))
  expect(stale).toEqual([])
})
