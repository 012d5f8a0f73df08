/** The pod's stored quantity text, checked against the simulator's independent implementation (recorded answers). */
import {canonicalQuantity} from '../../src/domain/quantity.js'
import {canonicalQuantity as apiserver} from '../cluster/quantity.js'

const SAMPLES = [
  '1',
  '2',
  '0.5',
  '100m',
  '1000m',
  '2000m',
  '1500m',
  '0.1m',
  '0.0001',
  '1Gi',
  '1024Mi',
  '1.5Gi',
  '100Mi',
  '200Mi',
  '512Mi',
  '1000Mi',
  '1k',
  '1000',
  '1e3',
  '1E3',
  '100M',
  '1000k',
  '1G',
  '4Gi',
  '10Ki',
  '1024',
  '8Ki',
  '3Mi',
  '0',
  '0.25',
  '250m',
  '1200Mi',
  '7',
  '12345',
  '1.5',
  '0.75Gi',
  '64Mi',
  '2Ti',
  '+1',
  '2.5k',
]

test.each(SAMPLES)('%s is stored as kube-apiserver stores it in a pod', s => {
  expect(canonicalQuantity(s)).toBe(apiserver(s, {milli: true}))
})

test('not a quantity', () => {
  expect(canonicalQuantity('lots')).toBeUndefined()
  expect(canonicalQuantity('')).toBeUndefined()
})
