/** Helm ownership, from the label and annotations Helm stamps on every resource it installs. */
export interface HelmOwnership {
  release: string
  /** '' when the annotation is absent, or ignored (see `ignored`) */
  releaseNamespace: string
  /** an annotation that names no possible release or namespace, ignored: what it was, in one line */
  ignored?: string
}

/** A namespace's name (a DNS-1123 label). */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/
/** A Helm release's name (helm's own check, pkg/chartutil ValidateReleaseName: a DNS-1123 subdomain of 53 at most). */
const RELEASE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

export function helmOwnership(
  meta: {labels?: Record<string, string>; annotations?: Record<string, string>} | undefined,
): HelmOwnership | undefined {
  if (meta?.labels?.['app.kubernetes.io/managed-by'] !== 'Helm') return undefined
  const release = String(meta.annotations?.['meta.helm.sh/release-name'] ?? '')
  const namespace = String(meta.annotations?.['meta.helm.sh/release-namespace'] ?? '')
  // both end up in a request (the namespace in its path, the name in a label selector): anything else is not Helm's
  const bad = (key: string, v: string) =>
    `the annotation ${key} is not a ${key.endsWith('namespace') ? 'namespace' : 'release'} name (${JSON.stringify(v.slice(0, 80))}${v.length > 80 ? '…' : ''}): ignored`
  const badNamespace = namespace !== '' && !NAMESPACE.test(namespace)
  const ignored = badNamespace
    ? bad('meta.helm.sh/release-namespace', namespace)
    : release && !(release.length <= 53 && RELEASE.test(release))
      ? bad('meta.helm.sh/release-name', release)
      : undefined
  return {release, releaseNamespace: badNamespace ? '' : namespace, ...(ignored ? {ignored} : {})}
}
