/**
 * Go: the InferenceService validating webhook's storage checks, pkg/apis/serving/v1beta1/inference_service_validation.go
 * (validateStorageURISpec, validateMultipleStorageURIsSpec, validateMultipleStorageURIs) @v0.16.0..v0.20.0. An
 * InferenceService they refuse is never created (or updated): `kubectl apply` shows the refusal.
 */
import {findCommonParentPath} from './storage.js'

export const ISVC_VALIDATOR = 'inferenceservice.kserve-webhook-server.validator'
const INVALID_STORAGE_URI_CONFIG = 'Setting both StorageURI and StorageURIs is not supported.'

/** Go: validateStorageURISpec */
export function validateStorageURISpec(u: {uri?: string; mountPath?: string}): string | undefined {
  const mountPath = u.mountPath ?? ''
  if (!u.uri) return 'storage URI cannot be empty'
  if (mountPath === '/') return 'storage path cannot be empty'
  if (!mountPath.startsWith('/')) return `storage path must be absolute: ${mountPath}`
  if (mountPath.includes('..')) return `storage path cannot contain '..' for security reasons: ${mountPath}`
  return undefined
}

/** Go: validateMultipleStorageURIsSpec */
export function validateMultipleStorageURIsSpec(uris: {uri?: string; mountPath?: string}[]): string | undefined {
  const paths: string[] = []
  const pvcPaths: string[] = []
  for (const u of uris ?? []) {
    const err = validateStorageURISpec(u)
    if (err) return err
    if ((u.uri ?? '').startsWith('pvc://')) pvcPaths.push(u.mountPath ?? '')
    else paths.push(u.mountPath ?? '')
  }
  if (paths.length <= 1) return undefined
  if (pvcPaths.length > 1 && new Set(pvcPaths).size !== pvcPaths.length) return 'PVC storage paths must be unique'
  if (findCommonParentPath(paths) === '/')
    return `storage paths must have a common parent directory. Current paths: [${paths.join(' ')}] have no common parent beyond root`
  return undefined
}

/** Go: validateMultipleStorageURIs: per component, storageUri and storageUris together, then each list. */
export function validateMultipleStorageURIs(components: {storageUri?: string; storageUris?: any[]}[]): string | undefined {
  for (const c of components) {
    if (c.storageUri !== undefined && c.storageUris !== undefined) return INVALID_STORAGE_URI_CONFIG
    // the API server applies the CRD default (mountPath /mnt/models) before the webhook sees the object
    const err = validateMultipleStorageURIsSpec(
      (c.storageUris ?? []).map((u: any) => ({uri: u?.uri, mountPath: u?.mountPath ?? '/mnt/models'})),
    )
    if (err) return err
  }
  return undefined
}
