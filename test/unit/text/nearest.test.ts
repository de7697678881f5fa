import {distance, nearest} from '../../../src/text/nearest.js'

describe('nearest', () => {
  it('finds transpositions and single edits, and stays quiet for wild guesses', () => {
    expect(nearest('audti', ['audit', 'check', 'collect', 'fix'])).toBe('audit')
    expect(nearest('--fromat', ['--format', '--fail-on', '--output'])).toBe('--format')
    expect(nearest('xyzzy', ['audit', 'check', 'collect', 'fix'])).toBeNull()
  })

  it('bounds the distance it computes', () => {
    expect(distance('kitten', 'sitting', 5)).toBe(3)
    expect(distance('a', 'abcdefgh', 2)).toBe(3)
  })
})
