import {endpointMatches, type Endpoint} from '../../../src/model/servers/address-match.js'
import {ListenerIndex} from '../../../src/model/servers/endpoint-index.js'

// Every pair of this corpus: wildcards of both families, loopback spellings, IPv4-mapped,
// upper case, unix sockets, a port-less endpoint. The index must answer what the pairwise
// matcher answers, and name the earliest listener.
const hosts = ['0.0.0.0', '*', '', '::', '[::]', 'localhost', 'LOCALHOST', '127.0.0.1', '127.0.0.2', '::1', 'ip6-localhost', '10.0.0.7', '10.0.0.8', 'fe80::1', '::ffff:', 'Example.COM', null]
const corpus: Endpoint[] = [
  ...hosts.flatMap((host) => [8000, 8001].map((port) => ({host, port, unix: null}))),
  {host: '10.0.0.7', port: null, unix: null},
  {host: null, port: null, unix: '/run/app.sock'},
  {host: null, port: null, unix: '/run/other.sock'},
  {host: '127.0.0.1', port: 8000, unix: '/run/app.sock'},
]

describe('ListenerIndex', () => {
  it('matches exactly the pairs endpointMatches matches', () => {
    const index = new ListenerIndex<number>()
    corpus.forEach((l, i) => index.add(l, i))
    for (const target of corpus) {
      const expected = corpus.map((l, i) => (endpointMatches(target, l) ? i : -1)).filter((i) => i >= 0)
      expect({target, all: index.all(target)}).toEqual({target, all: expected})
      expect({target, first: index.first(target)}).toEqual({target, first: expected[0]})
    }
  })

  it('reports a value once when several of its listeners match, at its earliest', () => {
    const index = new ListenerIndex<string>()
    index.add({host: '0.0.0.0', port: 80, unix: null}, 'b')
    index.add({host: '10.0.0.1', port: 80, unix: null}, 'a')
    index.add({host: '::', port: 80, unix: null}, 'a')
    index.add({host: '10.0.0.1', port: 80, unix: null}, 'b')
    expect(index.all({host: '10.0.0.1', port: 80, unix: null})).toEqual(['b', 'a'])
    expect(index.first({host: '10.0.0.1', port: 80, unix: null})).toBe('b')
    expect(index.first({host: '10.0.0.1', port: 81, unix: null})).toBeUndefined()
  })
})
