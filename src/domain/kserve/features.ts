/**
 * KServe's behaviour by release, as data: one row per change, with the release it arrived in (and left in), and the
 * Go code that shows it. Resolved once per release (featuresOf); code reads `f.name`, never a version comparison.
 * An unknown release (a vendor tag, no controller) is judged by the newest rules: every feature without `until`.
 */
import {atLeast, type Release} from '../release.js'

export interface FeatureRow {
  name: string
  since: string
  until?: string
  go: string
}

export const FEATURES = [
  {
    name: 'clusterStorageContainers',
    since: '0.11.1',
    go: 'pkg/webhook/admission/pod/storage_initializer_injector.go GetContainerSpecForStorageUri@v0.11.1',
  },
  {
    name: 'directPvcVolumeMountOption',
    since: '0.11.0',
    until: '0.16.0',
    go: 'storage_initializer_injector.go InjectStorageInitializer (EnableDirectPvcVolumeMount)@v0.15.2',
  },
  {
    name: 'ociSchemeAccepted',
    since: '0.12.0',
    go: 'pkg/controller/v1beta1/inferenceservice/utils/utils.go ValidateStorageURI (SupportedStorageURIPrefixList)@v0.12.0',
  },
  {
    name: 'customStorageUriByName',
    since: '0.12.0',
    go: 'pkg/apis/serving/v1beta1/predictor_custom.go GetStorageUri (container kserve-container)@v0.12.0',
  },
  {name: 'modelcar', since: '0.12.0', go: 'storage_initializer_injector.go InjectModelcar@v0.12.0'},
  {
    name: 'workloadTypeChecked',
    since: '0.14.0',
    go: 'storage_initializer_injector.go GetContainerSpecForStorageUri (WorkloadType != InitContainer)@v0.14.0',
  },
  {name: 'hfSchemeAccepted', since: '0.15.0', go: 'utils.go ValidateStorageURI (hf://)@v0.15.0'},
  {name: 'caBundle', since: '0.12.0', go: 'storage_initializer_injector.go InjectStorageInitializer (CaBundleConfigMapName)@v0.12.0'},
  {
    name: 'unsupportedUriErrorWithoutPeriod',
    since: '0.14.0',
    go: 'pkg/apis/serving/v1beta1/component.go UnsupportedStorageURIFormatError (no final period)@v0.14.0',
  },
  {name: 'modelcarInitContainer', since: '0.14.0', go: 'storage_initializer_injector.go InjectModelcar (modelcar-init)@v0.14.0'},
  {
    name: 'readonlyAnnotation',
    since: '0.14.0',
    go: 'storage_initializer_injector.go InjectStorageInitializer (storage.kserve.io/readonly)@v0.14.0',
  },
  {
    name: 'workerContainerFallback',
    since: '0.15.0',
    go: 'storage_initializer_injector.go InjectStorageInitializer (worker-container)@v0.15.0',
  },
  {name: 'webhookPanicRecovered', since: '0.15.0', go: 'controller-runtime v0.19 webhook RecoverPanic default true (go.mod)@v0.15.0'},
  {name: 'modelcarWorkerFallback', since: '0.17.0', go: 'storage_initializer_injector.go InjectModelcar (worker-container)@v0.17.0'},
  {name: 'modelcarUidRunAsUserOnly', since: '0.18.0', go: 'pkg/utils/storage.go ConfigureModelcarToContainer (RunAsUser only)@v0.18.0'},
  {name: 'commonStorageInitialization', since: '0.16.0', go: 'storage_initializer_injector.go CommonStorageInitialization@v0.16.0'},
  {
    name: 'storageUris',
    since: '0.16.0',
    go: 'pkg/apis/serving/v1beta1/component.go StorageUris; components/predictor.go StorageUris[0]@v0.16.0',
  },
  {
    name: 'initContainerPresetMount',
    since: '0.16.0',
    until: '0.17.0',
    go: 'pkg/utils/storage.go CreateInitContainerWithConfig volumeMounts (removed by #4822)@v0.16.0',
  },
  {name: 'huggingFaceEnv', since: '0.16.0', go: 'pkg/utils/storage.go AddDefaultHuggingFaceEnvVars@v0.16.0'},
  {name: 'configInApis', since: '0.16.0', go: 'pkg/apis/serving/v1beta1/configmap.go GetStorageInitializerConfigs@v0.16.0'},
  {
    name: 'modelcarQuantitiesAlwaysParsed',
    since: '0.16.0',
    until: '0.17.0',
    go: 'configmap.go GetStorageInitializerConfigs (cpuModelcar, memoryModelcar in the map)@v0.16.0',
  },
  {
    name: 'modelcarQuantitiesParsedWhenSet',
    since: '0.17.0',
    go: 'configmap.go GetStorageInitializerConfigs ("Only validate optional modelcar fields if they\'re set")@v0.17.1',
  },
  {
    name: 'ociFirstUriSkipsAll',
    since: '0.16.0',
    until: '0.19.0',
    go: 'storage_initializer_injector.go CommonStorageInitialization (EnableOciImageSource && StorageURIs[0] oci://)@v0.16.0..v0.18.1',
  },
  {
    name: 'ociPerStorageUri',
    since: '0.19.0',
    go: 'storage_initializer_injector.go CommonStorageInitialization (hasOciUri, ConfigureModelcarToContainer per URI)@v0.19.0',
  },
  {
    name: 'localModelStorageKey',
    since: '0.18.0',
    go: 'storage_initializer_injector.go InjectStorageInitializer (v1alpha1.GetStorageKey(sourceUri))@v0.18.0; the localmodel label value before',
  },
  {
    name: 'storageContainerName',
    since: '0.20.0',
    go: 'pkg/apis/serving/v1beta1/predictor.go StorageContainerName; GetStorageContainerSpecByName@v0.20.0',
  },
  {name: 'ociModelMode', since: '0.20.0', go: 'pkg/types/config.go ResolveOciModelMode, pkg/utils/storage.go ParseOciScheme@v0.20.0'},
  {name: 'mergeContainerWithPatch', since: '0.20.0', go: 'pkg/utils/container_merge.go MergeContainerWithPatch@v0.20.0'},
  // Go 1.22 (regexp/syntax) parses (?<name>…): releases built with an older toolchain refuse it (go.mod / Dockerfile per tag)
  {name: 'goAngleNamedGroups', since: '0.14.0', go: 'Dockerfile FROM golang:1.22 (go.mod go 1.22.7)@v0.14.0; golang:1.21@v0.13.1'},
  // LLMInferenceService controller (pkg/controller/v1alpha1|v1alpha2/llmisvc/workload_storage.go)
  {name: 'llmController', since: '0.16.0', go: 'pkg/controller/v1alpha1/llmisvc/workload_storage.go attachModelArtifacts@v0.16.0'},
  {name: 'llmStorageInitializerEnabled', since: '0.17.0', go: 'v1alpha2 StorageInitializerSpec.Enabled (#4970)@v0.17.0'},
  {
    name: 'llmKeepsRunningImage',
    since: '0.17.0',
    go: 'workload_storage.go attachStorageInitializer copied.Image from curr (#5085)@v0.17.0',
  },
  {
    name: 'llmHuggingFaceEnv',
    since: '0.18.0',
    go: 'workload_storage.go attachHfModelArtifact AddDefaultHuggingFaceEnvVars when curr has none or HF_ env (#5121)@v0.18.0',
  },
  {
    name: 'llmStripsUserStorageInitializer',
    since: '0.19.0',
    go: 'workload_storage.go stripPriorControllerStorageInitializer (#5317)@v0.19.0',
  },
  {
    name: 'llmMergesUserStorageInitializer',
    since: '0.20.0',
    go: 'workload_storage.go extractAndStripStorageInitializer + MergeContainerWithPatch (#5614)@v0.20.0',
  },
  {
    name: 'hfTokenSecret',
    since: '0.14.0',
    go: 'pkg/credentials/service_account_credentials.go:296 (HF_TOKEN data key, hf.BuildSecretEnvs)@v0.14.0',
  },
  {
    name: 'azureAccessTokenSecret',
    since: '0.16.0',
    go: 'pkg/credentials/service_account_credentials.go (AZURE_ACCESS_TOKEN data key)@v0.16.0',
  },
  {name: 'confidential', since: '0.20.0', go: 'pkg/utils/confidential.go ApplyConfidentialContainerConfig (#5382)@v0.20.0'},
  {name: 'ociFetch', since: '0.21.0', go: 'pkg/webhook/admission/pod/oci_fetch.go@master (after v0.20.0)'},
] as const satisfies readonly FeatureRow[]

export type FeatureName = (typeof FEATURES)[number]['name']
export type Features = Record<FeatureName, boolean>

const cache = new Map<string, Features>()

export function featuresOf(r: Release | undefined): Features {
  const key = r ? `${r.major}.${r.minor}.${r.patch}` : 'newest'
  let f = cache.get(key)
  if (!f) {
    f = Object.fromEntries(
      FEATURES.map(row => [row.name, r ? atLeast(r, row.since) && !('until' in row && atLeast(r, row.until)) : !('until' in row)]),
    ) as Features
    cache.set(key, f)
  }
  return f
}

/** The Go citation of a feature, for traces and explanations. */
export const goOf = (name: FeatureName): string => FEATURES.find(f => f.name === name)!.go
