// The one batching helper: group then scatter answers back, and one call over many lists. The oracle
// is the items themselves: answering each item with a function of it must give that function, in order.
import fc from 'fast-check';
import { callFlattened, groupBy } from '../../src/batching';

test('groups keep the order in which each key first appears, and items keep theirs within a group', () => {
  const { groups } = groupBy(['b1', 'a1', 'b2', 'c1', 'a2'], (item) => item[0]);
  expect(groups).toEqual([
    { key: 'b', items: ['b1', 'b2'] },
    { key: 'a', items: ['a1', 'a2'] },
    { key: 'c', items: ['c1'] },
  ]);
});

test('scatter puts every answer back at its item: any items, any keys', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ key: fc.integer({ min: 0, max: 4 }), value: fc.string() })), (items) => {
      const { groups, scatter } = groupBy(items, (item) => item.key);
      const answers = scatter(groups.map((group) => group.items.map((item) => `${group.key}:${item.value}`)));
      expect(answers).toEqual(items.map((item) => `${item.key}:${item.value}`));
    }),
  );
});

test('scatter refuses a wrong number of answer lists, or of answers in a list, naming the counts', () => {
  const { scatter } = groupBy([1, 2, 3], (n) => n % 2);
  expect(() => scatter([[1, 3]])).toThrow('1 answer lists for 2 groups');
  expect(() => scatter([[1], [2]])).toThrow('group 0 got 1 answers for 2 items');
  expect(() => scatter([[1, 3], []])).toThrow('group 1 got 0 answers for 1 items');
  expect(() => scatter([[1, 3, 5], [2]])).toThrow('group 0 got 3 answers for 2 items');
});

test('one call over every list, its answers split back into the lists', async () => {
  const calls: number[][] = [];
  const answers = await callFlattened([[1, 2], [], [3], [4, 5, 6]], async (all) => {
    calls.push(all);
    return all.map((n) => n * 10);
  });
  expect(calls).toEqual([[1, 2, 3, 4, 5, 6]]);
  expect(answers).toEqual([[10, 20], [], [30], [40, 50, 60]]);
});

test('no items, no call', async () => {
  const call = jest.fn(async (all: number[]) => all);
  expect(await callFlattened([[], []], call)).toEqual([[], []]);
  expect(await callFlattened([], call)).toEqual([]);
  expect(call).not.toHaveBeenCalled();
});

test('a call that answers a wrong number of items is an error naming the counts', async () => {
  await expect(callFlattened([[1, 2], [3]], async (all) => all.slice(1))).rejects.toThrow('2 answers for 3 items');
  await expect(callFlattened([[1]], async (all) => [...all, 9])).rejects.toThrow('2 answers for 1 items');
});
