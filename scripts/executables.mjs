// Checks of a built executable without running it: its format and architecture (ELF, Mach-O, PE), and for Mach-O the
// ad-hoc code signature, every hash of its CodeDirectory recomputed (Apple Silicon kills a mis-signed binary). Also the
// integrity of the runtime packages an executable is made from.
import {createHash} from 'node:crypto'

/** The Subresource Integrity string of `data` as npm's registry publishes it for a package (sha512-BASE64). */
export const sri512 = data => `sha512-${createHash('sha512').update(data).digest('base64')}`

/**
 * The `bun build --compile` arguments that fix what the bundle reads of process.env at build time. Bun inlines
 * `process.env.NODE_ENV` as the compiling shell's NODE_ENV ("development" when unset), and oclif reads it to decide whether it is in
 * development: there it warns `[UnparsedCommand] Command get did not parse its arguments` after every usage error.
 */
export const BUN_DEFINES = {'process.env.NODE_ENV': '"production"'}

/** BUN_DEFINES as bun build's command-line arguments (`--define KEY=VALUE`, one pair each; no shell quoting). */
export function bunDefineArgs(defines = BUN_DEFINES) {
  return Object.entries(defines).flatMap(([k, v]) => ['--define', `${k}=${v}`])
}

/** what each krew platform's executable must be */
export const EXPECTED = {
  'linux-amd64': {format: 'elf', machine: 0x3e, interpreter: '/lib64/ld-linux-x86-64.so.2'},
  'linux-arm64': {format: 'elf', machine: 0xb7, interpreter: '/lib/ld-linux-aarch64.so.1'},
  'darwin-amd64': {format: 'macho', cputype: 0x01000007},
  'darwin-arm64': {format: 'macho', cputype: 0x0100000c},
  'windows-amd64': {format: 'pe', machine: 0x8664},
}

/** The problems found in `data` as the executable of `platform` (none: it is what it should be). */
export function executableProblems(platform, data) {
  const want = EXPECTED[platform]
  if (!want) return [`unknown platform ${platform}`]
  if (want.format === 'elf') return elfProblems(data, want)
  if (want.format === 'pe') return peProblems(data, want)
  const p = machoProblems(data, want)
  return p.length ? p : codeSignatureProblems(data)
}

function elfProblems(data, want) {
  if (data.subarray(0, 4).toString('latin1') !== '\x7fELF') return ['not an ELF file']
  const p = []
  if (data[4] !== 2 || data[5] !== 1) p.push('not a 64-bit little-endian ELF')
  if (data.readUInt16LE(16) !== 2 && data.readUInt16LE(16) !== 3) p.push(`ELF type ${data.readUInt16LE(16)} is not an executable`)
  if (data.readUInt16LE(18) !== want.machine)
    p.push(`ELF machine 0x${data.readUInt16LE(18).toString(16)}, want 0x${want.machine.toString(16)}`)
  const phoff = Number(data.readBigUInt64LE(32))
  const phentsize = data.readUInt16LE(54)
  let interp
  for (let i = 0; i < data.readUInt16LE(56); i++) {
    const ph = phoff + i * phentsize
    if (data.readUInt32LE(ph) !== 3) continue // PT_INTERP
    const off = Number(data.readBigUInt64LE(ph + 8))
    interp = data
      .subarray(off, off + Number(data.readBigUInt64LE(ph + 32)))
      .toString('latin1')
      .replace(/\0+$/, '')
  }
  if (interp !== want.interpreter) p.push(`ELF interpreter ${interp}, want ${want.interpreter}`)
  return p
}

function peProblems(data, want) {
  if (data.subarray(0, 2).toString('latin1') !== 'MZ') return ['not a PE file (no MZ header)']
  const pe = data.readUInt32LE(0x3c)
  if (data.subarray(pe, pe + 4).toString('latin1') !== 'PE\0\0') return ['not a PE file (no PE signature)']
  const p = []
  if (data.readUInt16LE(pe + 4) !== want.machine)
    p.push(`PE machine 0x${data.readUInt16LE(pe + 4).toString(16)}, want 0x${want.machine.toString(16)}`)
  const opt = pe + 24
  if (data.readUInt16LE(opt) !== 0x20b) p.push('not PE32+')
  if (data.readUInt16LE(opt + 68) !== 3) p.push(`PE subsystem ${data.readUInt16LE(opt + 68)}, want 3 (console)`)
  if (!(data.readUInt16LE(pe + 22) & 0x2)) p.push('PE image is not marked executable')
  // an Authenticode signature over other bytes than these is worse than none
  const [secOff, secSize] = [data.readUInt32LE(opt + 112 + 4 * 8), data.readUInt32LE(opt + 112 + 4 * 8 + 4)]
  if (secOff || secSize) p.push(`carries an Authenticode signature (${secSize} bytes at ${secOff}) that no longer covers the file`)
  return p
}

/** Mach-O load commands: the segments and the code signature's place */
export function machoLayout(data) {
  const ncmds = data.readUInt32LE(16)
  const segments = []
  let signature
  for (let i = 0, off = 32; i < ncmds; i++) {
    const cmd = data.readUInt32LE(off)
    if (cmd === 0x19)
      segments.push({
        name: data
          .subarray(off + 8, off + 24)
          .toString('latin1')
          .replace(/\0+$/, ''),
        fileoff: Number(data.readBigUInt64LE(off + 40)),
        filesize: Number(data.readBigUInt64LE(off + 48)),
        vmsize: Number(data.readBigUInt64LE(off + 32)),
        at: off,
      })
    if (cmd === 0x1d) signature = {dataoff: data.readUInt32LE(off + 8), datasize: data.readUInt32LE(off + 12), at: off}
    off += data.readUInt32LE(off + 4)
  }
  return {cputype: data.readUInt32LE(4), filetype: data.readUInt32LE(12), segments, signature}
}

function machoProblems(data, want) {
  if (data.readUInt32LE(0) !== 0xfeedfacf) return ['not a 64-bit Mach-O file']
  const {cputype, filetype} = machoLayout(data)
  const p = []
  if (cputype !== want.cputype) p.push(`Mach-O cputype 0x${cputype.toString(16)}, want 0x${want.cputype.toString(16)}`)
  if (filetype !== 2) p.push(`Mach-O filetype ${filetype} is not MH_EXECUTE`)
  return p
}

const CS = {superBlob: 0xfade0cc0, codeDirectory: 0xfade0c02, adhoc: 0x2, mainBinary: 0x1}
const HASHES = {1: ['sha1', 20], 2: ['sha256', 32]}

/**
 * The ad-hoc signature as the kernel checks it: a SuperBlob at the end of __LINKEDIT and of the file, whose
 * CodeDirectory hashes every page up to the signature (codeLimit) and every special slot's blob.
 */
export function codeSignatureProblems(data) {
  const {segments, signature} = machoLayout(data)
  if (!signature) return ['no LC_CODE_SIGNATURE: unsigned (Apple Silicon refuses to run it)']
  const p = []
  const {dataoff, datasize} = signature
  const linkedit = segments.find(s => s.name === '__LINKEDIT')
  if (dataoff + datasize > data.length) return [`signature (${dataoff}+${datasize}) runs past the end of the file (${data.length})`]
  if (data.length !== dataoff + datasize && data.subarray(dataoff + datasize).some(b => b !== 0))
    p.push(`${data.length - dataoff - datasize} bytes after the signature`)
  if (!linkedit || linkedit.fileoff + linkedit.filesize < dataoff + datasize) p.push('signature is not inside __LINKEDIT')
  const sb = data.subarray(dataoff, dataoff + datasize)
  if (sb.readUInt32BE(0) !== CS.superBlob) return [...p, `signature magic 0x${sb.readUInt32BE(0).toString(16)} is not a SuperBlob`]
  const blobs = new Map()
  for (let i = 0; i < sb.readUInt32BE(8); i++) {
    const off = sb.readUInt32BE(16 + i * 8)
    blobs.set(sb.readUInt32BE(12 + i * 8), sb.subarray(off, off + sb.readUInt32BE(off + 4)))
  }
  const directories = [...blobs].filter(([type]) => type === 0 || (type >= 0x1000 && type < 0x1005)).map(([, b]) => b)
  if (!directories.length) return [...p, 'no CodeDirectory']
  for (const cd of directories) {
    if (cd.readUInt32BE(0) !== CS.codeDirectory) {
      p.push(`CodeDirectory magic 0x${cd.readUInt32BE(0).toString(16)}`)
      continue
    }
    const version = cd.readUInt32BE(8)
    const flags = cd.readUInt32BE(12)
    const hashOffset = cd.readUInt32BE(16)
    const ident = cd.subarray(cd.readUInt32BE(20)).toString('latin1').split('\0')[0]
    const nSpecial = cd.readUInt32BE(24)
    const nCode = cd.readUInt32BE(28)
    const codeLimit = version >= 0x20300 && cd.readBigUInt64BE(56) ? Number(cd.readBigUInt64BE(56)) : cd.readUInt32BE(32)
    const [algorithm, size] = HASHES[cd[37]] ?? []
    const pageSize = 2 ** cd[39]
    if (!algorithm || cd[36] !== size) {
      p.push(`unknown hash type ${cd[37]} (size ${cd[36]})`)
      continue
    }
    if (!(flags & CS.adhoc)) p.push(`CodeDirectory flags 0x${flags.toString(16)} lack CS_ADHOC`)
    if (!ident) p.push('CodeDirectory has no identifier')
    if (codeLimit !== dataoff) p.push(`codeLimit ${codeLimit} is not the signature's offset ${dataoff}`)
    if (nCode !== Math.ceil(codeLimit / pageSize)) p.push(`${nCode} code slots for ${codeLimit} bytes in pages of ${pageSize}`)
    const hash = b => createHash(algorithm).update(b).digest()
    let bad = 0
    for (let i = 0; i < nCode; i++) {
      const want = cd.subarray(hashOffset + i * size, hashOffset + (i + 1) * size)
      if (!hash(data.subarray(i * pageSize, Math.min((i + 1) * pageSize, codeLimit))).equals(want)) bad++
    }
    if (bad) p.push(`${bad} of ${nCode} page hashes (${algorithm}) do not match`)
    for (let slot = 1; slot <= nSpecial; slot++) {
      const want = cd.subarray(hashOffset - slot * size, hashOffset - (slot - 1) * size)
      const blob = blobs.get(slot)
      const ok = blob ? hash(blob).equals(want) : want.every(b => b === 0)
      if (!ok) p.push(`special slot ${slot} hash does not match ${blob ? 'its blob' : 'an absent blob'}`)
    }
    if (version >= 0x20400) {
      const text = segments.find(s => s.name === '__TEXT')
      const [base, limit, segFlags] = [Number(cd.readBigUInt64BE(64)), Number(cd.readBigUInt64BE(72)), Number(cd.readBigUInt64BE(80))]
      if (!text || base !== text.fileoff || limit !== text.filesize) p.push(`exec segment ${base}+${limit} is not __TEXT`)
      if (!(segFlags & CS.mainBinary)) p.push('exec segment flags lack CS_EXECSEG_MAIN_BINARY')
    }
  }
  return p
}

/**
 * `data` with a fresh ad-hoc signature (what `codesign --sign -` makes: one SHA-256 CodeDirectory, no entitlements, no
 * hardened runtime) in place of the one at the end of __LINKEDIT, for when the compiler's is not valid.
 */
export function adhocSign(data, identifier) {
  const {segments, signature} = machoLayout(data)
  const linkedit = segments.find(s => s.name === '__LINKEDIT')
  if (!signature || !linkedit) throw new Error('adhocSign: no LC_CODE_SIGNATURE or __LINKEDIT to put a signature in')
  if (signature.dataoff + signature.datasize !== linkedit.fileoff + linkedit.filesize)
    throw new Error('adhocSign: the signature is not at the end of __LINKEDIT')
  const text = segments.find(s => s.name === '__TEXT')
  const page = 4096
  const codeLimit = signature.dataoff
  const nCode = Math.ceil(codeLimit / page)
  const ident = Buffer.from(`${identifier}\0`, 'latin1')
  const hashOffset = 88 + ident.length
  const cdLength = hashOffset + nCode * 32
  const datasize = Math.ceil((20 + cdLength) / 16) * 16
  const out = Buffer.alloc(codeLimit + datasize)
  data.copy(out, 0, 0, codeLimit)
  // the load commands first: page 0 is hashed with them
  out.writeUInt32LE(datasize, signature.at + 12)
  const filesize = codeLimit + datasize - linkedit.fileoff
  out.writeBigUInt64LE(BigInt(filesize), linkedit.at + 48)
  out.writeBigUInt64LE(BigInt(Math.max(linkedit.vmsize, Math.ceil(filesize / 0x4000) * 0x4000)), linkedit.at + 32)
  const sb = out.subarray(codeLimit)
  sb.writeUInt32BE(CS.superBlob, 0)
  sb.writeUInt32BE(20 + cdLength, 4)
  sb.writeUInt32BE(1, 8)
  sb.writeUInt32BE(0, 12) // CSSLOT_CODEDIRECTORY
  sb.writeUInt32BE(20, 16)
  const cd = sb.subarray(20, 20 + cdLength)
  cd.writeUInt32BE(CS.codeDirectory, 0)
  cd.writeUInt32BE(cdLength, 4)
  cd.writeUInt32BE(0x20400, 8)
  cd.writeUInt32BE(CS.adhoc, 12)
  cd.writeUInt32BE(hashOffset, 16)
  cd.writeUInt32BE(88, 20)
  cd.writeUInt32BE(0, 24) // no special slots
  cd.writeUInt32BE(nCode, 28)
  cd.writeUInt32BE(codeLimit, 32)
  cd[36] = 32 // hashSize
  cd[37] = 2 // SHA-256
  cd[38] = 0 // platform
  cd[39] = 12 // log2(page)
  cd.writeBigUInt64BE(BigInt(text?.fileoff ?? 0), 64)
  cd.writeBigUInt64BE(BigInt(text?.filesize ?? 0), 72)
  cd.writeBigUInt64BE(BigInt(CS.mainBinary), 80)
  ident.copy(cd, 88)
  for (let i = 0; i < nCode; i++)
    createHash('sha256')
      .update(out.subarray(i * page, Math.min((i + 1) * page, codeLimit)))
      .digest()
      .copy(cd, hashOffset + i * 32)
  return out
}
