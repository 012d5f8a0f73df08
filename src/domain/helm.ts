/** Helm ownership, from the label and annotations Helm stamps on every resource it installs. */
export interface HelmOwnership {
  release: string
  releaseNamespace: string
}

export function helmOwnership(
  meta: {labels?: Record<string, string>; annotations?: Record<string, string>} | undefined,
): HelmOwnership | undefined {
  if (meta?.labels?.['app.kubernetes.io/managed-by'] !== 'Helm') return undefined
  return {
    release: meta.annotations?.['meta.helm.sh/release-name'] ?? '',
    releaseNamespace: meta.annotations?.['meta.helm.sh/release-namespace'] ?? '',
  }
}
