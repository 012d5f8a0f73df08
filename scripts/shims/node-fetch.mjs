// The bundle's stand-in for node-fetch 2: Node 20 has fetch, Headers, Request and Response built in. This drops
// node-fetch's URL polyfill (whatwg-url, tr46: a third of client-node's load time) from start-up. The built-ins are
// reached only when used: touching them loads undici, which most commands never need.
const fetch = (...args) => globalThis.fetch(...args)
export default fetch
export function Headers(init) {
  return new globalThis.Headers(init)
}
export function Request(input, init) {
  return new globalThis.Request(input, init)
}
export function Response(body, init) {
  return new globalThis.Response(body, init)
}
export class FetchError extends Error {}
export class AbortError extends Error {}
