/**
 * Credentials never leave the operator's machine: a command line is recorded in the cluster's history (readable by
 * anyone with the `view` role in KServe's namespace) and shown by `history`, so the values of credential flags and the
 * user information of URLs are masked before it is recorded or shown, and records written by older versions are
 * checked for them.
 */

/** What a masked value is replaced by (kubectl's own masking word, as in `kubectl config view`). */
export const REDACTED = 'REDACTED'

/** Flags whose value is a credential (kubectl's --token, --password; and any flag named like one). */
const CREDENTIAL_FLAG = /^--?(?:[\w-]*(?:token|password|passwd|secret|credential|api-?key)[\w-]*|[\w-]*key-data)$/i

/**
 * user:password@ (or token@) in a URL: `https://admin:s3cret@host`, up to the last @ of the word, since people type
 * passwords with / and @ unescaped (masking a path's @ too is the safe mistake).
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)\S*@/gi

/** The URL with its user information masked. */
function maskUrl(text: string): string {
  return text.replace(URL_USERINFO, `$1${REDACTED}@`)
}

/**
 * The arguments with every credential masked: `--token T`, `--token=T`, `--password …` and their like, user
 * information in any URL (`--server https://user:pass@host`), and an `Authorization: Bearer …` header text.
 */
export function redactArgv(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      out.push(...argv.slice(i).map(x => maskText(x)))
      break
    }
    const eq = a.indexOf('=')
    const flag = eq < 0 ? a : a.slice(0, eq)
    if (a.startsWith('-') && CREDENTIAL_FLAG.test(flag)) {
      if (eq >= 0) out.push(`${flag}=${REDACTED}`)
      else {
        out.push(a)
        // the value is the next word (every such flag takes one), whatever it looks like
        if (i + 1 < argv.length) {
          out.push(REDACTED)
          i++
        }
      }
      continue
    }
    out.push(maskText(a))
  }
  return out
}

/** A text with URL user information and bearer tokens masked. */
function maskText(text: string): string {
  return maskUrl(text).replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`)
}

/** A recorded command line as it may be shown: every credential masked (the words are split on spaces, as recorded). */
export function redactCommand(command: string): string {
  return maskText(redactArgv(command.split(' ')).join(' '))
}

/**
 * Does a recorded command line hold a credential (a credential flag with a value other than the mask, a URL with
 * user information, a bearer token)? Records of versions before the masking may.
 */
export function holdsCredential(command: string): boolean {
  return redactCommand(command) !== command
}
