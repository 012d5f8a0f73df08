/**
 * krew's Plugin manifest rules, as kubernetes-sigs/krew checks them (internal/index/validation/validate.go) and as
 * krew-index's reviewers apply them (naming guide, submitting-to-krew): returns the problems found, none when valid.
 */
const OS = new Set(['linux', 'darwin', 'windows'])
const ARCH = new Set(['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x'])
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i
const SPEC_KEYS = new Set(['version', 'homepage', 'shortDescription', 'description', 'caveats', 'platforms'])
const PLATFORM_KEYS = new Set(['selector', 'uri', 'sha256', 'bin', 'files'])

export function krewProblems(doc: any): string[] {
  const p: string[] = []
  if (doc?.apiVersion !== 'krew.googlecontainertools.github.com/v1alpha2') p.push(`apiVersion: ${doc?.apiVersion}`)
  if (doc?.kind !== 'Plugin') p.push(`kind: ${doc?.kind}`)
  const name = doc?.metadata?.name
  if (typeof name !== 'string' || !/^[\w-]+$/.test(name) || WINDOWS_RESERVED.test(name)) p.push(`metadata.name: ${name}`)
  else if (name !== name.toLowerCase() || name.startsWith('kube-') || name.startsWith('kubectl-'))
    p.push(`metadata.name ${name}: lowercase, no kube-/kubectl- prefix`)
  const spec = doc?.spec ?? {}
  for (const k of Object.keys(spec)) if (!SPEC_KEYS.has(k)) p.push(`spec.${k}: unknown field`)
  if (!/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(spec.version ?? ''))
    p.push(`spec.version: ${spec.version} is not v-prefixed semver`)
  if (!/^https?:\/\/\S+$/.test(spec.homepage ?? '')) p.push(`spec.homepage: ${spec.homepage}`)
  const short = spec.shortDescription
  if (typeof short !== 'string' || !short.trim()) p.push('spec.shortDescription: required')
  else {
    if (short.includes('\n') || short.length > 50) p.push(`spec.shortDescription: one line of at most 50 characters (${short.length})`)
    if (/kubectl plugin|kubernetes/i.test(short)) p.push('spec.shortDescription: must not say "kubectl plugin" or "Kubernetes"')
  }
  if (typeof spec.description !== 'string' || !spec.description.trim()) p.push('spec.description: required')
  else
    for (const line of spec.description.split('\n')) if (line.length > 80) p.push(`spec.description: line longer than 80 columns: ${line}`)
  if (spec.caveats !== undefined && typeof spec.caveats !== 'string') p.push('spec.caveats: must be a string')
  const platforms = spec.platforms
  if (!Array.isArray(platforms) || platforms.length === 0) return [...p, 'spec.platforms: at least one']
  const seen = new Set<string>()
  platforms.forEach((pl: any, i: number) => {
    const at = `spec.platforms[${i}]`
    for (const k of Object.keys(pl ?? {})) if (!PLATFORM_KEYS.has(k)) p.push(`${at}.${k}: unknown field`)
    const labels = pl?.selector?.matchLabels
    if (!labels || pl.selector.matchExpressions || Object.keys(pl.selector).length !== 1)
      p.push(`${at}.selector: matchLabels with os and arch`)
    else {
      for (const k of Object.keys(labels)) if (k !== 'os' && k !== 'arch') p.push(`${at}.selector: label ${k} (only os, arch)`)
      if (!OS.has(labels.os) || !ARCH.has(labels.arch)) p.push(`${at}.selector: ${labels.os}/${labels.arch} is not a platform krew knows`)
      const key = `${labels.os}/${labels.arch}`
      if (seen.has(key)) p.push(`${at}.selector: overlaps another platform (${key})`)
      seen.add(key)
      if (labels.os === 'windows' && !/\.exe$/.test(pl.bin ?? '')) p.push(`${at}.bin: must end in .exe on Windows`)
    }
    if (!/^https:\/\/\S+\.(tar\.gz|zip)$/.test(pl?.uri ?? '')) p.push(`${at}.uri: an https .tar.gz or .zip (${pl?.uri})`)
    if (!/^[a-f0-9]{64}$/.test(pl?.sha256 ?? '')) p.push(`${at}.sha256: lowercase hex sha256 (${pl?.sha256})`)
    if (typeof pl?.bin !== 'string' || !pl.bin) p.push(`${at}.bin: required`)
    if (pl?.files !== undefined && (!Array.isArray(pl.files) || pl.files.length === 0)) p.push(`${at}.files: omit it, or list at least one`)
  })
  return p
}
