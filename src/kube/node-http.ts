// The Node modules a request through node:https and an exec credential plugin need, loaded on first use (imported
// lazily by client.ts): on Bun, node:http alone is about 16 ms of start-up, and a read goes through fetch instead.
export {default as http} from 'node:http'
export {default as https} from 'node:https'
export {spawn} from 'node:child_process'
