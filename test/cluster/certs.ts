/** A self-signed CA made at start, and a serving certificate for 127.0.0.1 / localhost signed by it. */
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import {webcrypto} from 'node:crypto'

x509.cryptoProvider.set(webcrypto as any)

export interface ServingCerts {
  caPem: string
  certPem: string
  keyPem: string
}

const alg = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key as any))
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END PRIVATE KEY-----\n`
}

export async function makeServingCerts(): Promise<ServingCerts> {
  const now = new Date(Date.now() - 60_000)
  const later = new Date(Date.now() + 365 * 24 * 3600 * 1000)
  const caKeys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=storage-init-sim-ca',
    notBefore: now,
    notAfter: later,
    signingAlgorithm: alg,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  })
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=kube-apiserver',
    issuer: ca.subject,
    notBefore: now,
    notAfter: later,
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        {type: 'ip', value: '127.0.0.1'},
        {type: 'dns', value: 'localhost'},
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  })
  return {caPem: ca.toString('pem') + '\n', certPem: cert.toString('pem') + '\n', keyPem: await keyPem(keys.privateKey)}
}
