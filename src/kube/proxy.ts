/**
 * The proxy kubectl would use for the API server when the kubeconfig names none: Go's http.ProxyFromEnvironment
 * (golang.org/x/net/http/httpproxy): HTTPS_PROXY for https, HTTP_PROXY for http (upper case first, then lower case),
 * never for localhost or a loopback address, and not for hosts NO_PROXY matches (`*`, a host, a domain with or
 * without a leading dot, an IP, a CIDR, each optionally with a port).
 */
import {isIP} from 'node:net'

function ipInCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/')
  if (isIP(ip) !== 4 || isIP(net) !== 4) return false
  const n = (a: string) => a.split('.').reduce((x, o) => (x << 8) + Number(o), 0) >>> 0
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0
  return (n(ip) & mask) === (n(net) & mask)
}

export function proxyFor(server: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const u = new URL(server)
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = u.port || (u.protocol === 'https:' ? '443' : '80')
  if (host === 'localhost' || /^127\./.test(host) || host === '::1') return undefined
  const proxy = u.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy)
  if (!proxy) return undefined
  for (const raw of (env.NO_PROXY ?? env.no_proxy ?? '')
    .split(',')
    .map(x => x.trim().toLowerCase())
    .filter(Boolean)) {
    if (raw === '*') return undefined
    if (raw.includes('/')) {
      if (ipInCidr(host, raw)) return undefined
      continue
    }
    const m = /^(.*?)(?::(\d+))?$/.exec(raw)!
    const [h, p] = [m[1].replace(/^\[|\]$/g, ''), m[2]]
    if (p && p !== port) continue
    if (host === h.replace(/^\./, '') || (h.startsWith('.') ? host.endsWith(h) : host.endsWith(`.${h}`))) return undefined
  }
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`
}
