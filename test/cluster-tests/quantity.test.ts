/**
 * The simulator's quantities against kube-apiserver's: the table was produced by running apimachinery's
 * pkg/api/resource (v0.21.2, the code of Kubernetes v1.21.2) on each input; pods additionally round up to milli
 * (pkg/apis/core/v1 defaults: SetDefaults_ResourceList). pod-create-quantities.json holds the recorded cases.
 */
import {canonicalQuantity, compareQuantities, QuantityError} from '../cluster/quantity.js'

const GENERIC: [string, string][] = [
  ['0.5', '500m'],
  ['.5', '500m'],
  ['2.5', '2500m'],
  ['1.0', '1'],
  ['2000m', '2'],
  ['1000000m', '1k'],
  ['1000', '1k'],
  ['1024', '1024'],
  ['100m', '100m'],
  ['1k', '1k'],
  ['2048M', '2048M'],
  ['1e9', '1e9'],
  ['12e7', '120e6'],
  ['1.5e3', '1500'],
  ['1000e0', '1e3'],
  ['1E3', '1E3'],
  ['+1', '+1'],
  ['1024Mi', '1Gi'],
  ['1024Ki', '1Mi'],
  ['1.5Gi', '1536Mi'],
  ['0.25Gi', '256Mi'],
  ['1.5Ki', '1536'],
  ['0.5Ki', '512'],
  ['1.1Ki', '1126400m'],
  ['8Mi', '8Mi'],
  ['16Gi', '16Gi'],
  ['1000Mi', '1000Mi'],
  ['1536Mi', '1536Mi'],
  ['100Mi', '100Mi'],
  ['10Gi', '10Gi'],
  ['512Ki', '512Ki'],
  ['0.1m', '100u'],
  ['1.5n', '2n'],
  ['1e-10', '1e-9'],
  ['1.234567891234', '1234567892n'],
  ['0', '0'],
  ['0.0', '0'],
  ['0m', '0'],
]
const IN_A_POD: [string, string][] = [
  ['0.1m', '1m'],
  ['1.5n', '1m'],
  ['1e-10', '1e-3'],
  ['1.234567891234', '1235m'],
  ['1.1Ki', '1126400m'],
  ['0.5', '500m'],
]

test.each(GENERIC)('%s is stored as %s', (input, stored) => expect(canonicalQuantity(input)).toBe(stored))
test.each(IN_A_POD)('%s in a pod is stored as %s', (input, stored) => expect(canonicalQuantity(input, {milli: true})).toBe(stored))

test('what the API server cannot parse, with its words', () => {
  expect(() => canonicalQuantity('1K')).toThrow("unable to parse quantity's suffix")
  for (const bad of ['1KB', '', '.', 'abc', '1.2.3']) expect(() => canonicalQuantity(bad)).toThrow(QuantityError)
  expect(() => canonicalQuantity('1KB')).toThrow(
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  )
})

test('comparison by value', () => {
  expect(compareQuantities('700m', '0.7')).toBe(0)
  expect(compareQuantities('1Gi', '1024Mi')).toBe(0)
  expect(compareQuantities('2', '1500m')).toBe(1)
  expect(compareQuantities('1e9', '1G')).toBe(0)
  expect(compareQuantities('100Mi', '1Gi')).toBe(-1)
})
