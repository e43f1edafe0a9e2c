import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuery, QuerySyntaxError } from '../../src/server/search/query-language.js';

describe('query language parser', () => {
  it('parses conditions, lists and bare words', () => {
    assert.deepEqual(parseQuery('name = "red-dress.jpg"'), {
      kind: 'condition',
      field: 'name',
      op: '=',
      value: { kind: 'string', value: 'red-dress.jpg' },
      position: 1,
    });
    const list = parseQuery('"customMetadata.tuple" IN ["luxury", 500, true]');
    assert.equal(list.kind, 'condition');
    if (list.kind === 'condition') {
      assert.equal(list.field, 'customMetadata.tuple');
      assert.deepEqual(list.value, {
        kind: 'list',
        items: [
          { kind: 'string', value: 'luxury' },
          { kind: 'number', value: 500, raw: '500' },
          { kind: 'bool', value: true },
        ],
      });
    }
    const bare = parseQuery('createdAt < 2020-01-01T12:12:12');
    assert.deepEqual(bare.kind === 'condition' && bare.value, {
      kind: 'bareword',
      value: '2020-01-01T12:12:12',
    });
    const rel = parseQuery('createdAt < 2d');
    assert.deepEqual(rel.kind === 'condition' && rel.value, { kind: 'bareword', value: '2d' });
  });

  it('binds AND tighter than OR and honours parentheses', () => {
    const tree = parseQuery('a = 1 OR b = 2 AND c = 3');
    assert.equal(tree.kind, 'or');
    assert.equal(tree.kind === 'or' && tree.right.kind, 'and');
    const grouped = parseQuery('(a = 1 OR b = 2) AND c = 3');
    assert.equal(grouped.kind, 'and');
  });

  it('reads every operator, with or without spaces', () => {
    const ops = ['=', ':', '<', '<=', '>', '>=', 'IN', 'NOT IN', 'NOT =', 'NOT :'];
    for (const op of ops) {
      const value = op.includes('IN') ? '["x"]' : '"x"';
      const tree = parseQuery(`name ${op} ${value}`);
      assert.equal(tree.kind === 'condition' && tree.op, op);
    }
    assert.equal((parseQuery('name:"x"') as { op: string }).op, ':');
    assert.equal((parseQuery('size<=10') as { op: string }).op, '<=');
  });

  it('unescapes quotes and backslashes in strings', () => {
    const tree = parseQuery(String.raw`name = "say \"hi\" \\ there"`);
    assert.deepEqual(tree.kind === 'condition' && tree.value, { kind: 'string', value: 'say "hi" \\ there' });
  });

  it('says where the query broke and what it expected', () => {
    const cases: Array<[string, string]> = [
      ['size >', "expected a value after 'size >' at position 7"],
      ['size > ', "expected a value after 'size >' at position 8"],
      [
        'name = "x" AND',
        'expected a field name after \'name = "x" AND\' but found the end of the query at position 15',
      ],
      ['(name = "x"', "expected ')' to close the '(' at position 1 at position 12"],
      ['name = "x")', "unmatched ')' at position 11"],
      ['name "x"', "expected an operator (=, :, <, <=, >, >=, IN, NOT IN, NOT =) after 'name' at position 6"],
      ['name = "x', 'unterminated string starting at position 8'],
      ['tags IN "a"', `expected a list like ["a", "b"] after 'tags IN' at position 9`],
      ['name = "a" name = "b"', "expected AND or OR before 'name' at position 12"],
      ['', 'expected a condition at position 1'],
      ['name NOT "x"', "expected IN, '=' or ':' after 'name NOT' at position 10"],
    ];
    for (const [query, message] of cases) {
      assert.throws(
        () => parseQuery(query),
        (error: unknown) => error instanceof QuerySyntaxError && error.message === message,
        `${query} → ${message}`,
      );
    }
  });

  it('refuses very long or deeply nested queries instead of recursing forever', () => {
    assert.throws(() => parseQuery(`${'('.repeat(100)}a = 1${')'.repeat(100)}`), /nested more than 32 deep/);
    assert.throws(() => parseQuery(`name = "${'x'.repeat(5000)}"`), /longer than 4096 characters/);
  });
});
